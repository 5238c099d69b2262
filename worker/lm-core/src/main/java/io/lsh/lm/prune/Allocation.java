package io.lsh.lm.prune;

import java.util.Arrays;

/**
 * Integer allocations with exact totals: initial per-tensor active counts (uniform / ER / ERK) and the split of a
 * regrowth budget. Pure functions.
 */
final class Allocation {

    private Allocation() {
    }

    /** Number of zero (masked) entries that a sparsity asks for: {@code round(sparsity * total)}. */
    static long targetZeros(long total, double sparsity) {
        return Math.round(sparsity * total);
    }

    /**
     * Active count per tensor for the initial masks. The counts sum to exactly
     * {@code total - round(sparsity * total)}, and never exceed the tensor sizes.
     */
    static long[] initialActiveCounts(SparseInit init, long[][] shapes, double sparsity) {
        int count = shapes.length;
        long[] sizes = new long[count];
        long total = 0;
        for (int l = 0; l < count; l++) {
            sizes[l] = product(shapes[l]);
            total += sizes[l];
        }
        long activeTotal = total - targetZeros(total, sparsity);
        double[] targets = new double[count];
        if (activeTotal == total) {
            return sizes.clone();
        }
        if (activeTotal == 0) {
            return new long[count];
        }
        switch (init) {
            case UNIFORM -> {
                double density = (double) activeTotal / total;
                for (int l = 0; l < count; l++) {
                    targets[l] = density * sizes[l];
                }
            }
            case ER, ERK -> {
                double[] raw = new double[count];
                for (int l = 0; l < count; l++) {
                    raw[l] = init == SparseInit.ER ? erRawDensity(shapes[l]) : erkRawDensity(shapes[l]);
                }
                boolean[] dense = new boolean[count];
                double epsilon;
                while (true) {
                    // RigL's ERK loop: solve for epsilon with the dense tensors fixed, then make every tensor whose
                    // density would exceed 1 dense (epsilon only grows when one is removed, so doing all at once is
                    // the same as one at a time).
                    double denseEntries = 0;
                    double weightedRaw = 0;
                    for (int l = 0; l < count; l++) {
                        if (dense[l]) {
                            denseEntries += sizes[l];
                        } else {
                            weightedRaw += raw[l] * sizes[l];
                        }
                    }
                    epsilon = weightedRaw == 0 ? 0 : (activeTotal - denseEntries) / weightedRaw;
                    boolean changed = false;
                    for (int l = 0; l < count; l++) {
                        if (!dense[l] && sizes[l] > 0 && epsilon * raw[l] > 1.0) {
                            dense[l] = true;
                            changed = true;
                        }
                    }
                    if (!changed) {
                        break;
                    }
                }
                for (int l = 0; l < count; l++) {
                    targets[l] = dense[l] ? sizes[l] : Math.min(sizes[l], epsilon * raw[l] * sizes[l]);
                }
            }
            default -> throw new IllegalStateException("unhandled sparse init " + init);
        }
        return largestRemainder(targets, sizes, activeTotal);
    }

    /** (rows + cols) / (rows * cols) with rows = shape[0] and cols = the product of the other dimensions. */
    static double erRawDensity(long[] shape) {
        long rows = shape.length == 0 ? 1 : shape[0];
        long cols = 1;
        for (int d = 1; d < shape.length; d++) {
            cols *= shape[d];
        }
        if (shape.length == 1) {
            rows = 1;
            cols = shape[0];
        }
        return (double) (rows + cols) / ((double) rows * cols);
    }

    /** sum(shape) / prod(shape), RigL's ERK; equals {@link #erRawDensity} for 2-D shapes. */
    static double erkRawDensity(long[] shape) {
        double sum = 0;
        for (long d : shape) {
            sum += d;
        }
        return sum / product(shape);
    }

    static long product(long[] shape) {
        long p = 1;
        for (long d : shape) {
            p *= d;
        }
        return p;
    }

    /**
     * Rounds real targets to integers summing to exactly {@code total}, each within [0, cap]: floors first, then one
     * more to the largest fractional parts (ties: lower index), then, if caps blocked some, to any tensor with room
     * in index order. Requires {@code sum(cap) >= total}.
     */
    static long[] largestRemainder(double[] targets, long[] caps, long total) {
        int count = targets.length;
        long[] out = new long[count];
        long assigned = 0;
        for (int l = 0; l < count; l++) {
            double t = Math.max(0.0, targets[l]);
            out[l] = Math.min(caps[l], (long) Math.floor(t));
            assigned += out[l];
        }
        long left = total - assigned;
        if (left < 0) {
            // Only possible through floating-point overshoot of the targets: take back from the largest first.
            for (int l = count - 1; l >= 0 && left < 0; l--) {
                long take = Math.min(out[l], -left);
                out[l] -= take;
                left += take;
            }
        }
        if (left > 0) {
            Integer[] order = new Integer[count];
            for (int l = 0; l < count; l++) {
                order[l] = l;
            }
            double[] frac = new double[count];
            for (int l = 0; l < count; l++) {
                frac[l] = Math.max(0.0, targets[l]) - Math.floor(Math.max(0.0, targets[l]));
            }
            Arrays.sort(order, (a, b) -> {
                int c = Double.compare(frac[b], frac[a]);
                return c != 0 ? c : Integer.compare(a, b);
            });
            for (int i = 0; i < count && left > 0; i++) {
                int l = order[i];
                if (out[l] < caps[l]) {
                    out[l]++;
                    left--;
                }
            }
            for (int l = 0; l < count && left > 0; l++) {
                long room = caps[l] - out[l];
                long add = Math.min(room, left);
                out[l] += add;
                left -= add;
            }
        }
        if (left != 0) {
            throw new IllegalStateException("cannot place " + total + " entries within capacities "
                    + Arrays.toString(caps));
        }
        return out;
    }

    /**
     * Splits {@code budget} across tensors proportionally to {@code weights} (NaN or negative weights count as 0),
     * never more than {@code capacity[l]} to tensor l; excess is re-split among the others (water filling). When all
     * weights with room are 0 the split is proportional to the capacities. The result sums to exactly
     * {@code budget}; requires {@code sum(capacity) >= budget}.
     */
    static long[] proportional(long budget, double[] weights, long[] capacity) {
        int count = weights.length;
        double[] w = new double[count];
        for (int l = 0; l < count; l++) {
            double x = weights[l];
            w[l] = (Double.isNaN(x) || x < 0 || Double.isInfinite(x)) ? 0.0 : x;
        }
        double[] targets = new double[count];
        boolean[] capped = new boolean[count];
        double remaining = budget;
        while (true) {
            double sum = 0;
            for (int l = 0; l < count; l++) {
                if (!capped[l] && capacity[l] > 0) {
                    sum += w[l];
                }
            }
            double[] share = new double[count];
            if (sum > 0) {
                for (int l = 0; l < count; l++) {
                    share[l] = (!capped[l] && capacity[l] > 0) ? w[l] / sum : 0.0;
                }
            } else {
                double capSum = 0;
                for (int l = 0; l < count; l++) {
                    if (!capped[l]) {
                        capSum += capacity[l];
                    }
                }
                if (capSum == 0) {
                    break;
                }
                for (int l = 0; l < count; l++) {
                    share[l] = capped[l] ? 0.0 : capacity[l] / capSum;
                }
            }
            boolean changed = false;
            for (int l = 0; l < count; l++) {
                if (!capped[l]) {
                    targets[l] = remaining * share[l];
                    if (targets[l] > capacity[l]) {
                        capped[l] = true;
                        changed = true;
                    }
                }
            }
            if (!changed) {
                break;
            }
            remaining = budget;
            for (int l = 0; l < count; l++) {
                if (capped[l]) {
                    targets[l] = capacity[l];
                    remaining -= capacity[l];
                }
            }
        }
        return largestRemainder(targets, capacity, budget);
    }
}
