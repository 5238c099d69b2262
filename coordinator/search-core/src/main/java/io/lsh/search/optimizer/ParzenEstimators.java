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

    /** @return element {@code i} of {@link #linearForgettingWeights}(n, lf), computed alone (the same double) */
    static double linearForgettingWeight(int i, int n, int lf) {
        int ramp = n - lf;
        if (ramp <= 0 || i >= ramp) {
            return 1.0;
        }
        double start = 1.0 / n;
        return ramp == 1 ? start : start + (1.0 - start) * i / (ramp - 1);
    }

    /**
     * A Gaussian mixture truncated to [low, high], sorted by mean; identical (mean, sigma) components are merged
     * (exactly: their weights add), which keeps quantized parameters cheap however many observations there are.
     *
     * <p>Evaluation skips components more than {@value #CUTOFF} of their own sigmas away from the point (or cell):
     * components are grouped in tiers of sigma (within a factor 2) sorted by mean, and each tier is searched by
     * binary search. Since the prior component (sigma = the prior sigma, weight &gt;= 1/(n+1) of the total) is always
     * within one prior sigma of any point and hyperopt clips every sigma to at least 1/100 of the prior sigma, the
     * skipped mass is below 1e-6 of the total for up to 10^5 observations. Immutable but for a cache of cell-mass
     * tables: not thread-safe (each optimizer owns its mixtures).
     */
    static final class Mixture {

        /** Components farther than this many of their sigmas from the evaluation point are skipped. */
        static final double CUTOFF = 8.0;

        private final double[] weights;
        private final double[] mus;
        private final double[] sigmas;
        private final double low;
        private final double high;
        /** log of the mixture's mass inside [low, high]; computed on first use (NaN until then). */
        private double logNormalizer = Double.NaN;
        private final Tier[] tiers;
        /** Cell-mass tables of the common sigmas, shared across mixtures (a cache: not thread-safe). */
        private final CellTables cellTables;
        private final double[] tabulatedSigmas;
        /** The tables of {@link #tabulatedSigmas}, fetched from {@link #cellTables} on first use. */
        private final double[][] resolvedTables;

        /** Sigmas shared by fewer components are evaluated directly. */
        static final int TABLE_MIN_SHARE = 16;

        /**
         * Components whose sigmas lie within a factor 2, sorted by mean; {@code tableIds[i]} is the index of the
         * cell-mass table of component i's sigma, or -1 when the sigma is too rare to tabulate.
         */
        private record Tier(double maxSigma, double[] weights, double[] mus, double[] sigmas, int[] tableIds,
                            double[] coefficients) {
        }

        /**
         * @param weights normalised component weights
         * @param mus     component means, ascending
         * @param sigmas  component standard deviations, &gt; 0
         * @param low     lower truncation bound
         * @param high    upper truncation bound
         */
        Mixture(double[] weights, double[] mus, double[] sigmas, double low, double high) {
            this(weights, mus, sigmas, low, high, new CellTables());
        }

        /**
         * @param tables where cell-mass tables are cached; a TPE shares one across its asks, since the clipped
         *               minimum sigma, shared by most components of a long history, stays the same from ask to ask
         */
        Mixture(double[] weights, double[] mus, double[] sigmas, double low, double high, CellTables tables) {
            this.weights = weights;
            this.mus = mus;
            this.sigmas = sigmas;
            this.low = low;
            this.high = high;
            this.cellTables = tables;
            double min = Double.POSITIVE_INFINITY;
            for (double v : sigmas) {
                min = Math.min(min, v);
            }
            // sigmas shared by many integer-mean components (grid axes) get a table; most share the clipped minimum,
            // so that one is counted without boxing and only the others go through a map
            int atMin = 0;
            java.util.Map<Double, Integer> share = new java.util.HashMap<>();
            for (int i = 0; i < sigmas.length; i++) {
                if (mus[i] == Math.rint(mus[i])) {
                    if (sigmas[i] == min) {
                        atMin++;
                    } else {
                        share.merge(sigmas[i], 1, Integer::sum);
                    }
                }
            }
            if (atMin > 0) {
                share.put(min, atMin);
            }
            java.util.Map<Double, Integer> tableId = new java.util.HashMap<>();
            share.forEach((sg, count) -> {
                if (count >= TABLE_MIN_SHARE) {
                    tableId.put(sg, tableId.size());
                }
            });
            this.tabulatedSigmas = new double[tableId.size()];
            tableId.forEach((sg, id) -> tabulatedSigmas[id] = sg);
            this.resolvedTables = new double[tabulatedSigmas.length][];
            int[] tierOf = new int[mus.length];
            int count = 0;
            for (int i = 0; i < mus.length; i++) {
                tierOf[i] = sigmas[i] <= min ? 0 : 1 + Math.getExponent(sigmas[i] / min); // floor(log2), exactly
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
                int[] ids = new int[sizes[t]];
                double max = 0;
                for (int i = 0, j = 0; i < mus.length; i++) {
                    if (tierOf[i] == t) {
                        w[j] = weights[i];
                        m[j] = mus[i];
                        sg[j] = sigmas[i];
                        Integer id = tableId.isEmpty() ? null : tableId.get(sigmas[i]);
                        ids[j] = id == null || mus[i] != Math.rint(mus[i]) ? -1 : id;
                        max = Math.max(max, sigmas[i]);
                        j++;
                    }
                }
                double[] coef = new double[sizes[t]];
                for (int j = 0; j < coef.length; j++) {
                    coef[j] = w[j] / (sg[j] * SQRT_2PI);
                }
                out.add(new Tier(max, w, m, sg, ids, coef));
            }
            this.tiers = out.toArray(new Tier[0]);
        }

        /**
         * @return log of the untruncated mixture's mass inside [low, high], computed once: every evaluation is
         *         divided by it (a constant per mixture, so the TPE's choice between candidates does not need it)
         */
        private double logNormalizer() {
            if (Double.isNaN(logNormalizer)) {
                double z = 0;
                for (int i = 0; i < mus.length; i++) {
                    boolean inside = mus[i] - CUTOFF * sigmas[i] >= low && mus[i] + CUTOFF * sigmas[i] <= high;
                    z += inside ? weights[i] // the tails beyond 8 sigma hold below 1.3e-15
                            : weights[i] * normalMass((low - mus[i]) / sigmas[i], (high - mus[i]) / sigmas[i]);
                }
                logNormalizer = safeLog(z);
            }
            return logNormalizer;
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
            double[] sorted = new double[n];
            double[] sortedWeights = new double[n];
            for (int i = 0; i < n; i++) {
                sorted[i] = observations[order[i]];
                sortedWeights[i] = ow[order[i]];
            }
            return fromSorted(sorted, sortedWeights, priorWeight, priorMu, priorSigma, low, high);
        }

        /**
         * {@link #adaptive} for observations already sorted (ties in observation order), each with its
         * linear-forgetting weight: what {@link TreeParzenEstimator} keeps up to date incrementally.
         *
         * @param sorted  observation values, ascending
         * @param weights their weights ({@link #linearForgettingWeights} by observation order), same order
         */
        static Mixture fromSorted(double[] sorted, double[] weights, double priorWeight, double priorMu,
                                  double priorSigma, double low, double high) {
            return fromSorted(sorted, sorted.length, weights, priorWeight, priorMu, priorSigma, low, high,
                    new CellTables());
        }

        /**
         * {@link #fromSorted(double[], double[], double, double, double, double, double)} on the first {@code n}
         * entries of the arrays, caching cell-mass tables in {@code tables}.
         */
        static Mixture fromSorted(double[] sorted, int n, double[] weights, double priorWeight, double priorMu,
                                  double priorSigma, double low, double high, CellTables tables) {
            double[] mus = new double[n + 1];
            double[] w = new double[n + 1];
            double[] sig = new double[n + 1];
            // prior position: numpy searchsorted (left) of priorMu among the sorted observations
            int priorPos = lowerBound(sorted, n, priorMu);
            if (n == 1) {
                priorPos = priorMu < sorted[0] ? 0 : 1; // hyperopt's rule for one observation
            }
            for (int i = 0, j = 0; i <= n; i++) {
                if (i == priorPos) {
                    mus[i] = priorMu;
                    w[i] = priorWeight;
                } else {
                    mus[i] = sorted[j];
                    w[i] = weights[j];
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
            return new Mixture(Arrays.copyOf(w, k), Arrays.copyOf(mus, k), Arrays.copyOf(sig, k), low, high, tables);
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
            return unnormalizedLogDensity(x) - logNormalizer();
        }

        /**
         * @return {@link #logDensity} plus the log of the mixture's mass inside [low, high]: the same constant for
         *         every x, so it ranks points as logDensity does, without the normaliser's cost
         */
        double unnormalizedLogDensity(double x) {
            double s = 0;
            for (Tier t : tiers) {
                double reach = CUTOFF * t.maxSigma();
                double[] m = t.mus();
                double[] sg = t.sigmas();
                double[] coef = t.coefficients();
                for (int i = lowerBound(m, m.length, x - reach); i < m.length && m[i] <= x + reach; i++) {
                    double z = (x - m[i]) / sg[i];
                    s += coef[i] * Math.exp(-0.5 * z * z);
                }
            }
            return safeLog(s);
        }

        /** @return the log probability of [a, b] under the mixture truncated to [low, high] */
        double logMass(double a, double b) {
            return unnormalizedLogMass(a, b) - logNormalizer();
        }

        private double unnormalizedLogMass(double a, double b) {
            a = Math.max(a, low);
            b = Math.min(b, high);
            double s = 0;
            for (Tier t : tiers) {
                double reach = CUTOFF * t.maxSigma();
                double[] m = t.mus();
                for (int i = lowerBound(m, m.length, a - reach); i < m.length && m[i] <= b + reach; i++) {
                    double sg = t.sigmas()[i];
                    s += t.weights()[i] * normalMass((a - m[i]) / sg, (b - m[i]) / sg);
                }
            }
            return safeLog(s);
        }

        /**
         * The log probability of the unit cell [k - 1/2, k + 1/2] under the truncated mixture, for a grid axis
         * (quantized and integer parameters, whose observations are grid indices). Equal to
         * {@code logMass(k - 0.5, k + 0.5)}; faster when many components share a sigma and an integer mean: a
         * component's cell mass depends only on k - mean and its sigma, so it is looked up in a table built once per
         * such sigma (exactly the same normal-mass formula).
         */
        double logCellMass(int k) {
            return unnormalizedLogCellMass(k) - logNormalizer();
        }

        /** @return {@link #logCellMass} plus the same constant as {@link #unnormalizedLogDensity} */
        double unnormalizedLogCellMass(int k) {
            double a = Math.max(k - 0.5, low);
            double b = Math.min(k + 0.5, high);
            if (a != k - 0.5 || b != k + 0.5) {
                return unnormalizedLogMass(a, b);
            }
            double s = 0;
            for (Tier t : tiers) {
                double reach = CUTOFF * t.maxSigma();
                double[] m = t.mus();
                double[] sg = t.sigmas();
                double[] w = t.weights();
                int[] ids = t.tableIds();
                for (int i = lowerBound(m, m.length, a - reach); i < m.length && m[i] <= b + reach; i++) {
                    if (ids[i] >= 0) {
                        double[] table = cellTable(ids[i]);
                        int d = k - (int) m[i] + (table.length - 1) / 2;
                        s += d >= 0 && d < table.length ? w[i] * table[d] : 0.0;
                    } else {
                        s += w[i] * normalMass((a - m[i]) / sg[i], (b - m[i]) / sg[i]);
                    }
                }
            }
            return safeLog(s);
        }

        /** Cell masses by offset for a sigma shared by at least {@link #TABLE_MIN_SHARE} components. */
        private double[] cellTable(int id) {
            double[] t = resolvedTables[id];
            if (t == null) {
                t = cellTables.table(tabulatedSigmas[id]);
                resolvedTables[id] = t;
            }
            return t;
        }

        /** @return the untruncated mixture's probability of [a, b], every component evaluated */
        double mass(double a, double b) {
            double s = 0;
            for (int i = 0; i < mus.length; i++) {
                s += weights[i] * normalMass((a - mus[i]) / sigmas[i], (b - mus[i]) / sigmas[i]);
            }
            return s;
        }
    }

    /**
     * Cell-mass tables by sigma ({@link Mixture#logCellMass}): entry {@code d + half} is the standard normal mass of
     * [d - 1/2, d + 1/2] in units of sigma. A cache shared by the mixtures one optimizer builds (not thread-safe);
     * bounded, since only sigmas shared by many components are tabulated and those rarely change.
     */
    static final class CellTables {

        private static final int MAX_TABLES = 64;
        private final java.util.Map<Double, double[]> tables = new java.util.HashMap<>();

        double[] table(double sigma) {
            double[] t = tables.get(sigma);
            if (t == null) {
                if (tables.size() >= MAX_TABLES) {
                    tables.clear();
                }
                int half = (int) Math.ceil(Mixture.CUTOFF * sigma * 2) + 2;
                t = new double[2 * half + 1];
                for (int d = -half; d <= half; d++) {
                    t[d + half] = normalMass((d - 0.5) / sigma, (d + 0.5) / sigma);
                }
                tables.put(sigma, t);
            }
            return t;
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

        /**
         * @param weights per choice: the prior weight plus the forgotten counts (overwritten)
         * @return the weights divided by their sum (summed in choice order, as {@link #of} does)
         */
        static Categorical normalized(double[] weights) {
            double total = 0;
            for (double v : weights) {
                total += v;
            }
            for (int i = 0; i < weights.length; i++) {
                weights[i] /= total;
            }
            return new Categorical(weights);
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

    /** @return numpy's {@code searchsorted(left)}: the first index {@code < n} with {@code sorted[i] >= x}, or n */
    static int lowerBound(double[] sorted, int n, double x) {
        int lo = 0;
        int hi = n;
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
