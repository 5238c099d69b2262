package io.lsh.lm.prune;

/**
 * Sparsity report of one prunable tensor.
 *
 * @param name    parameter name
 * @param shape   tensor shape
 * @param size    number of entries
 * @param active  entries whose mask is on
 */
public record TensorDensity(String name, long[] shape, long size, long active) {

    /** Fraction of active entries. */
    public double density() {
        return size == 0 ? 0.0 : (double) active / size;
    }

    /** Fraction of masked (zero) entries. */
    public double sparsity() {
        return 1.0 - density();
    }

    @Override
    public String toString() {
        return String.format("%s %s: %d/%d active (density %.4f)", name, java.util.Arrays.toString(shape), active,
                size, density());
    }
}
