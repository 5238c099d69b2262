package io.lsh.lm.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.model.Parameter;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StaticPruningTest {

    /** a (2x2) = [0.5, -0.1, 0.3, 0], b (2x3) = [-0.2, 0.05, 0.4, -0.6, 0.1, 0.3], bias (1x2) = [0.01, -0.01]. */
    private static TestModel handMade() {
        TestModel m = new TestModel()
                .add("a", new float[] {0.5f, -0.1f, 0.3f, 0.0f}, new long[] {2, 2})
                .add("b", new float[] {-0.2f, 0.05f, 0.4f, -0.6f, 0.1f, 0.3f}, new long[] {2, 3})
                .add("bias", new long[] {1, 2}, false);
        m.get("bias").value().assign(0.01);
        return m;
    }

    private static int[] masked(MaskSet masks, String name, int size) {
        return java.util.stream.IntStream.range(0, size).filter(i -> !masks.isActive(name, i)).toArray();
    }

    @Test
    void oneShotGlobalMasksTheSmallestMagnitudesOverAllTensors() {
        TestModel model = handMade();
        // 5 of 10: 0 (a3), 0.05 (b1), 0.1 (a1) and 0.1 (b4), 0.2 (b0)
        MaskSet masks = StaticPruning.oneShotMagnitude(model, 0.5, StaticPruning.Scope.GLOBAL);
        assertEquals(5, masks.zeroCount());
        assertArrayEquals(new int[] {1, 3}, masked(masks, "a", 4));
        assertArrayEquals(new int[] {0, 1, 4}, masked(masks, "b", 6));
        assertArrayEquals(new float[] {0.5f, 0, 0.3f, 0}, TestModel.values(model.get("a").value()), 0f); // -0.0 ok
        assertArrayEquals(new float[] {0.01f, 0.01f}, TestModel.values(model.get("bias").value()));
        // 3 of 10: the tie at 0.1 goes to the earlier tensor
        MaskSet three = StaticPruning.oneShotMagnitude(handMade(), 0.3, StaticPruning.Scope.GLOBAL);
        assertArrayEquals(new int[] {1, 3}, masked(three, "a", 4));
        assertArrayEquals(new int[] {1}, masked(three, "b", 6));
    }

    @Test
    void oneShotPerTensorPrunesEachTensorToTheTarget() {
        MaskSet masks = StaticPruning.oneShotMagnitude(handMade(), 0.5, StaticPruning.Scope.PER_TENSOR);
        assertArrayEquals(new int[] {1, 3}, masked(masks, "a", 4));
        assertArrayEquals(new int[] {0, 1, 4}, masked(masks, "b", 6));
        MaskSet third = StaticPruning.oneShotMagnitude(handMade(), 0.3, StaticPruning.Scope.PER_TENSOR);
        // 3 zeros: a 1.2 -> 1, b 1.8 -> 2 (largest remainder): a3; b1, b4
        assertArrayEquals(new int[] {3}, masked(third, "a", 4));
        assertArrayEquals(new int[] {1, 4}, masked(third, "b", 6));
    }

    @Test
    void staticMasksAreFixedAndTagged() {
        MaskSet masks = StaticPruning.oneShotMagnitude(handMade(), 0.5, StaticPruning.Scope.GLOBAL);
        assertEquals(StaticPruning.Method.ONE_SHOT_MAGNITUDE, masks.staticMethod().orElseThrow());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> masks.pruneAndRegrow(0.3, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("one_shot_magnitude"), e.getMessage());
        assertTrue(masks.toString().contains("static one_shot_magnitude"), masks.toString());
        assertTrue(MaskSet.create(handMade(), PruningConfig.of(0.5, "ER", "SET", "random", "none", 0.5),
                new SplittableRandom(1)).staticMethod().isEmpty());
    }

    @Test
    void oneShotIsExactOnAdversarialShapesAndWeights() {
        for (StaticPruning.Scope scope : StaticPruning.Scope.values()) {
            for (double sparsity : new double[] {0.0, 0.3, 0.67, 0.99}) {
                TestModel model = TestModel.mixedShapes().randomize(new Random(3));
                model.get("w_ih").value().assign(0.5); // ties
                model.get("w_hh").value().assign(0.0); // all zero
                MaskSet masks = StaticPruning.oneShotMagnitude(model, sparsity, scope);
                assertEquals(Math.round(sparsity * masks.totalEntries()), masks.zeroCount(), scope + " " + sparsity);
                assertMaskedAreZero(model, masks);
                if (scope == StaticPruning.Scope.GLOBAL) {
                    assertMaskedAreSmallest(model, masks, Map.of());
                }
            }
        }
    }

    @Test
    void randomStaticMasksAreExactSeededAndFixed() {
        for (SparseInit init : SparseInit.values()) {
            MaskSet a = StaticPruning.random(TestModel.mixedShapes().randomize(new Random(1)), 0.67, init,
                    new SplittableRandom(5));
            MaskSet b = StaticPruning.random(TestModel.mixedShapes().randomize(new Random(1)), 0.67, init,
                    new SplittableRandom(5));
            assertEquals(Math.round(0.67 * a.totalEntries()), a.zeroCount());
            a.exportMasks().forEach((name, m) -> assertArrayEquals(m, b.exportMasks().get(name)));
            assertEquals(StaticPruning.Method.RANDOM, a.staticMethod().orElseThrow());
            assertEquals(init, a.config().init());
            assertThrows(IllegalStateException.class, () -> a.pruneAndRegrow(0.5, new SplittableRandom(1)));
        }
    }

    @Test
    void namesAndValidation() {
        assertEquals(StaticPruning.Method.GRADUAL_MAGNITUDE, StaticPruning.Method.fromName("gradual_magnitude"));
        assertEquals(StaticPruning.Scope.PER_TENSOR, StaticPruning.Scope.fromName("per_tensor"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StaticPruning.Method.fromName("lottery"));
        assertTrue(e.getMessage().contains("one_shot_magnitude, random, gradual_magnitude"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> StaticPruning.Scope.fromName("layer"));
        assertTrue(e.getMessage().contains("global, per_tensor"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> StaticPruning.oneShotMagnitude(handMade(), 1.0, StaticPruning.Scope.GLOBAL));
        assertTrue(e.getMessage().contains("sparsity") && e.getMessage().contains("1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new GradualMagnitudePruning(0.5, 0.4, 0, 10, 1, StaticPruning.Scope.GLOBAL));
        assertTrue(e.getMessage().contains("initialSparsity") && e.getMessage().contains("0.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new GradualMagnitudePruning(0.0, 1.0, 0, 10, 1, StaticPruning.Scope.GLOBAL));
        assertTrue(e.getMessage().contains("finalSparsity"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new GradualMagnitudePruning(0.0, 0.5, -1, 10, 1, StaticPruning.Scope.GLOBAL));
        assertTrue(e.getMessage().contains("startStep"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new GradualMagnitudePruning(0.0, 0.5, 0, 0, 1, StaticPruning.Scope.GLOBAL));
        assertTrue(e.getMessage().contains("pruningSteps"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new GradualMagnitudePruning(0.0, 0.5, 0, 10, 0, StaticPruning.Scope.GLOBAL));
        assertTrue(e.getMessage().contains("frequency"), e.getMessage());
    }

    // ------------------------------------------------------------------------------------------- gradual (GMP)

    @Test
    void gmpCubicScheduleValues() {
        GradualMagnitudePruning gmp = new GradualMagnitudePruning(0.0, 0.8, 10, 4, 5, StaticPruning.Scope.GLOBAL);
        assertEquals(30, gmp.endStep());
        assertEquals(0.0, gmp.sparsityAt(0), 0);
        assertEquals(0.0, gmp.sparsityAt(9), 0);
        assertEquals(0.0, gmp.sparsityAt(10), 1e-15);
        assertEquals(0.0, gmp.sparsityAt(14), 1e-15);
        assertEquals(0.8 - 0.8 * 0.421875, gmp.sparsityAt(15), 1e-15); // (1 - 1/4)^3
        assertEquals(0.7, gmp.sparsityAt(20), 1e-15); // (1/2)^3
        assertEquals(0.8 - 0.8 * 0.015625, gmp.sparsityAt(29), 1e-15); // step 25, (1/4)^3
        assertEquals(0.8, gmp.sparsityAt(30), 1e-15);
        assertEquals(0.8, gmp.sparsityAt(1000), 1e-15);
        assertTrue(gmp.isPruningStep(10) && gmp.isPruningStep(25) && gmp.isPruningStep(30));
        assertFalse(gmp.isPruningStep(9) || gmp.isPruningStep(12) || gmp.isPruningStep(35));
        GradualMagnitudePruning fromHalf = new GradualMagnitudePruning(0.5, 0.9, 0, 2, 1, StaticPruning.Scope.GLOBAL);
        assertEquals(0.5, fromHalf.sparsityAt(0), 1e-15);
        assertEquals(0.9 - 0.4 * 0.125, fromHalf.sparsityAt(1), 1e-15);
        assertEquals(0.9, fromHalf.sparsityAt(2), 1e-15);
    }

    @Test
    void gmpIsExactAtEveryStepAndNeverRegrows() {
        for (StaticPruning.Scope scope : StaticPruning.Scope.values()) {
            TestModel model = TestModel.mixedShapes().randomize(new Random(11));
            model.get("w_ih").value().assign(0.5);
            GradualMagnitudePruning gmp = new GradualMagnitudePruning(0.1, 0.9, 3, 6, 2, scope);
            MaskSet masks = gmp.create(model);
            assertEquals(0, masks.zeroCount());
            assertEquals(StaticPruning.Method.GRADUAL_MAGNITUDE, masks.staticMethod().orElseThrow());
            Random noise = new Random(12);
            Map<String, boolean[]> before = masks.exportMasks();
            for (long step = 1; step <= 20; step++) {
                // a "training step": perturb the weights, re-apply the masks
                for (Parameter p : model.parameters()) {
                    p.value().addi(org.nd4j.linalg.factory.Nd4j.randn(noise.nextLong(), p.value().shape())
                            .castTo(p.value().dataType()).muli(0.1));
                }
                masks.applyToWeights();
                Map<String, boolean[]> masksBefore = masks.exportMasks();
                Map<String, float[]> weightsBefore = new java.util.HashMap<>();
                model.parameters().forEach(p -> weightsBefore.put(p.name(), TestModel.values(p.value())));
                long removed = gmp.update(masks, step);
                long expectedZeros = Math.round(gmp.sparsityAt(step) * masks.totalEntries());
                assertEquals(expectedZeros, masks.zeroCount(), scope + " step " + step);
                assertEquals(gmp.isPruningStep(step) || removed == 0, true);
                for (Map.Entry<String, boolean[]> e : masks.exportMasks().entrySet()) {
                    boolean[] old = masksBefore.get(e.getKey());
                    for (int i = 0; i < old.length; i++) {
                        assertTrue(old[i] || !e.getValue()[i], "regrown " + e.getKey() + "[" + i + "]");
                    }
                }
                assertMaskedAreZero(model, masks);
                if (scope == StaticPruning.Scope.GLOBAL && removed > 0) {
                    assertMaskedAreSmallest(masksBefore, weightsBefore, masks);
                }
                if (scope == StaticPruning.Scope.PER_TENSOR) {
                    for (TensorDensity d : masks.densities()) {
                        double ideal = (1 - gmp.sparsityAt(step)) * d.size();
                        assertTrue(Math.abs(d.active() - ideal) < 1.0 + 1e-9 || step < 3, d + " at step " + step);
                    }
                }
            }
            assertEquals(Math.round(0.9 * masks.totalEntries()), masks.zeroCount());
            assertTrue(before.values().stream().allMatch(m -> m.length > 0));
        }
        assertThrows(IllegalArgumentException.class, () -> new GradualMagnitudePruning(0, 0.5, 0, 2, 1,
                StaticPruning.Scope.GLOBAL).update(MaskSet.create(TestModel.mixedShapes(), PruningConfig.of(0.5, "ER",
                "SET", "random", "none", 0.5), new SplittableRandom(1)), 1));
    }

    @Test
    void gmpMasksRestoreFromACheckpointAtAnyStep() {
        GradualMagnitudePruning gmp = new GradualMagnitudePruning(0.0, 0.8, 0, 4, 1, StaticPruning.Scope.GLOBAL);
        TestModel model = TestModel.mixedShapes().randomize(new Random(2));
        MaskSet masks = gmp.create(model);
        gmp.update(masks, 0);
        gmp.update(masks, 1);
        Map<String, boolean[]> saved = masks.exportMasks();
        MaskSet fresh = gmp.create(TestModel.mixedShapes().randomize(new Random(2)));
        fresh.restore(saved);
        assertEquals(masks.zeroCount(), fresh.zeroCount());
        gmp.update(fresh, 2);
        assertEquals(Math.round(gmp.sparsityAt(2) * fresh.totalEntries()), fresh.zeroCount());
    }

    private static void assertMaskedAreZero(TestModel model, MaskSet masks) {
        for (String name : masks.tensorNames()) {
            float[] w = TestModel.values(model.get(name).value());
            for (int i = 0; i < w.length; i++) {
                if (!masks.isActive(name, i)) {
                    assertEquals(0.0f, w[i], 0.0f, name + "[" + i + "]");
                }
            }
        }
    }

    /** Every masked entry is no larger in |w| than every active one (weights read before they were zeroed). */
    private static void assertMaskedAreSmallest(TestModel model, MaskSet masks, Map<String, float[]> ignored) {
        // weights after one-shot pruning: masked ones are 0, so check against the active minimum >= 0 trivially; use
        // the unpruned copy instead
        TestModel fresh = TestModel.mixedShapes().randomize(new Random(3));
        fresh.get("w_ih").value().assign(0.5);
        fresh.get("w_hh").value().assign(0.0);
        Map<String, float[]> weights = new java.util.HashMap<>();
        fresh.parameters().forEach(p -> weights.put(p.name(), TestModel.values(p.value())));
        Map<String, boolean[]> allActive = new java.util.HashMap<>();
        masks.exportMasks().forEach((n, m) -> {
            boolean[] t = new boolean[m.length];
            java.util.Arrays.fill(t, true);
            allActive.put(n, t);
        });
        assertMaskedAreSmallest(allActive, weights, masks);
    }

    private static void assertMaskedAreSmallest(Map<String, boolean[]> activeBefore, Map<String, float[]> weights,
                                                MaskSet masks) {
        double largestRemoved = -1;
        double smallestKept = Double.POSITIVE_INFINITY;
        for (Map.Entry<String, boolean[]> e : masks.exportMasks().entrySet()) {
            boolean[] was = activeBefore.get(e.getKey());
            float[] w = weights.get(e.getKey());
            for (int i = 0; i < w.length; i++) {
                if (was[i] && !e.getValue()[i]) {
                    largestRemoved = Math.max(largestRemoved, Math.abs(w[i]));
                } else if (e.getValue()[i]) {
                    smallestKept = Math.min(smallestKept, Math.abs(w[i]));
                }
            }
        }
        assertTrue(largestRemoved <= smallestKept, largestRemoved + " > " + smallestKept);
    }
}
