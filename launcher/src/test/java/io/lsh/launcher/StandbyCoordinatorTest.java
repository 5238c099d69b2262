package io.lsh.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hot standby coordinator as a real JVM process: coordinator A runs the study, coordinator B joins A's cluster on
 * the same study folder ({@code lsh coordinator --resume DIR --join A}), two workers join through either. A is
 * killed with SIGKILL in the middle of the study; B downs it (A's study lock is released), the study singleton moves
 * to B, B resumes from the journal and the workers follow it: the study completes, every segment once.
 */
class StandbyCoordinatorTest {

    @TempDir
    Path out;

    private LshProcesses lsh;

    @BeforeEach
    void processes() {
        lsh = new LshProcesses(out, "-Dpekko.cluster.split-brain-resolver.stable-after=2s");
    }

    @AfterEach
    void killLeftovers() {
        lsh.close();
    }

    private void awaitOutput(String name, Process process, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!lsh.output(name).contains(text)) {
            assertTrue(process.isAlive(), name + " runs: " + lsh.output(name));
            assertTrue(System.nanoTime() < deadline, name + " prints '" + text + "' within a minute: "
                    + lsh.output(name));
            Thread.sleep(100);
        }
    }

    private Path studyFolder() throws Exception {
        try (Stream<Path> s = Files.list(out.resolve("studies"))) {
            return s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    @Test
    void theStandbyTakesTheStudyOverWhenTheActiveCoordinatorIsKilled() throws Exception {
        int portA = ClusterNodes.freePort("127.0.0.1");
        int portB = ClusterNodes.freePort("127.0.0.1");
        String a = "127.0.0.1:" + portA;
        String b = "127.0.0.1:" + portB;
        Process active = lsh.start("a", "coordinator", "--config", RepoPaths.tinyStudy().toString(),
                "--set", "corpus.dir=" + RepoPaths.builtInCorpus(), "--set", "metrics.enabled=false",
                "--out", out.resolve("studies").toString(), "--bind", a);
        awaitOutput("a", active, "Coordinator listening on");
        Path study = studyFolder();
        Process standby = lsh.start("b", "coordinator", "--resume", study.toString(), "--join", a, "--bind", b);
        awaitOutput("b", standby, "is up in the cluster of " + a);
        Process w1 = lsh.start("w1", "worker", "--join", a + "," + b);
        Process w2 = lsh.start("w2", "worker", "--join", a, "--join", b);

        // kill -9 the active coordinator once two candidate segments are ranked
        Path journal = study.resolve("journal.jsonl");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        java.time.Instant killedAt = null;
        while (active.isAlive()) {
            assertTrue(System.nanoTime() < deadline, "the study got going: " + lsh.output("a"));
            assertTrue(standby.isAlive(), "the standby waits: " + lsh.output("b"));
            Thread.sleep(100);
            if (Files.exists(journal) && Files.readString(journal).lines()
                    .filter(l -> l.contains("\"event\":\"engine_result\"")).count() >= 2) {
                active.destroyForcibly().waitFor();
                killedAt = java.time.Instant.now();
            }
        }
        assertTrue(standby.waitFor(4, TimeUnit.MINUTES), "the study ends on the standby");
        assertEquals(0, standby.exitValue(), lsh.output("b"));
        assertTrue(lsh.output("b").contains("SELECTED"), lsh.output("b"));
        assertTrue(Files.readString(study.resolve("lsh.log")).contains("Coordinator node pekko://lsh@" + a
                + " is unreachable and no longer holds the study lock: downing it"), "the standby downed A at once");
        assertTrue(Files.readString(study.resolve("lsh.log")).contains("Continuing the study in " + study
                + " from its journal on this node (pekko://lsh@" + b + ")"), "the standby resumed from the journal");
        assertTrue(w1.waitFor(60, TimeUnit.SECONDS) && w2.waitFor(60, TimeUnit.SECONDS), "workers leave at the end");
        assertEquals(0, w1.exitValue(), lsh.output("w1"));
        assertEquals(0, w2.exitValue(), lsh.output("w2"));

        List<String> events = Files.readAllLines(journal);
        assertEquals(1, events.stream().filter(l -> l.contains("\"event\":\"study_started\"")).count());
        assertEquals(1, events.stream().filter(l -> l.contains("\"event\":\"study_resumed\"")).count());
        int resumedAt = events.indexOf(events.stream().filter(l -> l.contains("\"event\":\"study_resumed\""))
                .findFirst().orElseThrow());
        String resumed = events.get(resumedAt).replaceAll(".*\"time\":\"([^\"]+)\".*", "$1");
        System.out.println("Standby took over " + java.time.Duration.between(killedAt, java.time.Instant.parse(resumed))
                .toMillis() + " ms after the SIGKILL");
        for (Process w : List.of(w1, w2)) {
            assertTrue(events.subList(resumedAt, events.size()).stream().anyMatch(l -> l.contains("worker_registered")
                    && l.contains("-" + w.pid() + "/")), "worker " + w.pid() + " was adopted by the standby");
        }
        Set<String> completed = new HashSet<>();
        for (String l : events) {
            if (l.contains("\"event\":\"run_completed\"")) {
                String segment = l.replaceAll(".*\"trial\":(\\d+),.*\"epoch\":(\\d+),.*", "$1@$2");
                assertTrue(completed.add(segment), "segment " + segment + " completed once");
            }
        }
        assertTrue(events.get(events.size() - 1).contains("\"event\":\"study_finished\""), "the study finished");
        assertEquals(5, Files.readAllLines(study.resolve("trials.csv")).size());
        assertTrue(Files.readString(study.resolve("trials.csv")).lines().skip(1)
                .noneMatch(l -> l.contains(",FAILED,")), "nothing failed");
        assertTrue(Files.readString(study.resolve("coordinator.lock")).contains(b),
                "the standby held the study lock last");
    }
}
