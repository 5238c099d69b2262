package io.lsh.search.optimizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The Parzen estimators of hyperopt's TPE (Bergstra et al. 2011, "Algorithms for Hyper-Parameter
 * Optimization"; hyperopt {@code tpe.py}), used by {@link TreeParzenEstimator}: a truncated Gaussian mixture
 * with adaptive bandwidths for numeric parameters and a smoothed histogram for categorical ones, both with
 * hyperopt's linear forgetting of old observations. Pure functions and immutable values; sampling uses only
 * the random source passed in.
 */
final class ParzenEstimators {

    private static final double LOG_FLOOR = -745.0; // log of the smallest positive double, for zero masses
    private static final double SQRT_2PI = Math.sqrt(2 * Math.PI);
    private static final int MAX_REJECTIONS = 100;

    private ParzenEstimators() {
    }

    /**
     * hyperopt's {@code linear_forgetting_weights}: all ones when {@code n <= lf}; otherwise the oldest
     * {@code n - lf} observations get weights {@code linspace(1/n, 1, n - lf)} and the newest {@code lf} weight 1.
     *
     * @param n  observations, oldest first
     * @param lf the linear-forgetting horizon, &gt;= 1
     * @return n weights, oldest first
     */
    static double[] linearForgettingWeights(int n, int lf) {
        double[] w = new double[n];
        Arrays.fill(w, 1.0);
        int ramp = n - lf;
        if (ramp <= 0) {
            return w;
        }
        double start = 1.0 / n;
        for (int i = 0; i < ramp; i++) {
            w[i] = ramp == 1 ? start : start + (1.0 - start) * i / (ramp - 1);
        }
        return w;
    }

    /**
     * A Gaussian mixture truncated to [low, high], sorted by mean; identical (mean, sigma) components are merged
     * (exactly: their weights add), which keeps quantized parameters cheap however many observations there are.
     *
     * <p>Evaluation skips components more than {@value #CUTOFF} of their own sigmas away from the point (or cell):
     * components are grouped in tiers of sigma (within a factor 2) sorted by mean, and each tier is searched by
     * binary search. Since the prior component (sigma = the prior sigma, weight &gt;= 1/(n+1) of the total) is always
     * within one prior sigma of any point and hyperopt clips every sigma to at least 1/100 of the prior sigma, the
     * skipped mass is below 1e-6 of the total for up to 10^5 observations. Immutable.
     */
    static final class Mixture {

        /** Components farther than this many of their sigmas from the evaluation point are skipped. */
        static final double CUTOFF = 8.0;

        private final double[] weights;
        private final double[] mus;
        private final double[] sigmas;
        private final double low;
        private final double high;
        private final double logNormalizer;
        private final Tier[] tiers;

        /** Components whose sigmas lie within a factor 2, sorted by mean. */
        private record Tier(double maxSigma, double[] weights, double[] mus, double[] sigmas) {
        }

        /**
         * @param weights normalised component weights
         * @param mus     component means, ascending
         * @param sigmas  component standard deviations, &gt; 0
         * @param low     lower truncation bound
         * @param high    upper truncation bound
         */
        Mixture(double[] weights, double[] mus, double[] sigmas, double low, double high) {
            this.weights = weights;
            this.mus = mus;
            this.sigmas = sigmas;
            this.low = low;
            this.high = high;
            double z = 0;
            for (int i = 0; i < mus.length; i++) {
                z += weights[i] * normalMass((low - mus[i]) / sigmas[i], (high - mus[i]) / sigmas[i]);
            }
            this.logNormalizer = safeLog(z);
            double min = Double.POSITIVE_INFINITY;
            for (double v : sigmas) {
                min = Math.min(min, v);
            }
            int[] tierOf = new int[mus.length];
            int count = 0;
            for (int i = 0; i < mus.length; i++) {
                tierOf[i] = sigmas[i] <= min ? 0 : 1 + (int) Math.floor(Math.log(sigmas[i] / min) / Math.log(2));
                count = Math.max(count, tierOf[i] + 1);
            }
            int[] sizes = new int[count];
            for (int t : tierOf) {
                sizes[t]++;
            }
            List<Tier> out = new ArrayList<>();
            for (int t = 0; t < count; t++) {
                if (sizes[t] == 0) {
                    continue;
                }
                double[] w = new double[sizes[t]];
                double[] m = new double[sizes[t]];
                double[] sg = new double[sizes[t]];
                double max = 0;
                for (int i = 0, j = 0; i < mus.length; i++) {
                    if (tierOf[i] == t) {
                        w[j] = weights[i];
                        m[j] = mus[i];
                        sg[j] = sigmas[i];
                        max = Math.max(max, sigmas[i]);
                        j++;
                    }
                }
                out.add(new Tier(max, w, m, sg));
            }
            this.tiers = out.toArray(new Tier[0]);
        }

        /**
         * hyperopt's {@code adaptive_parzen_normal}: one component per observation plus the prior component
         * (mean {@code priorMu}, sigma {@code priorSigma}, weight {@code priorWeight}) inserted in sorted order.
         * An observation's sigma is the larger distance to its sorted neighbours (the ends use their one
         * neighbour; a single observation gets half the prior sigma), clipped to [priorSigma / min(100, 1 + k),
         * priorSigma] with k the number of components; the prior keeps priorSigma. Observation weights follow
         * {@link #linearForgettingWeights} in observation order.
         *
         * @param observations values in observation order (oldest first), on the parameter's modelling axis
         */
        static Mixture adaptive(double[] observations, double priorWeight, double priorMu, double priorSigma, int lf,
                                double low, double high) {
            int n = observations.length;
            double[] ow = linearForgettingWeights(n, lf);
            int[] order = sortedOrder(observations);
            double[] mus = new double[n + 1];
            double[] w = new double[n + 1];
            double[] sig = new double[n + 1];
            // prior position: numpy searchsorted (left) of priorMu among the sorted observations
            int priorPos = 0;
            while (priorPos < n && observations[order[priorPos]] < priorMu) {
                priorPos++;
            }
            if (n == 1) {
                priorPos = priorMu < observations[0] ? 0 : 1; // hyperopt's rule for one observation
            }
            for (int i = 0, j = 0; i <= n; i++) {
                if (i == priorPos) {
                    mus[i] = priorMu;
                    w[i] = priorWeight;
                } else {
                    mus[i] = observations[order[j]];
                    w[i] = ow[order[j]];
                    j++;
                }
            }
            if (n == 0) {
                sig[0] = priorSigma;
            } else if (n == 1) {
                sig[priorPos] = priorSigma;
                sig[1 - priorPos] = priorSigma * 0.5;
            } else {
                for (int i = 1; i < n; i++) {
                    sig[i] = Math.max(mus[i] - mus[i - 1], mus[i + 1] - mus[i]);
                }
                sig[0] = mus[1] - mus[0];
                sig[n] = mus[n] - mus[n - 1];
                double min = priorSigma / Math.min(100.0, 1.0 + (n + 1));
                for (int i = 0; i <= n; i++) {
                    sig[i] = Math.max(min, Math.min(priorSigma, sig[i]));
                }
                sig[priorPos] = priorSigma;
            }
            double total = 0;
            for (double v : w) {
                total += v;
            }
            // merge adjacent identical components (sorted by mean, so equal means are adjacent)
            int k = 0;
            for (int i = 0; i <= n; i++) {
                if (k > 0 && mus[k - 1] == mus[i] && sig[k - 1] == sig[i]) {
                    w[k - 1] += w[i] / total;
                } else {
                    mus[k] = mus[i];
                    sig[k] = sig[i];
                    w[k] = w[i] / total;
                    k++;
                }
            }
            return new Mixture(Arrays.copyOf(w, k), Arrays.copyOf(mus, k), Arrays.copyOf(sig, k), low, high);
        }

        double[] weights() {
            return weights.clone();
        }

        double[] mus() {
            return mus.clone();
        }

        double[] sigmas() {
            return sigmas.clone();
        }

        /** @return a draw: a component by weight, then its normal, redrawn until inside [low, high] */
        double sample(RandomGenerator rng) {
            double x = Double.NaN;
            for (int attempt = 0; attempt < MAX_REJECTIONS; attempt++) {
                int c = pick(weights, rng.nextDouble());
                x = mus[c] + sigmas[c] * rng.nextGaussian();
                if (x >= low && x <= high) {
                    return x;
                }
            }
            return Math.max(low, Math.min(high, x));
        }

        /** @return the log density at x of the mixture truncated to [low, high] */
        double logDensity(double x) {
            double s = 0;
            for (Tier t : tiers) {
                double reach = CUTOFF * t.maxSigma();
                double[] m = t.mus();
                for (int i = lowerBound(m, x - reach); i < m.length && m[i] <= x + reach; i++) {
                    double z = (x - m[i]) / t.sigmas()[i];
                    s += t.weights()[i] / (t.sigmas()[i] * SQRT_2PI) * Math.exp(-0.5 * z * z);
                }
            }
            return safeLog(s) - logNormalizer;
        }

        /** @return the log probability of [a, b] under the mixture truncated to [low, high] */
        double logMass(double a, double b) {
            a = Math.max(a, low);
            b = Math.min(b, high);
            double s = 0;
            for (Tier t : tiers) {
                double reach = CUTOFF * t.maxSigma();
                double[] m = t.mus();
                for (int i = lowerBound(m, a - reach); i < m.length && m[i] <= b + reach; i++) {
                    double sg = t.sigmas()[i];
                    s += t.weights()[i] * normalMass((a - m[i]) / sg, (b - m[i]) / sg);
                }
            }
            return safeLog(s) - logNormalizer;
        }

        /** @return the untruncated mixture's probability of [a, b], every component evaluated */
        double mass(double a, double b) {
            double s = 0;
            for (int i = 0; i < mus.length; i++) {
                s += weights[i] * normalMass((a - mus[i]) / sigmas[i], (b - mus[i]) / sigmas[i]);
            }
            return s;
        }

        private static int lowerBound(double[] sorted, double x) {
            int lo = 0;
            int hi = sorted.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (sorted[mid] < x) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }

    /**
     * hyperopt's {@code ap_categorical_sampler} model: probabilities proportional to the linearly-forgotten
     * counts of each choice plus {@code priorWeight}.
     *
     * @param probabilities one per choice, summing to 1
     */
    record Categorical(double[] probabilities) {

        /**
         * @param observations choice indices in observation order (oldest first)
         * @param choices      number of choices
         */
        static Categorical of(int[] observations, int choices, double priorWeight, int lf) {
            double[] w = linearForgettingWeights(observations.length, lf);
            double[] p = new double[choices];
            Arrays.fill(p, priorWeight);
            for (int i = 0; i < observations.length; i++) {
                p[observations[i]] += w[i];
            }
            double total = 0;
            for (double v : p) {
                total += v;
            }
            for (int i = 0; i < choices; i++) {
                p[i] /= total;
            }
            return new Categorical(p);
        }

        int sample(RandomGenerator rng) {
            return pick(probabilities, rng.nextDouble());
        }

        double logProbability(int choice) {
            return safeLog(probabilities[choice]);
        }
    }

    /**
     * A stable argsort: a counting sort when every value is a small non-negative integer (grid indices of
     * quantized parameters), else a merge sort; both O(n) or O(n log n) without boxing.
     *
     * @return indices of {@code values} in ascending order of value, ties in index order
     */
    static int[] sortedOrder(double[] values) {
        int n = values.length;
        int max = -1;
        for (double v : values) {
            if (v < 0 || v > 65_535 || v != Math.rint(v)) {
                max = Integer.MAX_VALUE;
                break;
            }
            max = Math.max(max, (int) v);
        }
        int[] order = new int[n];
        if (max != Integer.MAX_VALUE) {
            int[] start = new int[max + 2];
            for (double v : values) {
                start[(int) v + 1]++;
            }
            for (int i = 1; i < start.length; i++) {
                start[i] += start[i - 1];
            }
            for (int i = 0; i < n; i++) {
                order[start[(int) values[i]]++] = i;
            }
            return order;
        }
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int[] buffer = new int[n];
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n - width; lo += 2 * width) {
                int mid = lo + width;
                int hi = Math.min(lo + 2 * width, n);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    buffer[k++] = values[order[j]] < values[order[i]] ? order[j++] : order[i++];
                }
                while (i < mid) {
                    buffer[k++] = order[i++];
                }
                while (j < hi) {
                    buffer[k++] = order[j++];
                }
                System.arraycopy(buffer, lo, order, lo, hi - lo);
            }
        }
        return order;
    }

    /** @return the index whose cumulative weight first exceeds u (weights sum to 1; the last on round-off) */
    static int pick(double[] weights, double u) {
        double c = 0;
        for (int i = 0; i < weights.length; i++) {
            c += weights[i];
            if (u < c) {
                return i;
            }
        }
        return weights.length - 1;
    }

    static double safeLog(double v) {
        return v > 0 ? Math.log(v) : LOG_FLOOR;
    }

    /** @return P(a &lt;= Z &lt;= b) for a standard normal Z, accurate in both tails */
    static double normalMass(double a, double b) {
        if (a >= 0) {
            return upperTail(a) - upperTail(b);
        }
        if (b <= 0) {
            return upperTail(-b) - upperTail(-a);
        }
        return 1.0 - upperTail(-a) - upperTail(b);
    }

    /** @return P(Z &gt; z) for a standard normal Z */
    static double upperTail(double z) {
        if (z == Double.POSITIVE_INFINITY) {
            return 0.0;
        }
        if (z == Double.NEGATIVE_INFINITY) {
            return 1.0;
        }
        return 0.5 * erfc(z / Math.sqrt(2));
    }

    /**
     * The complementary error function, Chebyshev fit of Numerical Recipes ({@code erfcc}), fractional error
     * below 1.2e-7 everywhere.
     */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double ans = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? ans : 2.0 - ans;
    }
}
