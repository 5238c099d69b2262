package io.lsh.search.optimizer;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParzenEstimatorsTest {

    @Test
    void linearForgettingWeightsMatchHyperopt() {
        assertArrayEquals(new double[] {1, 1, 1}, ParzenEstimators.linearForgettingWeights(3, 25));
        double[] w = ParzenEstimators.linearForgettingWeights(30, 25);
        // numpy.linspace(1/30, 1, 5) then 25 ones
        double s = 1.0 / 30;
        assertArrayEquals(new double[] {s, s + (1 - s) / 4, s + (1 - s) / 2, s + 3 * (1 - s) / 4, 1.0},
                java.util.Arrays.copyOf(w, 5), 1e-15);
        for (int i = 5; i < 30; i++) {
            assertEquals(1.0, w[i]);
        }
        assertArrayEquals(new double[] {1.0 / 26, 1, 1}, java.util.Arrays.copyOf(
                ParzenEstimators.linearForgettingWeights(26, 25), 3), 1e-15);
    }

    @Test
    void adaptiveParzenWithTwoObservationsHandComputed() {
        var m = ParzenEstimators.Mixture.adaptive(new double[] {0.8, 0.2}, 1.0, 0.5, 1.0, 25, 0, 1);
        assertArrayEquals(new double[] {0.2, 0.5, 0.8}, m.mus(), 1e-15);
        // interior sigma = max(0.3, 0.3) replaced by the prior's 1; ends 0.3 (above the floor 1/min(100, 4))
        assertArrayEquals(new double[] {0.3, 1.0, 0.3}, m.sigmas(), 1e-15);
        assertArrayEquals(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, m.weights(), 1e-15);
    }

    @Test
    void adaptiveParzenWithOneObservationUsesHalfThePriorSigma() {
        var m = ParzenEstimators.Mixture.adaptive(new double[] {0.9}, 1.0, 0.5, 1.0, 25, 0, 1);
        assertArrayEquals(new double[] {0.5, 0.9}, m.mus(), 1e-15);
        assertArrayEquals(new double[] {1.0, 0.5}, m.sigmas(), 1e-15);
        var n = ParzenEstimators.Mixture.adaptive(new double[0], 1.0, 0.5, 1.0, 25, 0, 1);
        assertArrayEquals(new double[] {0.5}, n.mus());
        assertArrayEquals(new double[] {1.0}, n.sigmas());
    }

    @Test
    void sigmasAreClippedAndIdenticalComponentsMerge() {
        // three observations of grid index 2 on a 5-point axis: prior mean 2, sigma 5, floor 5/min(100, 5) = 1
        var m = ParzenEstimators.Mixture.adaptive(new double[] {2, 2, 2}, 1.0, 2.0, 5.0, 25, -0.5, 4.5);
        assertArrayEquals(new double[] {2, 2}, m.mus());
        assertArrayEquals(new double[] {5, 1}, m.sigmas());
        assertArrayEquals(new double[] {0.25, 0.75}, m.weights(), 1e-15);
    }

    @Test
    void truncatedDensityIntegratesToOneAndCellMassesSumToOne() {
        Random r = new Random(5);
        double[] obs = new double[40];
        for (int i = 0; i < obs.length; i++) {
            obs[i] = -1 + 3 * r.nextDouble();
        }
        var m = ParzenEstimators.Mixture.adaptive(obs, 1.0, 0.5, 3.0, 25, -1, 2);
        int steps = 20_000;
        double h = 3.0 / steps;
        double integral = 0;
        for (int i = 0; i < steps; i++) { // midpoint rule
            integral += Math.exp(m.logDensity(-1 + (i + 0.5) * h)) * h;
        }
        assertEquals(1.0, integral, 1e-5);
        assertEquals(0.0, m.logMass(-1, 2), 1e-12);
        double cells = 0;
        for (int k = 0; k < 3; k++) {
            cells += Math.exp(m.logMass(-1 + k, k));
        }
        assertEquals(1.0, cells, 1e-6);
    }

    @Test
    void windowedEvaluationMatchesTheFullSumOnALargeMixture() {
        Random r = new Random(12);
        double[] obs = new double[5000];
        for (int i = 0; i < obs.length; i++) { // clustered, like a TPE history: most near 0.3, a tail everywhere
            obs[i] = i % 5 == 0 ? 10 * r.nextDouble() : Math.max(0, Math.min(10, 3 + 0.5 * r.nextGaussian()));
        }
        var m = ParzenEstimators.Mixture.adaptive(obs, 1.0, 5.0, 10.0, 25, 0, 10);
        double[] w = m.weights();
        double[] mu = m.mus();
        double[] sg = m.sigmas();
        double z = m.mass(0, 10);
        for (double x = 0; x <= 10; x += 0.173) {
            double full = 0;
            for (int i = 0; i < mu.length; i++) {
                double u = (x - mu[i]) / sg[i];
                full += w[i] / (sg[i] * Math.sqrt(2 * Math.PI)) * Math.exp(-0.5 * u * u);
            }
            assertEquals(Math.log(full / z), m.logDensity(x), 1e-7, "x = " + x);
            assertEquals(Math.log(m.mass(x, x + 0.01) / z), m.logMass(x, x + 0.01), 1e-7, "x = " + x);
        }
    }

    @Test
    void samplesStayInBoundsAndFollowTheMixture() {
        var m = ParzenEstimators.Mixture.adaptive(new double[] {0.1, 0.12, 0.11, 0.13}, 1.0, 0.5, 1.0, 25, 0, 1);
        Random r = new Random(9);
        int n = 20_000;
        int inCell = 0;
        for (int i = 0; i < n; i++) {
            double x = m.sample(r);
            assertTrue(x >= 0 && x <= 1);
            if (x < 0.25) {
                inCell++;
            }
        }
        assertEquals(Math.exp(m.logMass(0, 0.25)), inCell / (double) n, 0.015);
    }

    @Test
    void categoricalAddsThePriorWeightToForgottenCounts() {
        var c = ParzenEstimators.Categorical.of(new int[] {0, 0, 1}, 3, 1.0, 25);
        assertArrayEquals(new double[] {3 / 6.0, 2 / 6.0, 1 / 6.0}, c.probabilities(), 1e-15);
        assertEquals(Math.log(1 / 6.0), c.logProbability(2), 1e-15);
    }

    @Test
    void erfcAndNormalMassKnownValues() {
        assertEquals(1.0, ParzenEstimators.erfc(0), 1e-7);
        assertEquals(0.157299207050285, ParzenEstimators.erfc(1), 2e-8);
        assertEquals(1.842700792949715, ParzenEstimators.erfc(-1), 2e-8);
        assertEquals(0.004677734981047, ParzenEstimators.erfc(2), 1e-9);
        assertEquals(0.682689492137086, ParzenEstimators.normalMass(-1, 1), 1e-7);
        assertEquals(2.866515718791939e-7, ParzenEstimators.normalMass(5, Double.POSITIVE_INFINITY), 1e-13);
    }

    @Test
    void sortedOrderIsAStableArgsort() {
        assertArrayEquals(new int[] {1, 3, 0, 2}, ParzenEstimators.sortedOrder(new double[] {2, 1, 5, 1}));
        assertArrayEquals(new int[] {1, 3, 0, 2}, ParzenEstimators.sortedOrder(new double[] {2.5, 1.5, 5.5, 1.5}));
        assertArrayEquals(new int[] {2, 0, 1}, ParzenEstimators.sortedOrder(new double[] {0.3, 0.7, -4}));
    }
}
