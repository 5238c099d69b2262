package io.lsh.lm.prune;

import io.lsh.lm.model.Parameter;
import io.lsh.lm.model.ParameterSet;
import java.util.List;
import java.util.Objects;
import java.util.function.IntToLongFunction;
import java.util.random.RandomGenerator;

/**
 * Static pruning baselines to compare dynamic sparse training against (method.md section 3: "Static baselines worth
 * having beside DST: one-shot magnitude, random, and gradual magnitude pruning (Zhu &amp; Gupta)"; Zheng &amp;
 * Shlizerman 2025, arXiv 2506.07975). They produce a {@link MaskSet} over the same prunable tensors (every weight
 * matrix, never biases) with the same exact-count guarantee; its masks are never changed by
 * {@link MaskSet#pruneAndRegrow} (which throws), only by {@link GradualMagnitudePruning#update} for the gradual
 * method. Train with {@link MaskSet#applyToGradients()} and {@link MaskSet#applyToWeights()} as for DST.
 *
 * <p>Magnitude ties are broken by flat ('c'-order) index, lower first, and across tensors by parameter order, as for
 * the DST death criteria. Stateless.
 */
public final class StaticPruning {

    private StaticPruning() {
    }

    /** The static baselines, by study-file name. */
    public enum Method {
        /** Prune once, by magnitude, to the exact target sparsity; masks fixed thereafter. */
        ONE_SHOT_MAGNITUDE("one_shot_magnitude"),
        /** Random masks at the target sparsity (uniform, ER or ERK per-tensor densities), fixed. */
        RANDOM("random"),
        /** Gradual magnitude pruning, Zhu &amp; Gupta 2017 ({@link GradualMagnitudePruning}). */
        GRADUAL_MAGNITUDE("gradual_magnitude");

        private final String wireName;

        Method(String wireName) {
            this.wireName = wireName;
        }

        /** The name used in study files and on the wire. */
        public String wireName() {
            return wireName;
        }

        /**
         * Parses a study-file name (exact, else case-insensitive).
         *
         * @throws IllegalArgumentException naming the bad value and the allowed names
         */
        public static Method fromName(String name) {
            return WireNames.parse("static pruning method", name, values(), Method::wireName);
        }

        @Override
        public String toString() {
            return wireName;
        }
    }

    /** Where magnitude pruning compares weights. */
    public enum Scope {
        /** One threshold over all prunable tensors together (tensor densities follow the weights). */
        GLOBAL("global"),
        /**
         * Each tensor pruned to the target sparsity on its own (counts rounded by largest remainder so the total is
         * exact).
         */
        PER_TENSOR("per_tensor");

        private final String wireName;

        Scope(String wireName) {
            this.wireName = wireName;
        }

        /** The name used in study files and on the wire. */
        public String wireName() {
            return wireName;
        }

        /**
         * Parses a study-file name (exact, else case-insensitive).
         *
         * @throws IllegalArgumentException naming the bad value and the allowed names
         */
        public static Scope fromName(String name) {
            return WireNames.parse("pruning scope", name, values(), Scope::wireName);
        }

        @Override
        public String toString() {
            return wireName;
        }
    }

    /**
     * One-shot magnitude pruning: masks the {@code round(sparsity * total)} prunable weights of smallest |w| (over all
     * tensors for {@link Scope#GLOBAL}, per tensor at the uniform density for {@link Scope#PER_TENSOR}), zeroes them
     * and returns the fixed masks. Typically applied to a trained dense model before fine-tuning.
     *
     * @param sparsity target fraction of masked prunable weights, in [0, 1)
     * @throws IllegalArgumentException naming the field for a bad sparsity, or if the model has no prunable parameter
     */
    public static MaskSet oneShotMagnitude(ParameterSet model, double sparsity, Scope scope) {
        Objects.requireNonNull(scope, "scope must not be null");
        PruningConfig config = describe(sparsity, SparseInit.UNIFORM);
        List<Parameter> tensors = MaskSet.prunableOf(model);
        boolean[][] masks = new boolean[tensors.size()][];
        long total = 0;
        for (int l = 0; l < masks.length; l++) {
            masks[l] = new boolean[(int) tensors.get(l).size()];
            java.util.Arrays.fill(masks[l], true);
            total += masks[l].length;
        }
        long activeTarget = total - Allocation.targetZeros(total, config.sparsity());
        pruneByMagnitude(tensors, masks, activeTarget, scope);
        return MaskSet.ofStaticMasks(tensors, config, Method.ONE_SHOT_MAGNITUDE, masks);
    }

    /**
     * Random static masks: per-tensor active counts from {@code init} (exact total, as {@link MaskSet#create}), the
     * positions uniformly random from {@code rng}; fixed thereafter.
     *
     * @param sparsity target fraction of masked prunable weights, in [0, 1)
     */
    public static MaskSet random(ParameterSet model, double sparsity, SparseInit init, RandomGenerator rng) {
        Objects.requireNonNull(init, "init must not be null");
        PruningConfig config = describe(sparsity, init);
        MaskSet drawn = MaskSet.create(model, config, rng);
        boolean[][] masks = new boolean[drawn.tensors().size()][];
        for (int l = 0; l < masks.length; l++) {
            masks[l] = drawn.maskOf(l).clone();
        }
        return MaskSet.ofStaticMasks(drawn.tensors(), config, Method.RANDOM, masks);
    }

    /** The PruningConfig a static mask set carries: only sparsity and init are meaningful. */
    static PruningConfig describe(double sparsity, SparseInit init) {
        return new PruningConfig(sparsity, init, DeathCriterion.MAGNITUDE, GrowthCriterion.RANDOM, Redistribution.NONE,
                0.5, 0.0);
    }

    /**
     * Turns off the active entries of smallest |w| in {@code masks} (modified in place) until exactly
     * {@code activeTarget} remain over all tensors. Per tensor, the remaining counts are the uniform density's,
     * rounded by largest remainder and never above a tensor's current active count; globally, one threshold.
     *
     * @return the number of entries turned off
     */
    static long pruneByMagnitude(List<Parameter> tensors, boolean[][] masks, long activeTarget, Scope scope) {
        int count = tensors.size();
        long[] active = new long[count];
        long[] sizes = new long[count];
        long activeTotal = 0;
        long total = 0;
        for (int l = 0; l < count; l++) {
            for (boolean b : masks[l]) {
                if (b) {
                    active[l]++;
                }
            }
            sizes[l] = masks[l].length;
            activeTotal += active[l];
            total += sizes[l];
        }
        if (activeTarget > activeTotal) {
            throw new IllegalArgumentException("cannot prune to " + activeTarget + " active weights: only "
                    + activeTotal + " are active");
        }
        if (activeTarget == activeTotal) {
            return 0;
        }
        int[][] candidates = new int[count][];
        IntToLongFunction[] keys = new IntToLongFunction[count];
        for (int l = 0; l < count; l++) {
            candidates[l] = positions(masks[l], (int) active[l]);
            double[] w = MaskSet.readFlat(tensors.get(l).value());
            keys[l] = i -> Selection.magnitudeKey(w[i]);
        }
        int[][] removed;
        if (scope == Scope.GLOBAL) {
            removed = Selection.smallestAcross(candidates, activeTotal - activeTarget, keys);
        } else {
            double density = (double) activeTarget / total;
            double[] targets = new double[count];
            for (int l = 0; l < count; l++) {
                targets[l] = density * sizes[l];
            }
            long[] keep = Allocation.largestRemainder(targets, active, activeTarget);
            removed = new int[count][];
            for (int l = 0; l < count; l++) {
                removed[l] = Selection.smallest(candidates[l], (int) (active[l] - keep[l]), keys[l]);
            }
        }
        long n = 0;
        for (int l = 0; l < count; l++) {
            for (int i : removed[l]) {
                masks[l][i] = false;
            }
            n += removed[l].length;
        }
        return n;
    }

    private static int[] positions(boolean[] mask, int active) {
        int[] out = new int[active];
        int o = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i]) {
                out[o++] = i;
            }
        }
        return out;
    }
}
