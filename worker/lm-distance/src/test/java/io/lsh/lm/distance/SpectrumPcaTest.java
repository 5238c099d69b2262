package io.lsh.lm.distance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpectrumPcaTest {

    /** Orthonormal directions of a known plane in R^5 and a normal to it. */
    static final double[] U = {0.6, 0, 0.8, 0, 0};
    static final double[] W = {0, 0, 0, 0.8, 0.6};
    static final double[] NORMAL = {0, 1, 0, 0, 0};
    static final double[] CENTRE = {-1, -2, -3, -4, -5};

    /** {@code CENTRE + a U + b W + c NORMAL}. */
    static double[] point(double a, double b, double c) {
        double[] p = new double[5];
        for (int k = 0; k < 5; k++) {
            p[k] = CENTRE[k] + a * U[k] + b * W[k] + c * NORMAL[k];
        }
        return p;
    }

    /** Plane coordinates (3,0), (-3,0), (0,1), (0,-1): mean 0, variance 4.5 along U and 0.5 along W, uncorrelated. */
    static List<double[]> planeTrajectory() {
        return List.of(point(3, 0, 0), point(-3, 0, 0), point(0, 1, 0), point(0, -1, 0));
    }

    @Test
    void componentsOfATrajectoryOnAKnownPlaneAreItsAxesWithFixedSigns() {
        SpectrumPca pca = SpectrumPca.fit(planeTrajectory());
        assertArrayEquals(CENTRE, pca.mean(), 1e-12);
        // signs: the largest-magnitude entry positive (0.8 at index 2 for U, 0.8 at index 3 for W)
        assertArrayEquals(U, pca.firstComponent(), 1e-12);
        assertArrayEquals(W, pca.secondComponent(), 1e-12);
        assertArrayEquals(new double[] {4.5, 0.5}, pca.explainedVariance(), 1e-12);
        // a point off the plane projects to its plane coordinates
        assertArrayEquals(new double[] {2, -0.5}, pca.project(point(2, -0.5, 7)), 1e-12);
    }

    @Test
    void signsDoNotDependOnTheOrderOrOrientationOfTheTrajectory() {
        List<double[]> reversed = new ArrayList<>(planeTrajectory());
        java.util.Collections.reverse(reversed);
        SpectrumPca a = SpectrumPca.fit(planeTrajectory());
        SpectrumPca b = SpectrumPca.fit(reversed);
        assertArrayEquals(a.firstComponent(), b.firstComponent(), 1e-12);
        assertArrayEquals(a.secondComponent(), b.secondComponent(), 1e-12);
        // a trajectory along -U gives +U too
        SpectrumPca line = SpectrumPca.fit(List.of(point(-1, 0.1, 0), point(-2, -0.1, 0), point(-3, 0, 0)));
        assertTrue(line.firstComponent()[2] > 0.99 * 0.8);
    }

    @Test
    void aTrajectoryOnALineHasNoSecondComponent() {
        SpectrumPca pca = SpectrumPca.fit(List.of(point(1, 0, 0), point(2, 0, 0), point(4, 0, 0)));
        assertArrayEquals(U, pca.firstComponent(), 1e-12);
        assertArrayEquals(new double[5], pca.secondComponent());
        assertEquals(0.0, pca.explainedVariance()[1]);
        assertEquals(0.0, pca.project(point(5, 3, 2))[1]);
        assertEquals(5 - 7.0 / 3, pca.project(point(5, 3, 2))[0], 1e-12);
    }

    @Test
    void randomTrajectoriesGiveOrthonormalComponentsOfMaximalVarianceAndAContraction() {
        Random r = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            int n = 3 + r.nextInt(8);
            int d = 2 + r.nextInt(30);
            List<double[]> t = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                double[] s = new double[d];
                for (int k = 0; k < d; k++) {
                    s[k] = r.nextGaussian() * (k + 1);
                }
                t.add(s);
            }
            SpectrumPca pca = SpectrumPca.fit(t);
            double[] v1 = pca.firstComponent();
            double[] v2 = pca.secondComponent();
            assertEquals(1.0, dot(v1, v1), 1e-10);
            assertEquals(1.0, dot(v2, v2), 1e-10);
            assertEquals(0.0, dot(v1, v2), 1e-10);
            // the explained variances are the variances of the projected trajectory, first >= second >= any other
            // unit direction orthogonal to the first
            double var1 = 0;
            double var2 = 0;
            for (double[] s : t) {
                double[] p = pca.project(s);
                var1 += p[0] * p[0] / n;
                var2 += p[1] * p[1] / n;
            }
            assertEquals(var1, pca.explainedVariance()[0], 1e-9 * (1 + var1));
            assertEquals(var2, pca.explainedVariance()[1], 1e-9 * (1 + var2));
            for (int probe = 0; probe < 10; probe++) {
                double[] dir = new double[d];
                for (int k = 0; k < d; k++) {
                    dir[k] = r.nextGaussian();
                }
                double f = dot(dir, v1);
                for (int k = 0; k < d; k++) {
                    dir[k] -= f * v1[k];
                }
                double norm = Math.sqrt(dot(dir, dir));
                double var = 0;
                double[] mean = pca.mean();
                for (double[] s : t) {
                    double x = 0;
                    for (int k = 0; k < d; k++) {
                        x += dir[k] / norm * (s[k] - mean[k]);
                    }
                    var += x * x / n;
                }
                assertTrue(var <= var2 * (1 + 1e-9) + 1e-12, "direction with variance " + var + " > " + var2);
                assertTrue(var2 <= var1 * (1 + 1e-12));
            }
            // projection onto a plane never increases a distance
            double[] a = t.get(0);
            double[] b = t.get(n - 1);
            double[] pa = pca.project(a);
            double[] pb = pca.project(b);
            assertTrue(LsDistance.euclidean(pa, pb) <= LsDistance.euclidean(a, b) * (1 + 1e-12));
        }
    }

    @Test
    void fewerThanThreeSpectraOrMismatchedLengthsAreRefused() {
        IllegalArgumentException few = assertThrows(IllegalArgumentException.class,
                () -> SpectrumPca.fit(List.of(point(1, 0, 0), point(2, 0, 0))));
        assertTrue(few.getMessage().contains("at least 3 spectra, got 2"), few.getMessage());
        IllegalArgumentException lengths = assertThrows(IllegalArgumentException.class,
                () -> SpectrumPca.fit(List.of(new double[2], new double[2], new double[3])));
        assertTrue(lengths.getMessage().contains("2 vs 3"), lengths.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> SpectrumPca.fit(planeTrajectory()).project(new double[4]));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }
}
