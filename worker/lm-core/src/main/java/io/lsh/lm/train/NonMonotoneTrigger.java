package io.lsh.lm.train;

import java.util.ArrayList;
import java.util.List;

/**
 * The non-monotone trigger of NT-ASGD (Merity, Keskar &amp; Socher 2018, "Regularizing and Optimizing LSTM Language
 * Models", Algorithm 1; method.md section 2): with the validation losses {@code v_1 .. v_k} recorded so far
 * (including the current one {@code v_k}), switch to averaging when {@code k > n} and
 * {@code v_k > min(v_1 .. v_{k-n-1})}, i.e. the current loss is worse than the best of all but the last
 * {@code n} evaluations before it. This is the AWD-LSTM code's test
 * {@code len(logs) > n and val_loss > min(logs[:-n])} with {@code logs} the losses before the current one. Fires at
 * most once. Not thread-safe.
 */
public final class NonMonotoneTrigger {

    private final int nonMonotone;
    private final List<Double> history = new ArrayList<>();
    private boolean fired;

    /** @param nonMonotone the non-monotone interval n, &gt;= 1 (AWD-LSTM: 5) */
    public NonMonotoneTrigger(int nonMonotone) {
        if (nonMonotone < 1) {
            throw new IllegalArgumentException("non-monotone interval must be >= 1, got " + nonMonotone);
        }
        this.nonMonotone = nonMonotone;
    }

    /**
     * Records a validation loss and says whether averaging starts now (true at most once; after that always false,
     * and losses are still recorded).
     */
    public boolean record(double validLoss) {
        boolean switchNow = false;
        if (!fired && history.size() > nonMonotone) {
            double best = Double.POSITIVE_INFINITY;
            for (int i = 0; i < history.size() - nonMonotone; i++) {
                best = Math.min(best, history.get(i));
            }
            switchNow = validLoss > best || Double.isNaN(validLoss);
        }
        history.add(validLoss);
        fired |= switchNow;
        return switchNow;
    }

    /** Whether the trigger has fired. */
    public boolean fired() {
        return fired;
    }

    /** The non-monotone interval n. */
    public int nonMonotone() {
        return nonMonotone;
    }

    /** The recorded losses, oldest first (a copy). */
    public List<Double> history() {
        return List.copyOf(history);
    }

    /** Restores a state exported by {@link #history()} and {@link #fired()}. */
    public void restore(List<Double> losses, boolean hasFired) {
        history.clear();
        history.addAll(losses);
        fired = hasFired;
    }
}
