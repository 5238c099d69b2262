package io.lsh.lm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.data.BpttWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Analytic gradients of every entry of every parameter against central finite differences on a tiny DOUBLE model
 * (V=7, E=4, H=5, 2 layers, T=3, B=2), with a carried non-zero initial state. The weights are scaled up
 * (docs/dl4j-notes.md) so that most gradients are well above the rounding noise of the difference quotient.
 */
class LstmGradientCheckTest {

    /** Step of the five-point central difference (truncation error O(EPS^4), rounding noise ~1e-13 here). */
    private static final double EPS = 1e-3;
    private static final double MAX_RELATIVE_ERROR = 1e-6;
    /** Floor of the relative error's denominator: gradients below it are checked to an absolute 1e-12. */
    private static final double GRADIENT_FLOOR = 1e-6;
    private static final double WEIGHT_SCALE = 5.0;

    static BpttWindow randomWindow(int vocab, int steps, int batch, long seed) {
        Random random = new Random(seed);
        int[] in = new int[steps * batch];
        int[] out = new int[steps * batch];
        for (int i = 0; i < in.length; i++) {
            in[i] = random.nextInt(vocab);
            out[i] = random.nextInt(vocab);
        }
        return new BpttWindow(in, out, steps, batch);
    }

    @Test
    void untiedTwoLayerGradientsMatchFiniteDifferences() {
        check(new ModelSpec(7, 4, List.of(5, 5), 0.0, false), false);
    }

    @Test
    void tiedWeightsAndUnequalLayersGradientsMatchFiniteDifferences() {
        check(new ModelSpec(7, 5, List.of(3, 5), 0.0, true), false);
    }

    @Test
    void dropoutGradientsMatchFiniteDifferencesWithFixedMasks() {
        check(new ModelSpec(7, 4, List.of(5, 5), 0.3, false), true);
    }

    @Test
    void nd4jOpsBackEndGradientsMatchFiniteDifferences() {
        check(new ModelSpec(7, 4, List.of(5, 5), 0.3, false), true, LstmKernelBackend.ND4J_OPS);
        check(new ModelSpec(7, 5, List.of(3, 5), 0.0, true), false, LstmKernelBackend.ND4J_OPS);
    }

    private void check(ModelSpec spec, boolean reseedEachPass) {
        check(spec, reseedEachPass, LstmKernelBackend.FUSED_JAVA);
    }

    private void check(ModelSpec spec, boolean reseedEachPass, LstmKernelBackend backend) {
        LstmLanguageModel model = new LstmLanguageModel(spec, 42L, DataType.DOUBLE, backend);
        for (Parameter p : model.parameters()) {
            p.value().muli(WEIGHT_SCALE); // gradients of a freshly initialised model are tiny; see class comment
        }
        int steps = 3;
        int batch = 2;
        // a non-zero initial state: run one window first
        LstmState state = model.initialState(batch);
        model.loss(randomWindow(spec.vocabSize(), steps, batch, 1L), state);
        BpttWindow window = randomWindow(spec.vocabSize(), steps, batch, 2L);

        long dropoutSeed = 99L;
        model.reseedDropout(dropoutSeed);
        model.forwardBackward(window, state.copy());
        List<INDArray> analytic = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            analytic.add(p.gradient().dup());
        }

        double worst = 0;
        String worstAt = "";
        int checked = 0;
        for (int k = 0; k < model.parameters().size(); k++) {
            Parameter p = model.parameters().get(k);
            INDArray flatValue = p.value().reshape(p.value().length());
            INDArray flatGrad = analytic.get(k).reshape(p.value().length());
            for (long i = 0; i < flatValue.length(); i++) {
                double original = flatValue.getDouble(i);
                double[] f = new double[4];
                double[] offsets = {-2 * EPS, -EPS, EPS, 2 * EPS};
                for (int s = 0; s < 4; s++) {
                    flatValue.putScalar(i, original + offsets[s]);
                    f[s] = lossOf(model, window, state, reseedEachPass, dropoutSeed);
                }
                flatValue.putScalar(i, original);
                // five-point central difference: truncation error O(EPS^4)
                double numeric = (8 * (f[2] - f[1]) - (f[3] - f[0])) / (12 * EPS);
                double a = flatGrad.getDouble(i);
                double error = Math.abs(a - numeric)
                        / Math.max(GRADIENT_FLOOR, Math.max(Math.abs(a), Math.abs(numeric)));
                if (error > worst) {
                    worst = error;
                    worstAt = p.name() + "[" + i + "] analytic " + a + " numeric " + numeric;
                }
                checked++;
            }
        }
        assertEquals(model.parameterCount(), checked);
        assertTrue(worst < MAX_RELATIVE_ERROR, "worst relative error " + worst + " at " + worstAt);
    }

    private static double lossOf(LstmLanguageModel model, BpttWindow window, LstmState state, boolean training,
                                 long dropoutSeed) {
        if (training) {
            model.reseedDropout(dropoutSeed);
            return model.forwardBackward(window, state.copy());
        }
        return model.loss(window, state.copy());
    }

    @Test
    void floatAndDoubleModelsAgree() {
        ModelSpec spec = new ModelSpec(11, 6, List.of(8, 7), 0.0, false);
        LstmLanguageModel f = new LstmLanguageModel(spec, 7L, DataType.FLOAT);
        LstmLanguageModel d = new LstmLanguageModel(spec, 7L, DataType.DOUBLE);
        LstmState sf = f.initialState(3);
        LstmState sd = d.initialState(3);
        for (int w = 0; w < 3; w++) {
            BpttWindow window = randomWindow(spec.vocabSize(), 5, 3, 10L + w);
            double lf = f.forwardBackward(window, sf);
            double ld = d.forwardBackward(window, sd);
            assertEquals(ld, lf, 1e-5 * Math.abs(ld), "loss of window " + w);
        }
        for (int k = 0; k < f.parameters().size(); k++) {
            INDArray gf = f.parameters().get(k).gradient().castTo(DataType.DOUBLE);
            INDArray gd = d.parameters().get(k).gradient();
            double maxAbs = gd.amaxNumber().doubleValue();
            double diff = gf.sub(gd).amaxNumber().doubleValue();
            assertTrue(diff <= 1e-4 * maxAbs + 1e-9, f.parameters().get(k).name() + ": max diff " + diff
                    + " vs max |g| " + maxAbs);
        }
        for (int l = 0; l < 2; l++) {
            double diff = sf.hidden(l).castTo(DataType.DOUBLE).sub(sd.hidden(l)).amaxNumber().doubleValue();
            assertTrue(diff < 1e-5, "hidden state of layer " + l + " differs by " + diff);
        }
    }
}
