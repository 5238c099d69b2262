package io.lsh.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.lsh.config.StudySettings;
import io.lsh.config.StudySettingsLoader;
import io.lsh.protocol.CoordinatorCommand;
import io.lsh.protocol.EpochSpectrum;
import io.lsh.protocol.ProtocolVersion;
import io.lsh.protocol.TrialMetrics;
import io.lsh.protocol.TrialPhase;
import io.lsh.protocol.WorkerCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's protocol flow with scripted workers (no training): reference first, elimination rounds,
 * finalists, exports. Every message is serialized (serialize-messages = on), as it would be between nodes.
 */
class CoordinatorTest {

    private final ActorTestKit testKit = ScriptedWorkers.serializingTestKit();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        testKit.shutdownTestKit();
    }

    @Test
    void aWorkerSpeakingAnotherProtocolVersionIsRefusedWithTheReason() throws Exception {
        StudySettings settings = StudySettingsLoader.load(Optional.empty(), Map.of("study.out", dir.toString()));
        StudyFolder folder = StudyFolder.create(dir, "test", LocalDateTime.now());
        CompletableFuture<StudyOutcome> outcome = new CompletableFuture<>();
        testKit.spawn(Coordinator.create(StudyPlan.of(settings), folder, outcome));
        var listings = testKit.<org.apache.pekko.actor.typed.receptionist.Receptionist.Listing>createTestProbe();
        testKit.system().receptionist().tell(org.apache.pekko.actor.typed.receptionist.Receptionist.subscribe(
                io.lsh.protocol.ServiceKeys.COORDINATOR, listings.getRef()));
        ActorRef<CoordinatorCommand> wire = null;
        while (wire == null) {
            wire = listings.receiveMessage(java.time.Duration.ofSeconds(10))
                    .getServiceInstances(io.lsh.protocol.ServiceKeys.COORDINATOR).stream().findFirst().orElse(null);
        }
        var worker = testKit.<WorkerCommand>createTestProbe();
        wire.tell(new CoordinatorCommand.RegisterWorker("old", "cpu", ProtocolVersion.CURRENT - 1, worker.getRef()));
        WorkerCommand.RegistrationRefused refused = worker.expectMessageClass(WorkerCommand.RegistrationRefused.class);
        assertTrue(refused.reason().contains("protocol version " + (ProtocolVersion.CURRENT - 1)), refused.reason());
        wire.tell(new CoordinatorCommand.RequestWork("old", worker.getRef()));
        worker.expectNoMessage(java.time.Duration.ofMillis(500));
        assertTrue(Files.readString(folder.journalFile()).lines().noneMatch(l -> l.contains("worker_registered")));
    }

    @Test
    void runsTheReferenceThenEliminationRoundsAndWritesTheStudyFolder() throws Exception {
        StudySettings settings = StudySettingsLoader.load(Optional.empty(), Map.of(
                "search.candidates", 6, "search.first-round-epochs", 1, "search.round-epochs", 1,
                "search.final-epochs", 5, "study.out", dir.toString()));
        StudyPlan plan = StudyPlan.of(settings);
        StudyFolder folder = StudyFolder.create(dir, "test", LocalDateTime.now());
        CompletableFuture<StudyOutcome> outcome = new CompletableFuture<>();
        ActorRef<Coordinator.Message> coordinator = testKit.spawn(Coordinator.create(plan, folder, outcome));
        // The wire endpoint is registered with the Receptionist; find it like a worker does.
        var probe = testKit.<org.apache.pekko.actor.typed.receptionist.Receptionist.Listing>createTestProbe();
        testKit.system().receptionist().tell(org.apache.pekko.actor.typed.receptionist.Receptionist.subscribe(
                io.lsh.protocol.ServiceKeys.COORDINATOR, probe.getRef()));
        ActorRef<CoordinatorCommand> wire = null;
        while (wire == null) { // listings arrive on every change; the first may be empty
            wire = probe.receiveMessage(java.time.Duration.ofSeconds(10))
                    .getServiceInstances(io.lsh.protocol.ServiceKeys.COORDINATOR).stream().findFirst().orElse(null);
        }
        List<WorkerCommand.RunTrial> seen = new CopyOnWriteArrayList<>();
        testKit.spawn(ScriptedWorkers.worker("w1", wire, seen, java.time.Duration.ZERO));
        testKit.spawn(ScriptedWorkers.worker("w2", wire, seen, java.time.Duration.ZERO));

        StudyOutcome result = outcome.get(30, TimeUnit.SECONDS);
        assertTrue(result.completed(), result.summary());

        // The reference is handed out first, up to the last elimination epoch, with a spectrum every epoch.
        WorkerCommand.RunTrial first = seen.get(0);
        assertEquals(TrialPhase.REFERENCE, first.phase());
        assertEquals(plan.lastSearchEpoch(), first.toEpoch());
        assertTrue(first.spectrumEveryEpoch());
        // Candidates start while the reference trains; those that overtake it are measured by the coordinator
        // once the reference's spectrum at their epoch is in, so every search result carries its distance.
        assertTrue(seen.stream().anyMatch(r -> r.phase() == TrialPhase.SEARCH
                && r.referenceSpectra().stream().noneMatch(s -> s.epoch() == r.toEpoch())), "a candidate overtook");
        for (String line : Files.readAllLines(folder.trialsJsonl())) {
            var trial = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
            for (var round : trial.get("rounds")) {
                if (round.get("phase").asText().equals("SEARCH")) {
                    assertEquals(trial.get("pruning").get("deathRate").asDouble(),
                            round.get("ls_distance").asDouble(), 1e-12, line);
                }
            }
        }
        // 6 candidates -> 4 -> 3 -> 2 finalists; survivors train on from their checkpoints.
        long round1 = seen.stream().filter(r -> r.phase() == TrialPhase.SEARCH && r.round() == 1).count();
        assertEquals(6, round1);
        assertTrue(seen.stream().filter(r -> r.fromEpoch() > 0 && r.phase() != TrialPhase.REFERENCE)
                .allMatch(r -> Files.exists(Path.of(r.resumeCheckpoint()))));
        long finals = seen.stream().filter(r -> r.phase() == TrialPhase.FINAL).map(r -> r.trialId()).distinct().count();
        assertEquals(2, finals);

        for (Path p : List.of(folder.trialsCsv(), folder.trialsJsonl(), folder.spectraCsv(), folder.journalFile(),
                folder.leaderboardFile(), folder.selectedModel())) {
            assertTrue(Files.size(p) > 0, p + " is written");
        }
        // The dense reference also trains on to the final epoch, so the leaderboard compares at equal epochs.
        assertEquals(5, Files.readAllLines(folder.spectraCsv()).stream().filter(l -> l.startsWith("0,")).count());
        assertTrue(result.leaderboard().contains("after 5 epochs"), result.leaderboard());
        List<String> csv = Files.readAllLines(folder.trialsCsv());
        assertEquals(7, csv.size(), "header + 6 trials");
        assertEquals(6, Files.readAllLines(folder.trialsJsonl()).size());
        String journal = Files.readString(folder.journalFile());
        assertTrue(journal.contains("\"event\":\"study_finished\""));
        assertTrue(journal.contains("\"decision\":\"stop\""));
        assertFalse(Files.list(folder.path()).anyMatch(p -> p.toString().endsWith(".tmp")), "no half-written files");
        assertTrue(result.leaderboard().contains("SELECTED"), result.leaderboard());
        testKit.stop(coordinator);
    }

    @Test
    void withTheFinalReferenceAndPca2TheReferenceTrainsFullyFirstAndEveryCandidateIsRankedAgainstIt()
            throws Exception {
        StudySettings settings = StudySettingsLoader.load(Optional.empty(), Map.of(
                "search.candidates", 6, "search.first-round-epochs", 1, "search.round-epochs", 1,
                "search.final-epochs", 5, "study.out", dir.toString(),
                "distance.reference", "final", "distance.space", "pca2"));
        StudyPlan plan = StudyPlan.of(settings);
        StudyFolder folder = StudyFolder.create(dir, "final-pca2", LocalDateTime.now());
        CompletableFuture<StudyOutcome> outcome = new CompletableFuture<>();
        ActorTestKit kit = ScriptedWorkers.serializingTestKit();
        try {
            kit.spawn(Coordinator.create(plan, folder, outcome));
            var wire = ScriptedWorkers.coordinator(kit);
            List<WorkerCommand.RunTrial> seen = new CopyOnWriteArrayList<>();
            kit.spawn(ScriptedWorkers.worker("w1", wire, seen, java.time.Duration.ZERO));
            kit.spawn(ScriptedWorkers.worker("w2", wire, seen, java.time.Duration.ZERO));
            StudyOutcome result = outcome.get(30, TimeUnit.SECONDS);
            assertTrue(result.completed(), result.summary());
            // one reference run, to the final epoch (no rest in idle moments)
            List<WorkerCommand.RunTrial> references = seen.stream()
                    .filter(r -> r.phase() == TrialPhase.REFERENCE).toList();
            assertEquals(1, references.size(), references.toString());
            assertEquals(5, references.get(0).toEpoch());
            assertTrue(plan.lastSearchEpoch() < 5);
            // the dense trajectory (-0.1 e, -1), e = 1..5, lies on a line: its first component is (1, 0) and a
            // candidate (-0.1 e - rate, -1) at epoch e lies |0.1 (5 - e) - rate| from the final dense spectrum
            int rounds = 0;
            for (String line : Files.readAllLines(folder.trialsJsonl())) {
                var trial = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
                double rate = trial.get("pruning").get("deathRate").asDouble();
                for (var round : trial.get("rounds")) {
                    if (round.get("phase").asText().equals("SEARCH")) {
                        int epoch = round.get("epoch").asInt();
                        assertEquals(Math.abs(0.1 * (5 - epoch) - rate), round.get("ls_distance").asDouble(), 1e-12,
                                line);
                        rounds++;
                    }
                }
            }
            assertEquals(6 + 4 + 3, rounds, "every search report ranked");
            // candidates ran beside the reference, so the coordinator completed the distances they could not know
            assertTrue(Files.readString(folder.journalFile()).contains("\"event\":\"distance_measured\""));
        } finally {
            kit.shutdownTestKit();
        }
    }

    @Test
    void retrainPromotionsStartFromEpochZeroAndSelectTheSame() throws Exception {
        List<Integer> selected = new java.util.ArrayList<>();
        for (String promotion : List.of("resume", "retrain")) {
            StudySettings settings = StudySettingsLoader.load(Optional.empty(), Map.of(
                    "search.candidates", 6, "search.first-round-epochs", 1, "search.round-epochs", 1,
                    "search.final-epochs", 5, "search.promotion", promotion,
                    "study.out", dir.resolve(promotion).toString()));
            StudyFolder folder = StudyFolder.create(dir.resolve(promotion), "test", LocalDateTime.now());
            CompletableFuture<StudyOutcome> outcome = new CompletableFuture<>();
            ActorTestKit kit = ScriptedWorkers.serializingTestKit();
            try {
                kit.spawn(Coordinator.create(StudyPlan.of(settings), folder, outcome));
                var wire = ScriptedWorkers.coordinator(kit);
                List<WorkerCommand.RunTrial> seen = new CopyOnWriteArrayList<>();
                kit.spawn(ScriptedWorkers.worker("w1", wire, seen, java.time.Duration.ZERO));
                StudyOutcome result = outcome.get(30, TimeUnit.SECONDS);
                assertTrue(result.completed(), result.summary());
                selected.add(result.selectedTrial().orElseThrow());
                boolean promotedFromZero = seen.stream().filter(r -> r.phase() != TrialPhase.REFERENCE)
                        .filter(r -> r.round() > 1).allMatch(r -> r.fromEpoch() == 0 && r.resumeCheckpoint().isEmpty());
                assertEquals(promotion.equals("retrain"), promotedFromZero, promotion + ": " + seen);
            } finally {
                kit.shutdownTestKit();
            }
        }
        assertEquals(selected.get(0), selected.get(1), "the same study either way");
    }
}
