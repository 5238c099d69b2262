package io.lsh.lm.distance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LsDistanceTest {

    private static double[] random(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    @Test
    void metricAxioms() {
        Random r = new Random(1);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + r.nextInt(20);
            double[] a = random(r, n);
            double[] b = random(r, n);
            double[] c = random(r, n);
            for (LsDistance.Alignment alignment : LsDistance.Alignment.values()) {
                assertEquals(0.0, LsDistance.euclidean(a, a, alignment));
                assertEquals(LsDistance.euclidean(a, b, alignment), LsDistance.euclidean(b, a, alignment));
                assertTrue(LsDistance.euclidean(a, c, alignment)
                        <= LsDistance.euclidean(a, b, alignment) + LsDistance.euclidean(b, c, alignment) + 1e-12);
                assertTrue(LsDistance.euclidean(a, b, alignment) >= 0);
            }
        }
    }

    @Test
    void indexByIndexAndSorted() {
        assertEquals(5.0, LsDistance.euclidean(new double[] {0, 0}, new double[] {3, 4}));
        double[] a = {1, 3, 2};
        double[] b = {3, 2, 1};
        assertEquals(Math.sqrt(4 + 1 + 1), LsDistance.euclidean(a, b));
        assertEquals(0.0, LsDistance.euclidean(a, b, LsDistance.Alignment.SORTED));
    }

    @Test
    void lengthMismatchNamesBothLengths() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LsDistance.euclidean(new double[3], new double[5]));
        assertTrue(e.getMessage().contains("3") && e.getMessage().contains("5"), e.getMessage());
    }
}
