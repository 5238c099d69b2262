package io.lsh.lm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.data.BpttWindow;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The ND4J-ops back end against the fused Java loops on the same small LSTM language models (same seed, same dropout
 * masks): loss, logits, carried state and every gradient agree to rounding.
 */
class Nd4jOpsLstmKernelsTest {

    @ParameterizedTest(name = "{0}, tied {1}, dropout {2}")
    @CsvSource({
        "DOUBLE, false, 0.3, 1e-12",
        "DOUBLE, true, 0.3, 1e-12",
        "DOUBLE, false, 0.0, 1e-12",
        "FLOAT, false, 0.3, 2e-5",
        "FLOAT, true, 0.0, 2e-5",
    })
    void bothBackEndsGiveTheSameLossOutputsAndGradients(DataType type, boolean tied, double dropout,
                                                        double tolerance) {
        ModelSpec spec = new ModelSpec(13, tied ? 7 : 6, List.of(7, tied ? 7 : 5), dropout, tied);
        LstmLanguageModel fused = new LstmLanguageModel(spec, 21L, type, LstmKernelBackend.FUSED_JAVA);
        LstmLanguageModel ops = new LstmLanguageModel(spec, 21L, type, LstmKernelBackend.ND4J_OPS);
        assertEquals(LstmKernelBackend.ND4J_OPS, ops.kernelBackend());
        assertEquals(LstmKernelBackend.FUSED_JAVA, fused.kernelBackend());
        for (Parameter p : fused.parameters()) {
            p.value().muli(3.0); // larger weights: saturated gates and a peaked softmax are exercised too
        }
        for (Parameter p : ops.parameters()) {
            p.value().muli(3.0);
        }
        LstmState sf = fused.initialState(3);
        LstmState so = ops.initialState(3);
        for (int w = 0; w < 3; w++) {
            BpttWindow window = LstmGradientCheckTest.randomWindow(spec.vocabSize(), 4 + w, 3, 30L + w);
            fused.reseedDropout(5L + w);
            ops.reseedDropout(5L + w);
            double lf = fused.forwardBackward(window, sf);
            double lo = ops.forwardBackward(window, so);
            assertEquals(lf, lo, tolerance * Math.abs(lf), "training loss of window " + w);
            for (int k = 0; k < fused.parameters().size(); k++) {
                assertClose(fused.parameters().get(k).gradient(), ops.parameters().get(k).gradient(), tolerance,
                        fused.parameters().get(k).name() + " gradient, window " + w);
            }
            for (int l = 0; l < spec.layerCount(); l++) {
                assertClose(sf.hidden(l), so.hidden(l), tolerance, "hidden state " + l);
                assertClose(sf.cell(l), so.cell(l), tolerance, "cell state " + l);
            }
        }
        BpttWindow window = LstmGradientCheckTest.randomWindow(spec.vocabSize(), 5, 3, 40L);
        assertClose(fused.logits(window, sf.copy()), ops.logits(window, so.copy()), tolerance, "logits");
        double ef = fused.loss(window, sf);
        assertEquals(ef, ops.loss(window, so), tolerance * ef, "evaluation loss");
    }

    private static void assertClose(INDArray expected, INDArray actual, double relative, String what) {
        INDArray e = expected.castTo(DataType.DOUBLE);
        INDArray a = actual.castTo(DataType.DOUBLE);
        double scale = e.amaxNumber().doubleValue();
        double diff = e.sub(a).amaxNumber().doubleValue();
        assertTrue(scale > 0 || diff == 0, what + " is all zero");
        assertTrue(diff <= relative * scale, what + ": max difference " + diff + " vs max |value| " + scale);
    }

    @Test
    void dropoutMasksAreTheSameOnBothBackEnds() {
        INDArray a = org.nd4j.linalg.factory.Nd4j.zeros(DataType.FLOAT, 6, 9);
        INDArray b = org.nd4j.linalg.factory.Nd4j.zeros(DataType.FLOAT, 6, 9);
        new FusedJavaKernels().fillDropoutMask(a, 0.4, new java.util.SplittableRandom(3L));
        new Nd4jOpsLstmKernels().fillDropoutMask(b, 0.4, new java.util.SplittableRandom(3L));
        assertEquals(a, b);
        assertTrue(a.eq(0).castTo(DataType.INT).sumNumber().intValue() > 5, "some entries dropped");
    }

    @Test
    void outOfRangeIdsAreRejectedWithTheSameMessage() {
        LstmLanguageModel ops = new LstmLanguageModel(new ModelSpec(5, 3, List.of(4), 0.0, false), 1L,
                DataType.FLOAT, LstmKernelBackend.ND4J_OPS);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ops.loss(
                new BpttWindow(new int[] {1, 7}, new int[] {0, 1}, 1, 2), ops.initialState(2)));
        assertTrue(e.getMessage().contains("token id 7 outside vocabulary of size 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ops.loss(
                new BpttWindow(new int[] {1, 2}, new int[] {0, 5}, 1, 2), ops.initialState(2)));
        assertTrue(e.getMessage().contains("target id 5 outside vocabulary of size 5"), e.getMessage());
    }

    @Test
    void settingNamesAndAutoResolution() {
        assertEquals(LstmKernelBackend.ND4J_OPS, LstmKernelBackend.fromSettingName("nd4j-ops"));
        assertEquals(LstmKernelBackend.FUSED_JAVA, LstmKernelBackend.fromSettingName("fused-java"));
        assertEquals("fused-java", LstmKernelBackend.FUSED_JAVA.settingName());
        // the test JVM runs the CPU backend: auto means the fused loops
        assertEquals(LstmKernelBackend.FUSED_JAVA, LstmKernelBackend.AUTO.resolve());
        assertEquals(LstmKernelBackend.FUSED_JAVA,
                new LstmLanguageModel(new ModelSpec(5, 3, List.of(4), 0.0, false), 1L).kernelBackend());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LstmKernelBackend.fromSettingName("cuda"));
        assertTrue(e.getMessage().contains("lsh.training.kernels 'cuda'"), e.getMessage());
    }
}
