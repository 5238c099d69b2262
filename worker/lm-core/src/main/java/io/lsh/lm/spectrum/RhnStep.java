package io.lsh.lm.spectrum;

import io.lsh.lm.model.RhnWeights;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A Recurrent Highway Network language model's recurrence as a dynamical system for the Lyapunov spectrum (method.md
 * section 4; Zheng &amp; Shlizerman 2025, "Hyperpruning", arXiv 2506.07975; Zilly et al. 2017): the state is the RHN
 * state s (n = H), the input a token id looked up in the embedding, the network in evaluation mode (no dropout) from
 * a zero initial state. One token step runs the D micro-layers of {@link RhnWeights}
 * <pre>
 * y_d = s R_d + b_d (+ x W_x for d = 0),   h = tanh(y_d[:H]),   t = sigmoid(y_d[H:]),   s' = h t + s (1 - t)
 * </pre>
 * whose Jacobians (column convention, {@code M[j, m] = ds'_j / ds_m}) are
 * <pre>
 * M_d = diag(t (1 - h^2)) R_H^T + diag((h - s) t (1 - t)) R_T^T + diag(1 - t)
 * </pre>
 * with R_H, R_T the two column blocks of R_d; the step's Jacobian is {@code J_t = M_{D-1} ... M_1 M_0}. Each M_d is
 * built in a Java loop (n^2) and the product is accumulated with D-1 BLAS gemms (2 n^3 each), the dominant cost. The
 * authors' code multiplies the RHN's tangent vectors by this true J_t (not its transpose).
 *
 * <p>Weights are copied (to double) at construction; embedding rows are converted on first use. Not thread-safe.
 */
public final class RhnStep implements DynamicalStep {

    private final INDArray embedding;
    private final int vocabulary;
    private final int n;
    private final int depth;
    private final double[] inputWeights;
    private final double[][] recurrentWeights;
    private final double[][] bias;
    private final Map<Integer, double[]> embeddingRows = new HashMap<>();

    private final double[] s;
    private final double[] y;
    private final double[] micro;
    private final INDArray microArray;
    private INDArray product;
    private INDArray productNext;

    /**
     * @param embedding input embedding [V, E] (the model's live weights; rows are copied on first use)
     * @param weights   the RHN layer; its input size must be E
     */
    public RhnStep(INDArray embedding, RhnWeights weights) {
        Objects.requireNonNull(embedding, "embedding");
        Objects.requireNonNull(weights, "weights");
        if (embedding.rank() != 2) {
            throw new IllegalArgumentException("embedding must be [V, E], got shape "
                    + Arrays.toString(embedding.shape()));
        }
        if (weights.inputSize() != embedding.size(1)) {
            throw new IllegalArgumentException("RHN input size " + weights.inputSize() + " but the embedding size is "
                    + embedding.size(1));
        }
        this.embedding = embedding;
        this.vocabulary = (int) embedding.size(0);
        this.n = weights.hiddenSize();
        this.depth = weights.depth();
        this.inputWeights = rowMajorDoubles(weights.inputWeights());
        this.recurrentWeights = new double[depth][];
        this.bias = new double[depth][];
        for (int d = 0; d < depth; d++) {
            recurrentWeights[d] = rowMajorDoubles(weights.recurrentWeights().get(d));
            bias[d] = rowMajorDoubles(weights.biases().get(d));
        }
        this.s = new double[n];
        this.y = new double[2 * n];
        this.micro = new double[n * n];
        this.microArray = Nd4j.create(DataType.DOUBLE, new long[] {n, n}, 'f');
        this.product = Nd4j.create(DataType.DOUBLE, new long[] {n, n}, 'f');
        this.productNext = Nd4j.create(DataType.DOUBLE, new long[] {n, n}, 'f');
    }

    private static double[] rowMajorDoubles(INDArray a) {
        return a.dup('c').castTo(DataType.DOUBLE).data().asDouble();
    }

    @Override
    public int stateSize() {
        return n;
    }

    /** Recurrence depth D. */
    public int depth() {
        return depth;
    }

    @Override
    public void reset() {
        Arrays.fill(s, 0.0);
    }

    @Override
    public void advance(int token, double[] jacobian) {
        if (jacobian.length != n * n) {
            throw new IllegalArgumentException("jacobian buffer has " + jacobian.length + " entries, expected "
                    + n * n);
        }
        double[] x = embeddingRow(token);
        int width = 2 * n;
        for (int d = 0; d < depth; d++) {
            double[] r = recurrentWeights[d];
            System.arraycopy(bias[d], 0, y, 0, width);
            if (d == 0) {
                accumulateRowTimesMatrix(x, inputWeights, width, y);
            }
            accumulateRowTimesMatrix(s, r, width, y);
            // M_d column-major: column m = d s' / d s_m
            for (int j = 0; j < n; j++) {
                double h = Math.tanh(y[j]);
                double t = 1.0 / (1.0 + Math.exp(-y[n + j]));
                y[j] = t * (1.0 - h * h);                  // coefficient of R_H^T row j
                y[n + j] = (h - s[j]) * t * (1.0 - t);     // coefficient of R_T^T row j
                s[j] += t * (h - s[j]);
                micro[j + j * n] = 1.0 - t;                // carry, added below
            }
            for (int m = 0; m < n; m++) {
                int base = m * width;
                int col = m * n;
                for (int j = 0; j < n; j++) {
                    double v = y[j] * r[base + j] + y[n + j] * r[base + n + j];
                    micro[col + j] = j == m ? v + micro[col + j] : v;
                }
            }
            if (d == 0) {
                product.data().asNioDouble().put(0, micro);
            } else {
                microArray.data().asNioDouble().put(0, micro);
                Nd4j.gemm(microArray, product, productNext, false, false, 1.0, 0.0);
                INDArray swap = product;
                product = productNext;
                productNext = swap;
            }
        }
        product.data().asNioDouble().get(0, jacobian, 0, n * n);
    }

    /** y += x * M for a row-major M with {@code width} columns. */
    private static void accumulateRowTimesMatrix(double[] x, double[] m, int width, double[] y) {
        for (int r = 0; r < x.length; r++) {
            double xr = x[r];
            if (xr == 0.0) {
                continue;
            }
            int base = r * width;
            for (int j = 0; j < width; j++) {
                y[j] += xr * m[base + j];
            }
        }
    }

    private double[] embeddingRow(int token) {
        if (token < 0 || token >= vocabulary) {
            throw new IllegalArgumentException("token id " + token + " outside the vocabulary [0, " + vocabulary + ")");
        }
        return embeddingRows.computeIfAbsent(token,
                t -> embedding.getRow(t).dup('c').castTo(DataType.DOUBLE).data().asDouble());
    }

    // ------------------------------------------------------------------------------------------------ for tests

    /** Sets the state s (length n). */
    void setState(double[] state) {
        System.arraycopy(state, 0, s, 0, n);
    }

    /** A copy of the state s. */
    double[] state() {
        return s.clone();
    }
}
