package io.lsh.lm.prune;

import java.util.List;

/**
 * What one {@link MaskSet#pruneAndRegrow} did.
 *
 * @param deathRate  the death rate passed in
 * @param tensors    per prunable tensor, in parameter order
 */
public record UpdateStats(double deathRate, List<TensorUpdate> tensors) {

    public UpdateStats {
        tensors = List.copyOf(tensors);
    }

    /** Total weights that died. */
    public long totalRemoved() {
        return tensors.stream().mapToLong(TensorUpdate::removed).sum();
    }

    /** Total weights regrown (equals {@link #totalRemoved()}: the sparsity is kept exact). */
    public long totalRegrown() {
        return tensors.stream().mapToLong(TensorUpdate::regrown).sum();
    }

    /**
     * One tensor's update. The index arrays are flat 'c'-order indices in ascending order; callers must not modify
     * them (an optimizer that averages weights, like sparse ASGD, restarts the average of the regrown ones).
     *
     * @param name            parameter name
     * @param size            number of entries
     * @param activeBefore    active entries before the update
     * @param activeAfter     active entries after the update
     * @param removedIndices  positions that died
     * @param regrownIndices  positions regrown (value set to 0); may include a position that died in the same update
     *                        only when the tensor had no other free position
     */
    public record TensorUpdate(String name, long size, long activeBefore, long activeAfter, int[] removedIndices,
                               int[] regrownIndices) {

        /** Number of weights that died. */
        public int removed() {
            return removedIndices.length;
        }

        /** Number of weights regrown. */
        public int regrown() {
            return regrownIndices.length;
        }

        @Override
        public String toString() {
            return name + ": " + activeBefore + " -> -" + removed() + " +" + regrown() + " = " + activeAfter
                    + " of " + size;
        }
    }
}
