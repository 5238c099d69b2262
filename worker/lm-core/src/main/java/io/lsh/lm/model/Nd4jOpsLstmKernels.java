package io.lsh.lm.model;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scatter.ScatterAdd;
import org.nd4j.linalg.api.ops.impl.shape.OneHot;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link LstmKernels} built from ND4J ops only (row-block and column-block views, {@code Transforms.sigmoid/tanh/exp}
 * in place, {@code muli/addi}, {@code pullRows}, the {@code one_hot} and {@code scatter_add} custom ops), so the
 * element-wise part of the LSTM language model runs on whatever ND4J backend is loaded, CUDA included: no array is
 * read or written through its host buffer. The maths is {@link FusedJavaKernels}'s (method.md section 2: the LSTM
 * cell, the softmax cross-entropy and their derivatives), in the same order of floating-point operations where ND4J
 * allows; ND4J's sigmoid, tanh and exp may differ from the fused loops' in the last bit, so the two back ends agree
 * to rounding (float64: ~1e-14 relative), not bit for bit.
 *
 * <p>Dropout masks are drawn on the host from the same {@link SplittableRandom} stream as the fused back end (so a
 * seed gives the same masks on every back end) and copied to the array with one {@code assign}.
 *
 * <p>On the CPU backend this is slower than the fused loops (many small ops per time step, each with JNI and op
 * overhead: docs/benchmarks.md); {@code lsh.training.kernels = auto} therefore picks it only on other backends.
 */
final class Nd4jOpsLstmKernels implements LstmKernels {

    /** Rows {@code [from, to)} of a 2-d array (a view). */
    private static INDArray rows(INDArray a, long from, long to) {
        return a.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    /** Columns {@code [from, to)} of a 2-d array (a view). */
    private static INDArray columns(INDArray a, long from, long to) {
        return a.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to));
    }

    @Override
    public void embed(INDArray table, int[] ids, INDArray mask, INDArray out) {
        checkIds(ids, (int) table.size(0), "token");
        out.assign(Nd4j.pullRows(table, 1, ids));
        if (mask != null) {
            out.muli(mask);
        }
    }

    @Override
    public void fillDropoutMask(INDArray mask, double p, SplittableRandom random) {
        double keep = 1.0 / (1.0 - p);
        double[] values = new double[(int) mask.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble() < p ? 0.0 : keep;
        }
        mask.assign(Nd4j.createFromArray(values).castTo(mask.dataType()).reshape(mask.shape()));
    }

    @Override
    public void multiplyRows(INDArray in, int inRowOffset, INDArray mask, INDArray out) {
        long n = out.size(0);
        if (!java.util.Arrays.equals(mask.shape(), out.shape()) || in.size(0) < inRowOffset + n
                || in.size(1) != out.size(1)) {
            throw new IllegalArgumentException("multiplyRows: shapes of in, mask and out do not match");
        }
        if (in != out || inRowOffset != 0) {
            out.assign(rows(in, inRowOffset, inRowOffset + n));
        }
        out.muli(mask);
    }

    @Override
    public void cellForward(INDArray gates, INDArray bias, INDArray cells, INDArray tanhCells, INDArray hidden,
                            int t, int batchSize) {
        long h = tanhCells.size(1);
        long row = (long) t * batchSize;
        INDArray g = rows(gates, row, row + batchSize);
        g.addiRowVector(bias);
        INDArray i = columns(g, 0, h);
        INDArray f = columns(g, h, 2 * h);
        INDArray gc = columns(g, 2 * h, 3 * h);
        INDArray o = columns(g, 3 * h, 4 * h);
        Transforms.sigmoid(columns(g, 0, 2 * h), false);   // i and f: adjacent column blocks, one op
        Transforms.tanh(gc, false);
        Transforms.sigmoid(o, false);
        INDArray cPrev = rows(cells, row, row + batchSize);
        INDArray cNext = rows(cells, row + batchSize, row + 2L * batchSize);
        cNext.assign(f).muli(cPrev).addi(i.mul(gc));           // c_t = f c_{t-1} + i g
        INDArray tanhC = rows(tanhCells, row, row + batchSize);
        Transforms.tanh(tanhC.assign(cNext), false);
        rows(hidden, row + batchSize, row + 2L * batchSize).assign(o).muli(tanhC);   // h_t = o tanh(c_t)
    }

    @Override
    public void cellBackward(INDArray gates, INDArray cells, INDArray tanhCells, INDArray dHidden,
                             INDArray dCellCarry, INDArray dGates, int t, int batchSize) {
        long h = tanhCells.size(1);
        long row = (long) t * batchSize;
        INDArray g = rows(gates, row, row + batchSize);
        INDArray i = columns(g, 0, h);
        INDArray f = columns(g, h, 2 * h);
        INDArray gc = columns(g, 2 * h, 3 * h);
        INDArray o = columns(g, 3 * h, 4 * h);
        INDArray tanhC = rows(tanhCells, row, row + batchSize);
        INDArray dh = rows(dHidden, row, row + batchSize);
        INDArray cPrev = rows(cells, row, row + batchSize);
        INDArray dg = rows(dGates, row, row + batchSize);
        // dc = dh o (1 - tanh(c)^2) + dc_carry
        INDArray dc = dh.mul(o).muli(tanhC.mul(tanhC).rsubi(1.0)).addi(dCellCarry);
        columns(dg, 0, h).assign(dc).muli(gc).muli(i).muli(i.rsub(1.0));
        columns(dg, h, 2 * h).assign(dc).muli(cPrev).muli(f).muli(f.rsub(1.0));
        columns(dg, 2 * h, 3 * h).assign(dc).muli(i).muli(gc.mul(gc).rsubi(1.0));
        columns(dg, 3 * h, 4 * h).assign(dh).muli(tanhC).muli(o).muli(o.rsub(1.0));
        dCellCarry.assign(dc.muli(f));
    }

    @Override
    public double softmaxCrossEntropy(INDArray logits, INDArray bias, int[] targets, double gradientScale) {
        int v = (int) logits.size(1);
        int n = (int) logits.size(0);
        if (targets.length != n) {
            throw new IllegalArgumentException("need one target per row: " + targets.length + " vs " + n);
        }
        checkIds(targets, v, "target");
        logits.addiRowVector(bias);
        INDArray max = logits.max(1);
        boolean gradient = gradientScale != 0.0;
        // evaluation keeps logits + bias in place (LstmLanguageModel#logits reads them); training overwrites them
        INDArray shifted = gradient ? logits.subiColumnVector(max) : logits.subColumnVector(max);   // z - max
        INDArray oneHot = Nd4j.exec(new OneHot(Nd4j.createFromArray(targets), v, 1, 1.0, 0.0,
                logits.dataType()))[0];
        INDArray shiftedTarget = shifted.mul(oneHot).sum(1);             // z_target - max
        Transforms.exp(shifted, false);
        INDArray sum = shifted.sum(1);
        // row loss = max + log(sum) - z_target = log(sum) - (z_target - max)
        double total = Transforms.log(sum, true).subi(shiftedTarget).sumNumber().doubleValue();
        if (gradient) {
            shifted.muliColumnVector(sum.rdiv(gradientScale));          // e * (scale / sum)
            shifted.subi(oneHot.muli(gradientScale));
        }
        return total;
    }

    @Override
    public void scatterAddRows(INDArray grad, int[] ids, INDArray rows) {
        checkIds(ids, (int) grad.size(0), "token");
        INDArray[] out = Nd4j.exec(new ScatterAdd(grad, Nd4j.createFromArray(ids), rows));
        if (out[0] != grad) {
            grad.assign(out[0]);
        }
    }

    private static void checkIds(int[] ids, int size, String what) {
        for (int id : ids) {
            if (id < 0 || id >= size) {
                throw new IllegalArgumentException(what + " id " + id + " outside vocabulary of size " + size);
            }
        }
    }
}
