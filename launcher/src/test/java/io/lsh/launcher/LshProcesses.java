package io.lsh.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Real {@code lsh} JVM processes for multi-process tests, on this test's class path: each writes its console to
 * {@code <dir>/<name>.out}; {@link #close()} kills whatever is still running.
 */
final class LshProcesses implements AutoCloseable {

    private final Path dir;
    private final List<String> jvmOptions;
    private final List<Process> processes = new ArrayList<>();

    /**
     * @param dir        where the console outputs go
     * @param jvmOptions extra JVM options of every process (e.g. {@code -Dpekko....})
     */
    LshProcesses(Path dir, String... jvmOptions) {
        this.dir = dir;
        this.jvmOptions = List.of(jvmOptions);
    }

    /** Starts {@code lsh args...} as process {@code name}. */
    Process start(String name, String... args) throws IOException {
        return start(name, Map.of(), args);
    }

    /** Starts {@code lsh args...} as process {@code name} with extra environment variables. */
    Process start(String name, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                // without jdk.incubator.vector: the JVM would print its "Using incubator modules" warning (bin/lsh
                // drops it), and these tests check one-line errors; the children take the scalar loops
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LshMain.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".out").toFile());
        builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        builder.environment().putAll(env);
        Process p = builder.start();
        processes.add(p);
        return p;
    }

    /** @return what process {@code name} printed so far (empty before it started writing) */
    String output(String name) throws IOException {
        Path file = dir.resolve(name + ".out");
        return Files.exists(file) ? Files.readString(file) : "";
    }

    @Override
    public void close() {
        processes.forEach(Process::destroyForcibly);
    }
}
