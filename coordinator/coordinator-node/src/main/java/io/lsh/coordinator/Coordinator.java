package io.lsh.coordinator;

import io.lsh.lm.distance.DistanceSettings;
import io.lsh.lm.distance.ReferenceSpectra;
import io.lsh.metrics.CoordinatorMetrics;
import io.lsh.protocol.CoordinatorCommand;
import io.lsh.protocol.DistanceRecipe;
import io.lsh.protocol.EpochSpectrum;
import io.lsh.protocol.ProtocolVersion;
import io.lsh.protocol.ServiceKeys;
import io.lsh.protocol.TrialMetrics;
import io.lsh.protocol.TrialPhase;
import io.lsh.protocol.WorkerCommand;
import io.lsh.search.StudyEngine;
import io.lsh.search.WorkItem;
import io.lsh.search.scheduler.Decision;
import io.lsh.search.scheduler.EliminationSettings;
import io.lsh.search.trial.Phase;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator: runs one study. It trains the dense reference first (its spectrum at every epoch up to the last
 * elimination round, or to the final epoch with {@code lsh.distance.reference = final}), then hands candidates to
 * idle workers as the {@link StudyEngine} decides, records every state change in the {@link StudyJournal} before
 * acting on it, and ends with the study folder's exports. Workers pull work ({@code RequestWork}); the coordinator
 * never pushes into a busy worker. The decisions themselves are the engine's (plain Java); this actor only translates
 * messages.
 */
public final class Coordinator {

    private static final Logger PROGRESS = LoggerFactory.getLogger("io.lsh.study");

    /** Messages the coordinator handles: the wire protocol plus its own local events. */
    public sealed interface Message {
    }

    private record Wire(CoordinatorCommand command) implements Message {
    }

    private record WorkerLost(String workerId) implements Message {
    }

    /** lsh.search.budget.wall-time has passed since the study started. */
    private record WallTimeUp() implements Message {
    }

    /**
     * Group commit: sync the journal's buffered events, then send what they decided ({@link StudyJournal}). Sent to
     * itself only, never serialized.
     */
    private record SyncJournal() implements Message, org.apache.pekko.actor.NoSerializationVerificationNeeded {
    }

    /** What a worker is doing. */
    private record Assignment(String workerId, WorkerCommand.RunTrial work) {
    }

    private final ActorContext<Message> context;
    private final StudyPlan plan;
    private final StudyFolder folder;
    private final StudyJournal journal;
    private final StudyResults results;
    private final StudyEngine engine;
    private final CompletableFuture<StudyOutcome> outcome;
    private final ActorRef<CoordinatorCommand> self;
    private final CoordinatorMetrics metrics;
    /** Where checkpoints travel when nodes share no filesystem; empty: the study folder is shared. */
    private final Optional<ArtifactServer> artifacts;
    private final Instant started;

    private final Map<String, ActorRef<WorkerCommand>> workers = new LinkedHashMap<>();
    private final ArrayDeque<String> idle = new ArrayDeque<>();
    private final Map<Integer, Assignment> running = new HashMap<>();
    private final TreeMap<Integer, EpochSpectrum> referenceSpectra;
    /** The latest spectrum of each candidate. */
    private final Map<Integer, EpochSpectrum> candidateSpectra;
    /** Candidates that completed a search round before the dense reference reached that epoch. */
    private final Map<Integer, TrialMetrics> awaitingDistance;
    private ReferenceStage reference;
    private int referenceAttempt;
    /** Epochs the dense reference has completed (trained here, or adopted from an earlier study). */
    private int referenceEpoch;
    private int appliedDecisions;
    private boolean syncScheduled;

    private Coordinator(ActorContext<Message> context, StudyPlan plan, StudyFolder folder,
                        CompletableFuture<StudyOutcome> outcome, CoordinatorMetrics metrics,
                        Optional<JournalReplay.Recovered> recovered, Optional<ArtifactServer> artifacts,
                        StudyJournal.Sync journalSync) {
        this.context = context;
        this.artifacts = artifacts;
        this.metrics = metrics;
        this.plan = plan;
        this.folder = folder;
        this.outcome = outcome;
        this.self = context.messageAdapter(CoordinatorCommand.class, Wire::new);
        if (recovered.isPresent()) {
            JournalReplay.Recovered r = recovered.get();
            this.engine = r.engine();
            this.results = r.results();
            this.referenceSpectra = r.referenceSpectra();
            this.candidateSpectra = new HashMap<>(r.candidateSpectra());
            this.awaitingDistance = new HashMap<>(r.awaitingDistance());
            this.reference = r.reference();
            this.referenceAttempt = r.referenceAttempt();
            this.referenceEpoch = r.referenceEpoch();
            this.appliedDecisions = r.appliedDecisions();
            this.started = r.started();
        } else {
            this.engine = plan.newEngine();
            this.results = new StudyResults(plan, folder);
            this.referenceSpectra = new TreeMap<>();
            this.candidateSpectra = new HashMap<>();
            this.awaitingDistance = new HashMap<>();
            this.reference = ReferenceStage.PENDING;
            this.started = Instant.now();
        }
        this.journal = new StudyJournal(folder.journalFile(), journalSync);
    }

    /**
     * @param plan    the study
     * @param folder  its folder (created, settings written)
     * @param outcome completed with the leaderboard when the study ends
     */
    public static Behavior<Message> create(StudyPlan plan, StudyFolder folder, CompletableFuture<StudyOutcome> outcome) {
        return create(plan, folder, outcome, new CoordinatorMetrics(new PrometheusRegistry()));
    }

    /**
     * @param plan    the study
     * @param folder  its folder (created, settings written)
     * @param outcome completed with the leaderboard when the study ends
     * @param metrics updated after every message (registered in the JVM's metrics registry)
     */
    public static Behavior<Message> create(StudyPlan plan, StudyFolder folder, CompletableFuture<StudyOutcome> outcome,
                                           CoordinatorMetrics metrics) {
        return create(plan, folder, outcome, metrics, false);
    }

    /**
     * @param plan    the study
     * @param folder  its folder (created, settings written; with {@code resume}, the folder of a crashed study)
     * @param outcome completed with the leaderboard when the study ends
     * @param metrics updated after every message (registered in the JVM's metrics registry)
     * @param resume  continue the study recorded in the folder's journal ({@link JournalReplay}) instead of starting
     */
    public static Behavior<Message> create(StudyPlan plan, StudyFolder folder, CompletableFuture<StudyOutcome> outcome,
                                           CoordinatorMetrics metrics, boolean resume) {
        return create(plan, folder, outcome, metrics, resume, Optional.empty());
    }

    /**
     * @param plan      the study
     * @param folder    its folder (created, settings written; with {@code resume}, the folder of a crashed study)
     * @param outcome   completed with the leaderboard when the study ends
     * @param metrics   updated after every message (registered in the JVM's metrics registry)
     * @param resume    continue the study recorded in the folder's journal ({@link JournalReplay})
     * @param artifacts the artifact store checkpoints travel through; empty when every node sees the study folder
     */
    public static Behavior<Message> create(StudyPlan plan, StudyFolder folder, CompletableFuture<StudyOutcome> outcome,
                                           CoordinatorMetrics metrics, boolean resume,
                                           Optional<ArtifactServer> artifacts) {
        return create(plan, folder, outcome, metrics, resume, artifacts, StudyJournal.Sync.GROUP);
    }

    /**
     * As above, with the journal's durability mode. The default is {@link StudyJournal.Sync#GROUP}: group commit, one
     * fsync per mailbox batch, every message to a worker held until the events before it are synced, so still
     * "durable before acted on", and 10-20x faster than {@link StudyJournal.Sync#EVERY_EVENT} (one fsync per event,
     * the former default; docs/benchmarks.md, "Coordinator scale").
     */
    public static Behavior<Message> create(StudyPlan plan, StudyFolder folder, CompletableFuture<StudyOutcome> outcome,
                                    CoordinatorMetrics metrics, boolean resume, Optional<ArtifactServer> artifacts,
                                    StudyJournal.Sync journalSync) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            Optional<JournalReplay.Recovered> recovered = resume
                    ? Optional.of(JournalReplay.replay(plan, folder)) : Optional.empty();
            Coordinator coordinator = new Coordinator(context, plan, folder, outcome, metrics, recovered, artifacts,
                    journalSync);
            metrics.studyStarted(plan.settings().study().name(), plan.settings().study().objective(),
                    plan.plannedEpochs());
            context.getSystem().receptionist().tell(Receptionist.register(ServiceKeys.COORDINATOR, coordinator.self));
            if (recovered.isPresent()) {
                coordinator.resumed(recovered.get());
            } else {
                coordinator.journal.append("study_started", Map.of(
                        "name", plan.settings().study().name(), "seed", plan.settings().study().seed(),
                        "folder", folder.path().toString()));
                ReferenceAdoption.of(plan).ifPresent(coordinator::adopt);
                PROGRESS.info("Study {}: {} candidates at sparsity {}, ranked by {}; waiting for workers",
                        plan.settings().study().name(), plan.settings().search().candidates(),
                        plan.settings().pruning().sparsity(), plan.settings().study().objective());
            }
            plan.wallTimeBudget().ifPresent(budget -> {
                // counted from the study's start, so a resumed study keeps the time it already spent
                Duration left = budget.minus(Duration.between(coordinator.started, Instant.now()));
                timers.startSingleTimer(new WallTimeUp(), left.isNegative() ? Duration.ZERO : left);
            });
            coordinator.journal.sync();
            return coordinator.behavior();
        }));
    }

    /**
     * Takes over the dense reference of an earlier study (lsh.study.reference-from): its per-epoch metrics and spectra
     * are journaled as this study's reference epochs and its last checkpoint is copied into this folder, so the rest
     * of the study (and a resume) cannot tell it from a reference trained here.
     */
    private void adopt(ReferenceAdoption a) {
        journal.append("reference_adopted", Map.of("from", a.from().toString(), "epoch", a.epoch()));
        for (var e : a.epochs().values()) {
            TrialMetrics m = StudyResults.metricsFromFields(e);
            EpochSpectrum s = JournalReplay.spectrum(e).orElseThrow();
            Map<String, Object> fields = new LinkedHashMap<>(StudyResults.metricFields(StudyPlan.REFERENCE_TRIAL, 0,
                    "adopted", m));
            fields.put("spectrum_epoch", s.epoch());
            fields.put("spectrum", s.exponents());
            journal.append("epoch_reported", fields);
            results.recordEpoch(StudyPlan.REFERENCE_TRIAL, m);
            results.appendSpectrum(StudyPlan.REFERENCE_TRIAL, s);
            referenceSpectra.put(s.epoch(), s);
        }
        Path copy = folder.checkpoint(StudyPlan.REFERENCE_TRIAL, a.epoch());
        StudyFolder.copyAtomically(a.lastCheckpoint(), copy);
        TrialMetrics last = StudyResults.metricsFromFields(a.lastCompleted());
        Map<String, Object> fields = new LinkedHashMap<>(StudyResults.metricFields(StudyPlan.REFERENCE_TRIAL, 0,
                "adopted", last));
        fields.put("checkpoint", copy.toString());
        journal.append("run_completed", fields);
        results.recordCheckpoint(StudyPlan.REFERENCE_TRIAL, copy.toString());
        results.recordReference(last);
        referenceEpoch = a.epoch();
        reference = ReferenceStage.PENDING.afterCompleted(a.epoch(), plan.settings().search().finalEpochs());
        PROGRESS.info("Dense reference adopted from {}: epochs 1-{}, valid ppl {}", a.from(), a.epoch(),
                fmt(last.validPerplexity()));
    }

    /** After a replay: the segments that were running are lost (they run again from their last checkpoint). */
    private void resumed(JournalReplay.Recovered r) {
        journal.append("study_resumed", Map.of("events", r.events(), "interrupted", r.interrupted(),
                "reference", reference.name()));
        results.rewriteSpectra(r.spectrumRows());
        var p = engine.progress();
        PROGRESS.info("Study {} resumed from its journal ({} events): {} trials, {} finished, {} stopped; "
                        + "{} interrupted segment(s) {} run again from their last checkpoint; waiting for workers",
                plan.settings().study().name(), r.events(), p.trials(), p.finished(), p.stopped(),
                r.interrupted().size(), r.interrupted());
        for (int trialId : r.interrupted()) {
            workLost(trialId, "the coordinator restarted");
        }
        applyNewDecisions();
        reportAwaitingDistances();
    }

    private Behavior<Message> behavior() {
        return Behaviors.receive(Message.class)
                .onMessage(Wire.class, m -> published(onWire(m)))
                .onMessage(WorkerLost.class, m -> published(onWorkerLost(m)))
                .onMessage(WallTimeUp.class, m -> published(onWallTimeUp()))
                .onMessage(SyncJournal.class, m -> {
                    syncScheduled = false;
                    journal.sync();
                    metrics.update(engine, workers.size(), reference != ReferenceStage.DONE);
                    return Behaviors.same();
                })
                .build();
    }

    /**
     * After a message: one place, so handlers stay about the study. With group commit, the first message of a batch
     * that journaled something queues a {@link SyncJournal} behind the messages already in the mailbox: one fsync
     * for all of them, after which their decisions go out. The metrics are brought up to date once per batch, at
     * its sync ({@code update} is O(trials): per message it dominated the coordinator's time, docs/benchmarks.md),
     * or after a message when nothing waits for a sync.
     */
    private Behavior<Message> published(Behavior<Message> next) {
        if (!journal.syncDue()) {
            metrics.update(engine, workers.size(), reference != ReferenceStage.DONE);
        } else if (!syncScheduled) {
            syncScheduled = true;
            context.getSelf().tell(new SyncJournal());
        }
        return next;
    }

    /** Sends to a worker once the journal holds every event so far (at once, or after the batch's sync). */
    private void send(ActorRef<WorkerCommand> worker, WorkerCommand message) {
        journal.afterDurable(() -> worker.tell(message));
    }

    private Behavior<Message> onWire(Wire wire) {
        CoordinatorCommand command = wire.command();
        if (command instanceof CoordinatorCommand.RegisterWorker register) {
            onRegister(register);
        } else if (command instanceof CoordinatorCommand.RequestWork request) {
            if (workers.containsKey(request.workerId()) && !idle.contains(request.workerId())
                    && running.values().stream().noneMatch(a -> a.workerId().equals(request.workerId()))) {
                idle.add(request.workerId());
            }
            dispatch();
        } else if (command instanceof CoordinatorCommand.EpochReported epoch) {
            onEpoch(epoch);
            dispatch();
            return finishIfDone();
        } else if (command instanceof CoordinatorCommand.TrialRunCompleted completed) {
            return onCompleted(completed);
        } else if (command instanceof CoordinatorCommand.TrialRunFailed failed) {
            return onFailed(failed);
        }
        return Behaviors.same();
    }

    private void onRegister(CoordinatorCommand.RegisterWorker r) {
        if (r.protocolVersion() != ProtocolVersion.CURRENT) {
            String reason = "protocol version " + r.protocolVersion() + " differs from the coordinator's "
                    + ProtocolVersion.CURRENT;
            context.getLog().warn("Refusing worker {}: {}", r.workerId(), reason);
            send(r.worker(), new WorkerCommand.RegistrationRefused(reason));
            return;
        }
        ActorRef<WorkerCommand> known = workers.get(r.workerId());
        if (known != null && !known.equals(r.worker())) {
            // the same worker on a new node (it lost us for a while and rejoined): its old incarnation is gone
            context.unwatch(known);
            onWorkerLost(new WorkerLost(r.workerId()));
        }
        if (!workers.containsKey(r.workerId())) {
            journal.append("worker_registered", Map.of("worker", r.workerId(), "device", r.device()));
            workers.put(r.workerId(), r.worker());
            context.watchWith(r.worker(), new WorkerLost(r.workerId()));
            PROGRESS.info("Worker {} ({}) joined", r.workerId(), r.device());
        }
        send(r.worker(), new WorkerCommand.RegistrationAccepted(plan.settings().study().name()));
    }

    private void onEpoch(CoordinatorCommand.EpochReported e) {
        Assignment a = running.get(e.trialId());
        if (a == null || a.work().attempt() != e.attempt()) {
            return; // a late report of a lost or stopped attempt
        }
        TrialMetrics m = e.metrics();
        metrics.epochReported(e.trialId(), m);
        Map<String, Object> fields = new LinkedHashMap<>(StudyResults.metricFields(e.trialId(), e.attempt(),
                e.workerId(), m));
        e.spectrum().ifPresent(s -> {
            fields.put("spectrum_epoch", s.epoch());
            fields.put("spectrum", s.exponents());
        });
        journal.append("epoch_reported", fields);
        results.recordEpoch(e.trialId(), m);
        e.spectrum().ifPresent(s -> {
            results.appendSpectrum(e.trialId(), s);
            if (e.trialId() == StudyPlan.REFERENCE_TRIAL) {
                referenceSpectra.put(s.epoch(), s);
            } else {
                candidateSpectra.put(e.trialId(), s);
            }
            reportAwaitingDistances();
        });
        if (e.trialId() == StudyPlan.REFERENCE_TRIAL) {
            PROGRESS.info("Dense reference: epoch {}/{}, train loss {}, valid ppl {}, {} tok/s",
                    m.epoch(), plan.settings().search().finalEpochs(), fmt(m.trainLoss()), fmt(m.validPerplexity()),
                    Math.round(m.tokensPerSecond()));
        } else {
            context.getLog().debug("Trial {} epoch {}: valid ppl {}", e.trialId(), m.epoch(), m.validPerplexity());
        }
    }

    private Behavior<Message> onCompleted(CoordinatorCommand.TrialRunCompleted c) {
        Assignment a = running.get(c.trialId());
        if (a == null || a.work().attempt() != c.attempt()) {
            return Behaviors.same();
        }
        running.remove(c.trialId());
        TrialMetrics m = c.metrics();
        Map<String, Object> fields = new LinkedHashMap<>(StudyResults.metricFields(c.trialId(), c.attempt(),
                c.workerId(), m));
        // the file in the study folder, also when it came through the artifact store (whose URL changes on restart)
        String checkpoint = artifacts.flatMap(s -> s.localFile(c.checkpoint())).map(Object::toString)
                .orElse(c.checkpoint());
        fields.put("checkpoint", checkpoint);
        journal.append("run_completed", fields);
        results.recordCheckpoint(c.trialId(), checkpoint);
        if (c.trialId() == StudyPlan.REFERENCE_TRIAL) {
            reference = reference.afterCompleted(m.epoch(), plan.settings().search().finalEpochs());
            referenceEpoch = m.epoch();
            if (plan.referenceSearchEpochs() >= plan.settings().search().finalEpochs()) {
                reference = ReferenceStage.DONE;
            }
            results.recordReference(m);
        } else if (Double.isNaN(m.lsDistance()) && a.work().phase() == TrialPhase.SEARCH
                && EliminationSettings.LS_DISTANCE.equals(plan.settings().study().objective())) {
            // The candidate overtook the dense reference: rank it once the reference's spectrum at this epoch is in.
            awaitingDistance.put(c.trialId(), m);
            reportAwaitingDistances();
        } else {
            reportResult(c.trialId(), m);
        }
        dispatch();
        return finishIfDone();
    }

    private void reportResult(int trialId, TrialMetrics m) {
        Map<String, Double> engineMetrics = StudyResults.engineMetrics(m);
        journal.append(JournalReplay.RESULT, Map.of("trial", trialId, "epoch", m.epoch(),
                "metrics", JournalReplay.metricFields(engineMetrics)));
        engine.onResult(trialId, m.epoch(), engineMetrics);
        PROGRESS.info("Trial {} [{}] epoch {}: LS distance {}, valid ppl {}, sparsity {} | {}",
                trialId, describe(trialId), m.epoch(), fmt(m.lsDistance()),
                fmt(m.validPerplexity()), String.format("%.4f", m.sparsity()), progress());
        applyNewDecisions();
    }

    /**
     * Completes the candidates that finished before the dense reference's spectra their distance needs were in (the
     * same epoch; with lsh.distance variants, the final epoch or the whole trajectory): their LS distance (method.md
     * section 5) from the recorded spectra, computed with the workers' code ({@link ReferenceSpectra}), so the numbers
     * do not depend on which side was first.
     */
    private void reportAwaitingDistances() {
        if (awaitingDistance.isEmpty()) {
            return;
        }
        ReferenceSpectra dense = referenceSpectra(plan, referenceSpectra);
        for (var entry : List.copyOf(new TreeMap<>(awaitingDistance).entrySet())) {
            int trialId = entry.getKey();
            TrialMetrics m = entry.getValue();
            EpochSpectrum candidate = candidateSpectra.get(trialId);
            if (candidate == null || candidate.epoch() != m.epoch()) {
                continue;
            }
            OptionalDouble distance = dense.distance(m.epoch(),
                    candidate.exponents().stream().mapToDouble(Double::doubleValue).toArray());
            if (distance.isEmpty()) {
                continue;
            }
            TrialMetrics measured = m.withLsDistance(distance.getAsDouble());
            awaitingDistance.remove(trialId);
            journal.append("distance_measured", Map.of("trial", trialId, "epoch", m.epoch(),
                    "ls_distance", measured.lsDistance()));
            results.recordDistance(trialId, measured);
            reportResult(trialId, measured);
        }
    }

    /** The dense reference's spectra so far, in the study's LS-distance variant (lsh.distance). */
    static ReferenceSpectra referenceSpectra(StudyPlan plan, Map<Integer, EpochSpectrum> spectra) {
        DistanceRecipe d = plan.recipe().distance();
        Map<Integer, double[]> byEpoch = new TreeMap<>();
        spectra.forEach((epoch, s) -> byEpoch.put(epoch, s.exponents().stream().mapToDouble(Double::doubleValue)
                .toArray()));
        return new ReferenceSpectra(DistanceSettings.of(d.reference(), d.alignment(), d.space()),
                plan.referenceSearchEpochs(), byEpoch);
    }

    private Behavior<Message> onFailed(CoordinatorCommand.TrialRunFailed f) {
        Assignment a = running.get(f.trialId());
        if (a == null || a.work().attempt() != f.attempt()) {
            return Behaviors.same();
        }
        running.remove(f.trialId());
        journal.append("run_failed", Map.of("trial", f.trialId(), "attempt", f.attempt(), "worker", f.workerId(),
                "reason", f.reason(), "diverged", f.diverged()));
        PROGRESS.warn("Trial {} failed on {}: {}", f.trialId(), f.workerId(), f.reason());
        if (f.trialId() == StudyPlan.REFERENCE_TRIAL) {
            return failStudy("the dense reference failed: " + f.reason());
        }
        if (f.diverged()) {
            String reason = "diverged: " + f.reason();
            journal.append(JournalReplay.FAILURE, Map.of("trial", f.trialId(), "reason", reason));
            engine.onFailure(f.trialId(), reason);
        } else {
            workLost(f.trialId(), f.reason());
        }
        applyNewDecisions();
        dispatch();
        return finishIfDone();
    }

    private Behavior<Message> onWorkerLost(WorkerLost lost) {
        if (workers.remove(lost.workerId()) == null) {
            return Behaviors.same();
        }
        idle.remove(lost.workerId());
        journal.append("worker_lost", Map.of("worker", lost.workerId()));
        PROGRESS.warn("Worker {} left", lost.workerId());
        for (var entry : List.copyOf(running.entrySet())) {
            if (entry.getValue().workerId().equals(lost.workerId())) {
                running.remove(entry.getKey());
                if (entry.getKey() == StudyPlan.REFERENCE_TRIAL) {
                    reference = reference.afterLoss();
                } else {
                    workLost(entry.getKey(), "worker " + lost.workerId() + " left");
                    applyNewDecisions();
                }
            }
        }
        dispatch();
        return finishIfDone();
    }

    /** The wall-time budget is spent: nothing new starts; the study closes once the running segments end. */
    private Behavior<Message> onWallTimeUp() {
        if (engine.isFinished()) {
            return Behaviors.same();
        }
        PROGRESS.info("Wall-time budget of {} spent: no new work; the study ends when the {} running segment(s) "
                + "end", plan.wallTimeBudget().map(StudyResults::formatDuration).orElse("?"), running.size());
        journal.append(JournalReplay.WALL_TIME_UP, Map.of());
        engine.onWallTimeExhausted();
        Assignment rest = running.get(StudyPlan.REFERENCE_TRIAL);
        if (reference == ReferenceStage.REST_RUNNING && rest != null) {
            // the dense reference's rest is for comparison only: not worth the spent budget
            running.remove(StudyPlan.REFERENCE_TRIAL);
            journal.append("reference_stopped", Map.of("reason", "wall-time budget spent"));
            reference = reference.afterLoss();
            if (workers.containsKey(rest.workerId())) {
                send(workers.get(rest.workerId()), new WorkerCommand.StopTrial(StudyPlan.REFERENCE_TRIAL,
                        "wall-time budget spent"));
            }
        }
        applyNewDecisions();
        dispatch();
        return finishIfDone();
    }

    /** The segment's worker is gone or failed without diverging: the engine requeues it (or fails the trial). */
    private void workLost(int trialId, String reason) {
        journal.append(JournalReplay.WORK_LOST, Map.of("trial", trialId, "reason", reason));
        engine.onWorkLost(trialId);
    }

    /**
     * Journals and carries out the engine's decisions not handled yet. Read from the engine's decision log, not from
     * return values, because a round can also close inside {@code nextWork()} (when the optimizer runs dry).
     */
    private void applyNewDecisions() {
        List<Decision> fresh = engine.decisionsSince(appliedDecisions);
        appliedDecisions += fresh.size();
        for (Decision d : fresh) {
            journal.append("decision", StudyResults.decisionFields(d));
            if (d instanceof Decision.Stop stop) {
                PROGRESS.info("Trial {} stopped: {}", stop.trialId(), stop.reason());
                Assignment a = running.remove(stop.trialId());
                if (a != null && workers.containsKey(a.workerId())) {
                    send(workers.get(a.workerId()), new WorkerCommand.StopTrial(stop.trialId(), stop.reason()));
                }
            } else if (d instanceof Decision.Promote promote) {
                PROGRESS.info("Trial {} promoted to {} round {} (epochs {} -> {}): {}", promote.trialId(),
                        promote.phase() == Phase.FINAL ? "the final" : "search", promote.round(),
                        promote.fromEpoch(), promote.toEpoch(), promote.reason());
            } else if (d instanceof Decision.Select select) {
                PROGRESS.info("Trial {} {}", select.trialId(), select.reason());
            }
        }
    }

    /** Gives work to idle workers while there is any. */
    private void dispatch() {
        while (!idle.isEmpty()) {
            WorkerCommand.RunTrial work = nextWork(idle.peekFirst());
            if (work == null) {
                return;
            }
            String workerId = idle.pollFirst();
            running.put(work.trialId(), new Assignment(workerId, work));
            journal.append("run_assigned", Map.of("trial", work.trialId(), "attempt", work.attempt(),
                    "worker", workerId, "phase", work.phase().name(), "round", work.round(),
                    "from_epoch", work.fromEpoch(), "to_epoch", work.toEpoch()));
            send(workers.get(workerId), work);
        }
    }

    private WorkerCommand.RunTrial nextWork(String workerId) {
        int finalEpochs = plan.settings().search().finalEpochs();
        if (reference == ReferenceStage.PENDING) {
            reference = ReferenceStage.SEARCH_PART_RUNNING;
            return referenceRun(0, plan.referenceSearchEpochs());
        }
        List<Object> before = engineFingerprint();
        var item = engine.nextWork();
        if (item.isPresent() || !engineFingerprint().equals(before)) {
            // Journaled after the call (its result is the point) but before anything is acted on. A call that hands
            // out nothing is journaled too when it changed the engine (created a trial, closed admission, spent the
            // budget, decided), so that a replay makes it at the same point.
            journal.append(JournalReplay.NEXT_WORK, Map.of("trial", item.map(WorkItem::trialId).orElse(-1),
                    "attempt", item.map(WorkItem::attempt).orElse(0)));
        }
        applyNewDecisions();
        if (item.isPresent()) {
            WorkItem w = item.get();
            // lsh.search.promotion = retrain: train again from epoch 0 (the authors' code) instead of resuming
            int from = plan.settings().search().retrainsPromotions() ? 0 : w.fromEpoch();
            String resume = from > 0 ? checkpointLocation(w.trialId(), from) : "";
            return new WorkerCommand.RunTrial(w.trialId(), w.attempt(),
                    w.phase() == Phase.FINAL ? TrialPhase.FINAL : TrialPhase.SEARCH, w.round(),
                    plan.pruningSpec(w.configuration()), w.seed(), from, w.toEpoch(), false, resume,
                    checkpointLocation(w.trialId(), w.toEpoch()), plan.recipe(),
                    List.copyOf(referenceSpectra.values()), self);
        }
        if (reference == ReferenceStage.SEARCH_PART_DONE && referenceEpoch < finalEpochs
                && engine.budgetSpent().isEmpty()) {
            // Idle time (a round is closing): train the dense model on to the full budget for comparison.
            reference = ReferenceStage.REST_RUNNING;
            return referenceRun(referenceEpoch, finalEpochs);
        }
        return null;
    }

    /** What a nextWork() call can change without handing out work; equal before and after = nothing happened. */
    private List<Object> engineFingerprint() {
        var p = engine.progress();
        return List.of(engine.decisionCount(), p.trials(), p.created(), p.promoted(), p.stopped(), p.finished(),
                p.failed(), engine.budgetSpent().isPresent(), engine.scheduler().acceptsNewTrials(),
                engine.scheduler().isDone(), p.done());
    }

    private WorkerCommand.RunTrial referenceRun(int from, int to) {
        referenceAttempt++;
        String resume = from > 0 ? checkpointLocation(StudyPlan.REFERENCE_TRIAL, from) : "";
        return new WorkerCommand.RunTrial(StudyPlan.REFERENCE_TRIAL, referenceAttempt, TrialPhase.REFERENCE, 0, null,
                plan.referenceSeed(), from, to, true, resume,
                checkpointLocation(StudyPlan.REFERENCE_TRIAL, to), plan.recipe(), List.of(), self);
    }

    /** A checkpoint as a worker reaches it: a path in the shared study folder, or a URL of the artifact store. */
    private String checkpointLocation(int trialId, int epoch) {
        Path file = folder.checkpoint(trialId, epoch);
        return artifacts.map(a -> a.url(file)).orElse(file.toString());
    }

    private Behavior<Message> finishIfDone() {
        // The dense reference trains on to the final epoch too (in idle moments), so that the leaderboard compares
        // the selected model with the dense one at the same epoch.
        // With a spent budget the dense reference's rest (comparison only) is not trained any more.
        boolean referenceSettled = reference == ReferenceStage.DONE || (engine.budgetSpent().isPresent()
                && reference != ReferenceStage.SEARCH_PART_RUNNING && reference != ReferenceStage.REST_RUNNING);
        // cheap checks first: engine.isFinished() scans the trials
        if (!running.isEmpty() || !awaitingDistance.isEmpty() || !referenceSettled || !engine.isFinished()) {
            return Behaviors.same();
        }
        Duration wall = Duration.between(started, Instant.now());
        StudyOutcome result = results.finish(engine, wall);
        journal.append("study_finished", Map.of("selected", engine.selectedId().orElse(-1),
                "wall_seconds", wall.toMillis() / 1000.0));
        journal.close();
        workers.values().forEach(w -> w.tell(new WorkerCommand.StudyEnded("study finished")));
        PROGRESS.info("Study finished in {}: {}", StudyResults.formatDuration(wall), result.summary());
        outcome.complete(result);
        return Behaviors.stopped();
    }

    private Behavior<Message> failStudy(String reason) {
        journal.append("study_failed", Map.of("reason", reason));
        metrics.studyEnded();
        journal.close();
        workers.values().forEach(w -> w.tell(new WorkerCommand.StudyEnded(reason)));
        outcome.completeExceptionally(new IllegalStateException(reason));
        return Behaviors.stopped();
    }

    private String progress() {
        var p = engine.progress();
        return String.format("round %d: %d running, %d waiting, %d promoted, %d stopped, %d finished, %d failed%s%s",
                p.round(), p.running(), p.waiting(), p.promoted(), p.stopped(), p.finished(), p.failed(),
                p.bestObjective().isPresent() ? ", best " + plan.settings().study().objective() + " "
                        + fmt(p.bestObjective().getAsDouble()) : "",
                results.bestPerplexity().isPresent()
                        ? ", best valid ppl " + fmt(results.bestPerplexity().getAsDouble()) : "");
    }

    private String describe(int trialId) {
        return engine.trial(trialId).map(t -> {
            var p = plan.pruningSpec(t.configuration());
            return String.format(java.util.Locale.ROOT, "%s %s %s %s %.2f", p.init(), p.death(), p.growth(),
                    p.redistribution(), p.deathRate());
        }).orElse("?");
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.4g", v);
    }
}
