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
 * The coordinator runs a study with every scheduler and optimizer of lsh.search (scripted workers, no training): the
 * reference first to the scheduler's last search epoch, then the search, a selected trial and the study folder.
 */
class CoordinatorSchedulersTest {

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

    /** A fake worker whose LS distance is the death rate, so the lowest rates must survive. */
    private static Behavior<WorkerCommand> scriptedWorker(String id, ActorRef<CoordinatorCommand> coordinator,
                                                         List<WorkerCommand.RunTrial> seen) {
        return Behaviors.setup(ctx -> {
            coordinator.tell(new CoordinatorCommand.RegisterWorker(id, "cpu", ProtocolVersion.CURRENT, ctx.getSelf()));
            return Behaviors.receive(WorkerCommand.class)
                    .onMessage(WorkerCommand.RegistrationAccepted.class, m -> {
                        coordinator.tell(new CoordinatorCommand.RequestWork(id, ctx.getSelf()));
                        return Behaviors.same();
                    })
                    .onMessage(WorkerCommand.RunTrial.class, run -> {
                        seen.add(run);
                        TrialMetrics last = null;
                        for (int e = run.fromEpoch() + 1; e <= run.toEpoch(); e++) {
                            double rate = run.pruning() == null ? 0 : run.pruning().deathRate();
                            // the spectrum's distance to the reference's (-0.1 e, -1) is the death rate
                            List<Double> spectrum = List.of(-0.1 * e - rate, -1.0);
                            int epoch = e;
                            boolean referenceKnown = run.referenceSpectra().stream().anyMatch(s -> s.epoch() == epoch);
                            double distance = run.pruning() != null && referenceKnown
                                    ? Math.sqrt(rate * rate) : Double.NaN;
                            last = new TrialMetrics(e, 5.0, 100 + 100 * rate - e, distance,
                                    run.pruning() == null ? 0 : 0.67, 1000, 1, 0.1, 1000, java.util.Map.of());
                            boolean measured = run.spectrumEveryEpoch() || e == run.toEpoch();
                            run.replyTo().tell(new CoordinatorCommand.EpochReported(run.trialId(), run.attempt(), id,
                                    last, measured ? Optional.of(new EpochSpectrum(e, spectrum)) : Optional.empty()));
                        }
                        try {
                            Files.writeString(Path.of(run.checkpointOut()), "checkpoint " + run.trialId());
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        run.replyTo().tell(new CoordinatorCommand.TrialRunCompleted(run.trialId(), run.attempt(), id,
                                last, run.checkpointOut()));
                        coordinator.tell(new CoordinatorCommand.RequestWork(id, ctx.getSelf()));
                        return Behaviors.same();
                    })
                    .onMessage(WorkerCommand.StudyEnded.class, m -> Behaviors.stopped())
                    .onMessage(WorkerCommand.class, m -> Behaviors.same())
                    .build();
        });
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
        "asha,        tpe,    ls_distance",
        "hyperband,   random, ls_distance",
        "median,      tpe,    val_ppl",
        "full,        grid,   ls_distance",
        "elimination, tpe,    ls_distance",
    })
    void runsAStudyWithEachScheduler(String scheduler, String optimizer, String objective) throws Exception {
        StudySettings settings = StudySettingsLoader.load(Optional.empty(), Map.of(
                "search.scheduler", scheduler, "search.optimizer", optimizer, "search.objective", objective,
                "search.candidates", 8, "search.final-epochs", 5, "search.asha.max-epochs", 4,
                "search.median.max-epochs", 3, "search.median.min-trials", 2, "search.tpe.startup-trials", 4,
                "study.out", dir.toString()));
        StudyPlan plan = StudyPlan.of(settings);
        StudyFolder folder = StudyFolder.create(dir, "test", LocalDateTime.now());
        CompletableFuture<StudyOutcome> outcome = new CompletableFuture<>();
        ActorRef<Coordinator.Message> coordinator = testKit.spawn(Coordinator.create(plan, folder, outcome));
        var probe = testKit.<org.apache.pekko.actor.typed.receptionist.Receptionist.Listing>createTestProbe();
        testKit.system().receptionist().tell(org.apache.pekko.actor.typed.receptionist.Receptionist.subscribe(
                io.lsh.protocol.ServiceKeys.COORDINATOR, probe.getRef()));
        ActorRef<CoordinatorCommand> wire = null;
        while (wire == null) {
            wire = probe.receiveMessage(java.time.Duration.ofSeconds(10))
                    .getServiceInstances(io.lsh.protocol.ServiceKeys.COORDINATOR).stream().findFirst().orElse(null);
        }
        List<WorkerCommand.RunTrial> seen = new CopyOnWriteArrayList<>();
        testKit.spawn(scriptedWorker("w1", wire, seen));
        testKit.spawn(scriptedWorker("w2", wire, seen));

        StudyOutcome result = outcome.get(60, TimeUnit.SECONDS);
        assertTrue(result.completed(), result.summary());
        WorkerCommand.RunTrial first = seen.get(0);
        assertEquals(TrialPhase.REFERENCE, first.phase());
        assertEquals(plan.lastSearchEpoch(), first.toEpoch());
        // every search report happened at an epoch the reference covers first
        assertTrue(seen.stream().filter(r -> r.phase() == TrialPhase.SEARCH)
                .allMatch(r -> r.toEpoch() <= plan.lastSearchEpoch()));
        assertTrue(result.leaderboard().contains("SELECTED"), result.leaderboard());
        assertTrue(Files.size(folder.selectedModel()) > 0);
        String journal = Files.readString(folder.journalFile());
        assertTrue(journal.contains("\"decision\":\"select\""), journal);
        testKit.stop(coordinator);
    }
}
