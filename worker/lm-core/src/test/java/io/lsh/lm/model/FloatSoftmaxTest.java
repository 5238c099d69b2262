package io.lsh.lm.model;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The FLOAT fast path of {@link FusedJavaKernels#softmaxCrossEntropy} against the DOUBLE one on the same numbers. */
class FloatSoftmaxTest {

    @Test
    void expNonPositiveIsWithinTwoFloatUlpsOfMathExp() {
        double worst = 0;
        for (float x = -87f; x <= 0f; x += 0.000731f) {
            double exact = Math.exp(x);
            worst = Math.max(worst, Math.abs(FastExp.expNonPositive(x) - exact) / exact);
        }
        assertTrue(worst < 2.5e-7, "max relative error " + worst);
        assertEquals(1.0f, FastExp.expNonPositive(0f));
        assertTrue(Float.isNaN(FastExp.expNonPositive(Float.NaN)));
        assertTrue(FastExp.expNonPositive(-1000f) < 2e-38f);
    }

    @Test
    void floatLossAndGradientEqualTheDoublePathToFloatPrecision() {
        Random r = new Random(5);
        int rows = 37;
        int v = 1013;
        for (int[] shape : new int[][] {{rows, v}, {300, v}}) { // the second is above the parallel threshold
            int n = shape[0];
            int w = shape[1];
            float[] logits = new float[n * w];
            float[] bias = new float[w];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) (6 * r.nextGaussian());
            }
            for (int j = 0; j < w; j++) {
                bias[j] = (float) r.nextGaussian();
            }
            int[] targets = new int[n];
            for (int i = 0; i < n; i++) {
                targets[i] = r.nextInt(w);
            }
            FusedJavaKernels k = new FusedJavaKernels();
            for (double scale : new double[] {1.0 / n, 0.0}) {
                INDArray zf = Nd4j.create(logits, new long[] {n, w}, 'c');
                INDArray zd = zf.castTo(DataType.DOUBLE).dup('c');
                INDArray bf = Nd4j.create(bias, new long[] {1, w}, 'c');
                INDArray bd = bf.castTo(DataType.DOUBLE).dup('c');
                double lossF = k.softmaxCrossEntropy(zf, bf, targets, scale);
                double lossD = k.softmaxCrossEntropy(zd, bd, targets, scale);
                assertEquals(lossD, lossF, 1e-6 * Math.abs(lossD), "loss, " + n + " x " + w);
                if (scale != 0.0) {
                    double worst = 0;
                    for (int i = 0; i < n * w; i++) {
                        worst = Math.max(worst, Math.abs(zf.getDouble(i / w, i % w) - zd.getDouble(i / w, i % w)));
                    }
                    assertTrue(worst < 1e-6 * scale, "gradient differs by " + worst + " (scale " + scale + ")");
                }
            }
        }
    }

    @Test
    void vectorLanesAndScalarCodeGiveTheSameBitsBeforeAndAfterTheJitCompilesThem() {
        // the test JVMs run with --add-modules jdk.incubator.vector (pom.xml), as bin/lsh does: the fast path is tested
        assertTrue(FastExp.VECTOR_API, "the Vector API module should be in the test JVM");
        Random r = new Random(8);
        int n = 1003; // not a multiple of the lane count: the scalar tail runs too
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (30 * r.nextGaussian());
        }
        a[5] = Float.NaN;
        a[6] = -1e6f;
        float shift = 41.5f;
        float[] scalar = new float[n];
        double scalarSum = 0;
        for (int i = 0; i < n; i++) {
            scalar[i] = FastExp.expFloat(a[i] - shift);
            if (!Float.isNaN(scalar[i])) {
                scalarSum += scalar[i];
            }
            double exact = Math.exp(a[i] - shift); // the float difference, as both paths take it
            if (exact > 1e-37) {
                assertEquals(exact, scalar[i], 2.5e-7 * exact, "element " + i);
            }
        }
        assertTrue(Float.isNaN(scalar[5]));
        for (int rep = 0; rep < 3000; rep++) { // interpreted first, then compiled by C2: the bits must not change
            float[] lanes = a.clone();
            double laneSum = VectorExp.expShiftedSum(lanes, n, shift);
            for (int i = 0; i < n; i++) {
                if (Float.floatToRawIntBits(lanes[i]) != Float.floatToRawIntBits(scalar[i])) {
                    assertEquals(scalar[i], lanes[i], 0.0, "element " + i + " in repetition " + rep);
                }
            }
            assertTrue(Double.isNaN(laneSum));
        }
        float[] clean = a.clone();
        clean[5] = 0f;
        double expected = FastExp.expShiftedSum(clean.clone(), n, shift);
        assertEquals(expected, VectorExp.expShiftedSum(clean, n, shift), 0.0);
        assertTrue(Math.abs(expected - scalarSum) <= 1e-6 * expected, expected + " vs " + scalarSum);
    }
}
