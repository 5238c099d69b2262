package io.lsh.lm.spectrum;

import io.lsh.lm.model.AwdMosLanguageModel;
import io.lsh.lm.model.AwdMosSpec;
import java.util.Objects;

/**
 * The Lyapunov spectrum of an AWD-LSTM-MoS model's recurrent core (method.md section 4, "AWD-LSTM-MoS: the
 * stacked-LSTM formula with unequal layer sizes"; Zheng &amp; Shlizerman 2025, arXiv 2506.07975): the state is the
 * stacked hidden state of its L LSTM layers (n = 1150 + 1150 + 650 = 2950 for the paper's preset), driven by the
 * embedded tokens. As the spectrum is taken in evaluation mode, no dropout applies: the embedding is used whole and
 * the recurrent matrices without weight drop, exactly the weights {@link AwdMosLanguageModel#layers()} exposes. The
 * Mixture-of-Softmaxes head reads the state but does not feed back into it, so it has no part in the spectrum.
 * Stateless.
 */
public final class AwdMosSpectrum {

    private AwdMosSpectrum() {
    }

    /** Dimension of the spectrum's state: the sum of the LSTM hidden sizes. */
    public static int stateSize(AwdMosSpec spec) {
        return spec.hiddenSizes().stream().mapToInt(Integer::intValue).sum();
    }

    /** The model's recurrent core as a {@link DynamicalStep} over the stacked hidden state (weights copied now). */
    public static StackedLstmStep step(AwdMosLanguageModel model) {
        Objects.requireNonNull(model, "model");
        return new StackedLstmStep(model.embedding(), model.layers());
    }

    /**
     * The spectrum of the model's recurrent core, as {@link LyapunovSpectrum#ofLstm} computes it for a stacked LSTM.
     *
     * @param sequences exactly {@code settings.batch()} token sequences of at least
     *                  {@link SpectrumSettings#requiredSequenceLength()} tokens
     * @throws IllegalArgumentException as {@link LyapunovSpectrum#ofLstm}
     */
    public static Spectrum of(AwdMosLanguageModel model, int[][] sequences, SpectrumSettings settings) {
        Objects.requireNonNull(model, "model");
        return LyapunovSpectrum.ofLstm(model.embedding(), model.layers(), sequences, settings);
    }
}
