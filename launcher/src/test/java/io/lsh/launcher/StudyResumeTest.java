package io.lsh.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash and resume with real processes: {@code lsh search} is killed with SIGKILL at (seeded) random points of a tiny
 * study, twice, and {@code lsh search --resume DIR} finishes it. The finished study must hold exactly the results of
 * an uninterrupted run with the same seed (training and spectra are bitwise deterministic on the CPU), with every
 * segment completed once, nothing lost and nothing duplicated.
 */
class StudyResumeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path out;

    private LshProcesses lsh;

    @org.junit.jupiter.api.BeforeEach
    void processes() {
        lsh = new LshProcesses(out);
    }

    @AfterEach
    void killLeftovers() {
        lsh.close();
    }


    private Process search(String name, Path parent) throws Exception {
        return lsh.start(name, "search", "--config", RepoPaths.tinyStudy().toString(),
                "--set", "corpus.dir=" + RepoPaths.builtInCorpus(), "--set", "metrics.enabled=false",
                "--out", parent.toString());
    }

    private static Path onlyStudy(Path parent) throws Exception {
        try (Stream<Path> s = Files.list(parent)) {
            return s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    private static long engineEvents(Path journal) throws Exception {
        if (!Files.exists(journal)) {
            return 0;
        }
        return Files.readString(journal).lines().filter(l -> l.contains("\"event\":\"engine_")).count();
    }

    /** Kills {@code p} (SIGKILL) once the journal holds at least {@code events} engine events. */
    private static void killAfter(Process p, Path parent, long events) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            assertTrue(p.isAlive(), "the study is still running when it should be killed");
            if (Files.isDirectory(parent) && engineEvents(onlyStudyOrNull(parent)) >= events) {
                p.destroyForcibly().waitFor();
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the journal never reached " + events + " engine events");
    }

    private static Path onlyStudyOrNull(Path parent) throws Exception {
        try (Stream<Path> s = Files.list(parent)) {
            return s.filter(Files::isDirectory).findFirst().map(d -> d.resolve("journal.jsonl"))
                    .orElse(parent.resolve("none"));
        }
    }


    /** Per trial: configuration, state, reason and every round's metrics (no timings, no paths). */
    private static Map<Integer, String> outcomes(Path study) throws Exception {
        Map<Integer, String> byTrial = new TreeMap<>();
        for (String line : Files.readAllLines(study.resolve("trials.jsonl"))) {
            JsonNode t = JSON.readTree(line);
            byTrial.put(t.get("trial").asInt(), String.join(" | ", t.get("configuration").toString(),
                    t.get("state").asText(), t.path("reason").asText(), t.get("rounds").toString()));
        }
        return byTrial;
    }

    private static Set<String> spectraRows(Path study) throws Exception {
        List<String> lines = Files.readAllLines(study.resolve("spectra.csv"));
        Set<String> rows = new HashSet<>(lines);
        assertEquals(lines.size(), rows.size(), "no duplicated spectrum row in " + study);
        return rows;
    }

    @Test
    void aStudyKilledTwiceAndResumedEqualsAnUninterruptedOne() throws Exception {
        Path uninterrupted = out.resolve("uninterrupted");
        Process reference = search("uninterrupted", uninterrupted);
        assertTrue(reference.waitFor(4, TimeUnit.MINUTES), "the uninterrupted study ends");
        assertEquals(0, reference.exitValue(), lsh.output("uninterrupted"));
        Path full = onlyStudy(uninterrupted);
        long total = engineEvents(full.resolve("journal.jsonl"));
        assertTrue(total >= 12, "a tiny study has enough engine events to cut: " + total);

        Random random = new Random(20261128L);
        long firstKill = 1 + random.nextInt((int) total / 2);
        long secondKill = firstKill + 2 + random.nextInt((int) (total - firstKill - 3));
        Path crashed = out.resolve("crashed");
        killAfter(search("run-1", crashed), crashed, firstKill);
        Path study = onlyStudy(crashed);
        killAfter(lsh.start("run-2", "search", "--resume", study.toString()), crashed, secondKill);
        Process last = lsh.start("run-3", "search", "--resume", study.toString());
        assertTrue(last.waitFor(4, TimeUnit.MINUTES), "the resumed study ends");
        assertEquals(0, last.exitValue(), lsh.output("run-3"));
        assertTrue(lsh.output("run-3").contains("SELECTED"), lsh.output("run-3"));
        assertTrue(lsh.output("run-2").contains("Resuming the study in"), lsh.output("run-2"));

        assertEquals(outcomes(full), outcomes(study), "same trials, decisions and metrics as without the crashes");
        assertEquals(spectraRows(full), spectraRows(study), "same spectra, each once");
        assertTrue(Files.isRegularFile(study.resolve("selected-model.lshc")));
        assertTrue(Files.isRegularFile(study.resolve("report/index.html")));

        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(study.resolve("journal.jsonl"))) {
            events.add(JSON.readTree(line));
        }
        assertEquals(2, events.stream().filter(e -> e.get("event").asText().equals("study_resumed")).count());
        assertEquals(1, events.stream().filter(e -> e.get("event").asText().equals("study_finished")).count());
        Set<String> completed = new HashSet<>();
        for (JsonNode e : events) {
            if (e.get("event").asText().equals("run_completed")) {
                String segment = e.get("trial").asInt() + "@" + e.get("epoch").asInt();
                assertTrue(completed.add(segment), "segment " + segment + " completed once, not again after a resume");
            }
        }
        assertFalse(completed.isEmpty());

        Process again = lsh.start("again", "search", "--resume", study.toString());
        assertTrue(again.waitFor(1, TimeUnit.MINUTES));
        assertEquals(LshMain.USAGE, again.exitValue(), lsh.output("again"));
        assertEquals(1, lsh.output("again").strip().lines().count(), lsh.output("again"));
        assertTrue(lsh.output("again").contains("already finished"), lsh.output("again"));
    }

    @Test
    void resumingAFolderThatIsNoStudyIsAOneLineError() throws Exception {
        Path notAStudy = Files.createDirectories(out.resolve("empty"));
        Process p = lsh.start("empty", "search", "--resume", notAStudy.toString());
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        assertEquals(LshMain.USAGE, p.exitValue(), lsh.output("empty"));
        assertEquals(1, lsh.output("empty").strip().lines().count(), lsh.output("empty"));
        assertTrue(lsh.output("empty").contains(notAStudy.toString()), lsh.output("empty"));
    }
}
