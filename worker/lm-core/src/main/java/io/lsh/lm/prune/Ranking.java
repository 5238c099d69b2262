package io.lsh.lm.prune;

/** Deterministic orderings of positions by a key (stable, so ties keep the input order, i.e. ascending index). */
final class Ranking {

    private Ranking() {
    }

    /**
     * Returns {@code positions} sorted by {@code key[position]} ascending ({@link Double#compare} order: NaN last),
     * stable. The input is not modified.
     */
    static int[] sortByKey(int[] positions, double[] key) {
        int n = positions.length;
        int[] a = positions.clone();
        if (n < 2) {
            return a;
        }
        int[] b = new int[n];
        for (int width = 1; width < n; width <<= 1) {
            for (int lo = 0; lo < n; lo += width << 1) {
                int mid = Math.min(lo + width, n);
                int hi = Math.min(lo + (width << 1), n);
                int i = lo;
                int j = mid;
                int o = lo;
                while (i < mid && j < hi) {
                    // take from the right run only when strictly smaller: stability
                    if (Double.compare(key[a[j]], key[a[i]]) < 0) {
                        b[o++] = a[j++];
                    } else {
                        b[o++] = a[i++];
                    }
                }
                while (i < mid) {
                    b[o++] = a[i++];
                }
                while (j < hi) {
                    b[o++] = a[j++];
                }
            }
            int[] t = a;
            a = b;
            b = t;
        }
        return a;
    }
}
