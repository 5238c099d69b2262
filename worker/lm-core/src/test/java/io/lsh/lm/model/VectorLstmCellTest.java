package io.lsh.lm.model;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The FLOAT cell step on vector lanes ({@link VectorLstmCell}) against the DOUBLE loops on the same numbers. */
class VectorLstmCellTest {

    @Test
    void vectorCellStepEqualsTheDoubleLoopsToFloatPrecision() {
        assertTrue(FastExp.VECTOR_API, "the test JVMs run with the Vector API module (pom.xml)");
        Random r = new Random(3);
        for (int hs : new int[] {37, 64}) { // 37: the scalar tail runs too
            int batch = 3;
            int steps = 2;
            INDArray gates = random(r, steps * batch, 4 * hs, 3);
            INDArray bias = random(r, 1, 4 * hs, 1);
            INDArray cells = random(r, (steps + 1) * batch, hs, 2);
            INDArray tanh = Nd4j.zeros(DataType.FLOAT, steps * batch, hs);
            INDArray hidden = Nd4j.zeros(DataType.FLOAT, (steps + 1) * batch, hs);
            INDArray[] d = {gates.castTo(DataType.DOUBLE).dup('c'), bias.castTo(DataType.DOUBLE).dup('c'),
                    cells.castTo(DataType.DOUBLE).dup('c'), tanh.castTo(DataType.DOUBLE).dup('c'),
                    hidden.castTo(DataType.DOUBLE).dup('c')};
            FusedJavaKernels k = new FusedJavaKernels();
            for (int t = 0; t < steps; t++) {
                k.cellForward(gates, bias, cells, tanh, hidden, t, batch);
                k.cellForward(d[0], d[1], d[2], d[3], d[4], t, batch);
            }
            assertClose(d[0], gates, "gates");
            assertClose(d[2], cells, "cells");
            assertClose(d[3], tanh, "tanh(c)");
            assertClose(d[4], hidden, "hidden");
        }
    }

    private static INDArray random(Random r, int rows, int cols, double scale) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (scale * r.nextGaussian());
        }
        return Nd4j.create(v, new long[] {rows, cols}, 'c');
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        double worst = 0;
        for (long i = 0; i < expected.length(); i++) {
            worst = Math.max(worst, Math.abs(expected.getDouble(i) - actual.getDouble(i)));
        }
        assertTrue(worst < 2e-6, what + " differs by " + worst);
        assertTrue(expected.amaxNumber().doubleValue() > 0.1, what + " is not trivially zero");
    }
}
