package io.lsh.coordinator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Append-only JSON Lines record of a study's state changes. Each event is written and synced to disk
 * ({@link FileChannel#force}) before the coordinator acts on it, so a crash loses nothing it acted on. Owned by the
 * coordinator actor: not thread-safe.
 *
 * <p>The journal is the study's durable record: {@code lsh search --resume} rebuilds a crashed study from it
 * ({@link JournalReplay}). A crash can leave at most one incomplete last line (an append cut short); it is ignored
 * by {@link #read} and cut off when the journal is opened again, before anything new is appended.
 */
public final class StudyJournal implements AutoCloseable {

    private final ObjectMapper json = new ObjectMapper();
    private final FileChannel channel;
    private final Path file;

    /** Opens (or creates) the journal for appending, cutting off an incomplete last line left by a crash. */
    public StudyJournal(Path file) {
        this.file = file;
        try {
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ);
            long complete = completeLength(channel);
            if (complete < channel.size()) {
                channel.truncate(complete);
                channel.force(false);
            }
            channel.position(complete);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the study journal " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads every complete event of a journal, in order. An incomplete last line (a crash mid-append) is skipped.
     *
     * @param file the journal
     * @return the events, each a JSON object with at least {@code time} and {@code event}
     * @throws StudyResumeException when the file cannot be read or a complete line is not a journal event
     */
    public static List<JsonNode> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StudyResumeException("cannot read the study journal " + file + ": " + e.getMessage());
        }
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        int lineNo = 0;
        int start = 0;
        for (int end = text.indexOf('\n'); end >= 0; start = end + 1, end = text.indexOf('\n', start)) {
            lineNo++;
            String line = text.substring(start, end);
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode node = json.readTree(line);
                if (node == null || !node.isObject() || !node.hasNonNull("event")) {
                    throw new StudyResumeException(file + " line " + lineNo + " is not a journal event");
                }
                events.add(node);
            } catch (JsonProcessingException e) {
                throw new StudyResumeException(file + " line " + lineNo + " is not valid JSON: "
                        + e.getOriginalMessage());
            }
        }
        return events;
    }

    /** @return the length of the journal up to and including its last newline */
    private static long completeLength(FileChannel channel) throws IOException {
        long size = channel.size();
        ByteBuffer one = ByteBuffer.allocate(1);
        for (long pos = size - 1; pos >= 0; pos--) {
            one.clear();
            channel.read(one, pos);
            if (one.get(0) == '\n') {
                return pos + 1;
            }
        }
        return 0;
    }

    /**
     * Appends one event durably.
     *
     * @param event  event name in snake case ({@code trial_created}, {@code trial_stopped}, ...)
     * @param fields event fields (values: strings, numbers, booleans, lists, maps)
     */
    public void append(String event, Map<String, ?> fields) {
        ObjectNode node = json.createObjectNode();
        node.put("time", Instant.now().toString());
        node.put("event", event);
        fields.forEach((k, v) -> node.set(k, json.valueToTree(v)));
        byte[] line = (node.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the study journal " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
