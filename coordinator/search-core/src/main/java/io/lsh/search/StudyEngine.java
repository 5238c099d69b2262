package io.lsh.search;

import io.lsh.search.optimizer.Optimizer;
import io.lsh.search.optimizer.RandomSearch;
import io.lsh.search.scheduler.Decision;
import io.lsh.search.scheduler.EliminationRounds;
import io.lsh.search.scheduler.EliminationSettings;
import io.lsh.search.scheduler.Report;
import io.lsh.search.scheduler.Scheduler;
import io.lsh.search.space.Configuration;
import io.lsh.search.space.SearchSpace;
import io.lsh.search.trial.Phase;
import io.lsh.search.trial.RoundResult;
import io.lsh.search.trial.TrialRecord;
import io.lsh.search.trial.TrialState;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Random;
import java.util.TreeMap;

/**
 * The pure state machine of an LSH study, wrapped by the coordinator actor (the "WorkState.updated(event)"
 * pattern of the Pekko distributed-workers sample; design.md conventions 2 and 3). It implements the search
 * procedure of Zheng &amp; Shlizerman 2025, "Hyperpruning" (arXiv 2506.07975; {@code docs/method.md}
 * section 6): an {@link Optimizer} proposes the round-1 candidates, a {@link Scheduler} (normally
 * {@link EliminationRounds}) eliminates them round by round on the LS distance, and the finalists are
 * trained fully and ranked by validation perplexity.
 *
 * <h2>Protocol</h2>
 * <ul>
 *   <li>{@link #nextWork()} whenever a worker is idle: returns a {@link WorkItem} (a new trial, created from
 *   the optimizer's next configuration while round 1 admits candidates, or a queued continuation or retry),
 *   or empty when nothing is runnable now.</li>
 *   <li>{@link #onResult} when a worker reports the metrics at the item's {@code toEpoch};
 *   {@link #onFailure} when the trial cannot be trained; {@link #onWorkLost} when the worker holding it is
 *   gone (the item is requeued, at the front, until {@code maxAttempts} hand-outs have been lost).</li>
 *   <li>{@link #isFinished()} once a winner is selected or nothing can run any more.</li>
 * </ul>
 * Each event returns the scheduler's {@link Decision}s (also appended to {@link #decisionLog()}). Stale
 * events (a result for a trial that is not running or for another epoch, a loss report for a trial that is
 * not running, a failure for a trial that has already reported or ended) are ignored and return an empty
 * list; a valid result always returns at least one decision. Unknown trial ids throw
 * {@link IllegalArgumentException}.
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>Trial ids start at 1 in creation order. Segments resume: a promoted trial trains from the epoch it
 *   reached, not from scratch.</li>
 *   <li>The optimizer is told once per trial: the search objective of its first (round-1) result, or NaN if
 *   the trial fails before reporting. Later rounds are not told (their epochs differ).</li>
 *   <li>If the optimizer runs out of distinct configurations before the scheduler's n candidates, admission
 *   closes and round 1 proceeds with the trials it has (the decisions this causes are in
 *   {@link #decisionLog()}, since {@link #nextWork()} returns only the work item). Failed trials count
 *   toward n and are not replaced.</li>
 *   <li>Determinism: given the same optimizer seed and the same sequence of calls, the engine makes the
 *   same decisions. With {@link RandomSearch} the proposals do not depend on tells, so the set of decisions
 *   is also independent of how results interleave.</li>
 * </ul>
 *
 * <p>Not thread-safe: owned by one actor, which calls it from its message handlers only.
 */
public final class StudyEngine {

    /** Default hand-outs of one segment before the trial fails. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    private final SearchSpace space;
    private final Optimizer optimizer;
    private final Scheduler scheduler;
    private final long studySeed;
    private final int maxAttempts;

    private final TreeMap<Integer, Trial> trials = new TreeMap<>();
    private final ArrayDeque<Integer> queue = new ArrayDeque<>();
    private final List<Decision> log = new ArrayList<>();
    private int nextId = 1;
    private boolean optimizerExhausted;
    private Integer selected;
    private double bestObjective = Double.NaN;

    /**
     * @param space       the search space; every proposed configuration is validated against it
     * @param optimizer   proposes round-1 candidates (owned by this engine from now on)
     * @param scheduler   decides promotions (owned by this engine from now on), must be fresh
     * @param studySeed   the study seed; trial seeds derive from it ({@link Seeds#trialSeed})
     * @param maxAttempts hand-outs of a segment before a lost trial fails, &gt;= 1
     */
    public StudyEngine(SearchSpace space, Optimizer optimizer, Scheduler scheduler, long studySeed,
                       int maxAttempts) {
        this.space = Objects.requireNonNull(space, "space");
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        this.studySeed = studySeed;
        this.maxAttempts = maxAttempts;
    }

    /**
     * A study with {@link RandomSearch} (seeded by {@link Seeds#optimizerSeed}(seed) through
     * {@link java.util.Random}, whose algorithm the JDK specifies) and {@link EliminationRounds}.
     *
     * @param space    the search space
     * @param settings elimination settings (n, e0, ei, m, final epochs, metric names)
     * @param seed     the study seed
     * @return a fresh engine with {@link #DEFAULT_MAX_ATTEMPTS}
     */
    public static StudyEngine withRandomSearch(SearchSpace space, EliminationSettings settings, long seed) {
        return new StudyEngine(space, new RandomSearch(space, new Random(Seeds.optimizerSeed(seed))),
                new EliminationRounds(settings), seed, DEFAULT_MAX_ATTEMPTS);
    }

    // ---- events ------------------------------------------------------------------------------------------

    /**
     * The next segment an idle worker should train. Queued continuations and retries come first (in the
     * order the decisions promoted them; a retry goes to the front); otherwise a new trial is created from
     * the optimizer while the scheduler admits candidates. The trial becomes RUNNING.
     *
     * @return the work item, or empty when nothing is runnable now (waiting for a round to close, or done)
     */
    public Optional<WorkItem> nextWork() {
        while (true) {
            Integer id = queue.pollFirst();
            if (id != null) {
                Trial t = trials.get(id);
                t.state = TrialState.RUNNING;
                t.attempts++;
                return Optional.of(new WorkItem(t.id, t.configuration, t.epoch, t.targetEpoch, t.round, t.phase,
                        t.attempts, t.seed));
            }
            if (!canCreate()) {
                return Optional.empty();
            }
            Optional<Configuration> proposal = optimizer.ask();
            if (proposal.isEmpty()) {
                optimizerExhausted = true;
                apply(scheduler.onAdmissionClosed());
                continue;
            }
            space.validate(proposal.get());
            Trial t = new Trial(nextId++, proposal.get(), Seeds.trialSeed(studySeed, nextId - 1));
            trials.put(t.id, t);
            scheduler.onTrialAdded(t.id);
            t.targetEpoch = scheduler.firstTargetEpoch(t.id);
            queue.addLast(t.id);
        }
    }

    /**
     * A worker finished a segment.
     *
     * @param trialId the trial
     * @param epoch   epochs completed; must equal the work item's {@code toEpoch}, else the result is stale
     * @param metrics the metrics at that epoch (the scheduler ranks by its objective metric in SEARCH and
     *                its final metric in FINAL; a missing metric ranks last)
     * @return the decisions taken, empty if the result was stale and ignored
     * @throws IllegalArgumentException for an unknown trial id or null metric values
     */
    public List<Decision> onResult(int trialId, int epoch, Map<String, Double> metrics) {
        Trial t = require(trialId);
        Objects.requireNonNull(metrics, "metrics");
        if (metrics.values().stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("trial " + trialId + ": null metric value in " + metrics.keySet());
        }
        boolean handedOut = t.state == TrialState.RUNNING || (t.state.isQueued() && t.attempts > 0);
        if (!handedOut || epoch != t.targetEpoch) {
            return List.of();
        }
        queue.remove(trialId);
        String metric = t.phase == Phase.FINAL ? scheduler.finalMetric() : scheduler.objectiveMetric();
        Double v = metrics.get(metric);
        double objective = v == null ? Double.NaN : v;
        t.results.add(new RoundResult(t.round, t.phase, epoch, objective, metrics));
        t.epoch = epoch;
        t.state = TrialState.WAITING;
        if (t.phase == Phase.SEARCH && !Double.isNaN(objective)
                && (Double.isNaN(bestObjective) || objective < bestObjective)) {
            bestObjective = objective;
        }
        if (!t.told) {
            t.told = true;
            optimizer.tell(t.configuration, objective);
        }
        return apply(scheduler.onReport(new Report(trialId, t.round, t.phase, epoch, metrics)));
    }

    /**
     * The trial cannot be trained (error, divergence, rejected configuration). It becomes FAILED and leaves
     * its round, which may then close.
     *
     * @param trialId the trial
     * @param reason  why, kept as the trial's stop reason
     * @return the decisions taken; empty if the trial was not queued or running (ignored)
     * @throws IllegalArgumentException for an unknown trial id
     */
    public List<Decision> onFailure(int trialId, String reason) {
        Trial t = require(trialId);
        if (t.state != TrialState.RUNNING && !t.state.isQueued()) {
            return List.of();
        }
        queue.remove(trialId);
        t.state = TrialState.FAILED;
        t.stopReason = reason == null ? "failed" : reason;
        if (!t.told) {
            t.told = true;
            optimizer.tell(t.configuration, Double.NaN);
        }
        return apply(scheduler.onFailure(trialId, t.stopReason));
    }

    /**
     * The worker holding the trial's segment is gone (crashed, left the cluster, timed out). The segment is
     * queued again at the front; after {@code maxAttempts} hand-outs the trial fails instead.
     *
     * @param trialId the trial
     * @return the decisions taken (only when the trial fails); empty otherwise or if it was not running
     * @throws IllegalArgumentException for an unknown trial id
     */
    public List<Decision> onWorkLost(int trialId) {
        Trial t = require(trialId);
        if (t.state != TrialState.RUNNING) {
            return List.of();
        }
        if (t.attempts >= maxAttempts) {
            return onFailure(trialId, "work lost " + t.attempts + " times (max attempts " + maxAttempts + ")");
        }
        t.state = t.results.isEmpty() ? TrialState.CREATED : TrialState.PROMOTED;
        queue.addFirst(trialId);
        return List.of();
    }

    private List<Decision> apply(List<Decision> decisions) {
        for (Decision d : decisions) {
            Trial t = require(d.trialId());
            if (d instanceof Decision.Wait) {
                expect(t, d, TrialState.WAITING);
            } else if (d instanceof Decision.Promote p) {
                expect(t, d, TrialState.WAITING);
                if (p.fromEpoch() != t.epoch) {
                    throw new IllegalStateException("scheduler promoted trial " + t.id + " from epoch "
                            + p.fromEpoch() + " but it reached " + t.epoch);
                }
                t.state = TrialState.PROMOTED;
                t.round = p.round();
                t.phase = p.phase();
                t.targetEpoch = p.toEpoch();
                t.attempts = 0;
                queue.addLast(t.id);
            } else if (d instanceof Decision.Stop s) {
                expect(t, d, TrialState.WAITING);
                t.state = TrialState.STOPPED;
                t.stopReason = s.reason();
            } else if (d instanceof Decision.Finish f) {
                expect(t, d, TrialState.WAITING);
                t.state = TrialState.FINISHED;
                t.stopReason = f.reason();
            } else if (d instanceof Decision.Select) {
                expect(t, d, TrialState.FINISHED);
                selected = t.id;
            }
        }
        log.addAll(decisions);
        return List.copyOf(decisions);
    }

    private static void expect(Trial t, Decision d, TrialState state) {
        if (t.state != state) {
            throw new IllegalStateException("scheduler decision " + d + " for trial " + t.id + " in state " + t.state);
        }
    }

    private boolean canCreate() {
        return !optimizerExhausted && !scheduler.isDone() && scheduler.acceptsNewTrials();
    }

    private Trial require(int id) {
        Trial t = trials.get(id);
        if (t == null) {
            throw new IllegalArgumentException("unknown trial " + id + " (trials 1.." + (nextId - 1) + ")");
        }
        return t;
    }

    // ---- queries -----------------------------------------------------------------------------------------

    /**
     * @return true when a winner is selected, the scheduler is done, or nothing is running, queued or
     *         creatable any more
     */
    public boolean isFinished() {
        if (selected != null || scheduler.isDone()) {
            return true;
        }
        boolean running = trials.values().stream().anyMatch(t -> t.state == TrialState.RUNNING);
        return !running && queue.isEmpty() && !canCreate();
    }

    /** @return snapshots of all trials, by id */
    public List<TrialRecord> trials() {
        return trials.values().stream().map(Trial::snapshot).toList();
    }

    /** @return a snapshot of one trial, if it exists */
    public Optional<TrialRecord> trial(int id) {
        Trial t = trials.get(id);
        return t == null ? Optional.empty() : Optional.of(t.snapshot());
    }

    /** @return the selected trial, once the final phase has ranked the finalists */
    public Optional<TrialRecord> selected() {
        return selected == null ? Optional.empty() : Optional.of(trials.get(selected).snapshot());
    }

    /** @return every decision so far, in order (the study's replayable outcome), unmodifiable copy */
    public List<Decision> decisionLog() {
        return List.copyOf(log);
    }

    /** @return the lowest search objective reported so far */
    public OptionalDouble bestObjective() {
        return Double.isNaN(bestObjective) ? OptionalDouble.empty() : OptionalDouble.of(bestObjective);
    }

    /** @return counts by state, current round, best objective */
    public StudyProgress progress() {
        int[] n = new int[TrialState.values().length];
        trials.values().forEach(t -> n[t.state.ordinal()]++);
        return new StudyProgress(trials.size(), n[TrialState.CREATED.ordinal()], n[TrialState.RUNNING.ordinal()],
                n[TrialState.WAITING.ordinal()], n[TrialState.PROMOTED.ordinal()], n[TrialState.STOPPED.ordinal()],
                n[TrialState.FINISHED.ordinal()], n[TrialState.FAILED.ordinal()], scheduler.currentRound(),
                bestObjective(), isFinished());
    }

    /** @return the selected trial id of the scheduler, if any (same as {@link #selected()}) */
    public OptionalInt selectedId() {
        return selected == null ? OptionalInt.empty() : OptionalInt.of(selected);
    }

    /** @return the optimizer (for its history) */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** @return the scheduler */
    public Scheduler scheduler() {
        return scheduler;
    }

    /** @return the search space */
    public SearchSpace space() {
        return space;
    }

    /** Mutable trial state; only the engine sees it, the world gets {@link TrialRecord} snapshots. */
    private static final class Trial {
        final int id;
        final Configuration configuration;
        final long seed;
        final List<RoundResult> results = new ArrayList<>();
        TrialState state = TrialState.CREATED;
        Phase phase = Phase.SEARCH;
        int round = 1;
        int epoch;
        int targetEpoch;
        int attempts;
        String stopReason;
        boolean told;

        Trial(int id, Configuration configuration, long seed) {
            this.id = id;
            this.configuration = configuration;
            this.seed = seed;
        }

        TrialRecord snapshot() {
            return new TrialRecord(id, configuration, seed, state, phase, round, epoch, targetEpoch,
                    Collections.unmodifiableList(results), stopReason, attempts);
        }
    }
}
