package io.lsh.search.scheduler;

import io.lsh.search.trial.Phase;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The exhaustive baseline: every trial trains to the final epochs in one segment, with no early stopping; when
 * admission is closed and every trial has reported (or failed), all of them are ranked by the final metric
 * (validation perplexity): Finish in rank order, then Select. This is the cost LSH avoids ("training every candidate
 * fully", {@code docs/method.md} section 6). The optimizer is told each trial's search objective at the final epochs.
 *
 * <p>Decision order: a report's Wait; when the study closes, Finishes in rank order then Select. Deterministic, no
 * clock or random; not thread-safe.
 */
public final class FullTraining implements Scheduler {

    private final int finalEpochs;
    private final String objectiveMetric;
    private final String finalMetric;
    private final Admission admission;
    private final TreeSet<Integer> training = new TreeSet<>();
    private final Map<Integer, Report> reported = new TreeMap<>();
    private final FinalPhase finalPhase;

    /**
     * @param candidates      trials admitted, &gt;= 1
     * @param finalEpochs     epochs every trial trains, &gt;= 1
     * @param objectiveMetric the search objective (told to the optimizer), lower is better
     * @param finalMetric     the metric the trials are ranked by, lower is better
     * @throws IllegalArgumentException naming the field that is out of range
     */
    public FullTraining(int candidates, int finalEpochs, String objectiveMetric, String finalMetric) {
        Checks.atLeast("candidates", candidates, 1);
        Checks.atLeast("finalEpochs", finalEpochs, 1);
        Checks.metric("objectiveMetric", objectiveMetric);
        Checks.metric("finalMetric", finalMetric);
        this.finalEpochs = finalEpochs;
        this.objectiveMetric = objectiveMetric;
        this.finalMetric = finalMetric;
        this.admission = new Admission(candidates);
        this.finalPhase = new FinalPhase(candidates, finalEpochs, objectiveMetric, finalMetric);
    }

    @Override
    public String objectiveMetric() {
        return objectiveMetric;
    }

    @Override
    public String finalMetric() {
        return finalMetric;
    }

    @Override
    public int initialEpochs() {
        return finalEpochs;
    }

    @Override
    public int lastSearchEpoch() {
        return finalEpochs;
    }

    @Override
    public int currentRound() {
        return finalPhase.started() ? 2 : 1;
    }

    @Override
    public boolean acceptsNewTrials() {
        return admission.isOpen();
    }

    @Override
    public void onTrialAdded(int trialId) {
        admission.add(trialId);
        training.add(trialId);
    }

    @Override
    public List<Decision> onAdmissionClosed() {
        if (!admission.close()) {
            return List.of();
        }
        return maybeClose(new ArrayList<>());
    }

    @Override
    public List<Decision> onReport(Report report) {
        int id = report.trialId();
        if (!training.contains(id)) {
            throw new IllegalStateException("trial " + id + " is not training");
        }
        if (report.phase() != Phase.SEARCH || report.epoch() != finalEpochs || report.round() != 1) {
            throw new IllegalStateException("trial " + id + " reported round " + report.round() + " "
                    + report.phase() + " epoch " + report.epoch() + ", expected round 1 SEARCH epoch " + finalEpochs);
        }
        training.remove(id);
        reported.put(id, report);
        List<Decision> out = new ArrayList<>();
        out.add(new Decision.Wait(id, 1));
        return maybeClose(out);
    }

    @Override
    public List<Decision> onFailure(int trialId, String reason) {
        if (!training.remove(trialId)) {
            return List.of();
        }
        return maybeClose(new ArrayList<>());
    }

    private List<Decision> maybeClose(List<Decision> out) {
        if (!finalPhase.started() && !admission.isOpen() && training.isEmpty()) {
            finalPhase.start(new ArrayList<>(reported.values()), finalEpochs, 2, out);
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    public boolean isDone() {
        return finalPhase.done();
    }

    @Override
    public OptionalInt selected() {
        Integer s = finalPhase.selected();
        return s == null ? OptionalInt.empty() : OptionalInt.of(s);
    }
}
