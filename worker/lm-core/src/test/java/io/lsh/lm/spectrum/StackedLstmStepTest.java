package io.lsh.lm.spectrum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.model.LstmLayerWeights;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class StackedLstmStepTest {

    /** Max |analytic - finite difference| / max |analytic| of the stacked-h Jacobian, cell state held fixed. */
    private static double jacobianError(StackedLstmStep step, Random random, int token) {
        int n = step.stateSize();
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
        assertTrue(maxValue > 1e-3, "degenerate Jacobian");
        return maxError / maxValue;
    }

    @Test
    void jacobianMatchesFiniteDifferencesTwoLayers() {
        Random random = new Random(1);
        INDArray embedding = TestSystems.gaussian(random, 1.0, DataType.DOUBLE, 7, 5);
        List<LstmLayerWeights> layers = TestSystems.randomLayers(random, 5, new int[] {4, 4}, 0.8, 0.0,
                DataType.DOUBLE);
        StackedLstmStep step = new StackedLstmStep(embedding, layers);
        assertEquals(8, step.stateSize());
        for (int token = 0; token < 3; token++) {
            assertTrue(jacobianError(step, random, token) < 1e-6);
        }
    }

    @Test
    void jacobianMatchesFiniteDifferencesWithMaskedWeightsAndUnequalLayers() {
        Random random = new Random(2);
        INDArray embedding = TestSystems.gaussian(random, 1.0, DataType.DOUBLE, 6, 3);
        List<LstmLayerWeights> layers = TestSystems.randomLayers(random, 3, new int[] {5, 3, 4}, 1.0, 0.6,
                DataType.DOUBLE);
        StackedLstmStep step = new StackedLstmStep(embedding, layers);
        assertEquals(12, step.stateSize());
        for (int token = 0; token < 3; token++) {
            assertTrue(jacobianError(step, random, token) < 1e-6);
        }
        // block lower-triangular: dh^0_t / dh^1_{t-1} = 0
        double[] j = new double[144];
        step.reset();
        step.advance(1, j);
        for (int col = 5; col < 12; col++) {
            for (int row = 0; row < 5; row++) {
                assertEquals(0.0, j[row + col * 12]);
            }
        }
    }

    @Test
    void floatWeightsAreConvertedToDouble() {
        Random random = new Random(3);
        INDArray embedding = TestSystems.gaussian(random, 1.0, DataType.FLOAT, 5, 4);
        List<LstmLayerWeights> layers = TestSystems.randomLayers(random, 4, new int[] {3, 3}, 0.8, 0.2,
                DataType.FLOAT);
        StackedLstmStep step = new StackedLstmStep(embedding, layers);
        assertTrue(jacobianError(step, random, 2) < 1e-6);
    }

    @Test
    void forwardMatchesAHandComputedOneUnitLstm() {
        // 1 unit, input size 1: y = x*W + h*U + b, gate order i, f, g, o
        INDArray embedding = org.nd4j.linalg.factory.Nd4j.create(new double[][] {{0.5}, {-1.0}});
        INDArray w = org.nd4j.linalg.factory.Nd4j.create(new double[][] {{0.1, 0.2, 0.3, 0.4}});
        INDArray u = org.nd4j.linalg.factory.Nd4j.create(new double[][] {{-0.5, 0.6, 0.7, -0.8}});
        INDArray b = org.nd4j.linalg.factory.Nd4j.create(new double[][] {{0.01, 0.02, 0.03, 0.04}});
        StackedLstmStep step = new StackedLstmStep(embedding, List.of(new LstmLayerWeights(w, u, b)));
        step.reset();
        double[] j = new double[1];
        step.advance(0, j);
        step.advance(1, j);
        double h = 0;
        double c = 0;
        for (double x : new double[] {0.5, -1.0}) {
            double i = sig(0.1 * x - 0.5 * h + 0.01);
            double f = sig(0.2 * x + 0.6 * h + 0.02);
            double g = Math.tanh(0.3 * x + 0.7 * h + 0.03);
            double o = sig(0.4 * x - 0.8 * h + 0.04);
            c = f * c + i * g;
            h = o * Math.tanh(c);
        }
        assertEquals(h, step.stackedHidden()[0], 1e-15);
        assertEquals(c, step.stackedCell()[0], 1e-15);
    }

    private static double sig(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void rejectsInconsistentShapesAndTokens() {
        Random random = new Random(4);
        INDArray embedding = TestSystems.gaussian(random, 1.0, DataType.DOUBLE, 5, 4);
        List<LstmLayerWeights> wrongInput = TestSystems.randomLayers(random, 3, new int[] {3}, 1, 0,
                DataType.DOUBLE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StackedLstmStep(embedding, wrongInput));
        assertTrue(e.getMessage().contains("embedding size is 4"), e.getMessage());
        StackedLstmStep step = new StackedLstmStep(embedding, TestSystems.randomLayers(random, 4, new int[] {3}, 1, 0,
                DataType.DOUBLE));
        step.reset();
        assertThrows(IllegalArgumentException.class, () -> step.advance(5, new double[9]));
        assertThrows(IllegalArgumentException.class, () -> step.advance(0, new double[8]));
    }

    @Test
    void lstmSpectrumIsDeterministicAndTheTransposeQuirkMatters() {
        Random random = new Random(6);
        INDArray embedding = TestSystems.gaussian(random, 1.0, DataType.FLOAT, 20, 8);
        List<LstmLayerWeights> layers = TestSystems.randomLayers(random, 8, new int[] {6, 6}, 1.0, 0.3,
                DataType.FLOAT);
        int[] stream = new int[100];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = random.nextInt(20);
        }
        SpectrumSettings settings = SpectrumSettings.defaults();
        int[][] sequences = SpectrumInputs.firstWindows(stream, settings);
        Spectrum a = LyapunovSpectrum.ofLstm(embedding, layers, sequences, settings);
        Spectrum b = LyapunovSpectrum.ofLstm(embedding, layers, sequences, settings);
        assertEquals(12, a.exponents().length);
        assertArrayEquals(a.exponents(), b.exponents(), 0.0); // bit-identical
        assertTrue(Arrays.stream(a.exponents()).allMatch(Double::isFinite));
        Spectrum transposed = LyapunovSpectrum.ofLstm(embedding, layers, sequences, settings
                .withJacobianTransposed(true));
        double maxDiff = 0;
        for (int i = 0; i < 12; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a.exponents()[i] - transposed.exponents()[i]));
        }
        assertTrue(maxDiff > 1e-3, "transposed Jacobian gave the same spectrum: " + maxDiff);
        Spectrum preceding = LyapunovSpectrum.ofLstm(embedding, layers,
                SpectrumInputs.firstWindows(stream, settings.withWarmupMode(WarmupMode.PRECEDING_TOKENS)),
                settings.withWarmupMode(WarmupMode.PRECEDING_TOKENS));
        assertFalse(Arrays.equals(a.exponents(), preceding.exponents()));
        Spectrum top3 = LyapunovSpectrum.ofLstm(embedding, layers, sequences, settings.withExponents(3));
        assertArrayEquals(Arrays.copyOf(a.exponents(), 3), top3.exponents(), 1e-9); // QR order: a prefix
    }

    /** A view of a step that hides its native path, so the estimator goes through the Java n x n array. */
    private static DynamicalStep javaArrayOnly(StackedLstmStep step) {
        return new DynamicalStep() {
            @Override
            public int stateSize() {
                return step.stateSize();
            }

            @Override
            public void reset() {
                step.reset();
            }

            @Override
            public void advance(int input, double[] jacobian) {
                step.advance(input, jacobian);
            }
        };
    }

    @Test
    void nativeJacobianEqualsTheJavaArrayOneInBothOrientations() {
        Random random = new Random(7);
        INDArray embedding = TestSystems.gaussian(random, 1.0, DataType.DOUBLE, 9, 3);
        List<LstmLayerWeights> layers = TestSystems.randomLayers(random, 3, new int[] {5, 3, 4}, 1.0, 0.4,
                DataType.DOUBLE);
        StackedLstmStep viaArray = new StackedLstmStep(embedding, layers);
        StackedLstmStep viaNative = new StackedLstmStep(embedding, layers);
        int n = viaArray.stateSize();
        double[] expected = new double[n * n];
        viaArray.reset();
        viaNative.reset();
        try (org.bytedeco.javacpp.DoublePointer target = new org.bytedeco.javacpp.DoublePointer((long) n * n)) {
            for (int t = 0; t < 6; t++) {
                boolean transposed = t % 2 == 1;
                for (int i = 0; i < n * n; i++) {
                    target.put(i, Double.NaN); // every entry must be overwritten
                }
                int token = (3 * t + 1) % 9;
                viaArray.advance(token, expected);
                viaNative.advance(token, target, transposed);
                double scale = Arrays.stream(expected).map(Math::abs).max().orElse(0);
                assertTrue(scale > 1e-3, "degenerate Jacobian");
                for (int row = 0; row < n; row++) {
                    for (int col = 0; col < n; col++) {
                        double want = transposed ? expected[col + row * n] : expected[row + col * n];
                        double got = target.get(row + (long) col * n);
                        // chained blocks come from a differently ordered gemm; the rest is the same arithmetic
                        assertEquals(want, got, 1e-14 * scale, "t=" + t + " (" + row + ", " + col + ")");
                        if (want == 0.0) {
                            assertEquals(0.0, got);
                        }
                    }
                }
                assertArrayEquals(viaArray.stackedHidden(), viaNative.stackedHidden(), 0.0);
                assertArrayEquals(viaArray.stackedCell(), viaNative.stackedCell(), 0.0);
            }
        }
    }

    @Test
    void estimatorGivesTheSameSpectrumThroughTheNativeAndTheJavaArrayJacobian() {
        Random random = new Random(8);
        INDArray embedding = TestSystems.gaussian(random, 1.0, DataType.DOUBLE, 11, 4);
        List<LstmLayerWeights> layers = TestSystems.randomLayers(random, 4, new int[] {6, 5}, 1.0, 0.3,
                DataType.DOUBLE);
        StackedLstmStep step = new StackedLstmStep(embedding, layers);
        int[] warmup = {1, 4, 7};
        int[] measured = {2, 9, 0, 5, 5, 3, 10, 6};
        for (int k : new int[] {11, 3}) { // reflectors applied to J (k >= n/3), explicit Q and one gemm (k < n/3)
            QrLyapunovEstimator estimator = new QrLyapunovEstimator(11, k);
            assertTrue(estimator.usesDirectPath());
            for (boolean transposed : new boolean[] {false, true}) {
                double[] viaNative = estimator.estimate(step, warmup, measured, transposed);
                double[] viaArray = estimator.estimate(javaArrayOnly(step), warmup, measured, transposed);
                assertEquals(k, viaNative.length);
                assertTrue(Arrays.stream(viaNative).allMatch(Double::isFinite));
                assertArrayEquals(viaArray, viaNative, 1e-12, "k=" + k + " transposed=" + transposed);
                assertArrayEquals(viaNative, estimator.estimate(step, warmup, measured, transposed), 0.0);
            }
        }
    }
}
