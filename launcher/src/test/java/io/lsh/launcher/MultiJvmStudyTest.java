package io.lsh.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coordinator and workers as separate JVM processes on loopback (`lsh coordinator`, `lsh worker --join`): a tiny
 * study completes, and it still completes when a worker process is killed in the middle of it.
 */
class MultiJvmStudyTest {

    @TempDir
    Path out;

    private LshProcesses lsh;

    @org.junit.jupiter.api.BeforeEach
    void processes() {
        lsh = new LshProcesses(out, "-Dpekko.cluster.split-brain-resolver.stable-after=2s");
    }

    @AfterEach
    void killLeftovers() {
        lsh.close();
    }


    private Process coordinator(int port, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("coordinator", "--config", RepoPaths.tinyStudy().toString(),
                "--set", "corpus.dir=" + RepoPaths.builtInCorpus(),
                "--out", out.resolve("studies").toString(), "--bind", "127.0.0.1:" + port));
        args.addAll(List.of(extra));
        return lsh.start("coordinator", args.toArray(String[]::new));
    }

    /**
     * Starts the coordinator and waits until it has bound its port, so that a worker binding port 0 cannot be given
     * the same (ephemeral) port first.
     */
    private Process listeningCoordinator(int port, String... extra) throws Exception {
        Process coordinator = coordinator(port, extra);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!(Files.exists(out.resolve("coordinator.out"))
                && lsh.output("coordinator").contains("Coordinator listening on"))) {
            assertTrue(coordinator.isAlive(), "the coordinator runs: " + lsh.output("coordinator"));
            assertTrue(System.nanoTime() < deadline, "the coordinator listens within a minute");
            Thread.sleep(100);
        }
        return coordinator;
    }

    private Path studyFolder() throws Exception {
        try (Stream<Path> s = Files.list(out.resolve("studies"))) {
            return s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }


    @Test
    void coordinatorAndTwoWorkerProcessesRunAStudy() throws Exception {
        int port = ClusterNodes.freePort("127.0.0.1");
        Process coordinator = listeningCoordinator(port);
        Process w1 = lsh.start("w1", "worker", "--join", "127.0.0.1:" + port);
        Process w2 = lsh.start("w2", "worker", "--join", "127.0.0.1:" + port);
        assertTrue(coordinator.waitFor(4, TimeUnit.MINUTES), "the study ends");
        assertEquals(0, coordinator.exitValue(), lsh.output("coordinator"));
        assertTrue(lsh.output("coordinator").contains("SELECTED"), lsh.output("coordinator"));
        assertTrue(w1.waitFor(60, TimeUnit.SECONDS) && w2.waitFor(60, TimeUnit.SECONDS), "workers leave at the end");
        assertEquals(0, w1.exitValue(), lsh.output("w1"));
        String journal = Files.readString(studyFolder().resolve("journal.jsonl"));
        assertEquals(2, journal.lines().filter(l -> l.contains("\"event\":\"worker_registered\"")).count(), journal);
        assertEquals(5, Files.readAllLines(studyFolder().resolve("trials.csv")).size());
    }

    /** Also: checkpoints travel through the coordinator's artifact store, not the shared study folder. */
    @Test
    void aKilledWorkerLosesItsTrialToTheOthers() throws Exception {
        int port = ClusterNodes.freePort("127.0.0.1");
        Process coordinator = listeningCoordinator(port, "--set", "cluster.checkpoint-transfer=coordinator");
        Process victim = lsh.start("victim", "worker", "--join", "127.0.0.1:" + port);
        lsh.start("w2", "worker", "--join", "127.0.0.1:" + port);
        // kill the victim as soon as it holds a candidate trial
        Path journal = null;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        boolean killed = false;
        while (!killed && System.nanoTime() < deadline) {
            Thread.sleep(200);
            if (journal == null && Files.exists(out.resolve("studies"))) {
                try (Stream<Path> s = Files.list(out.resolve("studies"))) {
                    journal = s.findFirst().map(p -> p.resolve("journal.jsonl")).orElse(null);
                }
            }
            if (journal != null && Files.exists(journal)) {
                String victimId = Files.readString(journal).lines()
                        .filter(l -> l.contains("worker_registered") && l.contains("-" + victim.pid() + "/"))
                        .findFirst().map(l -> l.replaceAll(".*\"worker\":\"([^\"]+)\".*", "$1")).orElse(null);
                if (victimId != null && Files.readString(journal).lines().anyMatch(l -> l.contains("run_assigned")
                        && l.contains("\"worker\":\"" + victimId + "\"") && !l.contains("\"trial\":0,"))) {
                    victim.destroyForcibly();
                    killed = true;
                }
            }
        }
        assertTrue(killed, "the victim got a candidate trial");
        assertTrue(coordinator.waitFor(4, TimeUnit.MINUTES), "the study ends without the victim");
        assertEquals(0, coordinator.exitValue(), lsh.output("coordinator"));
        String events = Files.readString(journal);
        assertTrue(events.contains("\"event\":\"worker_lost\""), "the loss is recorded");
        assertEquals(5, Files.readAllLines(studyFolder().resolve("trials.csv")).size());
        assertTrue(Files.readString(studyFolder().resolve("trials.csv")).lines().skip(1)
                .noneMatch(l -> l.contains(",FAILED,")), "the lost trial was resumed elsewhere, not failed");
        assertTrue(new File(studyFolder().toFile(), "selected-model.lshc").isFile());
        assertTrue(lsh.output("coordinator").contains("Artifact store for checkpoints on http://127.0.0.1:"),
                lsh.output("coordinator"));
        assertTrue(events.contains("\"worker_lost\""));
        try (Stream<Path> s = Files.list(studyFolder().resolve("checkpoints"))) {
            assertTrue(s.noneMatch(p -> p.toString().endsWith(".part")), "no partial upload left");
        }
    }

    @Test
    void aKilledCoordinatorResumesAndReadoptsTheLiveWorkers() throws Exception {
        int port = ClusterNodes.freePort("127.0.0.1");
        Process first = listeningCoordinator(port);
        Process w1 = lsh.start("w1", "worker", "--join", "127.0.0.1:" + port);
        Process w2 = lsh.start("w2", "worker", "--join", "127.0.0.1:" + port);
        // kill -9 the coordinator once two candidate segments are ranked
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        Path journal = null;
        while (first.isAlive()) {
            assertTrue(System.nanoTime() < deadline, "the study got going: " + lsh.output("coordinator"));
            Thread.sleep(100);
            if (journal == null && Files.isDirectory(out.resolve("studies"))) {
                try (Stream<Path> s = Files.list(out.resolve("studies"))) {
                    journal = s.findFirst().map(p -> p.resolve("journal.jsonl")).orElse(null);
                }
            }
            if (journal != null && Files.exists(journal) && Files.readString(journal).lines()
                    .filter(l -> l.contains("\"event\":\"engine_result\"")).count() >= 2) {
                first.destroyForcibly().waitFor();
            }
        }
        Path study = studyFolder();
        Process second = lsh.start("coordinator-2", "coordinator", "--resume", study.toString(),
                "--bind", "127.0.0.1:" + port);
        assertTrue(second.waitFor(4, TimeUnit.MINUTES), "the resumed study ends");
        assertEquals(0, second.exitValue(), lsh.output("coordinator-2"));
        assertTrue(lsh.output("coordinator-2").contains("SELECTED"), lsh.output("coordinator-2"));
        assertTrue(w1.waitFor(60, TimeUnit.SECONDS) && w2.waitFor(60, TimeUnit.SECONDS), "workers leave at the end");
        assertEquals(0, w1.exitValue(), lsh.output("w1"));
        assertEquals(0, w2.exitValue(), lsh.output("w2"));

        List<String> events = Files.readAllLines(journal);
        int resumedAt = events.indexOf(events.stream().filter(l -> l.contains("\"event\":\"study_resumed\""))
                .findFirst().orElseThrow());
        for (Process w : List.of(w1, w2)) {
            assertTrue(events.subList(resumedAt, events.size()).stream().anyMatch(l -> l.contains("worker_registered")
                    && l.contains("-" + w.pid() + "/")), "worker " + w.pid() + " was re-adopted: " + events);
        }
        java.util.Set<String> completed = new java.util.HashSet<>();
        for (String l : events) {
            if (l.contains("\"event\":\"run_completed\"")) {
                String segment = l.replaceAll(".*\"trial\":(\\d+),.*\"epoch\":(\\d+),.*", "$1@$2");
                assertTrue(completed.add(segment), "segment " + segment + " completed once");
            }
        }
        assertEquals(5, Files.readAllLines(study.resolve("trials.csv")).size());
        assertTrue(Files.readString(study.resolve("trials.csv")).lines().skip(1)
                .noneMatch(l -> l.contains(",FAILED,")), "nothing failed");
    }
}
