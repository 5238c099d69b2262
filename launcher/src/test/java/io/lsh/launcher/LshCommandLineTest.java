package io.lsh.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's contract for bad input: one line naming the problem, exit code 2, nothing created. */
class LshCommandLineTest {

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = LshMain.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    private void assertUsageError(Result r, String expected) throws IOException {
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertFalse(r.err().contains("Exception"), "no stack trace: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        try (Stream<Path> created = Files.list(dir)) {
            assertTrue(created.noneMatch(p -> p.getFileName().toString().startsWith("default")),
                    "no study folder is created for bad input");
        }
    }

    @Test
    void helpWorksOnEveryCommand() {
        Result top = run("--help");
        assertEquals(0, top.code());
        assertTrue(top.out().contains("search"), top.out());
        Result search = run("search", "--help");
        assertEquals(0, search.code());
        for (String option : new String[] {"--config", "--workers", "--seed", "--out", "--log-level"}) {
            assertTrue(search.out().contains(option), option + " documented: " + search.out());
        }
    }

    @Test
    void aStandbyCoordinatorNeedsTheStudyFolderAndALockedFolderIsRefused() throws IOException {
        assertUsageError(run("coordinator", "--join", "127.0.0.1:25520", "--out", dir.toString()),
                "--join makes this coordinator a standby");
        io.lsh.coordinator.StudyFolder folder = io.lsh.coordinator.StudyFolder.create(dir.resolve("studies"),
                "locked", java.time.LocalDateTime.now());
        Files.writeString(folder.settingsFile(), io.lsh.config.StudySettingsLoader.load(java.util.Optional.empty(),
                java.util.Map.of("corpus.dir", RepoPaths.builtInCorpus().toString())).rendered());
        try (io.lsh.coordinator.StudyLock running = new io.lsh.coordinator.StudyLock(folder, "the running one")) {
            assertTrue(running.tryAcquire());
            for (String command : new String[] {"coordinator", "search"}) {
                Result r = run(command, "--resume", folder.path().toString());
                assertEquals(2, r.code(), r.err());
                assertEquals(1, r.err().lines().count(), "one line: " + r.err());
                assertTrue(r.err().contains(folder.path() + ": the study is running in another coordinator "
                        + "(coordinator.lock is locked by pid " + ProcessHandle.current().pid() + ", the running one)"),
                        r.err());
            }
        }
        assertFalse(Files.exists(folder.journalFile()), "nothing written");
    }

    @Test
    void unknownCommandAndFlag() throws IOException {
        assertUsageError(run("serch"), "serch");
        assertUsageError(run("search", "--out", dir.toString(), "--fast"), "--fast");
        assertUsageError(run("search", "--out", dir.toString(), "--workers", "two"), "--workers");
        assertUsageError(run("search", "--out", dir.toString(), "--log-level", "LOUD"), "LOUD");
    }

    @Test
    void missingOrUnreadableConfig() throws IOException {
        Path missing = dir.resolve("missing.conf");
        assertUsageError(run("search", "--out", dir.toString(), "--config", missing.toString()), missing.toString());
        Path broken = Files.writeString(dir.resolve("broken.conf"), "lsh { study { seed = \n");
        assertUsageError(run("search", "--out", dir.toString(), "--config", broken.toString()), broken.toString());
    }

    @Test
    void sparsityOutsideTheUnitInterval() throws IOException {
        assertUsageError(run("search", "--out", dir.toString(), "--set", "pruning.sparsity=1.5"),
                "lsh.pruning.sparsity = 1.5 is outside [0, 1)");
        assertUsageError(run("search", "--out", dir.toString(), "--set", "pruning.sparsity=-0.2"),
                "lsh.pruning.sparsity");
    }

    @Test
    void unknownPruningControlIsNamed() throws IOException {
        Path conf = Files.writeString(dir.resolve("typo.conf"), "lsh.space { death = [magnitude, SETT] }\n");
        assertUsageError(run("search", "--out", dir.toString(), "--config", conf.toString()), "SETT");
        assertUsageError(run("search", "--out", dir.toString(), "--set", "pruning.method=prune_it"),
                "lsh.pruning.method");
        assertUsageError(run("search", "--out", dir.toString(), "--set", "pruning.schedule=step"),
                "lsh.pruning.schedule");
    }

    @Test
    void spectrumOfAMissingOrCorruptCheckpoint() throws IOException {
        Path missing = dir.resolve("none.lshc");
        assertUsageError(run("spectrum", "--checkpoint", missing.toString()), missing.toString());
        Path corrupt = Files.writeString(dir.resolve("corrupt.lshc"), "not a checkpoint");
        assertUsageError(run("spectrum", "--checkpoint", corrupt.toString()), corrupt.toString());
        assertUsageError(run("spectrum", "--checkpoint", corrupt.toString(), "--steps", "0"), "steps");
        assertUsageError(run("spectrum", "--checkpoint", corrupt.toString(), "--warmup-mode", "shift"),
                "unknown spectrum warm-up mode 'shift'");
    }

    @Test
    void reportOfAMissingStudyFolder() throws IOException {
        Path missing = dir.resolve("no-study");
        assertUsageError(run("report", missing.toString()), missing.toString());
    }

    @Test
    void workerNeedsAValidCoordinatorAddressAndDevice() throws IOException {
        assertUsageError(run("worker", "--join", "localhost:http"), "localhost:http");
        assertUsageError(run("worker", "--join", "127.0.0.1:25520", "--device", "cuda:0"), "cuda:0");
        assertUsageError(run("worker"), "--join");
    }

    @Test
    void missingOrEmptyCorpus() throws IOException {
        Path nowhere = dir.resolve("no-corpus");
        assertUsageError(run("search", "--out", dir.toString(), "--set", "corpus.dir=" + nowhere), nowhere.toString());
        Path corpus = Files.createDirectory(dir.resolve("corpus"));
        Files.writeString(corpus.resolve("wiki.train.tokens"), " the cat sat \n");
        Files.writeString(corpus.resolve("wiki.valid.tokens"), " the cat \n");
        Files.writeString(corpus.resolve("wiki.test.tokens"), "");
        assertUsageError(run("search", "--out", dir.toString(), "--set", "corpus.dir=" + corpus),
                "wiki.test.tokens");
    }
}
