package io.lsh.search.scheduler;

import io.lsh.search.trial.Phase;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * The end of an asynchronous schedule, shared by {@link AsyncSuccessiveHalving}, {@link MedianStopping} and
 * {@link FullTraining}: once the search has settled, the trials that reached the last search epoch are ranked by the
 * search objective; the best {@code finalists} train on to the final epochs (phase FINAL) and are ranked by the final
 * metric, as the elimination rounds' finalists are (Zheng &amp; Shlizerman 2025, arXiv 2506.07975;
 * {@code docs/method.md} section 6). When the final epochs equal the last search epoch there is nothing more to train:
 * the finalists are ranked at once by the final metric of their last search report.
 *
 * <p>Decision order at the start: Promotes (or Finishes) in objective rank order, then Stops of the non-finalists in
 * rank order; at the end: Finishes in final-metric rank order, then Select. Ties rank by trial id; a missing (NaN)
 * metric ranks last. Not thread-safe.
 */
final class FinalPhase {

    private final int finalists;
    private final int finalEpochs;
    private final String objectiveMetric;
    private final String finalMetric;
    private final TreeSet<Integer> training = new TreeSet<>();
    private final Map<Integer, Double> reported = new TreeMap<>();
    private int round;
    private boolean started;
    private boolean done;
    private Integer selected;

    FinalPhase(int finalists, int finalEpochs, String objectiveMetric, String finalMetric) {
        this.finalists = finalists;
        this.finalEpochs = finalEpochs;
        this.objectiveMetric = objectiveMetric;
        this.finalMetric = finalMetric;
    }

    boolean started() {
        return started;
    }

    boolean done() {
        return done;
    }

    Integer selected() {
        return selected;
    }

    boolean contains(int trialId) {
        return training.contains(trialId) || reported.containsKey(trialId);
    }

    int round() {
        return round;
    }

    /**
     * Starts the final phase.
     *
     * @param candidates the search reports at {@code lastSearchEpoch} of the trials that reached it, any order
     * @param round      the round number of the final phase
     */
    void start(List<Report> candidates, int lastSearchEpoch, int round, List<Decision> out) {
        started = true;
        this.round = round;
        List<Report> ranked = rank(candidates, r -> r.metric(objectiveMetric));
        int k = ranked.size();
        int keep = Math.min(finalists, k);
        if (k == 0) {
            done = true;
            return;
        }
        if (finalEpochs > lastSearchEpoch) {
            for (int i = 0; i < keep; i++) {
                Report r = ranked.get(i);
                out.add(new Decision.Promote(r.trialId(), round, Phase.FINAL, lastSearchEpoch, finalEpochs,
                        "finalist (rank " + (i + 1) + " of " + k + " at epoch " + lastSearchEpoch + ", "
                                + objectiveMetric + " " + EliminationRounds.format(r.metric(objectiveMetric)) + ")"));
                training.add(r.trialId());
            }
            stopOthers(ranked, keep, lastSearchEpoch, out);
            return;
        }
        stopOthers(ranked, keep, lastSearchEpoch, out);
        for (int i = 0; i < keep; i++) {
            reported.put(ranked.get(i).trialId(), ranked.get(i).metric(finalMetric));
        }
        close(out);
    }

    private void stopOthers(List<Report> ranked, int keep, int epoch, List<Decision> out) {
        for (int i = keep; i < ranked.size(); i++) {
            Report r = ranked.get(i);
            out.add(new Decision.Stop(r.trialId(), "not a finalist (rank " + (i + 1) + " of " + ranked.size()
                    + " at epoch " + epoch + ", " + objectiveMetric + " "
                    + EliminationRounds.format(r.metric(objectiveMetric)) + ")"));
        }
    }

    /** A finalist's report at the final epochs: Wait, and the ranking once every finalist has reported. */
    List<Decision> onReport(Report report, List<Decision> out) {
        int id = report.trialId();
        if (!training.contains(id)) {
            throw new IllegalStateException("trial " + id + " is not a finalist in training");
        }
        if (report.phase() != Phase.FINAL || report.epoch() != finalEpochs) {
            throw new IllegalStateException("finalist " + id + " reported " + report.phase() + " epoch "
                    + report.epoch() + ", expected FINAL epoch " + finalEpochs);
        }
        training.remove(id);
        reported.put(id, report.metric(finalMetric));
        out.add(new Decision.Wait(id, round));
        if (training.isEmpty()) {
            close(out);
        }
        return out;
    }

    /** A finalist failed: it leaves the final phase, which may then close. */
    void onFailure(int trialId, List<Decision> out) {
        if (training.remove(trialId) && training.isEmpty()) {
            close(out);
        }
    }

    private void close(List<Decision> out) {
        List<Integer> ranked = new ArrayList<>(reported.keySet());
        ranked.sort(Comparator.<Integer>comparingDouble(id -> rankValue(reported.get(id))).thenComparingInt(id -> id));
        int k = ranked.size();
        done = true;
        if (k == 0) {
            return;
        }
        for (int i = 0; i < k; i++) {
            int id = ranked.get(i);
            out.add(new Decision.Finish(id, "final rank " + (i + 1) + " of " + k + " (" + finalMetric + " "
                    + EliminationRounds.format(reported.get(id)) + ")"));
        }
        selected = ranked.get(0);
        out.add(new Decision.Select(selected, "selected: lowest " + finalMetric + " "
                + EliminationRounds.format(reported.get(selected)) + " among " + k + " finalist" + (k == 1 ? "" : "s")));
    }

    /** @return the reports sorted by the metric ascending (NaN last), ties by trial id */
    static List<Report> rank(List<Report> reports, ToDoubleFunction<Report> metric) {
        List<Report> out = new ArrayList<>(reports);
        out.sort(Comparator.<Report>comparingDouble(r -> rankValue(metric.applyAsDouble(r)))
                .thenComparingInt(Report::trialId));
        return out;
    }

    static double rankValue(Double v) {
        return v == null || Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
    }
}
