package io.lsh.lm.prune;

import java.util.function.IntToLongFunction;

/**
 * Exact, deterministic top-k selection in linear expected time (quickselect on primitive keys, no sort, no boxing).
 * The result equals "stable sort by key ascending, take the first k", i.e. ties go to the lower position (and, across
 * tensors, to the earlier tensor), but costs O(n) instead of O(n log n).
 *
 * <p>Keys are longs. {@link #magnitudeKey(double)} maps |x| to a long whose order is the order of |x| (NaN last, as
 * {@link Double#compare}); {@link #largestMagnitudeKey(double)} orders largest |x| first (NaN last).
 */
final class Selection {

    private Selection() {
    }

    /** Key ordering by |x| ascending; NaN after everything (like {@link Double#compare}). */
    static long magnitudeKey(double x) {
        if (Double.isNaN(x)) {
            return Long.MAX_VALUE;
        }
        return Double.doubleToRawLongBits(Math.abs(x)); // non-negative doubles: bit order = numeric order
    }

    /** Key ordering by |x| descending; NaN after everything. */
    static long largestMagnitudeKey(double x) {
        if (Double.isNaN(x)) {
            return Long.MAX_VALUE;
        }
        return -Double.doubleToRawLongBits(Math.abs(x));
    }

    /** Key ordering by signed value ascending (-0.0 equal to 0.0); NaN last. */
    static long signedKey(double x) {
        if (Double.isNaN(x)) {
            return Long.MAX_VALUE;
        }
        long bits = Double.doubleToRawLongBits(Math.abs(x));
        return x < 0 ? -bits : bits;
    }

    /**
     * The {@code count} candidates of smallest key (ties: earlier in {@code candidates} first), returned in the order
     * they have in {@code candidates} (ascending when the candidates are).
     */
    static int[] smallest(int[] candidates, int count, IntToLongFunction key) {
        int n = candidates.length;
        if (count <= 0) {
            return new int[0];
        }
        if (count >= n) {
            return candidates.clone();
        }
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = key.applyAsLong(candidates[i]);
        }
        long threshold = kth(keys.clone(), count - 1);
        int less = 0;
        for (long k : keys) {
            if (k < threshold) {
                less++;
            }
        }
        int equalToTake = count - less;
        int[] out = new int[count];
        int o = 0;
        for (int i = 0; i < n; i++) {
            long k = keys[i];
            if (k < threshold || (k == threshold && equalToTake-- > 0)) {
                out[o++] = candidates[i];
            }
        }
        return out;
    }

    /**
     * The {@code count} candidates of smallest key over several lists together (ties: earlier list, then earlier
     * position), returned per list in list order.
     */
    static int[][] smallestAcross(int[][] candidates, long count, IntToLongFunction[] keys) {
        int lists = candidates.length;
        long total = 0;
        for (int[] c : candidates) {
            total += c.length;
        }
        int[][] out = new int[lists][];
        if (count <= 0) {
            for (int l = 0; l < lists; l++) {
                out[l] = new int[0];
            }
            return out;
        }
        if (count >= total) {
            for (int l = 0; l < lists; l++) {
                out[l] = candidates[l].clone();
            }
            return out;
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many candidates for one selection: " + total);
        }
        long[][] keyOf = new long[lists][];
        long[] all = new long[(int) total];
        int o = 0;
        for (int l = 0; l < lists; l++) {
            int[] c = candidates[l];
            long[] k = new long[c.length];
            for (int i = 0; i < c.length; i++) {
                k[i] = keys[l].applyAsLong(c[i]);
            }
            keyOf[l] = k;
            System.arraycopy(k, 0, all, o, k.length);
            o += k.length;
        }
        long threshold = kth(all, (int) count - 1);
        long less = 0;
        for (long[] k : keyOf) {
            for (long x : k) {
                if (x < threshold) {
                    less++;
                }
            }
        }
        long equalToTake = count - less;
        for (int l = 0; l < lists; l++) {
            long[] k = keyOf[l];
            int[] c = candidates[l];
            int taken = 0;
            int[] buffer = new int[c.length];
            for (int i = 0; i < c.length; i++) {
                if (k[i] < threshold || (k[i] == threshold && equalToTake-- > 0)) {
                    buffer[taken++] = c[i];
                }
            }
            out[l] = java.util.Arrays.copyOf(buffer, taken);
        }
        return out;
    }

    /**
     * The k-th smallest (0-based) of {@code a}; reorders {@code a}. Iterative quickselect with median-of-three pivots
     * and three-way partitioning, so runs of equal keys (ties, all-zero tensors) cost linear time.
     */
    static long kth(long[] a, int k) {
        if (k < 0 || k >= a.length) {
            throw new IllegalArgumentException("k must be in [0, " + a.length + "), got " + k);
        }
        int lo = 0;
        int hi = a.length - 1;
        while (lo < hi) {
            long x = a[lo];
            long y = a[(lo + hi) >>> 1];
            long z = a[hi];
            long pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
            int lt = lo;
            int i = lo;
            int gt = hi;
            while (i <= gt) {
                long v = a[i];
                if (v < pivot) {
                    a[i++] = a[lt];
                    a[lt++] = v;
                } else if (v > pivot) {
                    a[i] = a[gt];
                    a[gt--] = v;
                } else {
                    i++;
                }
            }
            if (k < lt) {
                hi = lt - 1;
            } else if (k > gt) {
                lo = gt + 1;
            } else {
                return pivot;
            }
        }
        return a[lo];
    }
}
