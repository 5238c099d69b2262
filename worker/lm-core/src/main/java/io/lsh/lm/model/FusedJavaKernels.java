package io.lsh.lm.model;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link LstmKernels} as fused Java loops over the arrays' direct buffers (docs/dl4j-notes.md: one fused loop beats
 * many small ND4J ops). {@code tanh(x)} is computed as {@code 1 - 2 / (exp(2x) + 1)} because {@code Math.tanh} is
 * slow on Java 17, and {@code exp} at the buffer's precision ({@link NumBuffer#exp}). The softmax, the largest
 * element-wise cost (V exponentials per token, once per window), splits its rows over the common fork-join pool;
 * rows are independent and per-row losses are summed in row order, so results are deterministic and independent of
 * the thread count. The per-step LSTM cell loops stay on the calling thread: splitting 100-microsecond steps costs
 * more than it gains when the cores are shared (a blocked join waits for a descheduled worker).
 */
final class FusedJavaKernels implements LstmKernels {

    /** Softmax work (rows x V) above which rows are processed in parallel. */
    private static final long PARALLEL_SOFTMAX_ELEMENTS = 1L << 18;

    private static double sigmoid(NumBuffer precision, double x) {
        return 1.0 / (1.0 + precision.exp(-x));
    }

    private static double tanh(NumBuffer precision, double x) {
        return 1.0 - 2.0 / (precision.exp(2.0 * x) + 1.0);
    }

    @Override
    public void embed(INDArray table, int[] ids, INDArray mask, INDArray out) {
        NumBuffer src = NumBuffer.of(table);
        NumBuffer dst = NumBuffer.of(out);
        NumBuffer m = mask == null ? null : NumBuffer.of(mask);
        int width = (int) out.size(1);
        int vocab = (int) table.size(0);
        for (int n = 0; n < ids.length; n++) {
            int id = ids[n];
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("token id " + id + " outside vocabulary of size " + vocab);
            }
            int s = id * width;
            int d = n * width;
            if (m == null) {
                for (int j = 0; j < width; j++) {
                    dst.set(d + j, src.get(s + j));
                }
            } else {
                for (int j = 0; j < width; j++) {
                    dst.set(d + j, src.get(s + j) * m.get(d + j));
                }
            }
        }
    }

    @Override
    public void fillDropoutMask(INDArray mask, double p, SplittableRandom random) {
        NumBuffer m = NumBuffer.of(mask);
        double keep = 1.0 / (1.0 - p);
        int n = m.length();
        for (int i = 0; i < n; i++) {
            m.set(i, random.nextDouble() < p ? 0.0 : keep);
        }
    }

    @Override
    public void multiplyRows(INDArray in, int inRowOffset, INDArray mask, INDArray out) {
        NumBuffer a = NumBuffer.of(in);
        NumBuffer m = NumBuffer.of(mask);
        NumBuffer o = in == out ? a : NumBuffer.of(out);
        int n = o.length();
        int offset = inRowOffset * (int) out.size(1);
        if (m.length() != n || a.length() < offset + n) {
            throw new IllegalArgumentException("multiplyRows: shapes of in, mask and out do not match");
        }
        for (int i = 0; i < n; i++) {
            o.set(i, a.get(offset + i) * m.get(i));
        }
    }

    @Override
    public void cellForward(INDArray gates, INDArray bias, INDArray cells, INDArray tanhCells, INDArray hidden,
                            int t, int batchSize) {
        NumBuffer g = NumBuffer.of(gates);
        NumBuffer bs = NumBuffer.of(bias);
        NumBuffer c = NumBuffer.of(cells);
        NumBuffer tc = NumBuffer.of(tanhCells);
        NumBuffer h = NumBuffer.of(hidden);
        int hs = (int) tanhCells.size(1);
        cellForwardRows(g, bs, c, tc, h, hs, t, batchSize, 0, batchSize);
    }

    private static void cellForwardRows(NumBuffer g, NumBuffer bs, NumBuffer c, NumBuffer tc, NumBuffer h, int hs,
                                        int t, int batchSize, int fromRow, int toRow) {
        for (int b = fromRow; b < toRow; b++) {
            int row = t * batchSize + b;
            int gi = row * 4 * hs;
            int gf = gi + hs;
            int gg = gf + hs;
            int go = gg + hs;
            int prev = row * hs;                 // block t of cells = c_{t-1}
            int next = (row + batchSize) * hs;   // block t+1 = c_t, h_t
            for (int j = 0; j < hs; j++) {
                double i = sigmoid(g, g.get(gi + j) + bs.get(j));
                double f = sigmoid(g, g.get(gf + j) + bs.get(hs + j));
                double gc = tanh(g, g.get(gg + j) + bs.get(2 * hs + j));
                double o = sigmoid(g, g.get(go + j) + bs.get(3 * hs + j));
                g.set(gi + j, i);
                g.set(gf + j, f);
                g.set(gg + j, gc);
                g.set(go + j, o);
                double cNew = f * c.get(prev + j) + i * gc;
                c.set(next + j, cNew);
                double tanhC = tanh(g, cNew);
                tc.set(prev + j, tanhC);
                h.set(next + j, o * tanhC);
            }
        }
    }

    @Override
    public void cellBackward(INDArray gates, INDArray cells, INDArray tanhCells, INDArray dHidden,
                             INDArray dCellCarry, INDArray dGates, int t, int batchSize) {
        NumBuffer g = NumBuffer.of(gates);
        NumBuffer c = NumBuffer.of(cells);
        NumBuffer tc = NumBuffer.of(tanhCells);
        NumBuffer dh = NumBuffer.of(dHidden);
        NumBuffer dcc = NumBuffer.of(dCellCarry);
        NumBuffer dg = NumBuffer.of(dGates);
        int hs = (int) tanhCells.size(1);
        cellBackwardRows(g, c, tc, dh, dcc, dg, hs, t, batchSize, 0, batchSize);
    }

    private static void cellBackwardRows(NumBuffer g, NumBuffer c, NumBuffer tc, NumBuffer dh, NumBuffer dcc,
                                         NumBuffer dg, int hs, int t, int batchSize, int fromRow, int toRow) {
        for (int b = fromRow; b < toRow; b++) {
            int row = t * batchSize + b;
            int gi = row * 4 * hs;
            int gf = gi + hs;
            int gg = gf + hs;
            int go = gg + hs;
            int r = row * hs;      // row of step t in N-row arrays; also block t (= c_{t-1}) of cells
            int carry = b * hs;
            for (int j = 0; j < hs; j++) {
                double i = g.get(gi + j);
                double f = g.get(gf + j);
                double gc = g.get(gg + j);
                double o = g.get(go + j);
                double tanhC = tc.get(r + j);
                double dhj = dh.get(r + j);
                double dc = dhj * o * (1.0 - tanhC * tanhC) + dcc.get(carry + j);
                dg.set(gi + j, dc * gc * i * (1.0 - i));
                dg.set(gf + j, dc * c.get(r + j) * f * (1.0 - f));
                dg.set(gg + j, dc * i * (1.0 - gc * gc));
                dg.set(go + j, dhj * tanhC * o * (1.0 - o));
                dcc.set(carry + j, dc * f);
            }
        }
    }

    @Override
    public double softmaxCrossEntropy(INDArray logits, INDArray bias, int[] targets, double gradientScale) {
        NumBuffer z = NumBuffer.of(logits);
        NumBuffer bs = NumBuffer.of(bias);
        int v = (int) logits.size(1);
        int rows = (int) logits.size(0);
        if (targets.length != rows) {
            throw new IllegalArgumentException("need one target per row: " + targets.length + " vs " + rows);
        }
        double[] rowLoss = new double[rows];
        if ((long) rows * v >= PARALLEL_SOFTMAX_ELEMENTS && rows > 1) {
            int chunks = Math.min(rows, 4 * Runtime.getRuntime().availableProcessors());
            IntStream.range(0, chunks).parallel().forEach(c -> softmaxRows(z, bs, targets, gradientScale, v,
                    (int) ((long) rows * c / chunks), (int) ((long) rows * (c + 1) / chunks), rowLoss));
        } else {
            softmaxRows(z, bs, targets, gradientScale, v, 0, rows, rowLoss);
        }
        double total = 0.0;
        for (double l : rowLoss) {
            total += l;
        }
        return total;
    }

    private static void softmaxRows(NumBuffer z, NumBuffer bs, int[] targets, double gradientScale, int v,
                                    int fromRow, int toRow, double[] rowLoss) {
        boolean gradient = gradientScale != 0.0;
        for (int r = fromRow; r < toRow; r++) {
            int base = r * v;
            int target = targets[r];
            if (target < 0 || target >= v) {
                throw new IllegalArgumentException("target id " + target + " outside vocabulary of size " + v);
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) {
                double x = z.get(base + j) + bs.get(j);
                z.set(base + j, x);
                if (x > max) {
                    max = x;
                }
            }
            double targetLogit = z.get(base + target);
            double sum = 0.0;
            if (gradient) {
                for (int j = 0; j < v; j++) {
                    double e = z.exp(z.get(base + j) - max);
                    z.set(base + j, e);
                    sum += e;
                }
                double scale = gradientScale / sum;
                for (int j = 0; j < v; j++) {
                    z.set(base + j, z.get(base + j) * scale);
                }
                z.add(base + target, -gradientScale);
            } else {
                for (int j = 0; j < v; j++) {
                    sum += z.exp(z.get(base + j) - max);
                }
            }
            rowLoss[r] = max + Math.log(sum) - targetLogit;
        }
    }

    @Override
    public void scatterAddRows(INDArray grad, int[] ids, INDArray rows) {
        NumBuffer gr = NumBuffer.of(grad);
        NumBuffer src = NumBuffer.of(rows);
        int width = (int) rows.size(1);
        for (int n = 0; n < ids.length; n++) {
            int d = ids[n] * width;
            int s = n * width;
            for (int j = 0; j < width; j++) {
                gr.add(d + j, src.get(s + j));
            }
        }
    }
}
