package io.lsh.search.scheduler;

import io.lsh.search.trial.Phase;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The authors' synchronous elimination rounds (Zheng &amp; Shlizerman 2025, "Hyperpruning", arXiv
 * 2506.07975; {@code docs/method.md} section 6).
 *
 * <ol>
 *   <li>Round 1 admits up to n candidates; each trains 0 to e0 epochs and reports its objective (the LS
 *   distance to the dense network at epoch e0 by default).</li>
 *   <li>A round closes when admission is closed (n trials added, or {@link #onAdmissionClosed()}) and every
 *   live trial of the round has reported. Failed trials leave the round, so it still closes.</li>
 *   <li>At closure the k reported trials are ranked by objective ascending (NaN/missing last, ties by trial
 *   id). {@link EliminationSettings#survivors(int, int)} of them survive: floor(k/2)+1, never fewer than the
 *   m finalists. If more than m survive they are promoted to another SEARCH round, ei epochs further;
 *   otherwise they are promoted to the FINAL phase (train to finalEpochs). The rest are stopped with a
 *   reason naming their rank, e.g. "eliminated after round 2 (rank 5 of 6, ls_distance 1.234)".</li>
 *   <li>When all finalists have reported, they are ranked by the final metric (validation perplexity by
 *   default): every finalist gets a Finish, then the best gets a Select.</li>
 * </ol>
 *
 * <p>Decision order: the reporting trial's Wait first; then, if a round closed, Promotes in rank order,
 * then Stops in rank order (or Finishes in rank order, then Select). If no trial is live when a round
 * closes, the schedule is done without a selection.
 *
 * <p>Deterministic, no clock or random; not thread-safe.
 */
public final class EliminationRounds implements Scheduler {

    private final EliminationSettings settings;
    private final Set<Integer> known = new HashSet<>();
    private final TreeSet<Integer> live = new TreeSet<>();
    private final Map<Integer, Double> reported = new TreeMap<>();
    private int round = 1;
    private Phase phase = Phase.SEARCH;
    private int targetEpoch;
    private int added;
    private boolean admissionOpen = true;
    private boolean done;
    private Integer selected;

    /** @param settings the schedule's settings */
    public EliminationRounds(EliminationSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.targetEpoch = settings.initialEpochs();
    }

    /** @return the settings */
    public EliminationSettings settings() {
        return settings;
    }

    @Override
    public String objectiveMetric() {
        return settings.objectiveMetric();
    }

    @Override
    public String finalMetric() {
        return settings.finalMetric();
    }

    @Override
    public int initialEpochs() {
        return settings.initialEpochs();
    }

    /** @return the epoch of the last elimination round when all candidates report ({@link EliminationPlan}) */
    @Override
    public int lastSearchEpoch() {
        return settings.plan().rounds().stream().filter(r -> r.phase() == Phase.SEARCH)
                .mapToInt(EliminationPlan.PlannedRound::toEpoch).max().orElse(settings.initialEpochs());
    }

    @Override
    public int currentRound() {
        return round;
    }

    /** @return the phase of the current round */
    public Phase currentPhase() {
        return phase;
    }

    /** @return the epoch the current round trains to */
    public int currentTargetEpoch() {
        return targetEpoch;
    }

    /** @return the live trials of the current round, ascending ids */
    public List<Integer> liveTrials() {
        return List.copyOf(live);
    }

    @Override
    public boolean acceptsNewTrials() {
        return admissionOpen && !done;
    }

    @Override
    public void onTrialAdded(int trialId) {
        if (!acceptsNewTrials()) {
            throw new IllegalStateException("round 1 admits no more trials (" + added + " added)");
        }
        if (!known.add(trialId)) {
            throw new IllegalStateException("trial " + trialId + " was added before");
        }
        live.add(trialId);
        added++;
        if (added >= settings.candidates()) {
            admissionOpen = false;
        }
    }

    @Override
    public List<Decision> onAdmissionClosed() {
        if (!admissionOpen) {
            return List.of();
        }
        admissionOpen = false;
        return maybeClose(new ArrayList<>());
    }

    @Override
    public List<Decision> onReport(Report report) {
        int id = report.trialId();
        if (!live.contains(id)) {
            throw new IllegalStateException("trial " + id + " is not live in round " + round);
        }
        if (reported.containsKey(id)) {
            throw new IllegalStateException("trial " + id + " already reported in round " + round);
        }
        if (report.round() != round || report.phase() != phase || report.epoch() != targetEpoch) {
            throw new IllegalStateException("trial " + id + " reported round " + report.round() + " "
                    + report.phase() + " epoch " + report.epoch() + ", expected round " + round + " " + phase
                    + " epoch " + targetEpoch);
        }
        reported.put(id, report.metric(metric()));
        List<Decision> out = new ArrayList<>();
        out.add(new Decision.Wait(id, round));
        return maybeClose(out);
    }

    @Override
    public List<Decision> onFailure(int trialId, String reason) {
        if (!live.remove(trialId)) {
            return List.of();
        }
        reported.remove(trialId);
        return maybeClose(new ArrayList<>());
    }

    @Override
    public boolean isDone() {
        return done;
    }

    @Override
    public OptionalInt selected() {
        return selected == null ? OptionalInt.empty() : OptionalInt.of(selected);
    }

    private String metric() {
        return phase == Phase.FINAL ? settings.finalMetric() : settings.objectiveMetric();
    }

    private List<Decision> maybeClose(List<Decision> out) {
        if (done || admissionOpen || !reported.keySet().containsAll(live)) {
            return Collections.unmodifiableList(out);
        }
        closeRound(out);
        return Collections.unmodifiableList(out);
    }

    private void closeRound(List<Decision> out) {
        List<Integer> ranked = new ArrayList<>(live);
        ranked.sort(Comparator.<Integer>comparingDouble(id -> rankValue(reported.get(id)))
                .thenComparingInt(id -> id));
        int k = ranked.size();
        if (k == 0) {
            done = true;
            return;
        }
        String metric = metric();
        if (phase == Phase.FINAL) {
            for (int i = 0; i < k; i++) {
                int id = ranked.get(i);
                out.add(new Decision.Finish(id, "final rank " + (i + 1) + " of " + k + " (" + metric + " "
                        + format(reported.get(id)) + ")"));
            }
            int winner = ranked.get(0);
            out.add(new Decision.Select(winner, "selected: lowest " + metric + " " + format(reported.get(winner))
                    + " among " + k + " finalist" + (k == 1 ? "" : "s")));
            selected = winner;
            done = true;
            return;
        }
        int keep = EliminationSettings.survivors(k, settings.finalists());
        boolean toFinal = keep <= settings.finalists();
        Phase nextPhase = toFinal ? Phase.FINAL : Phase.SEARCH;
        int nextTarget = toFinal ? settings.finalEpochs() : targetEpoch + settings.epochsPerRound();
        for (int i = 0; i < keep; i++) {
            int id = ranked.get(i);
            out.add(new Decision.Promote(id, round + 1, nextPhase, targetEpoch, nextTarget,
                    (toFinal ? "finalist" : "survived") + " after round " + round + " (rank " + (i + 1) + " of " + k
                            + ", " + metric + " " + format(reported.get(id)) + ")"));
        }
        for (int i = keep; i < k; i++) {
            int id = ranked.get(i);
            out.add(new Decision.Stop(id, "eliminated after round " + round + " (rank " + (i + 1) + " of " + k
                    + ", " + metric + " " + format(reported.get(id)) + ")"));
        }
        live.clear();
        live.addAll(ranked.subList(0, keep));
        reported.clear();
        round++;
        phase = nextPhase;
        targetEpoch = nextTarget;
    }

    private static double rankValue(Double v) {
        return v == null || Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
    }

    /**
     * @param v a metric value (null and non-finite values print as Java does)
     * @return four significant digits, plain notation for ordinary magnitudes (as in decision reasons)
     */
    public static String format(Double v) {
        if (v == null || !Double.isFinite(v)) {
            return String.valueOf(v);
        }
        if (v == 0.0) {
            return "0";
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros();
        double a = Math.abs(v);
        return a >= 1e-4 && a < 1e7 ? d.toPlainString() : d.toString();
    }
}
