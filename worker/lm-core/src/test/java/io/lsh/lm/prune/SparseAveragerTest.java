package io.lsh.lm.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.model.Parameter;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class SparseAveragerTest {

    /** w (1x4) with mask [on, on, off, on], bias (1x2). */
    private TestModel model;
    private MaskSet masks;

    private void setUpHandMade() {
        model = new TestModel().add("w", new float[] {0, 0, 0, 0}, new long[] {1, 4})
                .add("bias", new long[] {1, 2}, false);
        List<Parameter> prunable = List.of(model.get("w"));
        masks = MaskSet.ofStaticMasks(prunable, StaticPruning.describe(0.25, SparseInit.UNIFORM),
                StaticPruning.Method.RANDOM, new boolean[][] {{true, true, false, true}});
    }

    private void set(String name, float... values) {
        model.get(name).value().assign(Nd4j.create(values, model.get(name).value().shape(), 'c'));
    }

    @Test
    void averagesActiveWeightsOnlyAndBiasesDensely() {
        setUpHandMade();
        SparseAverager avg = new SparseAverager(model, masks);
        set("w", 1, 2, 9, 4); // the masked entry holds 9 (not re-masked yet): it must not count
        set("bias", 1, 1);
        avg.accumulate();
        set("w", 3, 4, 0, 8);
        set("bias", 3, 5);
        avg.accumulate();
        set("w", 5, 0, 0, 0);
        set("bias", 5, 0);
        avg.accumulate();
        assertArrayEquals(new double[] {3, 2, 0, 4}, avg.averaged("w"), 1e-12);
        assertArrayEquals(new double[] {3, 2}, avg.averaged("bias"), 1e-12);
        assertEquals(3, avg.steps());
        assertEquals(3, avg.count("w", 0));
        assertEquals(0, avg.count("w", 2));
        assertEquals(3, avg.count("bias", 1));
    }

    @Test
    void swapInPutsAveragesInAndSwapOutRestores() {
        setUpHandMade();
        SparseAverager avg = new SparseAverager(model, masks);
        set("w", 1, 2, 0, 4);
        set("bias", 2, 2);
        avg.accumulate();
        set("w", 3, 6, 0, 8);
        set("bias", 4, 6);
        avg.accumulate();
        set("w", 10, 10, 0, 10);
        avg.swapIn();
        assertTrue(avg.isSwappedIn());
        assertArrayEquals(new float[] {2, 4, 0, 6}, TestModel.values(model.get("w").value()), 0f);
        assertArrayEquals(new float[] {3, 4}, TestModel.values(model.get("bias").value()), 0f);
        assertThrows(IllegalStateException.class, avg::swapIn);
        assertThrows(IllegalStateException.class, avg::accumulate);
        avg.swapOut();
        assertFalse(avg.isSwappedIn());
        assertArrayEquals(new float[] {10, 10, 0, 10}, TestModel.values(model.get("w").value()), 0f);
        assertArrayEquals(new float[] {4, 6}, TestModel.values(model.get("bias").value()), 0f);
        assertThrows(IllegalStateException.class, avg::swapOut);
    }

    @Test
    void beforeAnyStepTheCurrentValuesAreUsed() {
        setUpHandMade();
        set("w", 1, 2, 0, 4);
        set("bias", 7, 8);
        SparseAverager avg = new SparseAverager(model, masks);
        assertArrayEquals(new double[] {1, 2, 0, 4}, avg.averaged("w"), 0);
        assertArrayEquals(new double[] {7, 8}, avg.averaged("bias"), 0);
    }

    @Test
    void regrownWeightsRestartTheirAverageAndMaskedOnesStayZero() {
        TestModel m = new TestModel().add("w", new long[] {6, 6}, true).add("bias", new long[] {1, 6}, false)
                .randomize(new Random(3));
        MaskSet dst = MaskSet.create(m, PruningConfig.of(0.5, "uniform", "magnitude", "random", "none", 0.5),
                new SplittableRandom(4));
        SparseAverager avg = new SparseAverager(m, dst);
        Parameter w = m.get("w");
        for (int step = 0; step < 3; step++) {
            w.value().addi(1.0);
            dst.applyToWeights();
            avg.accumulate();
        }
        double[] averagedBefore = avg.averaged("w");
        UpdateStats stats = dst.pruneAndRegrow(0.5, new SplittableRandom(5));
        avg.restart(stats);
        UpdateStats.TensorUpdate t = stats.tensors().get(0);
        assertTrue(t.regrown() > 0);
        for (int i : t.regrownIndices()) {
            assertEquals(0, avg.count("w", i));
            assertEquals(0.0, avg.averaged("w")[i], 0); // current value of a regrown weight: 0
        }
        // one more step: a regrown weight's average is just its value since the restart
        w.value().assign(7.0);
        dst.applyToWeights();
        avg.accumulate();
        double[] after = avg.averaged("w");
        for (int i = 0; i < 36; i++) {
            if (!dst.isActive("w", i)) {
                assertEquals(0.0, after[i], 0, "masked entry " + i);
                assertEquals(0, avg.count("w", i));
            } else if (java.util.Arrays.binarySearch(t.regrownIndices(), i) >= 0) {
                assertEquals(7.0, after[i], 1e-12, "regrown " + i);
                assertEquals(1, avg.count("w", i));
            } else {
                assertEquals(4, avg.count("w", i));
                assertEquals((3 * averagedBefore[i] + 7.0) / 4, after[i], 1e-6, "kept " + i);
            }
        }
        assertEquals(4, avg.count("bias", 0));
        avg.swapIn();
        float[] swapped = TestModel.values(w.value());
        for (int i = 0; i < 36; i++) {
            assertEquals(after[i], swapped[i], 1e-6);
        }
        avg.swapOut();
    }

    @Test
    void withoutMasksEverythingIsAveragedDensely() {
        TestModel m = new TestModel().add("w", new float[] {2, 4}, new long[] {1, 2});
        SparseAverager avg = new SparseAverager(m, null);
        avg.accumulate();
        m.get("w").value().assign(Nd4j.create(new float[] {4, 0}, new long[] {1, 2}, 'c'));
        avg.accumulate();
        assertArrayEquals(new double[] {3, 2}, avg.averaged("w"), 0);
        assertThrows(IllegalArgumentException.class, () -> avg.averaged("nope"));
    }

    @Test
    void masksOfAnotherModelAreRejected() {
        TestModel a = TestModel.mixedShapes().randomize(new Random(1));
        TestModel b = TestModel.mixedShapes().randomize(new Random(1));
        MaskSet masksOfB = MaskSet.create(b, PruningConfig.of(0.5, "ER", "SET", "random", "none", 0.5),
                new SplittableRandom(1));
        assertThrows(IllegalArgumentException.class, () -> new SparseAverager(a, masksOfB));
    }
}
