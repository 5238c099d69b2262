package io.lsh.lm.spectrum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.data.BpttWindow;
import io.lsh.lm.model.AwdMosLanguageModel;
import io.lsh.lm.model.AwdMosSpec;
import io.lsh.lm.model.LstmState;
import io.lsh.lm.model.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The AWD-LSTM-MoS recurrent core as a dynamical system: a stack of unequal widths shaped like the paper's
 * [1150, 1150, 650] over an embedding narrower than the layers (here [6, 6, 4] over E = 3).
 */
class AwdMosSpectrumTest {

    private static final AwdMosSpec SPEC = new AwdMosSpec(11, 3, List.of(6, 6, 4), 3, 0.1, 0.4, 0.2, 0.4, 0.3,
            0.5, 2.0, 1.0);

    private static AwdMosLanguageModel model(DataType type) {
        AwdMosLanguageModel m = new AwdMosLanguageModel(SPEC, 17L, type);
        for (Parameter p : m.parameters()) {
            p.value().muli(4.0); // a non-trivial, partly saturated recurrence
        }
        return m;
    }

    @Test
    void stackedJacobianOfUnequalLayersMatchesFiniteDifferences() {
        StackedLstmStep step = AwdMosSpectrum.step(model(DataType.DOUBLE));
        int n = step.stateSize();
        assertEquals(16, n);
        assertEquals(16, AwdMosSpectrum.stateSize(SPEC));
        assertEquals(2950, AwdMosSpectrum.stateSize(AwdMosSpec.paperPreset(33_278)));
        Random random = new Random(5);
        for (int token = 0; token < 3; token++) {
            double[] h = new double[n];
            double[] c = new double[n];
            for (int i = 0; i < n; i++) {
                h[i] = Math.tanh(random.nextGaussian());
                c[i] = random.nextGaussian();
            }
            double[] analytic = new double[n * n];
            step.setState(h, c);
            step.advance(token, analytic);
            double[] scratch = new double[n * n];
            double eps = 1e-5;
            double maxError = 0;
            double maxValue = 0;
            for (int m = 0; m < n; m++) {
                double[] plus = h.clone();
                double[] minus = h.clone();
                plus[m] += eps;
                minus[m] -= eps;
                step.setState(plus, c);
                step.advance(token, scratch);
                double[] hp = step.stackedHidden();
                step.setState(minus, c);
                step.advance(token, scratch);
                double[] hm = step.stackedHidden();
                for (int r = 0; r < n; r++) {
                    double fd = (hp[r] - hm[r]) / (2 * eps);
                    maxError = Math.max(maxError, Math.abs(fd - analytic[r + m * n]));
                    maxValue = Math.max(maxValue, Math.abs(analytic[r + m * n]));
                }
            }
            assertTrue(maxValue > 1e-2, "degenerate Jacobian");
            assertTrue(maxError / maxValue < 1e-7, "token " + token + ": relative error " + maxError / maxValue);
            // block lower-triangular: a layer does not see the previous state of the layers above it
            for (int col = 6; col < n; col++) {
                for (int row = 0; row < 6; row++) {
                    assertEquals(0.0, analytic[row + col * n]);
                }
            }
            for (int col = 12; col < n; col++) {
                for (int row = 6; row < 12; row++) {
                    assertEquals(0.0, analytic[row + col * n]);
                }
            }
        }
    }

    @Test
    void stepFollowsTheModelsEvaluationForward() {
        AwdMosLanguageModel m = model(DataType.DOUBLE);
        int steps = 9;
        int[] tokens = new Random(8).ints(steps, 0, SPEC.vocabSize()).toArray();
        LstmState state = m.initialState(1);
        m.loss(new BpttWindow(tokens, tokens.clone(), steps, 1), state);
        StackedLstmStep step = AwdMosSpectrum.step(m);
        step.reset();
        double[] jacobian = new double[step.stateSize() * step.stateSize()];
        for (int token : tokens) {
            step.advance(token, jacobian);
        }
        double[] h = step.stackedHidden();
        double[] c = step.stackedCell();
        int offset = 0;
        for (int l = 0; l < SPEC.layerCount(); l++) {
            int width = SPEC.hiddenSize(l);
            assertArrayEquals(Arrays.copyOfRange(h, offset, offset + width), state.hidden(l).toDoubleVector(), 1e-12,
                    "h of layer " + l);
            assertArrayEquals(Arrays.copyOfRange(c, offset, offset + width), state.cell(l).toDoubleVector(), 1e-12,
                    "c of layer " + l);
            offset += width;
        }
        assertTrue(Arrays.stream(h).anyMatch(x -> Math.abs(x) > 0.1), "state stayed near zero");
    }

    @Test
    void spectrumOfTheCoreIsDeterministicAndSeesPruning() {
        AwdMosLanguageModel m = model(DataType.FLOAT);
        int[] stream = new Random(3).ints(200, 0, SPEC.vocabSize()).toArray();
        SpectrumSettings settings = SpectrumSettings.defaults();
        int[][] sequences = SpectrumInputs.firstWindows(stream, settings);
        Spectrum a = AwdMosSpectrum.of(m, sequences, settings);
        assertEquals(16, a.exponents().length);
        assertTrue(Arrays.stream(a.exponents()).allMatch(Double::isFinite));
        assertArrayEquals(LyapunovSpectrum.ofLstm(m.embedding(), m.layers(), sequences, settings).exponents(),
                a.exponents(), 0.0);
        assertArrayEquals(a.exponents(), AwdMosSpectrum.of(m, sequences, settings).exponents(), 0.0);
        // training passes (dropout, weight drop) leave the weights, hence the spectrum, untouched
        m.forwardBackward(new BpttWindow(Arrays.copyOf(stream, 10), Arrays.copyOfRange(stream, 1, 11), 5, 2),
                m.initialState(2));
        assertArrayEquals(a.exponents(), AwdMosSpectrum.of(m, sequences, settings).exponents(), 0.0);
        // zeroing the top layer's recurrent matrix changes the spectrum
        m.layer(2).recurrentWeights().assign(0);
        assertNotEquals(a.exponents()[0], AwdMosSpectrum.of(m, sequences, settings).exponents()[0]);
    }
}
