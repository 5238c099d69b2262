package io.lsh.lm.spectrum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.data.BpttWindow;
import io.lsh.lm.model.RhnLanguageModel;
import io.lsh.lm.model.RhnSpec;
import io.lsh.lm.model.RhnState;
import io.lsh.lm.model.RhnWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class RhnStepTest {

    /** Random RHN weights: gaussian of the given scale, a fraction {@code zeroFraction} of the weights set to 0. */
    static RhnWeights randomWeights(Random random, int inputSize, int hidden, int depth, double scale,
                                    double zeroFraction) {
        INDArray input = masked(TestSystems.gaussian(random, scale, DataType.DOUBLE, inputSize, 2 * hidden), random,
                zeroFraction);
        List<INDArray> recurrent = new ArrayList<>();
        List<INDArray> biases = new ArrayList<>();
        for (int d = 0; d < depth; d++) {
            recurrent.add(masked(TestSystems.gaussian(random, scale, DataType.DOUBLE, hidden, 2 * hidden), random,
                    zeroFraction));
            biases.add(TestSystems.gaussian(random, 1.0, DataType.DOUBLE, 1, 2 * hidden));
        }
        return new RhnWeights(input, recurrent, biases);
    }

    private static INDArray masked(INDArray a, Random random, double zeroFraction) {
        INDArray flat = a.reshape(a.length());
        for (long i = 0; i < flat.length(); i++) {
            if (random.nextDouble() < zeroFraction) {
                flat.putScalar(i, 0.0);
            }
        }
        return a;
    }

    /** Max |analytic - central finite difference| / max |analytic| of ds_t/ds_{t-1} at a random state. */
    private static double jacobianError(RhnStep step, Random random, int token) {
        int n = step.stateSize();
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = Math.tanh(random.nextGaussian());
        }
        double[] analytic = new double[n * n];
        step.setState(s);
        step.advance(token, analytic);
        double[] scratch = new double[n * n];
        double eps = 1e-5;
        double maxError = 0;
        double maxValue = 0;
        for (int m = 0; m < n; m++) {
            double[] plus = s.clone();
            double[] minus = s.clone();
            plus[m] += eps;
            minus[m] -= eps;
            step.setState(plus);
            step.advance(token, scratch);
            double[] sp = step.state();
            step.setState(minus);
            step.advance(token, scratch);
            double[] sm = step.state();
            for (int r = 0; r < n; r++) {
                double fd = (sp[r] - sm[r]) / (2 * eps);
                maxError = Math.max(maxError, Math.abs(fd - analytic[r + m * n]));
                maxValue = Math.max(maxValue, Math.abs(analytic[r + m * n]));
            }
        }
        assertTrue(maxValue > 1e-2, "degenerate Jacobian");
        return maxError / maxValue;
    }

    @Test
    void jacobianThroughThreeMicroLayersMatchesFiniteDifferences() {
        Random random = new Random(1);
        INDArray embedding = TestSystems.gaussian(random, 1.0, DataType.DOUBLE, 7, 4);
        RhnStep step = new RhnStep(embedding, randomWeights(random, 4, 6, 3, 0.8, 0.0));
        assertEquals(6, step.stateSize());
        assertEquals(3, step.depth());
        for (int token = 0; token < 3; token++) {
            double error = jacobianError(step, random, token);
            assertTrue(error < 1e-8, "relative error " + error);
        }
    }

    @Test
    void jacobianWithMaskedWeightsAndDepthOneMatchesFiniteDifferences() {
        Random random = new Random(2);
        INDArray embedding = TestSystems.gaussian(random, 1.0, DataType.DOUBLE, 5, 3);
        for (int depth : new int[] {1, 4}) {
            RhnStep step = new RhnStep(embedding, randomWeights(random, 3, 5, depth, 1.0, 0.5));
            for (int token = 0; token < 3; token++) {
                double error = jacobianError(step, random, token);
                assertTrue(error < 1e-8, "depth " + depth + ": relative error " + error);
            }
        }
    }

    @Test
    void stepFollowsTheModelsEvaluationForwardPass() {
        RhnLanguageModel model = new RhnLanguageModel(new RhnSpec(9, 5, 5, 3, 0.5, 0.5, 0.5, 0.5, true), 3L,
                DataType.DOUBLE);
        model.parameters().forEach(p -> p.value().muli(p.prunable() ? 10.0 : 1.0));
        int[] tokens = {1, 4, 4, 7, 0, 2};
        RhnState state = model.initialState(1);
        model.loss(new BpttWindow(tokens, new int[tokens.length], tokens.length, 1), state);
        RhnStep step = new RhnStep(model.embedding(), model.weights());
        step.reset();
        double[] jacobian = new double[25];
        for (int token : tokens) {
            step.advance(token, jacobian);
        }
        double[] expected = state.hidden().data().asDouble();
        assertTrue(Math.abs(expected[0]) > 1e-3);
        assertArrayEquals(expected, step.state(), 1e-12);
    }

    /**
     * With all recurrent weights and the transform-gate input weights zero, every micro-layer's transform gate is the
     * constant {@code t_d = sigmoid(b_T^d)} and {@code M_d = diag(1 - t_d)} whatever the state (the candidate h still
     * moves with the input through W_H, but R_H = 0 hides it from the Jacobian). So {@code J_t = diag(prod_d (1 -
     * t_d))} for every token, Q stays the identity and the exponents are, in index (QR) order,
     * {@code LE_j = sum_d log2(1 - sigmoid(b_T^d_j))}.
     */
    @Test
    void constantCarryGatesGiveTheAnalyticSpectrum() {
        Random random = new Random(3);
        int hidden = 6;
        int depth = 4;
        INDArray embedding = TestSystems.gaussian(random, 1.0, DataType.DOUBLE, 10, 3);
        INDArray input = TestSystems.gaussian(random, 1.0, DataType.DOUBLE, 3, 2 * hidden);
        input.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(hidden, 2 * hidden)).assign(0); // W_T = 0
        List<INDArray> recurrent = new ArrayList<>();
        List<INDArray> biases = new ArrayList<>();
        double[] expected = new double[hidden];
        for (int d = 0; d < depth; d++) {
            recurrent.add(Nd4j.zeros(DataType.DOUBLE, hidden, 2 * hidden));
            INDArray b = TestSystems.gaussian(random, 2.0, DataType.DOUBLE, 1, 2 * hidden);
            biases.add(b);
            for (int j = 0; j < hidden; j++) {
                double t = 1.0 / (1.0 + Math.exp(-b.getDouble(0, hidden + j)));
                expected[j] += Math.log(1.0 - t) / Math.log(2.0);
            }
        }
        int[] stream = random.ints(200, 0, 10).toArray();
        SpectrumSettings settings = SpectrumSettings.defaults();
        Spectrum spectrum = LyapunovSpectrum.ofRhn(embedding, new RhnWeights(input, recurrent, biases),
                SpectrumInputs.firstWindows(stream, settings), settings);
        assertEquals(hidden, spectrum.stateSize());
        assertArrayEquals(expected, spectrum.exponents(), 1e-10);
    }

    @Test
    void sameInputsGiveBitIdenticalSpectra() {
        RhnLanguageModel model = new RhnLanguageModel(new RhnSpec(30, 12, 12, 3, 0.25, 0.75, 0.25, 0.75, true), 5L);
        model.parameters().forEach(p -> p.value().muli(p.prunable() ? 20.0 : 1.0));
        int[] stream = new Random(4).ints(300, 0, 30).toArray();
        SpectrumSettings settings = SpectrumSettings.defaults().withBatch(3);
        int[][] sequences = SpectrumInputs.firstWindows(stream, settings);
        Spectrum first = LyapunovSpectrum.ofRhn(model.embedding(), model.weights(), sequences, settings);
        Spectrum second = LyapunovSpectrum.ofRhn(model.embedding(), model.weights(), sequences, settings);
        assertEquals(12, first.exponents().length);
        assertArrayEquals(first.exponents(), second.exponents(), 0.0);
        assertTrue(Double.isFinite(first.sum()) && first.max() < 0.5, first.toString());
        // a different input gives a different spectrum (the test can fail)
        int[][] other = SpectrumInputs.firstWindows(new Random(5).ints(300, 0, 30).toArray(), settings);
        assertTrue(first.max() != LyapunovSpectrum.ofRhn(model.embedding(), model.weights(), other, settings).max());
    }

    @Test
    void mismatchedEmbeddingIsRejected() {
        Random random = new Random(6);
        RhnWeights weights = randomWeights(random, 4, 5, 2, 1.0, 0.0);
        INDArray embedding = TestSystems.gaussian(random, 1.0, DataType.DOUBLE, 7, 3);
        assertEquals("RHN input size 4 but the embedding size is 3",
                assertThrows(IllegalArgumentException.class, () -> new RhnStep(embedding, weights)).getMessage());
        RhnStep step = new RhnStep(TestSystems.gaussian(random, 1.0, DataType.DOUBLE, 7, 4), weights);
        assertThrows(IllegalArgumentException.class, () -> step.advance(7, new double[25]));
    }
}
