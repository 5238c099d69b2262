package io.lsh.report;

import java.util.Arrays;
import java.util.Comparator;
import java.util.OptionalDouble;

/**
 * Rank correlation coefficients of paired samples, with ties handled: Spearman's rho (the Pearson correlation
 * of mid-ranks) and Kendall's tau-b. The paper reports Spearman's rho between the LS distance at an early epoch
 * and the final test perplexity (0.72, against 0.42 for the early validation perplexity; {@code docs/method.md}
 * section 6).
 *
 * <p>A coefficient is undefined, and returned empty, for fewer than {@link #MIN_POINTS} pairs or when all
 * values of one sample are tied. Stateless and thread-safe.
 */
public final class RankCorrelation {

    /** The fewest pairs for which a coefficient is reported. */
    public static final int MIN_POINTS = 3;

    private RankCorrelation() {
    }

    /**
     * Mid-ranks (fractional ranks): 1 for the smallest value, n for the largest, tied values get the mean of
     * the ranks they span.
     *
     * @param values finite values
     * @return the rank of each value, in input order
     * @throws IllegalArgumentException if a value is NaN or infinite
     */
    public static double[] ranks(double[] values) {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("rank correlation needs finite values, got " + v);
            }
        }
        int n = values.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[n];
        int start = 0;
        while (start < n) {
            int end = start;
            while (end + 1 < n && values[order[end + 1]] == values[order[start]]) {
                end++;
            }
            double mid = (start + end) / 2.0 + 1.0;
            for (int k = start; k <= end; k++) {
                ranks[order[k]] = mid;
            }
            start = end + 1;
        }
        return ranks;
    }

    /**
     * Spearman's rank correlation: the Pearson correlation of the mid-ranks of {@code x} and {@code y}.
     *
     * @param x first sample, finite values
     * @param y second sample, paired with {@code x}, finite values
     * @return rho in [-1, 1], or empty if undefined (fewer than 3 pairs, or one sample entirely tied)
     * @throws IllegalArgumentException if the lengths differ or a value is not finite
     */
    public static OptionalDouble spearman(double[] x, double[] y) {
        checkPaired(x, y);
        if (x.length < MIN_POINTS) {
            return OptionalDouble.empty();
        }
        double[] rx = ranks(x);
        double[] ry = ranks(y);
        double mx = mean(rx);
        double my = mean(ry);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < rx.length; i++) {
            double dx = rx[i] - mx;
            double dy = ry[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (sxx == 0 || syy == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(clamp(sxy / Math.sqrt(sxx * syy)));
    }

    /**
     * Kendall's tau-b: (concordant - discordant) / sqrt((n0 - n1)(n0 - n2)), where n0 = n(n-1)/2 and n1, n2 are
     * the pairs tied in {@code x} and in {@code y}. O(n^2), meant for the tens to hundreds of trials of a study.
     *
     * @param x first sample, finite values
     * @param y second sample, paired with {@code x}, finite values
     * @return tau-b in [-1, 1], or empty if undefined (fewer than 3 pairs, or one sample entirely tied)
     * @throws IllegalArgumentException if the lengths differ or a value is not finite
     */
    public static OptionalDouble kendallTauB(double[] x, double[] y) {
        checkPaired(x, y);
        ranks(x);
        ranks(y);
        int n = x.length;
        if (n < MIN_POINTS) {
            return OptionalDouble.empty();
        }
        long concordant = 0;
        long discordant = 0;
        long tiedX = 0;
        long tiedY = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                int sx = Double.compare(x[i], x[j]);
                int sy = Double.compare(y[i], y[j]);
                if (x[i] == x[j]) {
                    tiedX++;
                    sx = 0;
                }
                if (y[i] == y[j]) {
                    tiedY++;
                    sy = 0;
                }
                if (sx != 0 && sy != 0) {
                    if (sx == sy) {
                        concordant++;
                    } else {
                        discordant++;
                    }
                }
            }
        }
        long pairs = (long) n * (n - 1) / 2;
        double denominator = Math.sqrt((double) (pairs - tiedX) * (double) (pairs - tiedY));
        if (denominator == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(clamp((concordant - discordant) / denominator));
    }

    private static void checkPaired(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("paired samples differ in length: " + x.length + " vs " + y.length);
        }
    }

    private static double mean(double[] v) {
        double sum = 0;
        for (double d : v) {
            sum += d;
        }
        return sum / v.length;
    }

    private static double clamp(double r) {
        return Math.max(-1.0, Math.min(1.0, r));
    }
}
