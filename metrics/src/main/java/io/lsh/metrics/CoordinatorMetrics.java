package io.lsh.metrics;

import io.lsh.protocol.TrialMetrics;
import io.lsh.search.StudyEngine;
import io.lsh.search.StudyProgress;
import io.lsh.search.scheduler.Decision;
import io.lsh.search.trial.Phase;
import io.lsh.search.trial.TrialState;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The coordinator's metrics: one study's trials, decisions, work queue, workers, best-so-far values, budget and
 * progress, plus the latest values of each live trial.
 *
 * <p>Metrics (all gauges unless they end in {@code _total}):
 * <ul>
 *   <li>{@code lsh_study_info{study, objective}} 1 once the study has started</li>
 *   <li>{@code lsh_study_trials{state}} trials by state (created, running, waiting, promoted, stopped, finished,
 *   failed)</li>
 *   <li>{@code lsh_study_decisions_total{kind, reason}} scheduler decisions; kind wait, promote, stop, finish or
 *   select; reason the bounded class waiting, promoted, finalist, eliminated, finished or selected</li>
 *   <li>{@code lsh_study_queued_work_items} segments waiting for a worker; {@code lsh_study_workers_connected}</li>
 *   <li>{@code lsh_study_round} the scheduler's current round</li>
 *   <li>{@code lsh_study_best_ls_distance}, {@code lsh_study_best_valid_perplexity} lowest candidate values so far
 *   (NaN before the first report)</li>
 *   <li>{@code lsh_study_epochs_trained_total} epochs reported by any trial (the dense reference included),
 *   {@code lsh_study_epochs_budget} the epochs the schedule plans, {@code lsh_study_progress_ratio} trained /
 *   budget in [0, 1] (1 once the study is finished)</li>
 *   <li>{@code lsh_study_reference_valid_perplexity} the dense reference's latest validation perplexity</li>
 *   <li>{@code lsh_trial_ls_distance{trial}}, {@code lsh_trial_valid_perplexity{trial}},
 *   {@code lsh_trial_epoch{trial}} latest report of each live trial (trial 0 is the dense reference); the label
 *   set is removed when the trial is stopped, finished or failed</li>
 * </ul>
 *
 * <p>Thread-safety: the event methods are called by the coordinator actor only (one thread at a time); scrapes
 * read the underlying Prometheus metrics concurrently, which they support.
 */
public final class CoordinatorMetrics {

    /** Trial id of the dense reference, whose reports do not count as candidates' best values. */
    public static final int REFERENCE_TRIAL = 0;

    private final Gauge info;
    private final Gauge trials;
    private final Counter decisions;
    private final Gauge queued;
    private final Gauge workers;
    private final Gauge round;
    private final Gauge bestDistance;
    private final Gauge bestPerplexity;
    private final Counter epochsTrained;
    private final Gauge epochsBudget;
    private final Gauge progress;
    private final Gauge referencePerplexity;
    private final Gauge trialDistance;
    private final Gauge trialPerplexity;
    private final Gauge trialEpoch;

    private final Set<String> liveTrials = new HashSet<>();
    private int seenDecisions;
    /** Trials that had ended (stopped, finished, failed) at the last sweep of {@link #liveTrials}; -1: none yet. */
    private int endedAtSweep = -1;
    private boolean referenceLiveAtSweep;
    private double best = Double.NaN;
    private double bestPpl = Double.NaN;
    private long trained;
    private long budget;
    private String[] infoLabels;

    /**
     * Registers the coordinator's metrics.
     *
     * @param registry where to register them (one registry holds one study's coordinator metrics)
     * @throws IllegalArgumentException if they are already registered there
     */
    public CoordinatorMetrics(PrometheusRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        info = Gauge.builder().name("lsh_study_info").help("1 once the study has started; the labels name it")
                .labelNames("study", "objective").register(registry);
        trials = Gauge.builder().name("lsh_study_trials").help("Candidate trials by state")
                .labelNames("state").register(registry);
        for (TrialState s : TrialState.values()) {
            trials.labelValues(state(s)).set(0);
        }
        decisions = Counter.builder().name("lsh_study_decisions_total")
                .help("Scheduler decisions by kind and reason class").labelNames("kind", "reason").register(registry);
        for (String[] kr : new String[][] {{"wait", "waiting"}, {"promote", "promoted"}, {"promote", "finalist"},
                {"stop", "eliminated"}, {"finish", "finished"}, {"select", "selected"}}) {
            decisions.initLabelValues(kr);
        }
        queued = Gauge.builder().name("lsh_study_queued_work_items")
                .help("Trial segments waiting for a worker").register(registry);
        workers = Gauge.builder().name("lsh_study_workers_connected")
                .help("Workers registered with the coordinator").register(registry);
        round = Gauge.builder().name("lsh_study_round").help("The scheduler's current round").register(registry);
        bestDistance = Gauge.builder().name("lsh_study_best_ls_distance")
                .help("Lowest LS distance to the dense reference reported by a candidate so far").register(registry);
        bestPerplexity = Gauge.builder().name("lsh_study_best_valid_perplexity")
                .help("Lowest validation perplexity reported by a candidate so far").register(registry);
        epochsTrained = Counter.builder().name("lsh_study_epochs_trained_total")
                .help("Epochs trained by all trials, the dense reference included").register(registry);
        epochsBudget = Gauge.builder().name("lsh_study_epochs_budget")
                .help("Epochs the elimination schedule plans, the dense reference included").register(registry);
        progress = Gauge.builder().name("lsh_study_progress_ratio")
                .help("Epochs trained over the planned budget, 1 when the study is finished").register(registry);
        referencePerplexity = Gauge.builder().name("lsh_study_reference_valid_perplexity")
                .help("Latest validation perplexity of the dense reference").register(registry);
        trialDistance = Gauge.builder().name("lsh_trial_ls_distance")
                .help("Latest LS distance of a live trial (NaN when not measured)").labelNames("trial")
                .register(registry);
        trialPerplexity = Gauge.builder().name("lsh_trial_valid_perplexity")
                .help("Latest validation perplexity of a live trial").labelNames("trial").register(registry);
        trialEpoch = Gauge.builder().name("lsh_trial_epoch")
                .help("Epochs a live trial has completed").labelNames("trial").register(registry);
        bestDistance.set(Double.NaN);
        bestPerplexity.set(Double.NaN);
        referencePerplexity.set(Double.NaN);
    }

    /**
     * The study begins.
     *
     * @param study        its name
     * @param objective    what ranks candidates (ls_distance or val_ppl)
     * @param budgetEpochs epochs the schedule plans (candidates' segments plus the dense reference), &gt;= 0
     */
    public void studyStarted(String study, String objective, long budgetEpochs) {
        if (infoLabels != null) {
            info.remove(infoLabels);
        }
        infoLabels = new String[] {study, objective};
        info.labelValues(infoLabels).set(1);
        budget = Math.max(0, budgetEpochs);
        epochsBudget.set(budget);
        progress.set(0);
    }

    /**
     * A trial reported an epoch.
     *
     * @param trialId the trial ({@link #REFERENCE_TRIAL} for the dense reference)
     * @param m       its metrics
     */
    public void epochReported(int trialId, TrialMetrics m) {
        trained++;
        epochsTrained.inc();
        String trial = Integer.toString(trialId);
        liveTrials.add(trial);
        trialDistance.labelValues(trial).set(m.lsDistance());
        trialPerplexity.labelValues(trial).set(m.validPerplexity());
        trialEpoch.labelValues(trial).set(m.epoch());
        if (trialId == REFERENCE_TRIAL) {
            referencePerplexity.set(m.validPerplexity());
        } else {
            if (!Double.isNaN(m.lsDistance()) && (Double.isNaN(best) || m.lsDistance() < best)) {
                best = m.lsDistance();
                bestDistance.set(best);
            }
            if (Double.isFinite(m.validPerplexity()) && (Double.isNaN(bestPpl) || m.validPerplexity() < bestPpl)) {
                bestPpl = m.validPerplexity();
                bestPerplexity.set(bestPpl);
            }
        }
        if (budget > 0) {
            progress.set(Math.min(1.0, (double) trained / budget));
        }
    }

    /**
     * Brings the state metrics up to date after an event: trials by state, decisions made since the last call,
     * queue, workers, round, progress, and removes the series of trials that are no longer live.
     *
     * @param engine           the study's engine (read only)
     * @param connectedWorkers workers currently registered
     * @param referenceLive    true while the dense reference still has epochs to train
     */
    public void update(StudyEngine engine, int connectedWorkers, boolean referenceLive) {
        StudyProgress p = engine.progress();
        trials.labelValues(state(TrialState.CREATED)).set(p.created());
        trials.labelValues(state(TrialState.RUNNING)).set(p.running());
        trials.labelValues(state(TrialState.WAITING)).set(p.waiting());
        trials.labelValues(state(TrialState.PROMOTED)).set(p.promoted());
        trials.labelValues(state(TrialState.STOPPED)).set(p.stopped());
        trials.labelValues(state(TrialState.FINISHED)).set(p.finished());
        trials.labelValues(state(TrialState.FAILED)).set(p.failed());
        queued.set(p.created() + p.promoted());
        workers.set(connectedWorkers);
        round.set(p.round());
        List<Decision> log = engine.decisionLog();
        for (Decision d : log.subList(Math.min(seenDecisions, log.size()), log.size())) {
            decisions.labelValues(kind(d), reasonClass(d)).inc();
        }
        seenDecisions = log.size();
        // A series goes when its trial ends: sweep only when some trial ended (or the reference did) since the last
        // sweep, and look up only the trials that have series (at most the running ones), not every trial of the
        // study, which made each update O(trials) (docs/benchmarks.md, "Coordinator scale").
        int ended = p.stopped() + p.finished() + p.failed();
        if (ended != endedAtSweep || referenceLive != referenceLiveAtSweep) {
            endedAtSweep = ended;
            referenceLiveAtSweep = referenceLive;
            liveTrials.removeIf(trial -> {
                int id = Integer.parseInt(trial);
                boolean live = id == REFERENCE_TRIAL ? referenceLive
                        : engine.trial(id).map(t -> !t.state().isTerminal()).orElse(false);
                if (!live) {
                    trialDistance.remove(trial);
                    trialPerplexity.remove(trial);
                    trialEpoch.remove(trial);
                }
                return !live;
            });
        }
        if (p.done() && !referenceLive) {
            progress.set(1.0);
        }
    }

    /** The study ended (finished or failed): no trial is live any more. */
    public void studyEnded() {
        for (String trial : liveTrials) {
            trialDistance.remove(trial);
            trialPerplexity.remove(trial);
            trialEpoch.remove(trial);
        }
        liveTrials.clear();
    }

    /** @return the kind label of a decision: wait, promote, stop, finish or select */
    static String kind(Decision d) {
        return d.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }

    /** @return the bounded reason class of a decision (never its free-text reason) */
    static String reasonClass(Decision d) {
        if (d instanceof Decision.Wait) {
            return "waiting";
        } else if (d instanceof Decision.Promote p) {
            return p.phase() == Phase.FINAL ? "finalist" : "promoted";
        } else if (d instanceof Decision.Stop) {
            return "eliminated";
        } else if (d instanceof Decision.Finish) {
            return "finished";
        }
        return "selected";
    }

    private static String state(TrialState s) {
        return s.name().toLowerCase(Locale.ROOT);
    }
}
