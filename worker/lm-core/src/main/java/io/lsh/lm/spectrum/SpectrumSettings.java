package io.lsh.lm.spectrum;

import java.util.Objects;

/**
 * How a Lyapunov spectrum is estimated (method.md section 4; Zheng &amp; Shlizerman 2025, "Hyperpruning", arXiv
 * 2506.07975). Validated on construction; messages name the field and the value.
 *
 * @param steps              T, measured steps per sequence (authors: 35, one BPTT window)
 * @param warmup             W, warm-up steps before measuring (authors: 10)
 * @param batch              B, number of input sequences the exponents are averaged over (authors: 2 in the first
 *                           search round, 5 later)
 * @param exponents          k, number of exponents; 0 = all (the state size), as the authors do
 * @param logBase            base of the logarithm (authors: 2; {@link Math#E} for natural units)
 * @param jacobianTransposed multiply by J_t transposed instead of J_t, reproducing a quirk of the authors' LSTM code;
 *                           false (the mathematically correct J_t) by default
 * @param warmupMode         which tokens warm up and which are measured; the authors' {@link WarmupMode#REPLAY_WINDOW}
 *                           by default
 * @param sortDescending     sort the exponents in descending order; false keeps the QR order (authors)
 */
public record SpectrumSettings(int steps, int warmup, int batch, int exponents, double logBase,
                               boolean jacobianTransposed, WarmupMode warmupMode, boolean sortDescending) {

    public SpectrumSettings {
        Objects.requireNonNull(warmupMode, "warmupMode must not be null");
        if (steps < 1) {
            throw new IllegalArgumentException("steps (T) must be >= 1, got " + steps);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("warmup (W) must be >= 0, got " + warmup);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch (B) must be >= 1, got " + batch);
        }
        if (exponents < 0) {
            throw new IllegalArgumentException("exponents (k) must be >= 0 (0 = all), got " + exponents);
        }
        if (!(logBase > 0.0) || logBase == 1.0 || Double.isInfinite(logBase)) {
            throw new IllegalArgumentException("logBase must be positive, finite and not 1, got " + logBase);
        }
    }

    /** The authors' defaults with the correct Jacobian: T=35, W=10, B=2, all exponents, log base 2, QR order. */
    public static SpectrumSettings defaults() {
        return new SpectrumSettings(35, 10, 2, 0, 2.0, false, WarmupMode.REPLAY_WINDOW, false);
    }

    /** The authors' settings including their transposed-Jacobian quirk for the LSTM. */
    public static SpectrumSettings authorsLstm() {
        return defaults().withJacobianTransposed(true);
    }

    /** Number of tokens each input sequence needs. */
    public int requiredSequenceLength() {
        return warmupMode == WarmupMode.REPLAY_WINDOW ? Math.max(steps, warmup) : warmup + steps;
    }

    public SpectrumSettings withSteps(int t) {
        return new SpectrumSettings(t, warmup, batch, exponents, logBase, jacobianTransposed, warmupMode,
                sortDescending);
    }

    public SpectrumSettings withWarmup(int w) {
        return new SpectrumSettings(steps, w, batch, exponents, logBase, jacobianTransposed, warmupMode,
                sortDescending);
    }

    public SpectrumSettings withBatch(int b) {
        return new SpectrumSettings(steps, warmup, b, exponents, logBase, jacobianTransposed, warmupMode,
                sortDescending);
    }

    public SpectrumSettings withExponents(int k) {
        return new SpectrumSettings(steps, warmup, batch, k, logBase, jacobianTransposed, warmupMode,
                sortDescending);
    }

    public SpectrumSettings withLogBase(double base) {
        return new SpectrumSettings(steps, warmup, batch, exponents, base, jacobianTransposed, warmupMode,
                sortDescending);
    }

    public SpectrumSettings withJacobianTransposed(boolean transposed) {
        return new SpectrumSettings(steps, warmup, batch, exponents, logBase, transposed, warmupMode,
                sortDescending);
    }

    public SpectrumSettings withWarmupMode(WarmupMode mode) {
        return new SpectrumSettings(steps, warmup, batch, exponents, logBase, jacobianTransposed, mode,
                sortDescending);
    }

    public SpectrumSettings withSortDescending(boolean sort) {
        return new SpectrumSettings(steps, warmup, batch, exponents, logBase, jacobianTransposed, warmupMode, sort);
    }
}
