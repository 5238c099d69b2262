package io.lsh.lm.spectrum;

import io.lsh.lm.model.LstmLayerWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Small dynamical systems with known spectra, and random LSTMs, for the spectrum tests. */
final class TestSystems {

    private TestSystems() {
    }

    /** s -> A s for a constant A (column-major n x n). */
    static DynamicalStep linear(int n, double[] columnMajor) {
        return new DynamicalStep() {
            @Override
            public int stateSize() {
                return n;
            }

            @Override
            public void reset() {
            }

            @Override
            public void advance(int input, double[] jacobian) {
                System.arraycopy(columnMajor, 0, jacobian, 0, n * n);
            }
        };
    }

    static DynamicalStep diagonal(double... a) {
        int n = a.length;
        double[] m = new double[n * n];
        for (int i = 0; i < n; i++) {
            m[i + i * n] = a[i];
        }
        return linear(n, m);
    }

    /** The Henon map x' = 1 - a x^2 + y, y' = b x from (0.1, 0.1). */
    static DynamicalStep henon(double a, double b) {
        return new DynamicalStep() {
            private double x;
            private double y;

            @Override
            public int stateSize() {
                return 2;
            }

            @Override
            public void reset() {
                x = 0.1;
                y = 0.1;
            }

            @Override
            public void advance(int input, double[] j) {
                j[0] = -2 * a * x; // column 0: d/dx
                j[1] = b;
                j[2] = 1.0; // column 1: d/dy
                j[3] = 0.0;
                double nx = 1 - a * x * x + y;
                y = b * x;
                x = nx;
            }
        };
    }

    static double[] randomMatrix(int n, Random random) {
        double[] m = new double[n * n];
        for (int i = 0; i < m.length; i++) {
            m[i] = random.nextGaussian();
        }
        return m;
    }

    /** A random orthogonal matrix (Gram-Schmidt of a Gaussian one), column-major. */
    static double[] randomOrthogonal(int n, Random random) {
        double[] m = randomMatrix(n, random);
        for (int c = 0; c < n; c++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int p = 0; p < c; p++) {
                    double dot = 0;
                    for (int r = 0; r < n; r++) {
                        dot += m[r + c * n] * m[r + p * n];
                    }
                    for (int r = 0; r < n; r++) {
                        m[r + c * n] -= dot * m[r + p * n];
                    }
                }
            }
            double norm = 0;
            for (int r = 0; r < n; r++) {
                norm += m[r + c * n] * m[r + c * n];
            }
            norm = Math.sqrt(norm);
            for (int r = 0; r < n; r++) {
                m[r + c * n] /= norm;
            }
        }
        return m;
    }

    /** log|det A| by Gaussian elimination with partial pivoting (column-major input). */
    static double logAbsDet(int n, double[] columnMajor) {
        double[][] a = new double[n][n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                a[r][c] = columnMajor[r + c * n];
            }
        }
        double log = 0;
        for (int k = 0; k < n; k++) {
            int pivot = k;
            for (int r = k + 1; r < n; r++) {
                if (Math.abs(a[r][k]) > Math.abs(a[pivot][k])) {
                    pivot = r;
                }
            }
            double[] t = a[k];
            a[k] = a[pivot];
            a[pivot] = t;
            log += Math.log(Math.abs(a[k][k]));
            for (int r = k + 1; r < n; r++) {
                double f = a[r][k] / a[k][k];
                for (int c = k; c < n; c++) {
                    a[r][c] -= f * a[k][c];
                }
            }
        }
        return log;
    }

    /** Gaussian N(0, scale^2) array of the given shape, FLOAT or DOUBLE. */
    static INDArray gaussian(Random random, double scale, DataType type, long... shape) {
        int size = 1;
        for (long d : shape) {
            size *= (int) d;
        }
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            v[i] = scale * random.nextGaussian();
        }
        return Nd4j.create(v, shape, 'c').castTo(type);
    }

    /**
     * Random LSTM layers with the given sizes (input size of layer 0 = embeddingSize); a fraction
     * {@code maskedFraction} of the weight entries is set to zero, as pruning would.
     */
    static List<LstmLayerWeights> randomLayers(Random random, int embeddingSize, int[] hidden, double scale,
                                               double maskedFraction, DataType type) {
        List<LstmLayerWeights> layers = new ArrayList<>();
        int in = embeddingSize;
        for (int h : hidden) {
            INDArray w = gaussian(random, scale, DataType.DOUBLE, in, 4L * h);
            INDArray u = gaussian(random, scale, DataType.DOUBLE, h, 4L * h);
            mask(w, random, maskedFraction);
            mask(u, random, maskedFraction);
            INDArray b = gaussian(random, scale, DataType.DOUBLE, 1, 4L * h);
            layers.add(new LstmLayerWeights(w.castTo(type), u.castTo(type), b.castTo(type)));
            in = h;
        }
        return layers;
    }

    private static void mask(INDArray a, Random random, double fraction) {
        for (long r = 0; r < a.size(0); r++) {
            for (long c = 0; c < a.size(1); c++) {
                if (random.nextDouble() < fraction) {
                    a.putScalar(r, c, 0.0);
                }
            }
        }
    }
}
