package io.lsh.lm.spectrum;

import io.lsh.lm.model.LstmLayerWeights;
import java.nio.DoubleBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A stacked LSTM language model's recurrence as a dynamical system for the Lyapunov spectrum (method.md section 4;
 * Zheng &amp; Shlizerman 2025, "Hyperpruning", arXiv 2506.07975): the state is the stacked hidden state
 * {@code h = [h^1; ...; h^L]} (n = sum of the hidden sizes), the input a token id looked up in the embedding, the
 * network in evaluation mode (no dropout) from a zero initial state. The cell states evolve with the network but are
 * held fixed when differentiating, as in the authors' code.
 *
 * <p>With gates i, f, g, o of layer l (pre-activations {@code y = x W + h U + b}, column blocks i, f, g, o as in
 * {@link LstmLayerWeights}), {@code c_t = s(f) c + s(i) tanh(g)}, {@code h_t = s(o) tanh(c_t)}:
 * <pre>
 * dc_t/dz = diag(s'(f) c) M_f + diag(s'(i) tanh(g)) M_i + diag(s(i) tanh'(g)) M_g
 * dh_t/dz = diag(s(o) tanh'(c_t)) dc_t/dz + diag(s'(o) tanh(c_t)) M_o
 * </pre>
 * with {@code M = U^T} for z = h^l_{t-1} (the diagonal block A_l) and {@code M = W^T} for z = x^l_t (the input
 * block B_l). Because h^{l-1}_t feeds layer l in the same step, the Jacobian is block lower-triangular:
 * {@code J[l][l] = A_l}, {@code J[l][p] = B_l J[l-1][p]} for p &lt; l. The chained blocks are computed with BLAS
 * gemm; everything else in double-precision Java loops. Through {@link NativeJacobianStep} the blocks of J (or J^T)
 * go straight into the QR iteration's native buffer, the chained ones by one in-place dgemm each, the zero blocks
 * written as zeros.
 *
 * <p>Weights are copied (to double) at construction; embedding rows are converted on first use. Not thread-safe.
 */
public final class StackedLstmStep implements NativeJacobianStep {

    private final INDArray embedding;
    private final int vocabulary;
    private final int embeddingSize;
    private final int layerCount;
    private final int[] hidden;
    private final int[] inputs;
    private final int[] offset;
    private final int stateSize;
    private final double[][] inputWeights;
    private final double[][] recurrentWeights;
    private final double[][] bias;
    private final Map<Integer, double[]> embeddingRows = new HashMap<>();

    private final double[][] h;
    private final double[][] c;
    private final double[][] hNext;
    private final double[][] cNext;
    private final double[][] pre;
    private final double[][] dI;
    private final double[][] dF;
    private final double[][] dG;
    private final double[][] dO;
    /** A_l column-major, for chaining (only l < L-1 are needed). */
    private final double[][] diagonalBlock;
    /** B_l column-major (l >= 1). */
    private final double[][] inputBlock;
    private final INDArray[] diagonalArray;
    private final INDArray[] inputArray;
    /** chained[l][p] = J[l][p] = B_l J[l-1][p] (with J[l-1][l-1] = A_{l-1}), f-order, for l >= 1 and p < l. */
    private final INDArray[][] chained;
    private final double[] blockScratch;
    /** Native B_l, column-major hs x in_l (l >= 1), for the direct path's chained gemm; allocated on first use. */
    private DoublePointer[] nativeInputBlock;
    private final double[] zeros;

    /**
     * @param embedding input embedding [V, E] (the model's live weights; rows are copied on first use)
     * @param layers    the LSTM layers, bottom first; layer 0's input size must be E and layer l's the hidden size of
     *                  layer l-1
     */
    public StackedLstmStep(INDArray embedding, List<LstmLayerWeights> layers) {
        Objects.requireNonNull(embedding, "embedding");
        Objects.requireNonNull(layers, "layers");
        if (embedding.rank() != 2) {
            throw new IllegalArgumentException("embedding must be [V, E], got shape "
                    + Arrays.toString(embedding.shape()));
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("need at least one LSTM layer");
        }
        this.embedding = embedding;
        this.vocabulary = (int) embedding.size(0);
        this.embeddingSize = (int) embedding.size(1);
        this.layerCount = layers.size();
        this.hidden = new int[layerCount];
        this.inputs = new int[layerCount];
        this.offset = new int[layerCount];
        this.inputWeights = new double[layerCount][];
        this.recurrentWeights = new double[layerCount][];
        this.bias = new double[layerCount][];
        int n = 0;
        for (int l = 0; l < layerCount; l++) {
            LstmLayerWeights w = layers.get(l);
            int hs = w.hiddenSize();
            int in = w.inputSize();
            int expectedIn = l == 0 ? embeddingSize : hidden[l - 1];
            if (in != expectedIn) {
                throw new IllegalArgumentException("layer " + l + " input size " + in + " but "
                        + (l == 0 ? "the embedding size is " : "layer " + (l - 1) + " has hidden size ") + expectedIn);
            }
            checkShape("layer " + l + " inputWeights", w.inputWeights(), in, 4L * hs);
            checkShape("layer " + l + " recurrentWeights", w.recurrentWeights(), hs, 4L * hs);
            if (w.bias().length() != 4L * hs) {
                throw new IllegalArgumentException("layer " + l + " bias has " + w.bias().length()
                        + " entries, expected 4H = " + 4 * hs);
            }
            hidden[l] = hs;
            inputs[l] = in;
            offset[l] = n;
            n += hs;
            inputWeights[l] = rowMajorDoubles(w.inputWeights());
            recurrentWeights[l] = rowMajorDoubles(w.recurrentWeights());
            bias[l] = rowMajorDoubles(w.bias());
        }
        this.stateSize = n;
        this.h = new double[layerCount][];
        this.c = new double[layerCount][];
        this.hNext = new double[layerCount][];
        this.cNext = new double[layerCount][];
        this.pre = new double[layerCount][];
        this.dI = new double[layerCount][];
        this.dF = new double[layerCount][];
        this.dG = new double[layerCount][];
        this.dO = new double[layerCount][];
        this.diagonalBlock = new double[layerCount][];
        this.inputBlock = new double[layerCount][];
        this.diagonalArray = new INDArray[layerCount];
        this.inputArray = new INDArray[layerCount];
        this.chained = new INDArray[layerCount][];
        int maxBlock = 0;
        for (int l = 0; l < layerCount; l++) {
            int hs = hidden[l];
            h[l] = new double[hs];
            c[l] = new double[hs];
            hNext[l] = new double[hs];
            cNext[l] = new double[hs];
            pre[l] = new double[4 * hs];
            dI[l] = new double[hs];
            dF[l] = new double[hs];
            dG[l] = new double[hs];
            dO[l] = new double[hs];
            diagonalBlock[l] = new double[hs * hs];
            maxBlock = Math.max(maxBlock, hs * hs);
            if (l < layerCount - 1) {
                diagonalArray[l] = Nd4j.create(DataType.DOUBLE, new long[] {hs, hs}, 'f');
            }
            if (l >= 1) {
                inputBlock[l] = new double[hs * inputs[l]];
                inputArray[l] = Nd4j.create(DataType.DOUBLE, new long[] {hs, inputs[l]}, 'f');
                chained[l] = new INDArray[l];
                for (int p = 0; p < l; p++) {
                    chained[l][p] = Nd4j.create(DataType.DOUBLE, new long[] {hs, hidden[p]}, 'f');
                    maxBlock = Math.max(maxBlock, hs * hidden[p]);
                }
            }
        }
        this.blockScratch = new double[maxBlock];
        this.zeros = new double[n];
    }

    private static void checkShape(String what, INDArray a, long rows, long cols) {
        if (a.rank() != 2 || a.size(0) != rows || a.size(1) != cols) {
            throw new IllegalArgumentException(what + " has shape " + Arrays.toString(a.shape()) + ", expected ["
                    + rows + ", " + cols + "]");
        }
    }

    private static double[] rowMajorDoubles(INDArray a) {
        return a.dup('c').castTo(DataType.DOUBLE).data().asDouble();
    }

    @Override
    public int stateSize() {
        return stateSize;
    }

    /** Number of layers. */
    public int layerCount() {
        return layerCount;
    }

    @Override
    public void reset() {
        for (int l = 0; l < layerCount; l++) {
            Arrays.fill(h[l], 0.0);
            Arrays.fill(c[l], 0.0);
        }
    }

    @Override
    public void advance(int token, double[] jacobian) {
        if (jacobian.length != stateSize * stateSize) {
            throw new IllegalArgumentException("jacobian buffer has " + jacobian.length + " entries, expected "
                    + stateSize * stateSize);
        }
        double[] x = embeddingRow(token);
        for (int l = 0; l < layerCount; l++) {
            forwardLayer(l, l == 0 ? x : hNext[l - 1]);
        }
        Arrays.fill(jacobian, 0.0);
        int n = stateSize;
        for (int l = 0; l < layerCount; l++) {
            int hs = hidden[l];
            fillBlock(l, recurrentWeights[l], hs, diagonalBlock[l]);
            scatter(diagonalBlock[l], hs, hs, offset[l], offset[l], jacobian, n);
            if (l >= 1) {
                fillBlock(l, inputWeights[l], inputs[l], inputBlock[l]);
                inputArray[l].data().asNioDouble().put(0, inputBlock[l]);
                for (int p = 0; p < l; p++) {
                    INDArray right = p == l - 1 ? diagonalArray[l - 1] : chained[l - 1][p];
                    Nd4j.gemm(inputArray[l], right, chained[l][p], false, false, 1.0, 0.0);
                    int size = hs * hidden[p];
                    chained[l][p].data().asNioDouble().get(0, blockScratch, 0, size);
                    scatter(blockScratch, hs, hidden[p], offset[l], offset[p], jacobian, n);
                }
            }
            if (l < layerCount - 1) {
                diagonalArray[l].data().asNioDouble().put(0, diagonalBlock[l]);
            }
        }
        for (int l = 0; l < layerCount; l++) {
            double[] t = h[l];
            h[l] = hNext[l];
            hNext[l] = t;
            t = c[l];
            c[l] = cNext[l];
            cNext[l] = t;
        }
    }

    /**
     * The direct path (method.md section 4): the same step as {@link #advance(int, double[])}, with J (or J^T) written
     * block by block into the native buffer: the diagonal blocks A_l from Java loops (for J^T, A_l transposed in
     * tiles of an H x H scratch), the chained blocks J[l][p] = B_l J[l-1][p] (their transposes J[l-1][p]^T B_l^T) by
     * one OpenBLAS dgemm each, reading J[l-1][p] from the target itself (leading dimension n) and writing in place,
     * and the zero blocks above (below) the diagonal as zeros. No n x n Java array or n x n transpose per step.
     */
    @Override
    public void advance(int token, DoublePointer target, boolean transposed) {
        Objects.requireNonNull(target, "target");
        int n = stateSize;
        if (target.position() != 0 || target.capacity() < (long) n * n) {
            throw new IllegalArgumentException("target must hold n x n = " + (long) n * n + " doubles at position 0");
        }
        double[] x = embeddingRow(token);
        for (int l = 0; l < layerCount; l++) {
            forwardLayer(l, l == 0 ? x : hNext[l - 1]);
        }
        if (nativeInputBlock == null) {
            nativeInputBlock = new DoublePointer[layerCount];
            for (int l = 1; l < layerCount; l++) {
                nativeInputBlock[l] = new DoublePointer((long) hidden[l] * inputs[l]);
            }
        }
        DoubleBuffer out = target.asBuffer();
        for (int l = 0; l < layerCount; l++) {
            int hs = hidden[l];
            fillBlock(l, recurrentWeights[l], hs, diagonalBlock[l]);
            if (transposed) {
                transposeSquare(diagonalBlock[l], blockScratch, hs);
                putBlock(blockScratch, hs, hs, offset[l], offset[l], out, n);
            } else {
                putBlock(diagonalBlock[l], hs, hs, offset[l], offset[l], out, n);
            }
            for (int p = l + 1; p < layerCount; p++) { // the zero blocks J[l][p], p > l (J^T: [p][l])
                if (transposed) { // rows of layer p, columns of layer l
                    for (int m = 0; m < hs; m++) {
                        out.put(offset[p] + (offset[l] + m) * n, zeros, 0, hidden[p]);
                    }
                } else { // rows of layer l, columns of layer p
                    for (int m = 0; m < hidden[p]; m++) {
                        out.put(offset[l] + (offset[p] + m) * n, zeros, 0, hs);
                    }
                }
            }
            if (l >= 1) {
                fillBlock(l, inputWeights[l], inputs[l], inputBlock[l]);
                DoublePointer inputNative = nativeInputBlock[l];
                inputNative.asBuffer().put(0, inputBlock[l]);
                int below = hidden[l - 1];
                for (int p = 0; p < l; p++) {
                    if (transposed) { // J^T[p][l] = J^T[p][l-1] B_l^T: hidden[p] x hs
                        openblas.cblas_dgemm(openblas.CblasColMajor, openblas.CblasNoTrans, openblas.CblasTrans,
                                hidden[p], hs, below, 1.0, at(target, offset[p], offset[l - 1], n), n, inputNative,
                                hs, 0.0, at(target, offset[p], offset[l], n), n);
                    } else { // J[l][p] = B_l J[l-1][p]: hs x hidden[p]
                        openblas.cblas_dgemm(openblas.CblasColMajor, openblas.CblasNoTrans, openblas.CblasNoTrans,
                                hs, hidden[p], below, 1.0, inputNative, hs, at(target, offset[l - 1], offset[p], n),
                                n, 0.0, at(target, offset[l], offset[p], n), n);
                    }
                }
            }
        }
        for (int l = 0; l < layerCount; l++) {
            double[] t = h[l];
            h[l] = hNext[l];
            hNext[l] = t;
            t = c[l];
            c[l] = cNext[l];
            cNext[l] = t;
        }
    }

    /** A view of {@code base} at entry (row, col) of a column-major matrix with leading dimension n. */
    private static DoublePointer at(DoublePointer base, int row, int col, int n) {
        return new DoublePointer(base).position(row + (long) col * n);
    }

    /** Copies a column-major rows x cols block into the native n x n buffer at (rowOffset, colOffset). */
    private static void putBlock(double[] block, int rows, int cols, int rowOffset, int colOffset, DoubleBuffer out,
                                 int n) {
        for (int m = 0; m < cols; m++) {
            out.put(rowOffset + (colOffset + m) * n, block, m * rows, rows);
        }
    }

    /** out (column-major m x m) = in^T, in cache-sized tiles. */
    private static void transposeSquare(double[] in, double[] out, int m) {
        final int tile = 32;
        for (int c0 = 0; c0 < m; c0 += tile) {
            int c1 = Math.min(m, c0 + tile);
            for (int r0 = 0; r0 < m; r0 += tile) {
                int r1 = Math.min(m, r0 + tile);
                for (int c = c0; c < c1; c++) {
                    int inCol = c * m;
                    for (int row = r0; row < r1; row++) {
                        out[c + row * m] = in[row + inCol];
                    }
                }
            }
        }
    }

    /** Forward of layer l from input x and the previous (h, c); fills hNext, cNext and the gate coefficients. */
    private void forwardLayer(int l, double[] x) {
        int hs = hidden[l];
        int width = 4 * hs;
        double[] y = pre[l];
        System.arraycopy(bias[l], 0, y, 0, width);
        accumulateRowTimesMatrix(x, inputWeights[l], width, y);
        accumulateRowTimesMatrix(h[l], recurrentWeights[l], width, y);
        double[] cPrev = c[l];
        for (int j = 0; j < hs; j++) {
            double i = sigmoid(y[j]);
            double f = sigmoid(y[hs + j]);
            double g = tanh(y[2 * hs + j]);
            double o = sigmoid(y[3 * hs + j]);
            double cNew = f * cPrev[j] + i * g;
            double tc = tanh(cNew);
            cNext[l][j] = cNew;
            hNext[l][j] = o * tc;
            double alpha = o * (1.0 - tc * tc);
            dI[l][j] = alpha * i * (1.0 - i) * g;
            dF[l][j] = alpha * f * (1.0 - f) * cPrev[j];
            dG[l][j] = alpha * i * (1.0 - g * g);
            dO[l][j] = o * (1.0 - o) * tc;
        }
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

    /**
     * block[j, m] (column-major, hs rows) = sum over gates of d_gate[j] * weights[m, gate*hs + j], i.e. dh^l_t/dz for
     * z the rows of {@code weights} (row-major, rows x 4hs).
     */
    private void fillBlock(int l, double[] weights, int rows, double[] block) {
        int hs = hidden[l];
        int width = 4 * hs;
        double[] di = dI[l];
        double[] df = dF[l];
        double[] dg = dG[l];
        double[] dout = dO[l];
        for (int m = 0; m < rows; m++) {
            int base = m * width;
            int col = m * hs;
            for (int j = 0; j < hs; j++) {
                block[col + j] = di[j] * weights[base + j] + df[j] * weights[base + hs + j]
                        + dg[j] * weights[base + 2 * hs + j] + dout[j] * weights[base + 3 * hs + j];
            }
        }
    }

    /** Copies a column-major rows x cols block into J (column-major n x n) at (rowOffset, colOffset). */
    private static void scatter(double[] block, int rows, int cols, int rowOffset, int colOffset, double[] j, int n) {
        for (int m = 0; m < cols; m++) {
            System.arraycopy(block, m * rows, j, rowOffset + (colOffset + m) * n, rows);
        }
    }

    private double[] embeddingRow(int token) {
        if (token < 0 || token >= vocabulary) {
            throw new IllegalArgumentException("token id " + token + " outside the vocabulary [0, " + vocabulary + ")");
        }
        return embeddingRows.computeIfAbsent(token,
                t -> embedding.getRow(t).dup('c').castTo(DataType.DOUBLE).data().asDouble());
    }

    private static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    /** Only n calls per step, so the accurate (if slower) {@code Math.tanh} costs nothing here. */
    private static double tanh(double x) {
        return Math.tanh(x);
    }

    // ------------------------------------------------------------------------------------------------ for tests

    /** Sets the stacked hidden and cell states (each of length n). */
    void setState(double[] stackedHidden, double[] stackedCell) {
        for (int l = 0; l < layerCount; l++) {
            System.arraycopy(stackedHidden, offset[l], h[l], 0, hidden[l]);
            System.arraycopy(stackedCell, offset[l], c[l], 0, hidden[l]);
        }
    }

    /** The stacked hidden state. */
    double[] stackedHidden() {
        double[] out = new double[stateSize];
        for (int l = 0; l < layerCount; l++) {
            System.arraycopy(h[l], 0, out, offset[l], hidden[l]);
        }
        return out;
    }

    /** The stacked cell state. */
    double[] stackedCell() {
        double[] out = new double[stateSize];
        for (int l = 0; l < layerCount; l++) {
            System.arraycopy(c[l], 0, out, offset[l], hidden[l]);
        }
        return out;
    }
}
