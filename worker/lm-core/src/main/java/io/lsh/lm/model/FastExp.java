package io.lsh.lm.model;

/**
 * {@code exp(x)} for FLOAT kernels: about 3x faster than {@code Math.exp} on this machine (which takes ~15 ns) with a
 * relative error below 1e-8, far under float resolution (6e-8). Range reduction {@code x = k ln2 + r},
 * {@code |r| <= ln2/2}, then a degree-7 Taylor polynomial (truncation error {@code (ln2/2)^8 / 8! < 6e-9}) scaled by
 * {@code 2^k}. NaN propagates; underflow gives 0, overflow +infinity. DOUBLE kernels keep {@code Math.exp}.
 */
final class FastExp {

    private static final double LOG2E = 1.4426950408889634;
    private static final double LN2_HI = 0.6931471803691238;
    private static final double LN2_LO = 1.9082149292705877e-10;
    private static final double UNDERFLOW = -708.0;
    private static final double OVERFLOW = 709.0;

    private FastExp() {
    }

    static double exp(double x) {
        if (x < UNDERFLOW) {
            return 0.0;
        }
        if (x > OVERFLOW) {
            return Double.POSITIVE_INFINITY;
        }
        double k = Math.rint(x * LOG2E);
        double r = x - k * LN2_HI - k * LN2_LO;
        double p = 1.0 + r * (1.0 + r * (1.0 / 2 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120
                + r * (1.0 / 720 + r * (1.0 / 5040)))))));
        return p * Double.longBitsToDouble(((long) k + 1023L) << 52);
    }
}
