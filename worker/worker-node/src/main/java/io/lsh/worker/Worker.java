package io.lsh.worker;

import io.lsh.metrics.WorkerMetrics;
import io.lsh.protocol.CoordinatorCommand;
import io.lsh.protocol.EpochSpectrum;
import io.lsh.protocol.ProtocolVersion;
import io.lsh.protocol.ServiceKeys;
import io.lsh.protocol.TrialMetrics;
import io.lsh.protocol.WorkerCommand;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * A worker: owns one device (a dedicated thread), finds the coordinator through the Receptionist, registers, pulls
 * work when idle, runs it on the device thread and reports every epoch. Thin by design: the device work is a
 * {@link TrialExecutor}; this actor only translates messages and keeps the device busy.
 */
public final class Worker {

    private static final Duration REGISTRATION_RETRY = Duration.ofSeconds(2);

    /**
     * How long the coordinator may be missing from the Receptionist before the worker counts it as lost. A coordinator
     * that ends its study says so (StudyEnded) as it leaves; the grace keeps that message and the listing update from
     * racing.
     */
    private static final Duration COORDINATOR_GRACE = Duration.ofSeconds(5);

    private static final ServiceKey<CoordinatorCommand> COORDINATOR_KEY = ServiceKeys.COORDINATOR;

    /** Messages the worker actor handles: wire commands plus its own local events. */
    public sealed interface Message {
    }

    private record Wire(WorkerCommand command) implements Message {
    }

    private record CoordinatorsChanged(Receptionist.Listing listing) implements Message {
    }

    private record RunEnded(WorkerCommand.RunTrial work, TrialExecutor.Outcome outcome) implements Message {
    }

    private record RetryRegistration() implements Message {
    }

    private record CoordinatorGone() implements Message {
    }

    private final ActorContext<Message> context;
    private final TimerScheduler<Message> timers;
    private final String workerId;
    private final String device;
    private final ExecutorService deviceThread;
    private final TrialExecutor executor;
    private final ActorRef<WorkerCommand> self;
    private final WorkerMetrics metrics;
    private final Runnable onCoordinatorLost;
    private ActorRef<CoordinatorCommand> coordinator;
    private boolean registered;
    private WorkerCommand.RunTrial current;
    private AtomicBoolean currentStop;

    private Worker(ActorContext<Message> context, TimerScheduler<Message> timers, String workerId, String device, ExecutorService deviceThread,
                   TrialExecutor executor, WorkerMetrics metrics, Runnable onCoordinatorLost) {
        this.context = context;
        this.onCoordinatorLost = onCoordinatorLost;
        this.metrics = metrics;
        this.timers = timers;
        this.workerId = workerId;
        this.device = device;
        this.deviceThread = deviceThread;
        this.executor = executor;
        this.self = context.messageAdapter(WorkerCommand.class, Wire::new);
    }

    /**
     * @param workerId     unique id of this worker in the cluster (e.g. {@code host:port/cpu-0})
     * @param device       the device it owns ({@code cpu}, {@code cuda:0})
     * @param deviceThread single-thread executor bound to the device; owned and shut down by the caller
     * @param executor     runs the device work
     */
    public static Behavior<Message> create(String workerId, String device, ExecutorService deviceThread,
                                           TrialExecutor executor) {
        return create(workerId, device, deviceThread, executor, new WorkerMetrics(new PrometheusRegistry()));
    }

    /**
     * @param workerId     unique id of this worker in the cluster (e.g. {@code host:port/cpu-0})
     * @param device       the device it owns ({@code cpu}, {@code cuda:0})
     * @param deviceThread single-thread executor bound to the device; owned and shut down by the caller
     * @param executor     runs the device work
     * @param metrics      the JVM's worker metrics (shared by its workers; series labelled by worker id)
     */
    public static Behavior<Message> create(String workerId, String device, ExecutorService deviceThread,
                                           TrialExecutor executor, WorkerMetrics metrics) {
        return create(workerId, device, deviceThread, executor, metrics, () -> { });
    }

    /**
     * @param workerId          unique id of this worker in the cluster (e.g. {@code host:port/cpu-0})
     * @param device            the device it owns ({@code cpu}, {@code cuda:0})
     * @param deviceThread      single-thread executor bound to the device; owned and shut down by the caller
     * @param executor          runs the device work
     * @param metrics           the JVM's worker metrics (shared by its workers; series labelled by worker id)
     * @param onCoordinatorLost called when the coordinator vanished without ending the study (crashed, killed,
     *                          partitioned away for longer than the grace); the worker then cancels its run and stops,
     *                          so that its node can rejoin a restarted coordinator
     */
    public static Behavior<Message> create(String workerId, String device, ExecutorService deviceThread,
                                           TrialExecutor executor, WorkerMetrics metrics,
                                           Runnable onCoordinatorLost) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            Worker worker = new Worker(context, timers, workerId, device, deviceThread, executor, metrics,
                    onCoordinatorLost);
            metrics.workerStarted(workerId, device);
            ActorRef<Receptionist.Listing> listings =
                    context.messageAdapter(Receptionist.Listing.class, CoordinatorsChanged::new);
            context.getSystem().receptionist().tell(Receptionist.subscribe(COORDINATOR_KEY, listings));
            return worker.behavior();
        }));
    }

    private Behavior<Message> behavior() {
        return Behaviors.receive(Message.class)
                .onMessage(CoordinatorsChanged.class, this::onCoordinatorsChanged)
                .onMessage(RetryRegistration.class, m -> register())
                .onMessage(CoordinatorGone.class, m -> onCoordinatorGone())
                .onMessage(Wire.class, this::onWire)
                .onMessage(RunEnded.class, this::onRunEnded)
                .onSignal(PostStop.class, s -> onStop())
                .build();
    }

    private Behavior<Message> onCoordinatorsChanged(CoordinatorsChanged m) {
        Optional<ActorRef<CoordinatorCommand>> found =
                m.listing().getServiceInstances(COORDINATOR_KEY).stream().findFirst();
        if (found.isEmpty() && coordinator != null) {
            timers.startSingleTimer(CoordinatorGone.class, new CoordinatorGone(), COORDINATOR_GRACE);
            return Behaviors.same();
        }
        timers.cancel(CoordinatorGone.class);
        if (found.isPresent() && !found.get().equals(coordinator)) {
            if (coordinator != null && currentStop != null) {
                // another coordinator took the study over (a standby, from the journal): it runs the segment
                // again from its last checkpoint, so this run's results would go nowhere
                context.getLog().info("Worker {}: the study moved to coordinator {}; trial {} is cancelled here",
                        workerId, found.get().path(), current.trialId());
                currentStop.set(true);
            }
            coordinator = found.get();
            registered = false;
            context.getLog().debug("Worker {} found coordinator {}", workerId, coordinator.path());
            return register();
        }
        return Behaviors.same();
    }

    private Behavior<Message> onCoordinatorGone() {
        context.getLog().warn("Worker {} lost the coordinator{}; leaving the cluster to rejoin when it is back",
                workerId, current == null ? "" : " (trial " + current.trialId() + " is cancelled; the coordinator "
                        + "resumes it from its last checkpoint)");
        if (currentStop != null) {
            currentStop.set(true);
        }
        onCoordinatorLost.run();
        return Behaviors.stopped();
    }

    private Behavior<Message> register() {
        if (coordinator != null && !registered) {
            coordinator.tell(new CoordinatorCommand.RegisterWorker(workerId, device, ProtocolVersion.CURRENT, self));
            // The coordinator may not be ready yet: repeat until it answers.
            timers.startSingleTimer(RetryRegistration.class, new RetryRegistration(), REGISTRATION_RETRY);
        }
        return Behaviors.same();
    }

    private Behavior<Message> onWire(Wire wire) {
        WorkerCommand command = wire.command();
        if (command instanceof WorkerCommand.RegistrationAccepted accepted) {
            registered = true;
            timers.cancel(RetryRegistration.class);
            context.getLog().debug("Worker {} registered for study {}", workerId, accepted.studyName());
            requestWork();
            return Behaviors.same();
        } else if (command instanceof WorkerCommand.RegistrationRefused refused) {
            context.getLog().error("Worker {} was refused by the coordinator: {}", workerId, refused.reason());
            return Behaviors.stopped();
        } else if (command instanceof WorkerCommand.RunTrial run) {
            return onRunTrial(run);
        } else if (command instanceof WorkerCommand.StopTrial stop) {
            if (current != null && current.trialId() == stop.trialId()) {
                context.getLog().info("Worker {} stops trial {}: {}", workerId, stop.trialId(), stop.reason());
                currentStop.set(true);
            }
            return Behaviors.same();
        } else if (command instanceof WorkerCommand.StudyEnded end) {
            context.getLog().debug("Worker {}: study ended ({})", workerId, end.summary());
            return Behaviors.stopped();
        }
        throw new IllegalStateException("unhandled worker command " + command);
    }

    private Behavior<Message> onRunTrial(WorkerCommand.RunTrial run) {
        if (current != null) {
            // Work is pulled, so this only happens if the coordinator lost track of us; refuse rather than queue.
            run.replyTo().tell(new CoordinatorCommand.TrialRunFailed(run.trialId(), run.attempt(), workerId,
                    "worker " + workerId + " is busy with trial " + current.trialId(), false));
            return Behaviors.same();
        }
        current = run;
        currentStop = new AtomicBoolean(false);
        AtomicBoolean stop = currentStop;
        ActorRef<CoordinatorCommand> replyTo = run.replyTo();
        metrics.trialStarted(workerId, device, run.trialId());
        TrialExecutor.EpochListener listener = (TrialMetrics epoch, Optional<EpochSpectrum> spectrum) -> {
            metrics.epochCompleted(workerId, device, epoch);
            replyTo.tell(new CoordinatorCommand.EpochReported(run.trialId(), run.attempt(), workerId, epoch,
                    spectrum));
        };
        CompletableFuture<TrialExecutor.Outcome> future = CompletableFuture.supplyAsync(
                () -> executor.run(run, listener, stop::get), deviceThread);
        context.pipeToSelf(future, (outcome, failure) -> new RunEnded(run, failure == null ? outcome
                : new TrialExecutor.Outcome.Failed(describe(failure), false)));
        return Behaviors.same();
    }

    private Behavior<Message> onRunEnded(RunEnded ended) {
        WorkerCommand.RunTrial run = ended.work();
        current = null;
        currentStop = null;
        TrialExecutor.Outcome outcome = ended.outcome();
        metrics.trialEnded(workerId, device, outcome instanceof TrialExecutor.Outcome.Completed
                ? WorkerMetrics.RunEnd.COMPLETED : outcome instanceof TrialExecutor.Outcome.Failed
                ? WorkerMetrics.RunEnd.FAILED : WorkerMetrics.RunEnd.CANCELLED);
        if (outcome instanceof TrialExecutor.Outcome.Completed c) {
            run.replyTo().tell(new CoordinatorCommand.TrialRunCompleted(
                    run.trialId(), run.attempt(), workerId, c.metrics(), c.checkpoint()));
        } else if (outcome instanceof TrialExecutor.Outcome.Failed f) {
            run.replyTo().tell(new CoordinatorCommand.TrialRunFailed(
                    run.trialId(), run.attempt(), workerId, f.reason(), f.diverged()));
        } else {
            context.getLog().debug("Trial {} cancelled", run.trialId());
        }
        requestWork();
        return Behaviors.same();
    }

    private void requestWork() {
        if (coordinator != null && registered && current == null) {
            coordinator.tell(new CoordinatorCommand.RequestWork(workerId, self));
        }
    }

    private Behavior<Message> onStop() {
        if (currentStop != null) {
            currentStop.set(true);
        }
        return Behaviors.same();
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message.replaceAll("\\s+", " "));
    }

}
