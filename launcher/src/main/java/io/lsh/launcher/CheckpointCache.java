package io.lsh.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A worker JVM's local copies of checkpoints fetched from (and sent to) the coordinator's artifact store: a temporary
 * directory, removed when the JVM's workers are done.
 */
final class CheckpointCache implements AutoCloseable {

    private final Path directory;

    private CheckpointCache(Path directory) {
        this.directory = directory;
    }

    /** Creates a fresh cache directory under the system's temporary directory. */
    static CheckpointCache create() {
        try {
            return new CheckpointCache(Files.createTempDirectory("lsh-checkpoints-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a checkpoint cache: " + e.getMessage(), e);
        }
    }

    /** @return the directory of one worker's copies */
    Path forWorker(String workerId) {
        return directory.resolve(workerId.replaceAll("[^A-Za-z0-9._-]", "_"));
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }
}
