package io.lsh.lm.spectrum;

import io.lsh.lm.model.LstmLayerWeights;
import io.lsh.lm.model.RhnWeights;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Lyapunov spectra of RNNs (method.md section 4; Zheng &amp; Shlizerman 2025, "Hyperpruning", arXiv 2506.07975): the
 * QR iteration of {@link QrLyapunovEstimator} over B input sequences, averaged, in the configured log base.
 * Stateless; each call allocates its own work buffers, so calls on different threads are independent (ND4J/BLAS
 * permitting).
 */
public final class LyapunovSpectrum {

    private LyapunovSpectrum() {
    }

    /**
     * The spectrum of a stacked LSTM language model over its stacked hidden state (see {@link StackedLstmStep}).
     *
     * @param embedding the input embedding [V, E]
     * @param layers    the LSTM layers, bottom first (the model's live weights: pruned entries are simply zeros)
     * @param sequences exactly {@code settings.batch()} token sequences of at least
     *                  {@link SpectrumSettings#requiredSequenceLength()} tokens, e.g. from
     *                  {@link SpectrumInputs#firstWindows(int[], SpectrumSettings)}
     * @param settings  T, W, B, k, log base, Jacobian convention, warm-up mode, ordering
     * @throws IllegalArgumentException on inconsistent shapes, sequence count or lengths, k larger than the state,
     *                                  or a token outside the vocabulary
     */
    public static Spectrum ofLstm(INDArray embedding, List<LstmLayerWeights> layers, int[][] sequences,
                                  SpectrumSettings settings) {
        long start = System.nanoTime();
        StackedLstmStep step = new StackedLstmStep(embedding, layers);
        return compute(step, sequences, settings, start);
    }

    /**
     * The spectrum of a Recurrent Highway Network language model over its state s (see {@link RhnStep}), with the
     * same settings as {@link #ofLstm}; the authors multiply by the true Jacobian for the RHN, which is
     * {@link SpectrumSettings#defaults()}.
     *
     * @param embedding the input embedding [V, E]
     * @param weights   the RHN layer (the model's live weights: pruned entries are simply zeros)
     * @param sequences exactly {@code settings.batch()} token sequences of at least
     *                  {@link SpectrumSettings#requiredSequenceLength()} tokens
     * @param settings  T, W, B, k, log base, Jacobian convention, warm-up mode, ordering
     * @throws IllegalArgumentException on inconsistent shapes, sequence count or lengths, k larger than H, or a token
     *                                  outside the vocabulary
     */
    public static Spectrum ofRhn(INDArray embedding, RhnWeights weights, int[][] sequences,
                                 SpectrumSettings settings) {
        long start = System.nanoTime();
        RhnStep step = new RhnStep(embedding, weights);
        return compute(step, sequences, settings, start);
    }

    /**
     * The spectrum of any {@link DynamicalStep} driven by {@code sequences} (autonomous maps ignore the inputs).
     *
     * @see #ofLstm(INDArray, List, int[][], SpectrumSettings)
     */
    public static Spectrum of(DynamicalStep system, int[][] sequences, SpectrumSettings settings) {
        return compute(system, sequences, settings, System.nanoTime());
    }

    private static Spectrum compute(DynamicalStep system, int[][] sequences, SpectrumSettings settings, long start) {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(sequences, "sequences");
        Objects.requireNonNull(settings, "settings");
        if (sequences.length != settings.batch()) {
            throw new IllegalArgumentException("got " + sequences.length + " sequences, settings.batch (B) is "
                    + settings.batch());
        }
        int needed = settings.requiredSequenceLength();
        for (int b = 0; b < sequences.length; b++) {
            if (sequences[b] == null || sequences[b].length < needed) {
                throw new IllegalArgumentException("sequence " + b + " has "
                        + (sequences[b] == null ? "no" : String.valueOf(sequences[b].length)) + " tokens; "
                        + settings.warmupMode() + " with T=" + settings.steps() + ", W=" + settings.warmup()
                        + " needs " + needed);
            }
        }
        int n = system.stateSize();
        int k = settings.exponents() == 0 ? n : settings.exponents();
        if (k > n) {
            throw new IllegalArgumentException("exponents (k) = " + k + " exceeds the state size " + n);
        }
        QrLyapunovEstimator estimator = new QrLyapunovEstimator(n, k);
        double[] mean = new double[k];
        for (int[] sequence : sequences) {
            int[] warmup = Arrays.copyOfRange(sequence, 0, settings.warmup());
            int[] measured = settings.warmupMode() == WarmupMode.REPLAY_WINDOW
                    ? Arrays.copyOfRange(sequence, 0, settings.steps())
                    : Arrays.copyOfRange(sequence, settings.warmup(), settings.warmup() + settings.steps());
            double[] exponents = estimator.estimate(system, warmup, measured, settings.jacobianTransposed());
            for (int i = 0; i < k; i++) {
                mean[i] += exponents[i];
            }
        }
        double scale = 1.0 / (sequences.length * Math.log(settings.logBase()));
        for (int i = 0; i < k; i++) {
            mean[i] *= scale;
        }
        if (settings.sortDescending()) {
            Arrays.sort(mean);
            for (int i = 0, j = k - 1; i < j; i++, j--) {
                double t = mean[i];
                mean[i] = mean[j];
                mean[j] = t;
            }
        }
        return new Spectrum(mean, settings, n, (System.nanoTime() - start) / 1e9);
    }
}
