package io.lsh.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class RankCorrelationTest {

    private static final double EPS = 1e-12;

    private static double value(OptionalDouble v) {
        assertTrue(v.isPresent(), "coefficient should be defined");
        return v.getAsDouble();
    }

    @Test
    void midRanksAverageTies() {
        assertArrayEquals(new double[] {1, 2.5, 2.5, 4, 5}, RankCorrelation.ranks(new double[] {1, 2, 2, 3, 4}), EPS);
        assertArrayEquals(new double[] {3, 1, 3, 3, 5}, RankCorrelation.ranks(new double[] {7, 0, 7, 7, 9}), EPS);
        assertArrayEquals(new double[] {2, 3, 1}, RankCorrelation.ranks(new double[] {-1, 5, -3}), EPS);
    }

    @Test
    void monotoneRelationsGiveOneAndMinusOne() {
        double[] x = {1, 2, 3, 4, 5, 6};
        double[] up = {1, 4, 9, 16, 25, 36};
        double[] down = {10, 8, 7, 3, 1, -5};
        assertEquals(1.0, value(RankCorrelation.spearman(x, up)), EPS);
        assertEquals(1.0, value(RankCorrelation.kendallTauB(x, up)), EPS);
        assertEquals(-1.0, value(RankCorrelation.spearman(x, down)), EPS);
        assertEquals(-1.0, value(RankCorrelation.kendallTauB(x, down)), EPS);
    }

    /** The classic example of IQ against hours of television per week (Wikipedia, Spearman's rank correlation). */
    @Test
    void textbookIqAgainstTelevision() {
        double[] iq = {106, 100, 86, 101, 99, 103, 97, 113, 112, 110};
        double[] tv = {7, 27, 2, 50, 28, 29, 20, 12, 6, 17};
        // sum d^2 = 194: rho = 1 - 6 * 194 / (10 * 99) = -29/165
        assertEquals(-29.0 / 165.0, value(RankCorrelation.spearman(iq, tv)), EPS);
        // 20 concordant, 25 discordant pairs of 45, no ties: tau = -5/45
        assertEquals(-1.0 / 9.0, value(RankCorrelation.kendallTauB(iq, tv)), EPS);
    }

    @Test
    void tiesInBothSamples() {
        double[] x = {1, 2, 2, 3, 4};
        double[] y = {2, 1, 3, 3, 5};
        // ranks x = 1, 2.5, 2.5, 4, 5 and y = 2, 1, 3.5, 3.5, 5: sum dx*dy = 7.25, sum dx^2 = sum dy^2 = 9.5,
        // Pearson of the ranks = 7.25 / 9.5 = 29/38
        assertEquals(29.0 / 38.0, value(RankCorrelation.spearman(x, y)), EPS);
        // 10 pairs, 1 tied in x, 1 tied in y (different pairs), 7 concordant, 1 discordant: 6 / sqrt(9 * 9)
        assertEquals(2.0 / 3.0, value(RankCorrelation.kendallTauB(x, y)), EPS);
    }

    @Test
    void tiesInOneSample() {
        double[] x = {1, 2, 3, 4, 5, 6};
        double[] y = {1, 1, 2, 2, 3, 3};
        // 15 pairs, 3 tied in y, 12 concordant: tau-b = 12 / sqrt(15 * 12)
        assertEquals(12.0 / Math.sqrt(180.0), value(RankCorrelation.kendallTauB(x, y)), EPS);
        // ranks y = 1.5, 1.5, 3.5, 3.5, 5.5, 5.5: sum dx*dy = 16, sum dx^2 = 17.5, sum dy^2 = 16
        assertEquals(16.0 / Math.sqrt(17.5 * 16.0), value(RankCorrelation.spearman(x, y)), EPS);
    }

    @Test
    void symmetricAndInvariantUnderMonotoneMaps() {
        double[] x = {3.1, 0.2, 5.5, 2.2, 9.0, 4.4, 4.4};
        double[] y = {10, 30, 20, 20, 50, 40, 60};
        double[] expX = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            expX[i] = Math.exp(x[i]);
        }
        assertEquals(value(RankCorrelation.spearman(x, y)), value(RankCorrelation.spearman(y, x)), EPS);
        assertEquals(value(RankCorrelation.kendallTauB(x, y)), value(RankCorrelation.kendallTauB(y, x)), EPS);
        assertEquals(value(RankCorrelation.spearman(x, y)), value(RankCorrelation.spearman(expX, y)), EPS);
        assertEquals(value(RankCorrelation.kendallTauB(x, y)), value(RankCorrelation.kendallTauB(expX, y)), EPS);
    }

    @Test
    void undefinedBelowThreePointsOrWhenOneSideIsAllTied() {
        assertTrue(RankCorrelation.spearman(new double[] {1, 2}, new double[] {3, 4}).isEmpty());
        assertTrue(RankCorrelation.kendallTauB(new double[] {1, 2}, new double[] {3, 4}).isEmpty());
        assertTrue(RankCorrelation.spearman(new double[0], new double[0]).isEmpty());
        assertTrue(RankCorrelation.spearman(new double[] {1, 2, 3}, new double[] {5, 5, 5}).isEmpty());
        assertTrue(RankCorrelation.kendallTauB(new double[] {1, 2, 3}, new double[] {5, 5, 5}).isEmpty());
    }

    @Test
    void rejectsUnpairedOrNonFiniteSamples() {
        assertThrows(IllegalArgumentException.class,
                () -> RankCorrelation.spearman(new double[] {1, 2, 3}, new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class,
                () -> RankCorrelation.kendallTauB(new double[] {1, Double.NaN, 3}, new double[] {1, 2, 3}));
        assertThrows(IllegalArgumentException.class,
                () -> RankCorrelation.spearman(new double[] {1, 2, 3}, new double[] {1, Double.POSITIVE_INFINITY, 3}));
    }
}
