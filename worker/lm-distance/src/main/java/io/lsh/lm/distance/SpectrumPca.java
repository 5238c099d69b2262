package io.lsh.lm.distance;

import java.util.List;
import java.util.Objects;

/**
 * The two leading principal components of a trajectory of Lyapunov spectra, for the "distance in the 2-D PCA projection
 * of the spectra's trajectories" of method.md section 5 (Zheng &amp; Shlizerman 2025, "Hyperpruning", arXiv
 * 2506.07975; the paper reports it gives nearly the same ranking as the full distance).
 *
 * <p>Fitted on the n spectra (points of R^d) of the dense reference at epochs 1..n, centred on their mean: the
 * components are the leading eigenvectors of the covariance, obtained from the small n x n Gram matrix
 * {@code G = X X^T} of the centred rows (cyclic Jacobi; {@code v = X^T u / sqrt(lambda)}), so the cost is
 * O(n^2 d + n^3) whatever d. Deterministic: each component's sign is fixed so that its entry of largest magnitude is
 * positive (the first such entry on a tie). A component without variance (eigenvalue at most 1e-12 of the total, e.g.
 * a trajectory on a line) is the zero vector, so it projects everything to 0; near-equal leading eigenvalues leave the
 * plane well defined but its axes arbitrary, which does not change 2-D distances. Immutable and thread-safe.
 */
public final class SpectrumPca {

    /** Fewest spectra a trajectory needs: two centred points span at most a line. */
    public static final int MIN_SPECTRA = 3;

    private static final double RELATIVE_RANK_TOLERANCE = 1e-12;
    private static final int MAX_SWEEPS = 100;

    private final double[] mean;
    private final double[] first;
    private final double[] second;
    private final double[] variances;

    private SpectrumPca(double[] mean, double[] first, double[] second, double[] variances) {
        this.mean = mean;
        this.first = first;
        this.second = second;
        this.variances = variances;
    }

    /**
     * Fits the two leading components.
     *
     * @param trajectory at least {@link #MIN_SPECTRA} spectra of equal length, finite
     * @throws IllegalArgumentException with fewer spectra, unequal lengths or a non-finite exponent
     */
    public static SpectrumPca fit(List<double[]> trajectory) {
        Objects.requireNonNull(trajectory, "trajectory");
        int n = trajectory.size();
        if (n < MIN_SPECTRA) {
            throw new IllegalArgumentException("a 2-D PCA needs a trajectory of at least " + MIN_SPECTRA
                    + " spectra, got " + n);
        }
        int d = trajectory.get(0).length;
        double[] mean = new double[d];
        for (double[] s : trajectory) {
            if (s.length != d) {
                throw new IllegalArgumentException("spectra differ in length: " + d + " vs " + s.length);
            }
            for (int k = 0; k < d; k++) {
                if (!Double.isFinite(s[k])) {
                    throw new IllegalArgumentException("a spectrum of the trajectory has a non-finite exponent: "
                            + s[k]);
                }
                mean[k] += s[k];
            }
        }
        for (int k = 0; k < d; k++) {
            mean[k] /= n;
        }
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                x[i][k] = trajectory.get(i)[k] - mean[k];
            }
        }
        double[][] gram = new double[n][n];
        double trace = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double dot = 0;
                for (int k = 0; k < d; k++) {
                    dot += x[i][k] * x[j][k];
                }
                gram[i][j] = dot;
                gram[j][i] = dot;
            }
            trace += gram[i][i];
        }
        double[][] vectors = identity(n);
        jacobi(gram, vectors);
        int[] order = descendingOrder(gram);
        double[][] components = new double[2][];
        double[] variances = new double[2];
        for (int c = 0; c < 2; c++) {
            int idx = order[c];
            double lambda = gram[idx][idx];
            double[] v = new double[d];
            if (trace > 0 && lambda > RELATIVE_RANK_TOLERANCE * trace) {
                for (int i = 0; i < n; i++) {
                    double u = vectors[i][idx];
                    for (int k = 0; k < d; k++) {
                        v[k] += x[i][k] * u;
                    }
                }
                normalise(v);
                fixSign(v);
                variances[c] = lambda / n;
            }
            components[c] = v;
        }
        return new SpectrumPca(mean, components[0], components[1], variances);
    }

    /**
     * The coordinates of a spectrum in the components' plane: {@code (v1 . (s - mean), v2 . (s - mean))}.
     *
     * @throws IllegalArgumentException if its length differs from the trajectory's
     */
    public double[] project(double[] spectrum) {
        Objects.requireNonNull(spectrum, "spectrum");
        if (spectrum.length != mean.length) {
            throw new IllegalArgumentException("spectra differ in length: " + mean.length + " vs " + spectrum.length);
        }
        double a = 0;
        double b = 0;
        for (int k = 0; k < mean.length; k++) {
            double c = spectrum[k] - mean[k];
            a += first[k] * c;
            b += second[k] * c;
        }
        return new double[] {a, b};
    }

    /** @return the trajectory's mean spectrum (a copy) */
    public double[] mean() {
        return mean.clone();
    }

    /** @return the unit first component (a copy; zero without variance) */
    public double[] firstComponent() {
        return first.clone();
    }

    /** @return the unit second component (a copy; zero without variance) */
    public double[] secondComponent() {
        return second.clone();
    }

    /** @return the variance of the trajectory along each component (population variance, divided by n) */
    public double[] explainedVariance() {
        return variances.clone();
    }

    private static double[][] identity(int n) {
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            m[i][i] = 1;
        }
        return m;
    }

    /** Cyclic Jacobi: diagonalises the symmetric {@code a} in place, accumulating the rotations into {@code v}. */
    private static void jacobi(double[][] a, double[][] v) {
        int n = a.length;
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double off = 0;
            double diag = 0;
            for (int p = 0; p < n; p++) {
                diag += a[p][p] * a[p][p];
                for (int q = p + 1; q < n; q++) {
                    off += a[p][q] * a[p][q];
                }
            }
            if (off == 0 || off <= 1e-32 * diag) {
                return;
            }
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = a[p][q];
                    if (apq == 0) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * apq);
                    double t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = v[k][p];
                        double vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
    }

    /** Indices of the diagonal in descending order of value; the lower index first on a tie. */
    private static int[] descendingOrder(double[][] a) {
        int n = a.length;
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (i, j) -> {
            int c = Double.compare(a[j][j], a[i][i]);
            return c != 0 ? c : Integer.compare(i, j);
        });
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    private static void normalise(double[] v) {
        double norm = 0;
        for (double x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        for (int k = 0; k < v.length; k++) {
            v[k] /= norm;
        }
    }

    /** Makes the entry of largest magnitude (the first on a tie) positive. */
    private static void fixSign(double[] v) {
        int arg = 0;
        for (int k = 1; k < v.length; k++) {
            if (Math.abs(v[k]) > Math.abs(v[arg])) {
                arg = k;
            }
        }
        if (v[arg] < 0) {
            for (int k = 0; k < v.length; k++) {
                v[k] = -v[k];
            }
        }
    }
}
