package io.lsh.lm.spectrum;

import java.util.Locale;
import java.util.Optional;

/**
 * A start-up check that the loaded OpenBLAS computes the QR iteration of {@link QrLyapunovEstimator} correctly on
 * this CPU: the Lyapunov spectrum of a fixed orthogonal map (every exponent exactly 0, method.md section 4) through
 * both LAPACK paths of the estimator (all exponents: {@code dgeqrt}/{@code dgemqrt}; a few: {@code dgeqrf}/
 * {@code dorgqr}/{@code dgemm}).
 *
 * <p>Why: ND4J 1.0.0-M2.1 bundles OpenBLAS 0.3.19, whose AVX-512 kernels (SkylakeX, Cooperlake) return wrong results
 * here (an orthogonal map's exponents came out 0.62 instead of 0), silently corrupting every LS distance. With
 * {@code OPENBLAS_CORETYPE=Haswell} (what {@code bin/lsh} and the test JVMs set on AVX-512 CPUs) the AVX2 kernels
 * are used and the check passes. Costs about a millisecond.
 */
public final class OpenBlasSelfCheck {

    private static final int N = 24;
    private static final double TOLERANCE = 1e-9;

    private OpenBlasSelfCheck() {
    }

    /**
     * Thrown where a node refuses to start because the check failed: a problem of the machine's set-up, reported
     * in one line like a user error.
     */
    public static final class FailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FailedException(String message) {
            super(message);
        }
    }

    /** @throws FailedException with {@link #problem()}'s message when the check fails */
    public static void require() {
        Optional<String> p = problem();
        if (p.isPresent()) {
            throw new FailedException(p.get());
        }
    }

    /** @return a one-line description of the problem, or empty when the spectrum comes out right */
    public static Optional<String> problem() {
        double[] q = orthogonal(N);
        DynamicalStep map = new DynamicalStep() {
            @Override
            public int stateSize() {
                return N;
            }

            @Override
            public void reset() {
            }

            @Override
            public void advance(int input, double[] jacobian) {
                System.arraycopy(q, 0, jacobian, 0, N * N);
            }
        };
        double worst = 0;
        for (int k : new int[] {N, 3}) {
            for (double x : new QrLyapunovEstimator(N, k).estimate(map, new int[5], new int[30], false)) {
                worst = Double.isFinite(x) ? Math.max(worst, Math.abs(x)) : Double.POSITIVE_INFINITY;
            }
        }
        if (worst <= TOLERANCE) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "OpenBLAS (0.3.19, kernel %s) computes wrong QR factorisations on "
                + "this CPU: an orthogonal map's Lyapunov exponents came out up to %.3g instead of 0; set "
                + "OPENBLAS_CORETYPE=Haswell (bin/lsh does so on AVX-512 CPUs) and start again", coreName(), worst));
    }

    /** @return the OpenBLAS kernel asked for ({@code OPENBLAS_CORETYPE}), or that OpenBLAS chose it for the CPU */
    public static String coreName() {
        String chosen = System.getenv("OPENBLAS_CORETYPE");
        return chosen == null || chosen.isBlank() ? "auto-detected" : chosen;
    }

    /** A column-major orthogonal matrix: a fixed product of Givens rotations. */
    static double[] orthogonal(int n) {
        double[] m = new double[n * n];
        for (int i = 0; i < n; i++) {
            m[i + i * n] = 1.0;
        }
        for (int pass = 0; pass < 3; pass++) {
            for (int i = 0; i + 1 < n; i++) {
                double theta = 0.3 + 0.7 * pass + 0.11 * i;
                double c = Math.cos(theta);
                double s = Math.sin(theta);
                int a = i;
                int b = (i + 1 + pass * 5) % n;
                if (a == b) {
                    continue;
                }
                for (int col = 0; col < n; col++) { // rows a and b of m := G m
                    double x = m[a + col * n];
                    double y = m[b + col * n];
                    m[a + col * n] = c * x - s * y;
                    m[b + col * n] = s * x + c * y;
                }
            }
        }
        return m;
    }
}
