package io.lsh.lm.prune;

import io.lsh.lm.model.Parameter;
import io.lsh.lm.model.ParameterSet;
import java.util.List;
import java.util.Objects;

/**
 * Gradual magnitude pruning (Zhu &amp; Gupta 2017, "To prune, or not to prune", arXiv 1710.01878), a static baseline
 * of method.md section 3 (Zheng &amp; Shlizerman 2025, arXiv 2506.07975). The sparsity rises from
 * {@code initialSparsity} (s_i) at step t0 to {@code finalSparsity} (s_f) at step t0 + n&Delta;t, pruning every
 * &Delta;t steps by magnitude:
 * <pre>
 *   s_t = s_f + (s_i - s_f) (1 - (t - t0) / (n &Delta;t))^3     for t in {t0, t0 + &Delta;t, ..., t0 + n &Delta;t}
 * </pre>
 * At each pruning step exactly {@code round(s_t * total)} prunable weights are masked (the extra ones are the active
 * weights of smallest |w|, globally or per tensor, {@link StaticPruning.Scope}); masked weights never come back.
 *
 * <p>Use: {@code masks = gmp.create(model)} (dense masks), then after each optimizer step {@code t} (steps completed
 * since training started, from 1) call {@link #update(MaskSet, long)}; train with {@link MaskSet#applyToGradients()}
 * and {@link MaskSet#applyToWeights()} as for dynamic sparse training. Immutable and thread-safe; the mask set it
 * updates is not.
 *
 * @param initialSparsity s_i, sparsity at the first pruning step t0, in [0, finalSparsity]
 * @param finalSparsity   s_f, in [0, 1)
 * @param startStep       t0, the first pruning step, {@code >= 0}
 * @param pruningSteps    n, number of pruning intervals, {@code >= 1} (n + 1 pruning steps t0 ... t0 + n&Delta;t)
 * @param frequency       &Delta;t, steps between prunings, {@code >= 1}
 * @param scope           global or per-tensor magnitude
 */
public record GradualMagnitudePruning(double initialSparsity, double finalSparsity, long startStep, long pruningSteps,
                                      long frequency, StaticPruning.Scope scope) {

    public GradualMagnitudePruning {
        Objects.requireNonNull(scope, "scope must not be null");
        if (!(finalSparsity >= 0.0 && finalSparsity < 1.0)) {
            throw new IllegalArgumentException("finalSparsity must be in [0, 1), got " + finalSparsity);
        }
        if (!(initialSparsity >= 0.0 && initialSparsity <= finalSparsity)) {
            throw new IllegalArgumentException("initialSparsity must be in [0, finalSparsity=" + finalSparsity
                    + "], got " + initialSparsity);
        }
        if (startStep < 0) {
            throw new IllegalArgumentException("startStep must be >= 0, got " + startStep);
        }
        if (pruningSteps < 1) {
            throw new IllegalArgumentException("pruningSteps must be >= 1, got " + pruningSteps);
        }
        if (frequency < 1) {
            throw new IllegalArgumentException("frequency must be >= 1, got " + frequency);
        }
        if (startStep + pruningSteps * frequency < 0 || pruningSteps > Long.MAX_VALUE / frequency) {
            throw new IllegalArgumentException("startStep + pruningSteps * frequency overflows: " + startStep + " + "
                    + pruningSteps + " * " + frequency);
        }
    }

    /** The last pruning step, t0 + n&Delta;t. */
    public long endStep() {
        return startStep + pruningSteps * frequency;
    }

    /** Whether {@code step} is one of t0, t0 + &Delta;t, ..., t0 + n&Delta;t. */
    public boolean isPruningStep(long step) {
        return step >= startStep && step <= endStep() && (step - startStep) % frequency == 0;
    }

    /**
     * The cubic schedule s_t at a pruning step, and its value at the last pruning step at or before {@code step}
     * otherwise (the masks' sparsity after {@link #update} was called for every step up to {@code step}): 0 before
     * t0, s_f from t0 + n&Delta;t on.
     */
    public double sparsityAt(long step) {
        if (step < startStep) {
            return 0.0;
        }
        long last = Math.min(step, endStep());
        long pruned = startStep + (last - startStep) / frequency * frequency;
        double progress = (double) (pruned - startStep) / ((double) pruningSteps * frequency);
        double remaining = 1.0 - progress;
        return finalSparsity + (initialSparsity - finalSparsity) * remaining * remaining * remaining;
    }

    /**
     * Dense masks (nothing pruned yet) over {@code model}'s prunable tensors, tagged
     * {@link StaticPruning.Method#GRADUAL_MAGNITUDE}; {@link MaskSet#config()} carries s_f as its sparsity.
     */
    public MaskSet create(ParameterSet model) {
        List<Parameter> tensors = MaskSet.prunableOf(model);
        boolean[][] masks = new boolean[tensors.size()][];
        for (int l = 0; l < masks.length; l++) {
            masks[l] = new boolean[(int) tensors.get(l).size()];
            java.util.Arrays.fill(masks[l], true);
        }
        return MaskSet.ofStaticMasks(tensors, StaticPruning.describe(finalSparsity, SparseInit.UNIFORM),
                StaticPruning.Method.GRADUAL_MAGNITUDE, masks);
    }

    /**
     * At a pruning step, masks more weights by magnitude so exactly {@code round(sparsityAt(step) * total)} are masked,
     * and zeroes them; otherwise does nothing.
     *
     * @param masks mask set from {@link #create(ParameterSet)}
     * @param step  optimizer steps completed since training started
     * @return the number of weights masked by this call
     * @throws IllegalArgumentException if {@code masks} were not made by {@link #create(ParameterSet)}
     */
    public long update(MaskSet masks, long step) {
        Objects.requireNonNull(masks, "masks");
        if (masks.staticMethod().orElse(null) != StaticPruning.Method.GRADUAL_MAGNITUDE) {
            throw new IllegalArgumentException("masks must come from GradualMagnitudePruning.create, got " + masks);
        }
        if (!isPruningStep(step)) {
            return 0;
        }
        long total = masks.totalEntries();
        long activeTarget = total - Allocation.targetZeros(total, sparsityAt(step));
        if (activeTarget >= masks.activeCount()) {
            return 0;
        }
        List<Parameter> tensors = masks.tensors();
        boolean[][] next = new boolean[tensors.size()][];
        for (int l = 0; l < next.length; l++) {
            next[l] = masks.maskOf(l).clone();
        }
        long removed = StaticPruning.pruneByMagnitude(tensors, next, activeTarget, scope);
        masks.replaceMasks(next);
        return removed;
    }
}
