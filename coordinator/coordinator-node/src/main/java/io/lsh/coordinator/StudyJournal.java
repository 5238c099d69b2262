package io.lsh.coordinator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Append-only JSON Lines record of a study's state changes. Every event is on disk ({@link FileChannel#force})
 * before the coordinator acts on it, so a crash loses nothing it acted on. Owned by the coordinator actor: not
 * thread-safe.
 *
 * <p><b>Durability modes</b> ({@link Sync}). {@link Sync#EVERY_EVENT} writes and syncs each event in
 * {@link #append}: one fsync per event (several per worker report), which caps a coordinator at a few hundred
 * reports per second on an ordinary disk (docs/benchmarks.md, "Coordinator scale"). {@link Sync#GROUP} is group
 * commit with the same guarantee: {@link #append} only buffers the event, and every action that makes a decision
 * visible outside the coordinator (a message to a worker) is handed to {@link #afterDurable}, which holds it until
 * the next {@link #sync()} has written and synced every event appended before it. The coordinator syncs once per
 * batch of messages (it sends itself a flush message when the first event of a batch is buffered, so the batch is
 * whatever was already in its mailbox). A crash before the sync loses buffered events, but then nothing was acted on
 * them: no worker was told, and {@link JournalReplay} resumes from the last synced event exactly as after a crash a
 * moment earlier (the reports of those events are lost like reports that had not arrived; their segments run again).
 * In-memory state and derived files (trials.csv, spectra.csv) may run ahead of the journal; they are rebuilt from it
 * on resume.
 *
 * <p>The journal is the study's durable record: {@code lsh search --resume} rebuilds a crashed study from it
 * ({@link JournalReplay}). A crash can leave at most one incomplete last line (an append cut short); it is ignored
 * by {@link #read} and cut off when the journal is opened again, before anything new is appended.
 */
public final class StudyJournal implements AutoCloseable {

    /** When appended events reach the disk. */
    public enum Sync {
        /** Each {@link #append} writes and syncs its event before returning. */
        EVERY_EVENT,
        /** {@link #append} buffers; {@link #sync()} writes and syncs the buffered events, then runs held actions. */
        GROUP
    }

    private final ObjectMapper json = new ObjectMapper();
    private final FileChannel channel;
    private final Path file;
    private final Sync mode;
    /** Encoded events not yet written (GROUP). */
    private final ByteArrayOutputStream buffered = new ByteArrayOutputStream(1 << 16);
    /** Actions waiting for the buffered events to be durable, in the order they were handed over. */
    private final ArrayDeque<Runnable> held = new ArrayDeque<>();
    private long syncs;

    /** Opens (or creates) the journal with a sync per event ({@link Sync#EVERY_EVENT}). */
    public StudyJournal(Path file) {
        this(file, Sync.EVERY_EVENT);
    }

    /** Opens (or creates) the journal for appending, cutting off an incomplete last line left by a crash. */
    public StudyJournal(Path file, Sync mode) {
        this.file = file;
        this.mode = mode;
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
     * Appends one event: durable on return with {@link Sync#EVERY_EVENT}, durable at the next {@link #sync()} with
     * {@link Sync#GROUP} (act on it only through {@link #afterDurable}).
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
        if (mode == Sync.GROUP) {
            buffered.writeBytes(line);
            return;
        }
        write(line);
        force();
    }

    /**
     * Runs an action once every event appended so far is durable: at once if it already is (always with
     * {@link Sync#EVERY_EVENT}), otherwise at the next {@link #sync()}, after the fsync. Actions run in the order
     * they were handed over.
     *
     * @param action what acts on the appended events (typically a message to a worker)
     */
    public void afterDurable(Runnable action) {
        if (buffered.size() == 0 && held.isEmpty()) {
            action.run();
        } else {
            held.add(action);
        }
    }

    /** @return true when events are buffered or actions held, i.e. a {@link #sync()} is due */
    public boolean syncDue() {
        return buffered.size() > 0 || !held.isEmpty();
    }

    /**
     * Writes the buffered events, syncs them to disk (one fsync for all of them), then runs the held actions in
     * order. Nothing to do when nothing is buffered or held.
     */
    public void sync() {
        if (buffered.size() > 0) {
            write(buffered.toByteArray());
            buffered.reset();
            force();
        }
        while (!held.isEmpty()) {
            held.poll().run();
        }
    }

    /** @return the fsyncs so far (for measurements) */
    public long syncCount() {
        return syncs;
    }

    private void write(byte[] bytes) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the study journal " + file + ": " + e.getMessage(), e);
        }
    }

    private void force() {
        try {
            channel.force(false);
            syncs++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sync the study journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** Syncs what is buffered (running the held actions), then closes the file. */
    @Override
    public void close() {
        sync();
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
