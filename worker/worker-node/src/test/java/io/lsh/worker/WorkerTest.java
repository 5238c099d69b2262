package io.lsh.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.protocol.CoordinatorCommand;
import io.lsh.protocol.ProtocolVersion;
import io.lsh.protocol.ServiceKeys;
import io.lsh.protocol.StudyRecipe;
import io.lsh.protocol.TrialMetrics;
import io.lsh.protocol.TrialPhase;
import io.lsh.protocol.WorkerCommand;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The worker actor with a scripted device (no training): registration, pulling work, reporting, stopping. */
class WorkerTest {

    private final ActorTestKit testKit = ActorTestKit.create();
    private final ExecutorService device = Executors.newSingleThreadExecutor();
    private final TestProbe<CoordinatorCommand> coordinator = testKit.createTestProbe();

    @AfterEach
    void stop() {
        testKit.shutdownTestKit();
        device.shutdownNow();
    }

    private static final TrialMetrics METRICS = new TrialMetrics(1, 5.0, 150, 2.5, 0.67, 100, 1, 0.1, 1000, java.util.Map.of());

    private static WorkerCommand.RunTrial work(int trial, CoordinatorCommand.RegisterWorker r,
                                               TestProbe<CoordinatorCommand> replyTo) {
        StudyRecipe recipe = new StudyRecipe("/c", 0, 4, List.of(4), 0, false, 2, 5, 1, 0, 0, 0, 2, 0.5, 0.005, 2,
                5, 2, 1, 0, 2, false);
        return new WorkerCommand.RunTrial(trial, 1, TrialPhase.SEARCH, 1, null, 1, 0, 1, false, "", "/tmp/x",
                recipe, List.of(), replyTo.getRef());
    }

    private CoordinatorCommand.RegisterWorker registeredWorker(TrialExecutor executor) {
        testKit.system().receptionist().tell(Receptionist.register(ServiceKeys.COORDINATOR, coordinator.getRef()));
        testKit.spawn(Worker.create("w1", "cpu", device, executor));
        var register = coordinator.expectMessageClass(CoordinatorCommand.RegisterWorker.class, Duration.ofSeconds(10));
        assertEquals("w1", register.workerId());
        assertEquals(ProtocolVersion.CURRENT, register.protocolVersion());
        register.worker().tell(new WorkerCommand.RegistrationAccepted("study"));
        coordinator.expectMessageClass(CoordinatorCommand.RequestWork.class);
        return register;
    }

    @Test
    void registersPullsWorkReportsEveryEpochAndAsksForMore() {
        var register = registeredWorker((work, listener, stop) -> {
            listener.onEpoch(METRICS, Optional.empty());
            return new TrialExecutor.Outcome.Completed(METRICS, "/tmp/x");
        });
        register.worker().tell(work(7, register, coordinator));
        var epoch = coordinator.expectMessageClass(CoordinatorCommand.EpochReported.class);
        assertEquals(7, epoch.trialId());
        var done = coordinator.expectMessageClass(CoordinatorCommand.TrialRunCompleted.class);
        assertEquals("/tmp/x", done.checkpoint());
        coordinator.expectMessageClass(CoordinatorCommand.RequestWork.class);
    }

    @Test
    void stopTrialCancelsTheRunningWorkWithoutAReport() {
        var register = registeredWorker((work, listener, stop) -> {
            while (!stop.getAsBoolean()) {
                Thread.onSpinWait();
            }
            return new TrialExecutor.Outcome.Cancelled();
        });
        register.worker().tell(work(3, register, coordinator));
        register.worker().tell(new WorkerCommand.StopTrial(3, "eliminated"));
        // the actor stays responsive while the device is busy, and asks for new work once the run ended
        coordinator.expectMessageClass(CoordinatorCommand.RequestWork.class, Duration.ofSeconds(10));
    }

    @Test
    void failuresAreReportedWithTheirKind() {
        var register = registeredWorker((work, listener, stop) -> {
            throw new IllegalStateException("out of memory on the device");
        });
        register.worker().tell(work(4, register, coordinator));
        var failed = coordinator.expectMessageClass(CoordinatorCommand.TrialRunFailed.class);
        assertTrue(failed.reason().contains("out of memory on the device"), failed.reason());
        assertEquals(false, failed.diverged());
    }

    @Test
    void aRefusedWorkerStops() {
        testKit.system().receptionist().tell(Receptionist.register(ServiceKeys.COORDINATOR, coordinator.getRef()));
        var worker = testKit.spawn(Worker.create("w2", "cpu", device, (w, l, s) -> null));
        var register = coordinator.expectMessageClass(CoordinatorCommand.RegisterWorker.class, Duration.ofSeconds(10));
        register.worker().tell(new WorkerCommand.RegistrationRefused("protocol version 0 differs"));
        TestProbe<Object> watcher = testKit.createTestProbe();
        watcher.expectTerminated(worker, Duration.ofSeconds(5));
    }
}
