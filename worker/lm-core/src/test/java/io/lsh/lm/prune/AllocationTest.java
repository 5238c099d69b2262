package io.lsh.lm.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AllocationTest {

    @Test
    void initialCountsAreExactForRandomShapesAndSparsities() {
        Random random = new Random(1);
        for (int trial = 0; trial < 300; trial++) {
            int count = 1 + random.nextInt(6);
            long[][] shapes = new long[count][];
            long total = 0;
            for (int l = 0; l < count; l++) {
                shapes[l] = new long[] {1 + random.nextInt(30), 1 + random.nextInt(30)};
                total += shapes[l][0] * shapes[l][1];
            }
            double sparsity = random.nextInt(4) == 0 ? 0.99 : random.nextDouble();
            for (SparseInit init : SparseInit.values()) {
                long[] counts = Allocation.initialActiveCounts(init, shapes, sparsity);
                assertEquals(total - Math.round(sparsity * total), Arrays.stream(counts).sum());
                for (int l = 0; l < count; l++) {
                    assertTrue(counts[l] >= 0 && counts[l] <= shapes[l][0] * shapes[l][1]);
                }
            }
        }
    }

    @Test
    void erAndErkCoincideFor2d() {
        long[][] shapes = {{3, 40}, {17, 5}, {64, 64}};
        assertArrayEquals(Allocation.initialActiveCounts(SparseInit.ER, shapes, 0.8),
                Allocation.initialActiveCounts(SparseInit.ERK, shapes, 0.8));
        assertEquals(Allocation.erRawDensity(new long[] {3, 40}), Allocation.erkRawDensity(new long[] {3, 40}), 0);
    }

    @Test
    void proportionalRespectsCapacitiesAndSumsExactly() {
        Random random = new Random(2);
        for (int trial = 0; trial < 300; trial++) {
            int count = 1 + random.nextInt(6);
            double[] weights = new double[count];
            long[] capacity = new long[count];
            long capSum = 0;
            for (int l = 0; l < count; l++) {
                weights[l] = random.nextInt(5) == 0 ? 0.0 : random.nextDouble();
                capacity[l] = random.nextInt(50);
                capSum += capacity[l];
            }
            long budget = capSum == 0 ? 0 : random.nextInt((int) capSum + 1);
            long[] out = Allocation.proportional(budget, weights, capacity);
            assertEquals(budget, Arrays.stream(out).sum());
            for (int l = 0; l < count; l++) {
                assertTrue(out[l] >= 0 && out[l] <= capacity[l]);
            }
        }
        assertArrayEquals(new long[] {10, 30}, Allocation.proportional(40, new double[] {1, 3}, new long[] {100,
                100}));
        assertArrayEquals(new long[] {5, 35}, Allocation.proportional(40, new double[] {1, 1}, new long[] {5, 100}));
        assertArrayEquals(new long[] {2, 3}, Allocation.proportional(5, new double[] {0, 0}, new long[] {4, 6}));
    }
}
