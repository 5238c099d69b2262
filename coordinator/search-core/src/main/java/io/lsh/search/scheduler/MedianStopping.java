package io.lsh.search.scheduler;

import io.lsh.search.trial.Phase;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * The median stopping rule (Golovin et al. 2017, "Google Vizier: A Service for Black-Box Optimization", section
 * 3.2.2), asynchronous: every trial reports at the epochs {@link MedianStoppingSettings#reportEpochs()} and is judged
 * at once, with the LS distance (or validation perplexity) as the objective ({@code docs/method.md} section 6).
 *
 * <h2>The rule (exactly)</h2>
 * When trial t reports at epoch e below the last search epoch: its best objective b = the minimum of its reports at
 * epochs &lt;= e (NaN reports ignored; NaN if all are NaN). Every other trial that has reported at e (whatever became
 * of it later) contributes its running average: the mean of its non-NaN reports at epochs &lt;= e. If fewer than
 * {@code minTrials} such averages exist, t continues. Otherwise t is stopped when b is NaN or b &gt; the median of the
 * averages (the mean of the two middle values for an even count), and continues (Promote to the next report epoch)
 * otherwise. No trial is judged before the grace epochs (its first report) and none at the last search epoch, where
 * trials wait; when admission is closed and no trial trains in the search, the trials at the last search epoch go to
 * the shared final phase ({@link FinalPhase}).
 *
 * <p>Rounds: the segment to the i-th report epoch is round i + 1; the final phase is the round after the last.
 * Decision order per report: Wait, then Promote or Stop, then the final phase's decisions. Deterministic, no clock or
 * random; not thread-safe.
 */
public final class MedianStopping implements Scheduler {

    private final MedianStoppingSettings settings;
    private final int[] epochs;
    private final Admission admission;
    /** objective reports per trial, by report index (NaN where missing); only trials that reported. */
    private final Map<Integer, double[]> history = new TreeMap<>();
    /** highest report index of each trial that reported (its reports stay: later trials are compared with them). */
    private final Map<Integer, Integer> reportedUpTo = new TreeMap<>();
    /** report index each live search trial trains toward. */
    private final Map<Integer, Integer> training = new TreeMap<>();
    private final Map<Integer, Report> atLastEpoch = new TreeMap<>();
    private final FinalPhase finalPhase;
    private int highestRound = 1;

    /** @param settings the rule's settings */
    public MedianStopping(MedianStoppingSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.epochs = settings.reportEpochs().stream().mapToInt(Integer::intValue).toArray();
        this.admission = new Admission(settings.candidates());
        this.finalPhase = new FinalPhase(settings.finalists(), settings.finalEpochs(), settings.objectiveMetric(),
                settings.finalMetric());
    }

    /** @return the settings */
    public MedianStoppingSettings settings() {
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
        return epochs[0];
    }

    @Override
    public int lastSearchEpoch() {
        return settings.maxEpochs();
    }

    @Override
    public int currentRound() {
        return highestRound;
    }

    @Override
    public boolean acceptsNewTrials() {
        return admission.isOpen() && !finalPhase.started();
    }

    @Override
    public void onTrialAdded(int trialId) {
        if (finalPhase.started()) {
            throw new IllegalStateException("the schedule admits no more trials (final phase started)");
        }
        admission.add(trialId);
        training.put(trialId, 0);
    }

    @Override
    public List<Decision> onAdmissionClosed() {
        if (!admission.close()) {
            return List.of();
        }
        return maybeFinal(new ArrayList<>());
    }

    @Override
    public List<Decision> onReport(Report report) {
        int id = report.trialId();
        if (finalPhase.contains(id)) {
            return Collections.unmodifiableList(finalPhase.onReport(report, new ArrayList<>()));
        }
        Integer index = training.get(id);
        if (index == null) {
            throw new IllegalStateException("trial " + id + " is not training in the search");
        }
        if (report.phase() != Phase.SEARCH || report.epoch() != epochs[index] || report.round() != index + 1) {
            throw new IllegalStateException("trial " + id + " reported round " + report.round() + " "
                    + report.phase() + " epoch " + report.epoch() + ", expected round " + (index + 1)
                    + " SEARCH epoch " + epochs[index]);
        }
        training.remove(id);
        double[] h = history.computeIfAbsent(id, k -> {
            double[] a = new double[epochs.length];
            Arrays.fill(a, Double.NaN);
            return a;
        });
        String metric = settings.objectiveMetric();
        h[index] = report.metric(metric);
        reportedUpTo.put(id, index);
        List<Decision> out = new ArrayList<>();
        out.add(new Decision.Wait(id, index + 1));
        if (index == epochs.length - 1) {
            atLastEpoch.put(id, report);
            return maybeFinal(out);
        }
        double best = Double.NaN;
        for (int i = 0; i <= index; i++) {
            if (!Double.isNaN(h[i]) && (Double.isNaN(best) || h[i] < best)) {
                best = h[i];
            }
        }
        List<Double> averages = new ArrayList<>();
        for (Map.Entry<Integer, double[]> e : history.entrySet()) {
            double[] o = e.getValue();
            if (e.getKey() == id || reportedUpTo.get(e.getKey()) < index) {
                continue;
            }
            double sum = 0;
            int n = 0;
            for (int i = 0; i <= index; i++) {
                if (!Double.isNaN(o[i])) {
                    sum += o[i];
                    n++;
                }
            }
            if (n > 0) {
                averages.add(sum / n);
            }
        }
        String at = "epoch " + epochs[index];
        if (averages.size() < settings.minTrials()) {
            promote(id, index, "continues at " + at + ": " + averages.size() + " other trial"
                    + (averages.size() == 1 ? "" : "s") + " reported there (rule needs " + settings.minTrials() + ")",
                    out);
            return maybeFinal(out);
        }
        double median = median(averages);
        String values = "best " + metric + " " + EliminationRounds.format(best) + ", median of " + averages.size()
                + " running averages " + EliminationRounds.format(median);
        if (Double.isNaN(best) || best > median) {
            out.add(new Decision.Stop(id, "median rule at " + at + ": " + values));
        } else {
            promote(id, index, "median rule at " + at + ": " + values, out);
        }
        return maybeFinal(out);
    }

    private void promote(int id, int index, String reason, List<Decision> out) {
        training.put(id, index + 1);
        highestRound = Math.max(highestRound, index + 2);
        out.add(new Decision.Promote(id, index + 2, Phase.SEARCH, epochs[index], epochs[index + 1], reason));
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    }

    @Override
    public List<Decision> onFailure(int trialId, String reason) {
        List<Decision> out = new ArrayList<>();
        if (finalPhase.contains(trialId)) {
            finalPhase.onFailure(trialId, out);
            return Collections.unmodifiableList(out);
        }
        if (training.remove(trialId) == null) {
            return List.of();
        }
        return maybeFinal(out);
    }

    private List<Decision> maybeFinal(List<Decision> out) {
        if (!finalPhase.started() && !admission.isOpen() && training.isEmpty()) {
            finalPhase.start(new ArrayList<>(atLastEpoch.values()), settings.maxEpochs(), epochs.length + 1, out);
            highestRound = Math.max(highestRound, epochs.length + 1);
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
