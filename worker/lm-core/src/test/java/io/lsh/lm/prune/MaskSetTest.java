package io.lsh.lm.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.model.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class MaskSetTest {

    private static final MomentumSource RANDOM_MOMENTUM = p -> Nd4j.rand(p.value().dataType(), p.value().shape());

    // ---------------------------------------------------------------------------------------------- exactness sweep

    /**
     * Every (init, death, growth, redistribution) x sparsity {0, 0.5, 0.99} keeps exact counts, on a model whose
     * tensors mix the adversarial cases: random weights, all-equal weights and gradients (ties), an all-zero tensor
     * (values and gradients), 1x1, 1xN and Nx1 tensors, and a bias that must never be masked.
     */
    @Test
    void sparsityIsExactForEveryCombination() {
        double[] sparsities = {0.0, 0.5, 0.99};
        int combinations = 0;
        for (SparseInit init : SparseInit.values()) {
            for (DeathCriterion death : DeathCriterion.values()) {
                for (GrowthCriterion growth : GrowthCriterion.values()) {
                    for (Redistribution redistribution : Redistribution.values()) {
                        for (double sparsity : sparsities) {
                            PruningConfig config = new PruningConfig(sparsity, init, death, growth, redistribution,
                                    0.5);
                            checkExactness(config, 31L * combinations + (long) (sparsity * 100));
                        }
                        combinations++;
                    }
                }
            }
        }
        assertEquals(3 * 4 * 3 * 4, combinations);
    }

    /** Ties in "w_ih" (all 0.5, gradients all 1), all zeros in "w_hh", N(0, 1) elsewhere. */
    private static void adversarialWeights(TestModel model, Random random) {
        for (Parameter p : model.parameters()) {
            switch (p.name()) {
                case "w_ih" -> {
                    p.value().assign(0.5);
                    p.gradient().assign(1.0);
                }
                case "w_hh" -> {
                    p.value().assign(0.0);
                    p.gradient().assign(0.0);
                }
                default -> {
                    TestModel.fill(p.value(), random);
                    TestModel.fill(p.gradient(), random);
                }
            }
        }
    }

    private static void checkExactness(PruningConfig config, long seed) {
        TestModel model = TestModel.mixedShapes();
        Random noise = new Random(seed);
        adversarialWeights(model, noise);
        SplittableRandom rng = new SplittableRandom(seed);
        MaskSet masks = MaskSet.create(model, config, rng, RANDOM_MOMENTUM);
        String label = config + " seed " + seed;
        long expectedZeros = Math.round(config.sparsity() * masks.totalEntries());
        assertEquals(expectedZeros, masks.zeroCount(), label);
        assertMaskedWeightsAreZero(model, masks, label);
        float[] biasBefore = TestModel.values(model.get("bias").value());
        for (int update = 0; update < 3; update++) {
            Map<String, boolean[]> before = masks.exportMasks();
            double rate = 0.3 + 0.2 * update;
            UpdateStats stats = masks.pruneAndRegrow(rate, rng);
            assertEquals(expectedZeros, masks.zeroCount(), label + " update " + update);
            assertEquals(stats.totalRemoved(), stats.totalRegrown(), label);
            for (UpdateStats.TensorUpdate t : stats.tensors()) {
                boolean[] old = before.get(t.name());
                Parameter p = model.get(t.name());
                float[] w = TestModel.values(p.value());
                assertEquals(masks.activeCount(t.name()), t.activeAfter(), label);
                for (int i : t.removedIndices()) {
                    assertTrue(old[i], label + ": removed an inactive entry");
                }
                if (config.death() != DeathCriterion.THRESHOLD && config.death() != DeathCriterion.GLOBAL_MAGNITUDE) {
                    assertEquals(Math.round(rate * t.activeBefore()), t.removed(), label);
                }
                if (config.redistribution() == Redistribution.NONE) {
                    assertEquals(t.removed(), t.regrown(), label + " " + t);
                }
                long freeBefore = 0;
                for (boolean b : old) {
                    freeBefore += b ? 0 : 1;
                }
                long recycled = 0;
                for (int i : t.regrownIndices()) {
                    assertTrue(masks.isActive(t.name(), i), label);
                    assertTrue(w[i] == 0.0f, label + ": regrown weight is not 0");
                    assertTrue(!old[i] || Arrays.binarySearch(t.removedIndices(), i) >= 0,
                            label + ": regrew an active entry");
                    if (old[i]) {
                        recycled++;
                    }
                }
                // just-removed positions are reused only when the fresh free positions ran out
                if (recycled > 0) {
                    assertEquals(freeBefore, t.regrown() - recycled, label + " " + t);
                }
            }
            assertMaskedWeightsAreZero(model, masks, label);
            assertArrayEquals(biasBefore, TestModel.values(model.get("bias").value()), label + ": bias touched");
            adversarialWeights(model, noise); // a "training step": new weights and gradients, then masked
            biasBefore = TestModel.values(model.get("bias").value());
            masks.applyToWeights();
        }
    }

    private static void assertMaskedWeightsAreZero(TestModel model, MaskSet masks, String label) {
        Map<String, boolean[]> exported = masks.exportMasks();
        for (Map.Entry<String, boolean[]> e : exported.entrySet()) {
            float[] w = TestModel.values(model.get(e.getKey()).value());
            for (int i = 0; i < w.length; i++) {
                if (!e.getValue()[i]) {
                    assertTrue(w[i] == 0.0f, label + ": masked weight " + e.getKey() + "[" + i + "]");
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- criteria

    @Test
    void magnitudeRemovesExactlyTheSmallestMagnitudesWithTiesByIndex() {
        // 2 x 6, the last 4 entries masked by restore below (sparsity 4/12)
        float[] v = {0.5f, -0.1f, 0.3f, -0.05f, 0.9f, 0.2f, -0.7f, 0.05f, 7f, 7f, 7f, 7f};
        TestModel model = new TestModel().add("w", v, new long[] {2, 6});
        PruningConfig config = PruningConfig.of(4.0 / 12, "uniform", "magnitude", "random", "none", 0.5);
        MaskSet masks = MaskSet.create(model, config, new SplittableRandom(1));
        boolean[] m = {true, true, true, true, true, true, true, true, false, false, false, false};
        masks.restore(Map.of("w", m));
        model.get("w").value().assign(Nd4j.create(v, new long[] {2, 6}, 'c'));
        // 8 active, rate 0.5 -> 4 die: |w| 0.05 (index 3), 0.05 (index 7), 0.1 (index 1), 0.2 (index 5)
        UpdateStats stats = masks.pruneAndRegrow(0.5, new SplittableRandom(2));
        UpdateStats.TensorUpdate t = stats.tensors().get(0);
        assertArrayEquals(new int[] {1, 3, 5, 7}, t.removedIndices());
        // the 4 free positions (8..11) are regrown first, just-removed ones are not reused
        assertArrayEquals(new int[] {8, 9, 10, 11}, t.regrownIndices());
        float[] after = TestModel.values(model.get("w").value());
        float[] expected = {0.5f, 0, 0.3f, 0, 0.9f, 0, -0.7f, 0, 0, 0, 0, 0};
        for (int i = 0; i < after.length; i++) {
            assertTrue(after[i] == expected[i], "entry " + i + ": " + after[i]); // == : -0.0 is zero
        }

        // a tie at the cut: one of the two 0.05 magnitudes dies, the lower index
        float[] tie = {0.5f, 0.05f, 0.3f, -0.05f, 0.9f, 0.2f, -0.7f, 0.6f, 0, 0, 0, 0};
        model.get("w").value().assign(Nd4j.create(tie, new long[] {2, 6}, 'c'));
        masks.restore(Map.of("w", m));
        UpdateStats one = masks.pruneAndRegrow(0.1, new SplittableRandom(3)); // round(0.8) = 1
        assertArrayEquals(new int[] {1}, one.tensors().get(0).removedIndices());
    }

    @Test
    void setRemovesSmallestPositiveAndMostNegativeHalves() {
        float[] v = {0.1f, -0.2f, 0.5f, -0.8f, 0.05f, -0.01f, 0.9f, -0.4f, 3f, 3f};
        TestModel model = new TestModel().add("w", v, new long[] {1, 10});
        MaskSet masks = MaskSet.create(model, PruningConfig.of(0.2, "uniform", "SET", "random", "none", 0.5),
                new SplittableRandom(1));
        boolean[] m = {true, true, true, true, true, true, true, true, false, false};
        masks.restore(Map.of("w", m));
        model.get("w").value().assign(Nd4j.create(v, new long[] {1, 10}, 'c'));
        // 8 active, rate 0.5 -> 4 die: positives 0.05 (4), 0.1 (0); negatives -0.8 (3), -0.4 (7)
        UpdateStats.TensorUpdate t = masks.pruneAndRegrow(0.5, new SplittableRandom(2)).tensors().get(0);
        assertArrayEquals(new int[] {0, 3, 4, 7}, t.removedIndices());
        // both free positions are regrown, the other 2 come from the just-removed ones
        int[] regrown = t.regrownIndices();
        assertEquals(4, regrown.length);
        assertEquals(8, regrown[2]);
        assertEquals(9, regrown[3]);
        for (int i = 0; i < 2; i++) {
            assertTrue(Arrays.binarySearch(t.removedIndices(), regrown[i]) >= 0);
        }
    }

    @Test
    void setDeathOddCountsAndOneSignedTensors() {
        double[] w = {0.3, 0.1, 0.2, -0.5, 0.0};
        int[] active = {0, 1, 2, 3, 4};
        // 3 to kill: 2 smallest positives (1, 2), 1 most negative (3)
        int[] out = MaskSet.setDeath(active, w, 3);
        Arrays.sort(out);
        assertArrayEquals(new int[] {1, 2, 3}, out);
        // 4 to kill: 2 positives, only 1 negative: the shortfall comes from the zero first
        out = MaskSet.setDeath(active, w, 4);
        Arrays.sort(out);
        assertArrayEquals(new int[] {1, 2, 3, 4}, out);
        // only positives: all from the smallest positives
        double[] pos = {0.4, 0.1, 0.3, 0.2};
        out = MaskSet.setDeath(new int[] {0, 1, 2, 3}, pos, 3);
        Arrays.sort(out);
        assertArrayEquals(new int[] {1, 2, 3}, out);
    }

    @Test
    void globalMagnitudeUsesOneThresholdAcrossTensors() {
        TestModel model = new TestModel()
                .add("a", new float[] {0.01f, 0.02f, 0.9f, 0.8f}, new long[] {2, 2})
                .add("b", new float[] {0.5f, 0.03f, 0.6f, 0.7f}, new long[] {2, 2});
        MaskSet masks = MaskSet.create(model, PruningConfig.of(0.0, "uniform", "global_magnitude", "random", "none",
                0.5), new SplittableRandom(1));
        // 8 active, rate 3/8 -> 3 smallest globally: a[0], a[1], b[1]
        UpdateStats stats = masks.pruneAndRegrow(3.0 / 8, new SplittableRandom(2));
        assertArrayEquals(new int[] {0, 1}, stats.tensors().get(0).removedIndices());
        assertArrayEquals(new int[] {1}, stats.tensors().get(1).removedIndices());
        assertEquals(0, masks.zeroCount());
    }

    @Test
    void gradientGrowthPicksLargestGradientAmongInactive() {
        TestModel model = new TestModel().add("w", new float[] {1, 2, 3, 4, 0, 0, 0, 0}, new long[] {2, 4});
        MaskSet masks = MaskSet.create(model, PruningConfig.of(0.5, "uniform", "magnitude", "gradient", "none",
                0.5), new SplittableRandom(1));
        masks.restore(Map.of("w", new boolean[] {true, true, true, true, false, false, false, false}));
        model.get("w").value().assign(Nd4j.create(new float[] {1, 2, 3, 4, 0, 0, 0, 0}, new long[] {2, 4}, 'c'));
        model.get("w").gradient().assign(Nd4j.create(new float[] {9, 9, 9, 9, 0.1f, -5f, 2f, -0.2f},
                new long[] {2, 4}, 'c'));
        UpdateStats.TensorUpdate t = masks.pruneAndRegrow(0.5, new SplittableRandom(2)).tensors().get(0);
        assertArrayEquals(new int[] {0, 1}, t.removedIndices());
        assertArrayEquals(new int[] {5, 6}, t.regrownIndices());
    }

    @Test
    void thresholdDeathAdaptsItsThreshold() {
        TestModel model = new TestModel().add("w", new long[] {10, 10}, true).randomize(new Random(3));
        MaskSet masks = MaskSet.create(model, PruningConfig.of(0.5, "uniform", "threshold", "random", "none", 0.5),
                new SplittableRandom(1));
        double before = masks.deathThreshold();
        UpdateStats stats = masks.pruneAndRegrow(0.5, new SplittableRandom(2));
        // N(0,1) weights: almost none are below 1e-3, so the threshold doubles
        assertTrue(stats.totalRemoved() < 25);
        assertEquals(2 * before, masks.deathThreshold());
        assertEquals(50, masks.zeroCount());
    }

    @Test
    void nonzerosRedistributionMovesBudgetToDenserTensors() {
        TestModel model = new TestModel().add("small", new long[] {4, 4}, true).add("large", new long[] {16, 16},
                true).randomize(new Random(5));
        MaskSet masks = MaskSet.create(model, PruningConfig.of(0.5, "uniform", "magnitude", "random", "nonzeros",
                0.5), new SplittableRandom(1));
        UpdateStats stats = masks.pruneAndRegrow(0.5, new SplittableRandom(2));
        long budget = stats.totalRemoved();
        // shares proportional to the active counts before death (8 and 128)
        assertEquals(Math.round(budget * 8.0 / 136), stats.tensors().get(0).regrown(), 1);
        assertEquals(Math.round(0.5 * 272), masks.zeroCount());
    }

    // ---------------------------------------------------------------------------------------------- application

    @Test
    void applyZeroesExactlyTheMaskedEntries() {
        TestModel model = TestModel.mixedShapes().randomize(new Random(7));
        Map<String, float[]> original = new HashMap<>();
        model.parameters().forEach(p -> original.put(p.name(), TestModel.values(p.value())));
        MaskSet masks = MaskSet.create(model, PruningConfig.of(0.6, "ER", "magnitude", "random", "none", 0.5),
                new SplittableRandom(9));
        model.parameters().forEach(p -> p.gradient().assign(3.0));
        masks.applyToGradients();
        Map<String, boolean[]> m = masks.exportMasks();
        for (Parameter p : model.parameters()) {
            float[] w = TestModel.values(p.value());
            float[] g = TestModel.values(p.gradient());
            float[] o = original.get(p.name());
            for (int i = 0; i < w.length; i++) {
                boolean on = !p.prunable() || m.get(p.name())[i];
                assertTrue(w[i] == (on ? o[i] : 0.0f), p.name() + "[" + i + "]");
                assertTrue(g[i] == (on ? 3.0f : 0.0f), p.name() + "[" + i + "]");
            }
        }
        // applying again changes nothing
        model.parameters().forEach(p -> original.put(p.name(), TestModel.values(p.value())));
        masks.applyToWeights();
        for (Parameter p : model.parameters()) {
            float[] w = TestModel.values(p.value());
            for (int i = 0; i < w.length; i++) {
                assertTrue(w[i] == original.get(p.name())[i]);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- determinism

    @Test
    void seededRunsAreIdenticalAndSeedsMatter() {
        List<Map<String, boolean[]>> a = run(42);
        List<Map<String, boolean[]>> b = run(42);
        List<Map<String, boolean[]>> c = run(43);
        for (int i = 0; i < a.size(); i++) {
            for (String name : a.get(i).keySet()) {
                assertArrayEquals(a.get(i).get(name), b.get(i).get(name));
            }
        }
        assertFalse(Arrays.equals(a.get(0).get("embedding"), c.get(0).get("embedding")));
    }

    private static List<Map<String, boolean[]>> run(long seed) {
        TestModel model = TestModel.mixedShapes().randomize(new Random(1));
        SplittableRandom rng = new SplittableRandom(seed);
        MaskSet masks = MaskSet.create(model, PruningConfig.of(0.7, "ER", "SET", "random", "none", 0.6), rng);
        List<Map<String, boolean[]>> out = new ArrayList<>();
        out.add(masks.exportMasks());
        for (int i = 0; i < 3; i++) {
            masks.pruneAndRegrow(0.4, rng);
            out.add(masks.exportMasks());
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------- init

    @Test
    void uniformGivesEveryTensorTheTargetDensity() {
        TestModel model = new TestModel().add("a", new long[] {10, 10}, true).add("b", new long[] {20, 30}, true)
                .add("c", new long[] {3, 7}, true);
        MaskSet masks = MaskSet.create(model, PruningConfig.of(0.8, "uniform", "magnitude", "random", "none", 0.5),
                new SplittableRandom(3));
        assertEquals(Math.round(0.8 * 721), masks.zeroCount());
        for (TensorDensity d : masks.densities()) {
            assertEquals(0.2, d.density(), 1.0 / d.size() + 1e-12, d.toString());
        }
    }

    @Test
    void erDensitiesAreProportionalToRowsPlusColsOverRowsTimesCols() {
        long[][] shapes = {{10, 10}, {20, 40}, {5, 100}};
        TestModel model = new TestModel();
        for (int i = 0; i < shapes.length; i++) {
            model.add("t" + i, shapes[i], true);
        }
        for (String init : new String[] {"ER", "ERK"}) {
            MaskSet masks = MaskSet.create(model, PruningConfig.of(0.9, init, "magnitude", "random", "none", 0.5),
                    new SplittableRandom(3));
            assertEquals(Math.round(0.9 * 1400), masks.zeroCount());
            List<TensorDensity> d = masks.densities();
            double eps = d.get(0).density() / 0.2;
            for (int i = 0; i < shapes.length; i++) {
                double raw = (double) (shapes[i][0] + shapes[i][1]) / (shapes[i][0] * shapes[i][1]);
                assertEquals(eps * raw, d.get(i).density(), 1.5 / d.get(i).size(), init + " " + d.get(i));
            }
        }
    }

    @Test
    void erMakesTensorsDenseWhenTheirDensityWouldExceedOne() {
        TestModel model = new TestModel().add("tiny", new long[] {2, 2}, true).add("big", new long[] {100, 100},
                true);
        MaskSet masks = MaskSet.create(model, PruningConfig.of(0.5, "ER", "magnitude", "random", "none", 0.5),
                new SplittableRandom(3));
        assertEquals(4, masks.activeCount("tiny"));
        assertEquals(Math.round(0.5 * 10004), masks.zeroCount());
        assertEquals(10004 - 5002 - 4, masks.activeCount("big"));
    }

    // ---------------------------------------------------------------------------------------------- checkpoints

    @Test
    void exportRestoreRoundTripAndValidation() {
        TestModel model = TestModel.mixedShapes().randomize(new Random(2));
        PruningConfig config = PruningConfig.of(0.5, "uniform", "magnitude", "random", "none", 0.5);
        MaskSet a = MaskSet.create(model, config, new SplittableRandom(1));
        a.pruneAndRegrow(0.5, new SplittableRandom(2));
        Map<String, boolean[]> saved = a.exportMasks();
        MaskSet b = MaskSet.create(model, config, new SplittableRandom(99));
        b.restore(saved);
        saved.forEach((name, m) -> assertArrayEquals(m, b.exportMasks().get(name)));
        assertEquals(a.activeCounts(), b.activeCounts());

        Map<String, boolean[]> wrongLength = new HashMap<>(saved);
        wrongLength.put("row", new boolean[3]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.restore(wrongLength));
        assertTrue(e.getMessage().contains("row"), e.getMessage());

        Map<String, boolean[]> wrongCount = new HashMap<>(saved);
        boolean[] all = new boolean[72];
        Arrays.fill(all, true);
        wrongCount.put("embedding", all);
        assertThrows(IllegalArgumentException.class, () -> b.restore(wrongCount));

        Map<String, boolean[]> unknown = new HashMap<>(saved);
        unknown.put("nope", new boolean[1]);
        assertThrows(IllegalArgumentException.class, () -> b.restore(unknown));
    }

    // ---------------------------------------------------------------------------------------------- errors, counts

    @Test
    void momentumCriteriaNeedAMomentumSource() {
        TestModel model = TestModel.mixedShapes();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MaskSet.create(model,
                PruningConfig.of(0.5, "uniform", "magnitude", "momentum", "none", 0.5), new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("momentum"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MaskSet.create(new TestModel().add("b", new long[] {2},
                false), PruningConfig.of(0.5, "uniform", "magnitude", "random", "none", 0.5), new SplittableRandom(1)));
        MaskSet ok = MaskSet.create(model, PruningConfig.of(0.5, "uniform", "magnitude", "random", "none", 0.5),
                new SplittableRandom(1));
        assertThrows(IllegalArgumentException.class, () -> ok.pruneAndRegrow(1.0, new SplittableRandom(1)));
    }

    @Test
    void parameterAndFlopCounts() {
        TestModel model = TestModel.mixedShapes().randomize(new Random(4));
        MaskSet masks = MaskSet.create(model, PruningConfig.of(0.5, "uniform", "magnitude", "random", "none", 0.5),
                new SplittableRandom(1));
        long prunable = masks.totalEntries();
        assertEquals(72 + 96 + 64 + 1 + 9 + 7 + 48, prunable);
        assertEquals(model.parameterCount(), ParameterCounting.denseParameters(model));
        assertEquals(masks.activeCount() + 16, ParameterCounting.activeParameters(model, masks));
        assertEquals(2 * (masks.activeCount() - masks.activeCount("embedding")),
                ParameterCounting.sparseMatmulFlopsPerToken(masks, "embedding"::equals));
        assertEquals(masks.activeCount(), masks.nonzeroWeightCount()); // N(0,1) weights are never exactly 0
        masks.pruneAndRegrow(0.5, new SplittableRandom(2));
        assertTrue(masks.nonzeroWeightCount() < masks.activeCount()); // regrown weights are 0
        assertEquals(0.5, masks.sparsity(), 1.0 / prunable);
    }

    @Test
    void zeroDeathRateChangesNothing() {
        TestModel model = TestModel.mixedShapes().randomize(new Random(4));
        MaskSet masks = MaskSet.create(model, PruningConfig.of(0.5, "ER", "SET", "random", "nonzeros", 0.5),
                new SplittableRandom(1));
        Map<String, boolean[]> before = masks.exportMasks();
        UpdateStats stats = masks.pruneAndRegrow(0.0, new SplittableRandom(2));
        assertEquals(0, stats.totalRemoved());
        before.forEach((name, m) -> assertArrayEquals(m, masks.exportMasks().get(name)));
        assertNotEquals(0, masks.activeCount());
    }
}
