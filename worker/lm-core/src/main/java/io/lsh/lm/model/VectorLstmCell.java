package io.lsh.lm.model;

import java.nio.FloatBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link LstmKernels#cellForward} for FLOAT arrays on SIMD lanes (JDK Vector API, with {@link VectorExp#exp}: the
 * same bits whether or not the JIT has compiled the loop), the same formulas as {@link FusedJavaKernels}'s loops:
 * {@code i, f, o = sigmoid(pre + bias)}, {@code g = tanh(pre + bias)}, {@code c_t = f c_{t-1} + i g},
 * {@code h_t = o tanh(c_t)}. Each batch row's 4H gates are copied into a float array, transformed and copied back.
 * Only loaded when {@link FastExp#VECTOR_API}.
 */
final class VectorLstmCell {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private VectorLstmCell() {
    }

    static void forward(FloatBuffer gates, float[] bias, FloatBuffer cells, FloatBuffer tanhCells, FloatBuffer hidden,
                        int hs, int t, int batchSize) {
        float[] row = new float[4 * hs];
        float[] cPrev = new float[hs];
        float[] cNew = new float[hs];
        float[] tanhC = new float[hs];
        float[] h = new float[hs];
        int bound = SPECIES.loopBound(hs);
        for (int b = 0; b < batchSize; b++) {
            int r = t * batchSize + b;
            int gi = r * 4 * hs;
            int prev = r * hs;
            int next = (r + batchSize) * hs;
            gates.get(gi, row, 0, 4 * hs);
            cells.get(prev, cPrev, 0, hs);
            int j = 0;
            for (; j < bound; j += SPECIES.length()) {
                FloatVector i = sigmoid(FloatVector.fromArray(SPECIES, row, j).add(
                        FloatVector.fromArray(SPECIES, bias, j)));
                FloatVector f = sigmoid(FloatVector.fromArray(SPECIES, row, hs + j).add(
                        FloatVector.fromArray(SPECIES, bias, hs + j)));
                FloatVector g = tanh(FloatVector.fromArray(SPECIES, row, 2 * hs + j).add(
                        FloatVector.fromArray(SPECIES, bias, 2 * hs + j)));
                FloatVector o = sigmoid(FloatVector.fromArray(SPECIES, row, 3 * hs + j).add(
                        FloatVector.fromArray(SPECIES, bias, 3 * hs + j)));
                i.intoArray(row, j);
                f.intoArray(row, hs + j);
                g.intoArray(row, 2 * hs + j);
                o.intoArray(row, 3 * hs + j);
                FloatVector c = f.mul(FloatVector.fromArray(SPECIES, cPrev, j)).add(i.mul(g));
                c.intoArray(cNew, j);
                FloatVector tc = tanh(c);
                tc.intoArray(tanhC, j);
                o.mul(tc).intoArray(h, j);
            }
            for (; j < hs; j++) {
                float i = sigmoid(row[j] + bias[j]);
                float f = sigmoid(row[hs + j] + bias[hs + j]);
                float g = tanh(row[2 * hs + j] + bias[2 * hs + j]);
                float o = sigmoid(row[3 * hs + j] + bias[3 * hs + j]);
                row[j] = i;
                row[hs + j] = f;
                row[2 * hs + j] = g;
                row[3 * hs + j] = o;
                float c = f * cPrev[j] + i * g;
                cNew[j] = c;
                tanhC[j] = tanh(c);
                h[j] = o * tanhC[j];
            }
            gates.put(gi, row, 0, 4 * hs);
            cells.put(next, cNew, 0, hs);
            tanhCells.put(prev, tanhC, 0, hs);
            hidden.put(next, h, 0, hs);
        }
    }

    /** {@code 1 / (1 + exp(-x))} on lanes, with {@link FastExp#expFloat}'s exponential. */
    private static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(SPECIES, 1f).div(VectorExp.exp(x.neg()).add(1f));
    }

    /** {@code 1 - 2 / (exp(2x) + 1)} on lanes, as the scalar kernels write tanh. */
    private static FloatVector tanh(FloatVector x) {
        return FloatVector.broadcast(SPECIES, 1f).sub(FloatVector.broadcast(SPECIES, 2f)
                .div(VectorExp.exp(x.mul(2f)).add(1f)));
    }

    /** The scalar tail's sigmoid: the same operations as the lanes. */
    private static float sigmoid(float x) {
        return 1f / (FastExp.expFloat(-x) + 1f);
    }

    /** The scalar tail's tanh: the same operations as the lanes. */
    private static float tanh(float x) {
        return 1f - 2f / (FastExp.expFloat(x * 2f) + 1f);
    }
}
