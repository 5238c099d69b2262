package io.lsh.search.scheduler;

import io.lsh.search.trial.Phase;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * Asynchronous successive halving (ASHA) and asynchronous Hyperband (Li et al. 2020, "A System for Massively
 * Parallel Hyperparameter Tuning", MLSys, Algorithm 2 and section 3.3), with the LS distance (or validation
 * perplexity) as the rung metric: the asynchronous generalisation of the Hyperpruning elimination rounds that
 * {@code docs/method.md} section 6 proposes for a cluster (no worker waits for a whole round).
 *
 * <h2>Rungs and brackets</h2>
 * The rung epochs are {@link HalvingSettings#rungEpochs()}: r, r eta, ..., R. ASHA has one bracket, whose trials
 * start at rung 0. Hyperband has one bracket per rung: bracket b's trials start at rung b (b = 0 is the most
 * aggressive, the last bracket trains straight to R without early stopping). New trials go to brackets in
 * proportion to Hyperband's bracket sizes ceil((K+1) / (s+1) eta^s), s = K - b halvings, K + 1 rungs, by smooth
 * weighted round-robin in admission order (deterministic). Within a bracket each rung ranks only its own bracket's
 * reports.
 *
 * <h2>The rule (exactly)</h2>
 * A trial reporting at rung k below the top gets a Wait; then, after every event, each non-top rung of each bracket
 * (ascending) is reviewed: with its n reports ranked by the metric (ascending, NaN last, ties by trial id),
 * <ul>
 *   <li>a waiting trial of rank p (0-based) with p &lt; floor(n / eta) is promoted at once to rung k+1 (as in ASHA's
 *   {@code get_job}, a trial is promoted at most once from a rung, and the top set is recomputed as the rung grows,
 *   so a trial that waited may be promoted later);</li>
 *   <li>a waiting trial is stopped as soon as it can never be promoted: p &gt;= floor(N / eta), where N is the largest
 *   number of reports the rung can still reach (its reports, plus the bracket's trials training toward rung k or
 *   below, plus those waiting below rung k, plus the admissions still open for the bracket). Future reports can
 *   only push its rank down, and the promoted share grows at most to floor(N / eta). This refines ASHA, which never
 *   stops a trial explicitly: a trial the study could still promote keeps waiting (costing no worker).</li>
 * </ul>
 * Trials reaching the top rung R wait. When the search has settled (admission closed, nothing training or waiting
 * below the top rung), the top-rung trials of all brackets go to the shared final phase ({@link FinalPhase}): the
 * best {@code finalists} by the rung metric train to the final epochs and are ranked by the final metric.
 *
 * <p>Rounds: a segment toward global rung k is round k + 1; the final phase is round K + 2. Decision order per event:
 * the reporter's Wait, then promotions and stops rung by rung (ascending; within a rung in rank order), then the
 * final phase's decisions. Deterministic, no clock or random; not thread-safe.
 */
public final class AsyncSuccessiveHalving implements Scheduler {

    private final HalvingSettings settings;
    private final int[] rungEpochs;
    private final int brackets;
    /** bracketOf[i]: bracket of the i-th admitted trial; futureIn[b][i]: admissions with index &gt;= i in b. */
    private final int[] bracketOf;
    private final int[][] futureIn;
    private final Admission admission;
    /** rungs[b][k], for k &gt;= b. */
    private final Rung[][] rungs;
    private final Map<Integer, TrialAt> trials = new HashMap<>();
    private final FinalPhase finalPhase;
    private int highestRound = 1;

    /** Where a trial is: its bracket, the global rung it trains toward or waits at. */
    private static final class TrialAt {
        final int bracket;
        int rung;
        boolean training = true;
        Report lastReport;

        TrialAt(int bracket, int rung) {
            this.bracket = bracket;
            this.rung = rung;
        }
    }

    /** A report's place in its rung's ranking: the metric (NaN as +infinity), then the trial id. */
    private record Ranked(double key, int trialId) implements Comparable<Ranked> {
        @Override
        public int compareTo(Ranked o) {
            int c = Double.compare(key, o.key);
            return c != 0 ? c : Integer.compare(trialId, o.trialId);
        }
    }

    /**
     * One rung of one bracket: its reports (kept sorted, so a rank is a binary search) and the waiting trials sorted
     * the same way (so a review looks only at the best and the worst waiting trials).
     */
    private static final class Rung {
        final Map<Integer, Report> reports = new HashMap<>();
        final TreeSet<Ranked> waiting = new TreeSet<>();
        private Ranked[] sorted = new Ranked[8];
        private int size;
        int training;

        void add(Report r, String metric) {
            Ranked k = new Ranked(FinalPhase.rankValue(r.metric(metric)), r.trialId());
            reports.put(r.trialId(), r);
            int at = rank(k);
            if (size == sorted.length) {
                sorted = java.util.Arrays.copyOf(sorted, size * 2);
            }
            System.arraycopy(sorted, at, sorted, at + 1, size - at);
            sorted[at] = k;
            size++;
            waiting.add(k);
        }

        /** @return the number of reports ranked before k */
        int rank(Ranked k) {
            int lo = 0;
            int hi = size;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (sorted[mid].compareTo(k) < 0) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        int size() {
            return size;
        }
    }

    private AsyncSuccessiveHalving(HalvingSettings settings, boolean hyperband) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.rungEpochs = settings.rungEpochs().stream().mapToInt(Integer::intValue).toArray();
        int top = rungEpochs.length - 1;
        this.brackets = hyperband ? rungEpochs.length : 1;
        this.admission = new Admission(settings.candidates());
        this.bracketOf = assignBrackets(settings.candidates(), bracketWeights(brackets, top, settings.reductionFactor()));
        this.futureIn = new int[brackets][settings.candidates() + 1];
        for (int i = settings.candidates() - 1; i >= 0; i--) {
            for (int b = 0; b < brackets; b++) {
                futureIn[b][i] = futureIn[b][i + 1] + (bracketOf[i] == b ? 1 : 0);
            }
        }
        this.rungs = new Rung[brackets][rungEpochs.length];
        for (int b = 0; b < brackets; b++) {
            for (int k = b; k <= top; k++) {
                rungs[b][k] = new Rung();
            }
        }
        this.finalPhase = new FinalPhase(settings.finalists(), settings.finalEpochs(), settings.objectiveMetric(),
                settings.finalMetric());
    }

    /** @return ASHA: one bracket starting at rung 0 */
    public static AsyncSuccessiveHalving asha(HalvingSettings settings) {
        return new AsyncSuccessiveHalving(settings, false);
    }

    /** @return asynchronous Hyperband: one ASHA bracket per starting rung */
    public static AsyncSuccessiveHalving hyperband(HalvingSettings settings) {
        return new AsyncSuccessiveHalving(settings, true);
    }

    /**
     * Hyperband's bracket sizes as weights: bracket b (s = K - b halvings) gets ceil((K + 1) / (s + 1) eta^s).
     *
     * @return one weight per bracket
     */
    static long[] bracketWeights(int brackets, int top, int eta) {
        long[] w = new long[brackets];
        for (int b = 0; b < brackets; b++) {
            int s = top - b;
            w[b] = (long) Math.ceil((top + 1.0) / (s + 1) * Math.pow(eta, s));
        }
        return w;
    }

    /** Smooth weighted round-robin: each step every bracket gains its weight, the largest (lowest b on ties) pays W. */
    static int[] assignBrackets(int n, long[] weights) {
        long total = 0;
        for (long w : weights) {
            total += w;
        }
        long[] current = new long[weights.length];
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int pick = 0;
            for (int b = 0; b < weights.length; b++) {
                current[b] += weights[b];
                if (current[b] > current[pick]) {
                    pick = b;
                }
            }
            current[pick] -= total;
            out[i] = pick;
        }
        return out;
    }

    /** @return the settings */
    public HalvingSettings settings() {
        return settings;
    }

    /** @return the number of brackets (1 for ASHA) */
    public int brackets() {
        return brackets;
    }

    /** @return the bracket of a trial, if it was added */
    public OptionalInt bracketOf(int trialId) {
        TrialAt t = trials.get(trialId);
        return t == null ? OptionalInt.empty() : OptionalInt.of(t.bracket);
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
        return rungEpochs[0];
    }

    @Override
    public int firstTargetEpoch(int trialId) {
        return rungEpochs[firstTargetRung(trialId)];
    }

    /** @return the global rung of the trial's bracket + 1 (bracket b starts at rung b) */
    @Override
    public int firstRound(int trialId) {
        return firstTargetRung(trialId) + 1;
    }

    private int firstTargetRung(int trialId) {
        TrialAt t = trials.get(trialId);
        if (t == null) {
            throw new IllegalStateException("trial " + trialId + " was not added");
        }
        return t.bracket;
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
        int index = admission.add(trialId);
        int b = bracketOf[index];
        trials.put(trialId, new TrialAt(b, b));
        rungs[b][b].training++;
    }

    @Override
    public List<Decision> onAdmissionClosed() {
        if (!admission.close()) {
            return List.of();
        }
        return review(new ArrayList<>());
    }

    @Override
    public List<Decision> onReport(Report report) {
        int id = report.trialId();
        TrialAt t = trials.get(id);
        if (t == null) {
            throw new IllegalStateException("trial " + id + " was not added");
        }
        if (finalPhase.contains(id)) {
            List<Decision> out = finalPhase.onReport(report, new ArrayList<>());
            return Collections.unmodifiableList(out);
        }
        if (!t.training) {
            throw new IllegalStateException("trial " + id + " is not training (rung " + t.rung + ")");
        }
        if (report.phase() != Phase.SEARCH || report.epoch() != rungEpochs[t.rung] || report.round() != t.rung + 1) {
            throw new IllegalStateException("trial " + id + " reported round " + report.round() + " "
                    + report.phase() + " epoch " + report.epoch() + ", expected round " + (t.rung + 1)
                    + " SEARCH epoch " + rungEpochs[t.rung]);
        }
        Rung rung = rungs[t.bracket][t.rung];
        rung.training--;
        rung.add(report, settings.objectiveMetric());
        t.training = false;
        t.lastReport = report;
        List<Decision> out = new ArrayList<>();
        out.add(new Decision.Wait(id, t.rung + 1));
        return review(out);
    }

    @Override
    public List<Decision> onFailure(int trialId, String reason) {
        TrialAt t = trials.get(trialId);
        if (t == null) {
            return List.of();
        }
        List<Decision> out = new ArrayList<>();
        if (finalPhase.contains(trialId)) {
            finalPhase.onFailure(trialId, out);
            trials.remove(trialId);
            return Collections.unmodifiableList(out);
        }
        if (!t.training) {
            return List.of();
        }
        rungs[t.bracket][t.rung].training--;
        trials.remove(trialId);
        return review(out);
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

    private List<Decision> review(List<Decision> out) {
        if (finalPhase.started()) {
            return Collections.unmodifiableList(out);
        }
        int top = rungEpochs.length - 1;
        int future = admission.isOpen() ? admission.remaining() : 0;
        for (int b = 0; b < brackets; b++) {
            int futureHere = future == 0 ? 0 : futureIn[b][admission.added()];
            int below = futureHere; // trials that may still reach rung k: admissions, training or waiting below
            for (int k = b; k < top; k++) {
                Rung rung = rungs[b][k];
                below += rung.training;
                reviewRung(b, k, rung, rung.size() + below, out);
                below += rung.waiting.size();
            }
        }
        boolean settled = !admission.isOpen();
        for (int b = 0; b < brackets && settled; b++) {
            for (int k = b; k <= top; k++) {
                Rung rung = rungs[b][k];
                if (rung.training > 0 || (k < top && !rung.waiting.isEmpty())) {
                    settled = false;
                    break;
                }
            }
        }
        if (settled) {
            List<Report> atTop = new ArrayList<>();
            for (int b = 0; b < brackets; b++) {
                for (Ranked r : rungs[b][top].waiting) {
                    atTop.add(rungs[b][top].reports.get(r.trialId()));
                }
            }
            finalPhase.start(atTop, settings.maxEpochs(), top + 2, out);
            highestRound = Math.max(highestRound, top + 2);
        }
        return Collections.unmodifiableList(out);
    }

    private void reviewRung(int b, int k, Rung rung, int reachable, List<Decision> out) {
        int n = rung.size();
        int eta = settings.reductionFactor();
        int promotable = n / eta;
        int everPromotable = reachable / eta;
        String where = "rung " + k + " (epoch " + rungEpochs[k] + (brackets > 1 ? ", bracket " + b : "") + ")";
        while (!rung.waiting.isEmpty() && rung.rank(rung.waiting.first()) < promotable) {
            Ranked r = rung.waiting.pollFirst();
            int p = rung.rank(r);
            int id = r.trialId();
            rungs[b][k + 1].training++;
            TrialAt t = trials.get(id);
            t.rung = k + 1;
            t.training = true;
            highestRound = Math.max(highestRound, k + 2);
            out.add(new Decision.Promote(id, k + 2, Phase.SEARCH, rungEpochs[k], rungEpochs[k + 1],
                    "promoted from " + where + ": rank " + (p + 1) + " of " + n + ", in the top 1/" + eta
                            + " (" + value(rung, id) + ")"));
        }
        List<Decision> stops = new ArrayList<>();
        while (!rung.waiting.isEmpty() && rung.rank(rung.waiting.last()) >= everPromotable) {
            Ranked r = rung.waiting.pollLast();
            int p = rung.rank(r);
            trials.remove(r.trialId());
            stops.add(0, new Decision.Stop(r.trialId(), "stopped at " + where + ": rank " + (p + 1) + " of " + n
                    + ", cannot reach the top 1/" + eta + " of at most " + reachable + " reports ("
                    + value(rung, r.trialId()) + ")"));
        }
        out.addAll(stops);
    }

    private String value(Rung rung, int trialId) {
        String metric = settings.objectiveMetric();
        return metric + " " + EliminationRounds.format(rung.reports.get(trialId).metric(metric));
    }
}
