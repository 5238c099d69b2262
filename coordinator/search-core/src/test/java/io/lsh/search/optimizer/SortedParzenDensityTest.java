package io.lsh.search.optimizer;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SortedParzenDensityTest {

    /** A TPE-like history on [0, 10]: a dense cluster, a uniform tail, isolated points and exact duplicates. */
    private static double[] history(int n, long seed) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = i % 7 == 0 ? 10 * r.nextDouble()
                    : i % 11 == 0 ? 4.25 // duplicates
                    : Math.max(0, Math.min(10, 3 + 0.3 * r.nextGaussian()));
        }
        v[1] = 9.99; // isolated near the edge: a wide component
        Arrays.sort(v);
        return v;
    }

    private static double[] weights(int n) {
        double[] w = ParzenEstimators.linearForgettingWeights(n, 25);
        double[] shuffled = w.clone(); // sorted order is not observation order
        Random r = new Random(3);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            double t = shuffled[i];
            shuffled[i] = shuffled[j];
            shuffled[j] = t;
        }
        return shuffled;
    }

    /** The density straight from the definition: every component of fromSorted's mixture, no cut-off. */
    private static double directLog(ParzenEstimators.Mixture m, double x) {
        double[] w = m.weights();
        double[] mu = m.mus();
        double[] sg = m.sigmas();
        double s = 0;
        for (int i = 0; i < mu.length; i++) {
            double u = (x - mu[i]) / sg[i];
            s += w[i] / (sg[i] * Math.sqrt(2 * Math.PI)) * Math.exp(-0.5 * u * u);
        }
        return Math.log(s);
    }

    @Test
    void equalsTheFullMixtureUpToOneConstantAcrossTheRange() {
        for (int n : new int[] {2, 3, 40, 600, 8000}) {
            double[] v = history(n, n);
            double[] w = weights(n);
            var mixture = ParzenEstimators.Mixture.fromSorted(v, w, 1.0, 5.0, 10.0, 0, 10);
            var fast = new SortedParzenDensity(v, w, n, 1.0, 5.0, 10.0);
            double total = 1.0;
            for (double x : w) {
                total += x;
            }
            for (double x = 0; x <= 10; x += 0.0173) {
                // fromSorted divides the weights by their total: the only constant between the two
                assertEquals(directLog(mixture, x), fast.unnormalizedLogDensity(x) - Math.log(total), 1e-12,
                        "n = " + n + ", x = " + x);
            }
        }
    }

    @Test
    void priorBetweenEqualValuesAndAtTheEnds() {
        double[] v = {0.0, 5.0, 5.0, 5.0, 10.0};
        double[] w = {1, 1, 1, 1, 1};
        var mixture = ParzenEstimators.Mixture.fromSorted(v, w, 1.0, 5.0, 10.0, 0, 10);
        var fast = new SortedParzenDensity(v, w, v.length, 1.0, 5.0, 10.0);
        for (double x = 0; x <= 10; x += 0.25) {
            assertEquals(directLog(mixture, x), fast.unnormalizedLogDensity(x) - Math.log(6), 1e-12, "x = " + x);
        }
    }

    @Test
    void refusesFewerThanTwoObservations() {
        assertThrows(IllegalArgumentException.class,
                () -> new SortedParzenDensity(new double[] {1}, new double[] {1}, 1, 1, 0, 1));
    }
}
