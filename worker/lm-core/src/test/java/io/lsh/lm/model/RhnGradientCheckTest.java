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
 * Analytic gradients of every entry of every parameter of {@link RhnLanguageModel} against five-point central finite
 * differences on tiny DOUBLE models (V=7, E=H=4 or E=3/H=5, D=3 and D=1, T=3, B=2) with a carried non-zero initial state,
 * weights scaled up so gradients are well above rounding noise (docs/dl4j-notes.md).
 */
class RhnGradientCheckTest {

    private static final double EPS = 1e-3;
    private static final double MAX_RELATIVE_ERROR = 1e-6;
    private static final double GRADIENT_FLOOR = 1e-6;
    private static final double WEIGHT_SCALE = 20.0;

    @Test
    void untiedGradientsMatchFiniteDifferences() {
        check(new RhnSpec(7, 3, 5, 3, 0, 0, 0, 0, false), false, false);
    }

    @Test
    void tiedGradientsWithMaskedWeightsMatchFiniteDifferences() {
        check(new RhnSpec(7, 4, 4, 3, 0, 0, 0, 0, true), false, true);
    }

    @Test
    void depthOneGradientsMatchFiniteDifferences() {
        check(new RhnSpec(7, 4, 4, 1, 0.3, 0.4, 0.3, 0.4, true), true, false);
    }

    @Test
    void allFourDropoutsGradientsMatchFiniteDifferencesWithFixedMasks() {
        check(new RhnSpec(7, 4, 4, 3, 0.3, 0.4, 0.3, 0.4, true), true, true);
    }

    private static void check(RhnSpec spec, boolean training, boolean masked) {
        RhnLanguageModel model = new RhnLanguageModel(spec, 42L, DataType.DOUBLE);
        Random random = new Random(5);
        for (Parameter p : model.parameters()) {
            p.value().muli(p.prunable() ? WEIGHT_SCALE : 1.0);
            if (masked && p.prunable()) { // a pruning mask: about a third of every weight tensor is zero
                INDArray flat = p.value().reshape(p.value().length());
                for (long i = 0; i < flat.length(); i++) {
                    if (random.nextInt(3) == 0) {
                        flat.putScalar(i, 0.0);
                    }
                }
            }
        }
        int steps = 3;
        int batch = 2;
        RhnState state = model.initialState(batch);
        model.loss(LstmGradientCheckTest.randomWindow(spec.vocabSize(), steps, batch, 1L), state);
        assertTrue(state.hidden().amaxNumber().doubleValue() > 1e-3, "initial state should be non-zero");
        // repeated words exercise the word-type dropout
        BpttWindow window = new BpttWindow(new int[] {1, 2, 3, 2, 1, 5}, new int[] {4, 0, 6, 1, 2, 3}, steps, batch);

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
        double largest = 0;
        for (int k = 0; k < model.parameters().size(); k++) {
            Parameter p = model.parameters().get(k);
            INDArray flatValue = p.value().reshape(p.value().length());
            INDArray flatGrad = analytic.get(k).reshape(p.value().length());
            double[] offsets = {-2 * EPS, -EPS, EPS, 2 * EPS};
            for (long i = 0; i < flatValue.length(); i++) {
                double original = flatValue.getDouble(i);
                double[] f = new double[4];
                for (int s = 0; s < 4; s++) {
                    flatValue.putScalar(i, original + offsets[s]);
                    f[s] = lossOf(model, window, state, training, dropoutSeed);
                }
                flatValue.putScalar(i, original);
                double numeric = (8 * (f[2] - f[1]) - (f[3] - f[0])) / (12 * EPS);
                double a = flatGrad.getDouble(i);
                largest = Math.max(largest, Math.abs(a));
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
        assertTrue(largest > 1e-2, "gradients are degenerate: largest " + largest);
        assertTrue(worst < MAX_RELATIVE_ERROR, "worst relative error " + worst + " at " + worstAt);
    }

    private static double lossOf(RhnLanguageModel model, BpttWindow window, RhnState state, boolean training,
                                 long dropoutSeed) {
        if (training) {
            model.reseedDropout(dropoutSeed);
            return model.forwardBackward(window, state.copy());
        }
        return model.loss(window, state.copy());
    }
}
