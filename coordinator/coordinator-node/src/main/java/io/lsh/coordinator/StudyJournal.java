package io.lsh.coordinator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;

/**
 * Append-only JSON Lines record of a study's state changes. Each event is written and synced to disk
 * ({@link FileChannel#force}) before the coordinator acts on it, so a crash loses nothing it acted on. Owned by the
 * coordinator actor: not thread-safe.
 */
public final class StudyJournal implements AutoCloseable {

    private final ObjectMapper json = new ObjectMapper();
    private final FileChannel channel;
    private final Path file;

    public StudyJournal(Path file) {
        this.file = file;
        try {
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the study journal " + file + ": " + e.getMessage(), e);
        }
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
