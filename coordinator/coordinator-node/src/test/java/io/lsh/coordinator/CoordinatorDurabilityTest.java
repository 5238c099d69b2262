package io.lsh.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.lsh.config.StudySettingsLoader;
import io.lsh.protocol.CoordinatorCommand;
import io.lsh.protocol.EpochSpectrum;
import io.lsh.protocol.ProtocolVersion;
import io.lsh.protocol.ServiceKeys;
import io.lsh.protocol.TrialMetrics;
import io.lsh.protocol.TrialPhase;
import io.lsh.protocol.WorkerCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Durable before acted on" with group commit (the coordinator's default journal mode), checked from the workers' side: whenever a worker receives a work
 * item, the journal file already holds its {@code run_assigned} event, and the events of the report that led to it.
 * Every check reads the file on disk as a resumed coordinator would ({@link StudyJournal#read}).
 */
class CoordinatorDurabilityTest {

    private final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.parseString("""
            pekko.actor.serialize-messages = on
            pekko.actor.no-serialization-verification-needed-class-prefix = ["org.apache.pekko."]
            """).withFallback(ConfigFactory.load()));

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        testKit.shutdownTestKit();
    }

    private static boolean journaled(List<JsonNode> events, String event, int trial, int attempt) {
        return events.stream().anyMatch(e -> e.get("event").asText().equals(event)
                && e.path("trial").asInt(-1) == trial && e.path("attempt").asInt(-1) == attempt);
    }

    /** Reports every epoch at once; before acting on a RunTrial, checks the journal on disk. */
    private static Behavior<WorkerCommand> checkingWorker(String id, ActorRef<CoordinatorCommand> coordinator,
                                                         Path journal, List<String> violations, AtomicInteger runs) {
        return Behaviors.setup(ctx -> {
            coordinator.tell(new CoordinatorCommand.RegisterWorker(id, "cpu", ProtocolVersion.CURRENT, ctx.getSelf()));
            int[] lastCompleted = {-1, -1};
            return Behaviors.receive(WorkerCommand.class)
                    .onMessage(WorkerCommand.RegistrationAccepted.class, m -> {
                        if (StudyJournal.read(journal).stream()
                                .noneMatch(e -> e.get("event").asText().equals("worker_registered")
                                        && e.get("worker").asText().equals(id))) {
                            violations.add(id + " accepted before worker_registered was durable");
                        }
                        coordinator.tell(new CoordinatorCommand.RequestWork(id, ctx.getSelf()));
                        return Behaviors.same();
                    })
                    .onMessage(WorkerCommand.RunTrial.class, run -> {
                        runs.incrementAndGet();
                        List<JsonNode> onDisk = StudyJournal.read(journal);
                        if (!journaled(onDisk, "run_assigned", run.trialId(), run.attempt())) {
                            violations.add("trial " + run.trialId() + " received before run_assigned was durable");
                        }
                        if (lastCompleted[0] >= 0
                                && !journaled(onDisk, "run_completed", lastCompleted[0], lastCompleted[1])) {
                            violations.add("new work before the completion of trial " + lastCompleted[0]
                                    + " was durable");
                        }
                        TrialMetrics last = null;
                        double rate = run.pruning() == null ? 0 : run.pruning().deathRate();
                        for (int e = run.fromEpoch() + 1; e <= run.toEpoch(); e++) {
                            int epoch = e;
                            boolean known = run.referenceSpectra().stream().anyMatch(s -> s.epoch() == epoch);
                            last = new TrialMetrics(e, 5.0, 100 + 100 * rate - e,
                                    run.pruning() != null && known ? rate : Double.NaN,
                                    run.pruning() == null ? 0 : 0.67, 1000, 1, 0.1, 1000, Map.of());
                            boolean measured = run.spectrumEveryEpoch() || e == run.toEpoch();
                            run.replyTo().tell(new CoordinatorCommand.EpochReported(run.trialId(), run.attempt(), id,
                                    last, measured ? Optional.of(new EpochSpectrum(e, List.of(-0.1 * e - rate, -1.0)))
                                            : Optional.empty()));
                        }
                        if (run.phase() != TrialPhase.SEARCH) {
                            Files.writeString(Path.of(run.checkpointOut()), "checkpoint " + run.trialId());
                        }
                        run.replyTo().tell(new CoordinatorCommand.TrialRunCompleted(run.trialId(), run.attempt(), id,
                                last, run.checkpointOut()));
                        lastCompleted[0] = run.trialId();
                        lastCompleted[1] = run.attempt();
                        coordinator.tell(new CoordinatorCommand.RequestWork(id, ctx.getSelf()));
                        return Behaviors.same();
                    })
                    .onMessage(WorkerCommand.StudyEnded.class, m -> Behaviors.stopped())
                    .onMessage(WorkerCommand.class, m -> Behaviors.same())
                    .build();
        });
    }

    @Test
    void workersReceiveOnlyWhatTheJournalOnDiskAlreadyHolds() throws Exception {
        StudyPlan plan = StudyPlan.of(StudySettingsLoader.load(Optional.empty(), Map.of(
                "search.candidates", 12, "search.first-round-epochs", 1, "search.round-epochs", 1,
                "search.final-epochs", 7, "study.out", dir.toString())));
        StudyFolder folder = StudyFolder.create(dir, "durability", LocalDateTime.now());
        CompletableFuture<StudyOutcome> outcome = new CompletableFuture<>();
        testKit.spawn(Coordinator.create(plan, folder, outcome,
                new io.lsh.metrics.CoordinatorMetrics(new io.prometheus.metrics.model.registry.PrometheusRegistry()),
                false, Optional.empty())); // the default journal mode: group commit
        var probe = testKit.<Receptionist.Listing>createTestProbe();
        testKit.system().receptionist().tell(Receptionist.subscribe(ServiceKeys.COORDINATOR, probe.getRef()));
        ActorRef<CoordinatorCommand> wire = null;
        while (wire == null) {
            wire = probe.receiveMessage(Duration.ofSeconds(10))
                    .getServiceInstances(ServiceKeys.COORDINATOR).stream().findFirst().orElse(null);
        }
        List<String> violations = new CopyOnWriteArrayList<>();
        AtomicInteger runs = new AtomicInteger();
        for (int i = 1; i <= 4; i++) {
            testKit.spawn(checkingWorker("w" + i, wire, folder.journalFile(), violations, runs));
        }
        StudyOutcome result = outcome.get(60, TimeUnit.SECONDS);
        assertTrue(result.completed(), result.summary());
        assertTrue(runs.get() > 12, "every candidate ran at least once: " + runs.get());
        assertEquals(List.of(), violations);
        // group commit synced in batches: fewer fsyncs than events is the point, but every event is in the file
        List<JsonNode> events = StudyJournal.read(folder.journalFile());
        assertEquals("study_finished", events.get(events.size() - 1).get("event").asText());
        assertEquals(runs.get(), events.stream().filter(e -> e.get("event").asText().equals("run_assigned")).count());
    }
}
