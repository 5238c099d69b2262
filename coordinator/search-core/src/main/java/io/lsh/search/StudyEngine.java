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
 * section 6): an {@link Optimizer} proposes the candidates, a {@link Scheduler} ({@link EliminationRounds}, the
 * authors' rounds, or an asynchronous one: ASHA, Hyperband, median stopping, full training) decides how far each
 * trains on the search objective (the LS distance, or validation perplexity for the loss-based baseline), and the
 * finalists are trained fully and ranked by validation perplexity.
 *
 * <h2>Protocol</h2>
 * <ul>
 *   <li>{@link #nextWork()} whenever a worker is idle: returns a {@link WorkItem} (a new trial, created from
 *   the optimizer's next configuration while round 1 admits candidates, or a queued continuation or retry),
 *   or empty when nothing is runnable now.</li>
 *   <li>{@link #onResult} when a worker reports the metrics at the item's {@code toEpoch};
 *   {@link #onFailure} when the trial cannot be trained; {@link #onWorkLost} when the worker holding it is
 *   gone (the item is requeued, at the front, until {@code maxAttempts} hand-outs have been lost).</li>
 *   <li>{@link #onWallTimeExhausted()} when the owner's wall-time budget is up (the engine holds no clock).</li>
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
 *   <li>The optimizer is told once per trial: the search objective of its first result (round 1; under Hyperband
 *   the first rung of the trial's bracket), or NaN if the trial fails before reporting. Later rounds are not told
 *   (their epochs differ).</li>
 *   <li>If the optimizer runs out of distinct configurations before the scheduler's n candidates, admission
 *   closes and round 1 proceeds with the trials it has (the decisions this causes are in
 *   {@link #decisionLog()}, since {@link #nextWork()} returns only the work item). Failed trials count
 *   toward n and are not replaced.</li>
 *   <li>Determinism: given the same optimizer seed and the same sequence of calls, the engine makes the
 *   same decisions (the coordinator journals every call and replays the journal after a crash). With
 *   {@link RandomSearch} the proposals do not depend on tells, so the set of decisions is also independent of how
 *   results interleave.</li>
 * </ul>
 *
 * <h2>Budgets ({@link StudyBudget})</h2>
 * <ul>
 *   <li>Max trials: once that many trials exist no new one is created and the scheduler's admission closes (as when
 *   the optimizer runs out); the schedule then completes normally and its selection stands.</li>
 *   <li>Total epochs: {@link #nextWork()} hands out a segment only if the epochs handed out so far plus its epochs fit
 *   in the budget (a new trial is not even created when the scheduler's shortest first segment does not fit); the
 *   first segment that does not fit spends the budget.</li>
 *   <li>Wall time: {@link #onWallTimeExhausted()} spends the budget.</li>
 * </ul>
 * Once the epoch or wall-time budget is spent nothing more is handed out; results of segments still running are
 * accepted as usual. When no segment is running any more (at once, if none is), the engine closes the study unless
 * the scheduler has already selected a winner: among the trials that have reported and are live or FINISHED, those
 * whose last result is at the deepest epoch reached compete, and the one with the lowest final metric (validation
 * perplexity) in that result wins (NaN last, ties by id). Every other live trial gets a Stop, the winner a Finish
 * (if it is not FINISHED already) and a Select, whose reasons name the budget; these decisions appear in
 * {@link #decisionLog()} like any other. Without any reported live or finished trial nothing is selected.
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
    private final StudyBudget budget;

    private final TreeMap<Integer, Trial> trials = new TreeMap<>();
    /** Trials per state (index: TrialState ordinal), kept by Trial.setState. */
    private final int[] stateCounts = new int[TrialState.values().length];
    private final ArrayDeque<Integer> queue = new ArrayDeque<>();
    private final List<Decision> log = new ArrayList<>();
    private int nextId = 1;
    private boolean creationClosed;
    private Integer selected;
    private double bestObjective = Double.NaN;
    private long handedOutEpochs;
    private String budgetSpent;
    private boolean closedOut;

    /**
     * @param space       the search space; every proposed configuration is validated against it
     * @param optimizer   proposes round-1 candidates (owned by this engine from now on)
     * @param scheduler   decides promotions (owned by this engine from now on), must be fresh
     * @param studySeed   the study seed; trial seeds derive from it ({@link Seeds#trialSeed})
     * @param maxAttempts hand-outs of a segment before a lost trial fails, &gt;= 1
     */
    public StudyEngine(SearchSpace space, Optimizer optimizer, Scheduler scheduler, long studySeed,
                       int maxAttempts) {
        this(space, optimizer, scheduler, studySeed, maxAttempts, StudyBudget.unlimited());
    }

    /**
     * @param space       the search space; every proposed configuration is validated against it
     * @param optimizer   proposes round-1 candidates (owned by this engine from now on)
     * @param scheduler   decides promotions (owned by this engine from now on), must be fresh
     * @param studySeed   the study seed; trial seeds derive from it ({@link Seeds#trialSeed})
     * @param maxAttempts hand-outs of a segment before a lost trial fails, &gt;= 1
     * @param budget      limits on trials and epochs (see the class comment)
     */
    public StudyEngine(SearchSpace space, Optimizer optimizer, Scheduler scheduler, long studySeed,
                       int maxAttempts, StudyBudget budget) {
        this.budget = Objects.requireNonNull(budget, "budget");
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
        Optional<WorkItem> item = takeWork();
        maybeCloseOut();
        return item;
    }

    private Optional<WorkItem> takeWork() {
        while (budgetSpent == null) {
            Integer id = queue.peekFirst();
            if (id != null) {
                Trial t = trials.get(id);
                if (!fitsEpochBudget(t.targetEpoch - t.epoch)) {
                    spend("epoch budget of " + budget.maxEpochs() + " spent");
                    break;
                }
                queue.pollFirst();
                handedOutEpochs += t.targetEpoch - t.epoch;
                t.setState(TrialState.RUNNING);
                t.attempts++;
                return Optional.of(new WorkItem(t.id, t.configuration, t.epoch, t.targetEpoch, t.round, t.phase,
                        t.attempts, t.seed));
            }
            if (!canCreate()) {
                return Optional.empty();
            }
            if (budget.maxTrials() > 0 && trials.size() >= budget.maxTrials()) {
                creationClosed = true; // no more trials: the schedule completes with those it has
                apply(scheduler.onAdmissionClosed());
                continue;
            }
            if (!fitsEpochBudget(scheduler.initialEpochs())) {
                spend("epoch budget of " + budget.maxEpochs() + " spent");
                break;
            }
            Optional<Configuration> proposal = optimizer.ask();
            if (proposal.isEmpty()) {
                creationClosed = true;
                apply(scheduler.onAdmissionClosed());
                continue;
            }
            space.validate(proposal.get());
            Trial t = new Trial(nextId++, proposal.get(), Seeds.trialSeed(studySeed, nextId - 1), stateCounts);
            trials.put(t.id, t);
            scheduler.onTrialAdded(t.id);
            t.targetEpoch = scheduler.firstTargetEpoch(t.id);
            t.round = scheduler.firstRound(t.id);
            queue.addLast(t.id);
        }
        return Optional.empty();
    }

    private boolean fitsEpochBudget(int epochs) {
        return budget.maxEpochs() == 0 || handedOutEpochs + epochs <= budget.maxEpochs();
    }

    /**
     * The owner's wall-time budget is up: nothing more is handed out, and the study closes as soon as no segment is
     * running (see the class comment). Idempotent.
     *
     * @return the decisions taken (the close-out, when nothing is running); empty otherwise
     */
    public List<Decision> onWallTimeExhausted() {
        int before = log.size();
        spend("wall-time budget spent");
        maybeCloseOut();
        return List.copyOf(log.subList(before, log.size()));
    }

    private void spend(String why) {
        if (budgetSpent == null) {
            budgetSpent = why;
        }
    }

    /** Closes a study whose budget is spent once nothing runs: the rule of the class comment. */
    private void maybeCloseOut() {
        if (budgetSpent == null || closedOut || selected != null || scheduler.isDone()
                || stateCounts[TrialState.RUNNING.ordinal()] > 0) {
            return;
        }
        closedOut = true;
        queue.clear();
        int deepest = -1;
        for (Trial t : trials.values()) {
            if (competes(t)) {
                deepest = Math.max(deepest, t.results.get(t.results.size() - 1).epoch());
            }
        }
        Trial winner = null;
        int atDeepest = 0;
        String metric = scheduler.finalMetric();
        for (Trial t : trials.values()) {
            if (competes(t) && t.results.get(t.results.size() - 1).epoch() == deepest) {
                atDeepest++;
                if (winner == null || rankValue(finalMetricOf(t, metric)) < rankValue(finalMetricOf(winner, metric))) {
                    winner = t;
                }
            }
        }
        List<Decision> out = new ArrayList<>();
        for (Trial t : trials.values()) {
            if (t.state.isTerminal() || t == winner) {
                continue;
            }
            t.setState(TrialState.STOPPED);
            t.stopReason = budgetSpent + (t.results.isEmpty() ? " before it ran" : "") + " (epoch " + t.epoch + ")";
            out.add(new Decision.Stop(t.id, t.stopReason));
        }
        if (winner != null) {
            String best = metric + " " + EliminationRounds.format(finalMetricOf(winner, metric)) + " at epoch "
                    + deepest + " among " + atDeepest + " trial" + (atDeepest == 1 ? "" : "s") + " at that epoch";
            if (winner.state != TrialState.FINISHED) {
                winner.setState(TrialState.FINISHED);
                winner.stopReason = budgetSpent + ": best " + best;
                out.add(new Decision.Finish(winner.id, winner.stopReason));
            }
            selected = winner.id;
            out.add(new Decision.Select(winner.id, "selected (" + budgetSpent + "): lowest " + best));
        }
        log.addAll(out);
    }

    private static boolean competes(Trial t) {
        return !t.results.isEmpty() && (!t.state.isTerminal() || t.state == TrialState.FINISHED);
    }

    private static double finalMetricOf(Trial t, String metric) {
        Double v = t.results.get(t.results.size() - 1).metrics().get(metric);
        return v == null ? Double.NaN : v;
    }

    private static double rankValue(double v) {
        return Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
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
        if (t.state.isQueued()) { // a running trial is not in the queue: skip the O(queue) scan
            queue.remove(trialId);
        }
        String metric = t.phase == Phase.FINAL ? scheduler.finalMetric() : scheduler.objectiveMetric();
        Double v = metrics.get(metric);
        double objective = v == null ? Double.NaN : v;
        t.results.add(new RoundResult(t.round, t.phase, epoch, objective, metrics));
        t.epoch = epoch;
        t.setState(TrialState.WAITING);
        if (t.phase == Phase.SEARCH && !Double.isNaN(objective)
                && (Double.isNaN(bestObjective) || objective < bestObjective)) {
            bestObjective = objective;
        }
        if (!t.told) {
            t.told = true;
            optimizer.tell(t.configuration, objective);
        }
        List<Decision> decisions = apply(scheduler.onReport(new Report(trialId, t.round, t.phase, epoch, metrics)));
        return withCloseOut(decisions);
    }

    private List<Decision> withCloseOut(List<Decision> decisions) {
        int before = log.size();
        maybeCloseOut();
        if (log.size() == before) {
            return decisions;
        }
        List<Decision> all = new ArrayList<>(decisions);
        all.addAll(log.subList(before, log.size()));
        return List.copyOf(all);
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
        if (t.state.isQueued()) { // a running trial is not in the queue: skip the O(queue) scan
            queue.remove(trialId);
        }
        t.setState(TrialState.FAILED);
        t.stopReason = reason == null ? "failed" : reason;
        if (!t.told) {
            t.told = true;
            optimizer.tell(t.configuration, Double.NaN);
        }
        return withCloseOut(apply(scheduler.onFailure(trialId, t.stopReason)));
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
        t.setState(t.results.isEmpty() ? TrialState.CREATED : TrialState.PROMOTED);
        queue.addFirst(trialId);
        return withCloseOut(List.of());
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
                t.setState(TrialState.PROMOTED);
                t.round = p.round();
                t.phase = p.phase();
                t.targetEpoch = p.toEpoch();
                t.attempts = 0;
                queue.addLast(t.id);
            } else if (d instanceof Decision.Stop s) {
                expect(t, d, TrialState.WAITING);
                t.setState(TrialState.STOPPED);
                t.stopReason = s.reason();
            } else if (d instanceof Decision.Finish f) {
                expect(t, d, TrialState.WAITING);
                t.setState(TrialState.FINISHED);
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
        return budgetSpent == null && !creationClosed && !scheduler.isDone() && scheduler.acceptsNewTrials();
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
        if (selected != null || scheduler.isDone() || closedOut) {
            return true;
        }
        boolean running = stateCounts[TrialState.RUNNING.ordinal()] > 0;
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

    /** @return how many decisions were taken so far (the size of {@link #decisionLog()}, without copying it) */
    public int decisionCount() {
        return log.size();
    }

    /**
     * @param from a decision count seen earlier
     * @return the decisions taken since, in order, unmodifiable copy
     */
    public List<Decision> decisionsSince(int from) {
        return List.copyOf(log.subList(from, log.size()));
    }

    /** @return the lowest search objective reported so far */
    public OptionalDouble bestObjective() {
        return Double.isNaN(bestObjective) ? OptionalDouble.empty() : OptionalDouble.of(bestObjective);
    }

    /** @return counts by state, current round, best objective */
    public StudyProgress progress() {
        int[] n = stateCounts;
        return new StudyProgress(trials.size(), n[TrialState.CREATED.ordinal()], n[TrialState.RUNNING.ordinal()],
                n[TrialState.WAITING.ordinal()], n[TrialState.PROMOTED.ordinal()], n[TrialState.STOPPED.ordinal()],
                n[TrialState.FINISHED.ordinal()], n[TrialState.FAILED.ordinal()], scheduler.currentRound(),
                bestObjective(), isFinished());
    }

    /** @return training epochs handed out so far (every work item, retries included) */
    public long handedOutEpochs() {
        return handedOutEpochs;
    }

    /** @return why the budget is spent (epoch or wall-time budget), empty while it is not */
    public Optional<String> budgetSpent() {
        return Optional.ofNullable(budgetSpent);
    }

    /** @return the budget */
    public StudyBudget budget() {
        return budget;
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
        private final int[] counts;
        private TrialState state = TrialState.CREATED;
        Phase phase = Phase.SEARCH;
        int round = 1;
        int epoch;
        int targetEpoch;
        int attempts;
        String stopReason;
        boolean told;

        /** Moves the trial to {@code next}, keeping the engine's per-state counts (O(1) progress). */
        void setState(TrialState next) {
            counts[state.ordinal()]--;
            counts[next.ordinal()]++;
            state = next;
        }

        Trial(int id, Configuration configuration, long seed, int[] counts) {
            this.counts = counts;
            counts[TrialState.CREATED.ordinal()]++;
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
