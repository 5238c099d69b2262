package io.lsh.search.optimizer;

/**
 * The density of hyperopt's adaptive Parzen estimator ({@link ParzenEstimators.Mixture#fromSorted}) for a long
 * history, evaluated without building the mixture: what TPE needs of the "above" estimator g of a continuous
 * parameter, which holds nearly every observation and is evaluated at only a few candidates per ask (Bergstra et al.
 * 2011; {@code docs/method.md} section 6).
 *
 * <p>The components are the sorted observations plus the prior component; a component's sigma is the larger gap to
 * its sorted neighbours clipped to [minSigma, priorSigma], so all but a few components of a long history sit exactly at
 * minSigma (gaps wider than minSigma number fewer than range / minSigma &lt;= 100). Those <em>narrow</em> components
 * share one bandwidth, so their sum is a one-dimensional Gauss transform, evaluated with Greengard and Strain's
 * fast Gauss transform in Taylor form: observations are binned in boxes of half a sigma, each box keeps the moments
 * {@code sum w e^(-v^2/2) v^k / k!} of its observations' offsets v from the box centre (in sigmas), built on first
 * use, and a point x sums {@code e^(-u^2/2) sum_k M_k u^k} over the boxes within {@value #CUTOFF} sigmas (u: x's
 * offset from the centre). With |v| &lt;= 1/4 and |u| &lt;= 8.25, {@value #TERMS} terms leave a relative error below
 * 1e-14 per component. The few wide components and the prior are summed directly (each within
 * {@value #CUTOFF} of its own sigmas, as {@link ParzenEstimators.Mixture} does).
 *
 * <p>Densities are unnormalised: neither divided by the total weight nor by the truncation mass, which are the same
 * for every point, so log-density differences between points (the TPE criterion) are those of the normalised
 * mixture. Not thread-safe (the box moments are a cache); one instance per ask.
 */
final class SortedParzenDensity {

    /** Components farther than this many of their sigmas from the point are skipped (as in the mixture). */
    static final double CUTOFF = 8.0;
    /** Taylor terms per box. */
    static final int TERMS = 24;
    /** Box width in sigmas. */
    static final double BOX = 0.5;

    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2 * Math.PI);
    /** 1 / k for k = 1..TERMS. */
    private static final double[] INVERSE = new double[TERMS + 1];

    static {
        for (int k = 1; k <= TERMS; k++) {
            INVERSE[k] = 1.0 / k;
        }
    }

    private final double[] values;
    private final double[] weights;
    private final int n;
    private final double priorWeight;
    private final double priorMu;
    private final double priorSigma;
    private final int priorPos;
    private final double minSigma;
    private final double origin;
    private final double boxWidth;
    private final int boxCount;
    /** Per box: the moments, built on first use (null until then). */
    private final double[][] moments;
    /** Components with sigma above minSigma: index into values, and sigma. */
    private final int[] wideIndex;
    private final double[] wideSigma;
    private final int wideCount;
    /** Whether observation i is wide (sigma above minSigma). */
    private final boolean[] wide;
    /** Scratch for {@link #moments}. */
    private double[] scratchTerms = new double[0];
    private double[] scratchOffsets = new double[0];

    /**
     * @param values      the observations' values, ascending (ties in observation order), first {@code n} used; at
     *                    least 2
     * @param weights     their linear-forgetting weights, same order
     * @param priorWeight weight of the prior component
     * @param priorMu     its mean
     * @param priorSigma  its sigma, also the upper clip of every sigma
     */
    SortedParzenDensity(double[] values, double[] weights, int n, double priorWeight, double priorMu,
                        double priorSigma) {
        if (n < 2) {
            throw new IllegalArgumentException("needs at least 2 observations, got " + n);
        }
        this.values = values;
        this.weights = weights;
        this.n = n;
        this.priorWeight = priorWeight;
        this.priorMu = priorMu;
        this.priorSigma = priorSigma;
        this.priorPos = ParzenEstimators.lowerBound(values, n, priorMu); // as fromSorted
        this.minSigma = priorSigma / Math.min(100.0, 1.0 + (n + 1));
        this.origin = values[0];
        this.boxWidth = BOX * minSigma;
        this.boxCount = (int) Math.floor((values[n - 1] - origin) / boxWidth) + 1;
        this.moments = new double[boxCount][];
        int[] wi = new int[16];
        double[] ws = new double[16];
        int wc = 0;
        this.wide = new boolean[n];
        for (int i = 0; i < n; i++) {
            double s = sigma(i);
            if (s > minSigma) {
                wide[i] = true;
                if (wc == wi.length) {
                    wi = java.util.Arrays.copyOf(wi, 2 * wc);
                    ws = java.util.Arrays.copyOf(ws, 2 * wc);
                }
                wi[wc] = i;
                ws[wc++] = s;
            }
        }
        this.wideIndex = wi;
        this.wideSigma = ws;
        this.wideCount = wc;
    }

    /** @return the mean of component p of the combined order (observations with the prior inserted at priorPos) */
    private double mu(int p) {
        return p < priorPos ? values[p] : p == priorPos ? priorMu : values[p - 1];
    }

    /** @return the sigma of observation i, as {@link ParzenEstimators.Mixture#fromSorted} computes it */
    private double sigma(int i) {
        int p = i < priorPos ? i : i + 1; // position among the n + 1 components
        double m = mu(p);
        double s;
        if (p == 0) {
            s = mu(1) - m;
        } else if (p == n) {
            s = m - mu(n - 1);
        } else {
            s = Math.max(m - mu(p - 1), mu(p + 1) - m);
        }
        return Math.max(minSigma, Math.min(priorSigma, s));
    }

    /** @return log of the unnormalised density at x */
    double unnormalizedLogDensity(double x) {
        double s = 0;
        double z = (x - priorMu) / priorSigma; // the prior: always within reach of a point of the range
        s += priorWeight / priorSigma * INV_SQRT_2PI * Math.exp(-0.5 * z * z);
        for (int k = 0; k < wideCount; k++) {
            double sg = wideSigma[k];
            double d = x - values[wideIndex[k]];
            if (Math.abs(d) <= CUTOFF * sg) {
                double u = d / sg;
                s += weights[wideIndex[k]] / sg * INV_SQRT_2PI * Math.exp(-0.5 * u * u);
            }
        }
        int first = Math.max(0, (int) Math.floor((x - CUTOFF * minSigma - origin) / boxWidth));
        int last = Math.min(boxCount - 1, (int) Math.floor((x + CUTOFF * minSigma - origin) / boxWidth));
        double narrow = 0;
        for (int b = first; b <= last; b++) {
            double[] m = moments(b);
            if (m == null) {
                continue;
            }
            double u = (x - (origin + (b + 0.5) * boxWidth)) / minSigma;
            double p = m[TERMS - 1];
            for (int k = TERMS - 2; k >= 0; k--) {
                p = p * u + m[k];
            }
            narrow += Math.exp(-0.5 * u * u) * p;
        }
        s += narrow / minSigma * INV_SQRT_2PI;
        return ParzenEstimators.safeLog(s);
    }

    /** @return box b's Taylor moments over its narrow components, or null when it has none */
    private double[] moments(int b) {
        double[] m = moments[b];
        if (m != null) {
            return m.length == 0 ? null : m;
        }
        double lo = origin + b * boxWidth;
        double centre = lo + 0.5 * boxWidth;
        int from = b == 0 ? 0 : lowerBound(lo);
        int to = b == boxCount - 1 ? n : lowerBound(lo + boxWidth);
        // terms t_i = w_i e^(-v_i^2/2) v_i^k / k!, advanced k by k over all the box's components at once (independent
        // multiplications, unlike a per-component power loop)
        double[] t = scratchTerms.length >= to - from ? scratchTerms : (scratchTerms = new double[to - from]);
        double[] v = scratchOffsets.length >= to - from ? scratchOffsets : (scratchOffsets = new double[to - from]);
        int c = 0;
        for (int i = from; i < to; i++) {
            if (wide[i]) {
                continue; // summed directly
            }
            double off = (values[i] - centre) / minSigma;
            v[c] = off;
            t[c++] = weights[i] * Math.exp(-0.5 * off * off);
        }
        boolean any = c > 0;
        m = new double[TERMS];
        for (int k = 0; k < TERMS && any; k++) {
            double sum = 0;
            double scale = INVERSE[k + 1];
            for (int j = 0; j < c; j++) {
                sum += t[j];
                t[j] *= v[j] * scale;
            }
            m[k] = sum;
        }
        moments[b] = any ? m : new double[0];
        return any ? m : null;
    }

    private int lowerBound(double x) {
        return ParzenEstimators.lowerBound(values, n, x);
    }
}
