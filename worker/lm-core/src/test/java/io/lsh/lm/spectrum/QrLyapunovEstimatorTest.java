package io.lsh.lm.spectrum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QrLyapunovEstimatorTest {

    private static final int[] NO_INPUTS = new int[0];

    private static int[] inputs(int count) {
        return new int[count];
    }

    @Test
    void usesTheFastLapackPathOnTheCpuBackend() {
        assertTrue(new QrLyapunovEstimator(3, 2).usesFastLapackPath());
    }

    @Test
    void usesTheDirectOpenBlasPathAndBothOfItsVariantsAgree() {
        // k >= n/3 applies the Householder reflectors to J (dormqr); k < n/3 forms Q (dorgqr) and multiplies (dgemm)
        assertTrue(new QrLyapunovEstimator(10, 10).usesDirectPath());
        int n = 10;
        double[] a = TestSystems.randomMatrix(n, new Random(17));
        for (boolean transposed : new boolean[] {false, true}) {
            double[] all = new QrLyapunovEstimator(n, n).estimate(TestSystems.linear(n, a), inputs(3), inputs(25),
                    transposed);
            double[] three = new QrLyapunovEstimator(n, 3).estimate(TestSystems.linear(n, a), inputs(3), inputs(25),
                    transposed);
            assertArrayEquals(Arrays.copyOf(all, 3), three, 1e-12);
            assertEquals(TestSystems.logAbsDet(n, a), Arrays.stream(all).sum(), 1e-10);
        }
    }

    @Test
    void diagonalMapGivesLogAbsInQrOrder() {
        double[] a = {0.5, 2.0, -3.0, 1.0, -0.25};
        QrLyapunovEstimator estimator = new QrLyapunovEstimator(a.length, a.length);
        double[] le = estimator.estimate(TestSystems.diagonal(a), inputs(3), inputs(20), false);
        for (int i = 0; i < a.length; i++) {
            assertEquals(Math.log(Math.abs(a[i])), le[i], 1e-12, "exponent " + i);
        }
        // k < n: the first k in QR order
        double[] two = new QrLyapunovEstimator(a.length, 2).estimate(TestSystems.diagonal(a), NO_INPUTS, inputs(5),
                false);
        assertArrayEquals(new double[] {Math.log(0.5), Math.log(2.0)}, two, 1e-12);
    }

    @Test
    void diagonalMapInBase2ThroughTheFacade() {
        double[] a = {4.0, 0.5, -8.0};
        SpectrumSettings settings = SpectrumSettings.defaults().withBatch(1);
        Spectrum s = LyapunovSpectrum.of(TestSystems.diagonal(a), new int[][] {new int[35]}, settings);
        assertArrayEquals(new double[] {2.0, -1.0, 3.0}, s.exponents(), 1e-12);
        Spectrum natural = LyapunovSpectrum.of(TestSystems.diagonal(a), new int[][] {new int[35]},
                settings.withLogBase(Math.E));
        assertArrayEquals(new double[] {Math.log(4), Math.log(0.5), Math.log(8)}, natural.exponents(), 1e-12);
        Spectrum sorted = LyapunovSpectrum.of(TestSystems.diagonal(a), new int[][] {new int[35]},
                settings.withSortDescending(true));
        assertArrayEquals(new double[] {3.0, 2.0, -1.0}, sorted.exponents(), 1e-12);
    }

    @Test
    void transposedFlagMultipliesByTheTranspose() {
        // A = [[2, 1], [0, 0.5]] (column-major below). One step from Q = I: QR(A) has R = A, so (log 2, log 0.5);
        // QR(A^T) has first column (2, 1): r11 = sqrt(5), and det = 1 gives r22 = 1 / sqrt(5).
        double[] a = {2, 0, 1, 0.5};
        double[] plain = new QrLyapunovEstimator(2, 2).estimate(TestSystems.linear(2, a), NO_INPUTS, inputs(1),
                false);
        assertArrayEquals(new double[] {Math.log(2), Math.log(0.5)}, plain, 1e-14);
        double[] transposed = new QrLyapunovEstimator(2, 2).estimate(TestSystems.linear(2, a), NO_INPUTS, inputs(1),
                true);
        assertArrayEquals(new double[] {0.5 * Math.log(5), -0.5 * Math.log(5)}, transposed, 1e-14);
    }

    @Test
    void orthogonalMapHasZeroExponents() {
        int n = 7;
        double[] q = TestSystems.randomOrthogonal(n, new Random(3));
        double[] le = new QrLyapunovEstimator(n, n).estimate(TestSystems.linear(n, q), inputs(5), inputs(200),
                false);
        for (double x : le) {
            assertEquals(0.0, x, 1e-9);
        }
        double[] leT = new QrLyapunovEstimator(n, 3).estimate(TestSystems.linear(n, q), inputs(5), inputs(50), true);
        for (double x : leT) {
            assertEquals(0.0, x, 1e-9);
        }
    }

    @Test
    void exponentsOfALinearMapSumToLogAbsDet() {
        Random random = new Random(5);
        for (int n : new int[] {3, 6, 11}) {
            double[] a = TestSystems.randomMatrix(n, random);
            double[] le = new QrLyapunovEstimator(n, n).estimate(TestSystems.linear(n, a), inputs(2), inputs(30),
                    false);
            assertEquals(TestSystems.logAbsDet(n, a), Arrays.stream(le).sum(), 1e-9, "n=" + n);
        }
    }

    @Test
    void henonMapHasItsKnownSpectrum() {
        double[] le = new QrLyapunovEstimator(2, 2).estimate(TestSystems.henon(1.4, 0.3), inputs(500),
                inputs(10000), false);
        assertEquals(0.419, le[0], 0.01);
        assertEquals(-1.623, le[1], 0.01);
        assertEquals(Math.log(0.3), le[0] + le[1], 1e-9); // |det J| = b at every step
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new QrLyapunovEstimator(3, 4));
        assertThrows(IllegalArgumentException.class, () -> new QrLyapunovEstimator(0, 0));
        QrLyapunovEstimator e = new QrLyapunovEstimator(2, 2);
        assertThrows(IllegalArgumentException.class, () -> e.estimate(TestSystems.diagonal(1, 2, 3), NO_INPUTS,
                inputs(3), false));
        assertThrows(IllegalArgumentException.class, () -> e.estimate(TestSystems.diagonal(1, 2), NO_INPUTS,
                NO_INPUTS, false));
    }
}
