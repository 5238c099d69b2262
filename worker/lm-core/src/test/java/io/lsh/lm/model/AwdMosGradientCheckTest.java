package io.lsh.lm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.data.BpttWindow;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Analytic gradients of the AWD-LSTM-MoS training objective (cross-entropy of the mixture + AR + TAR) against
 * five-point central finite differences, every entry of every parameter, on tiny DOUBLE models with a carried
 * non-zero initial state: once with every dropout off, once with every dropout on (embedding, locked, weight drop)
 * and the masks held fixed by reseeding the dropout stream before each pass.
 */
class AwdMosGradientCheckTest {

    private static final double EPS = 1e-3;
    private static final double MAX_RELATIVE_ERROR = 1e-6;
    private static final double GRADIENT_FLOOR = 1e-6;
    private static final double WEIGHT_SCALE = 3.0;

    /** V=7, E=2, three LSTM layers of unequal widths 4, 5, 3, K=3 experts, AR 2, TAR 1. */
    static AwdMosSpec tinySpec(double dropout) {
        return new AwdMosSpec(7, 2, List.of(4, 5, 3), 3, dropout, dropout, dropout, dropout, dropout, dropout, 2.0,
                1.0);
    }

    @Test
    void gradientsMatchFiniteDifferencesWithoutDropout() {
        check(tinySpec(0.0), 4, 2);
    }

    @Test
    void gradientsMatchFiniteDifferencesWithFixedDropoutMasks() {
        check(tinySpec(0.3), 4, 3);
    }

    @Test
    void singleLayerSingleExpertGradientsMatchFiniteDifferences() {
        check(new AwdMosSpec(6, 3, List.of(4), 1, 0.2, 0.2, 0.0, 0.3, 0.1, 0.4, 0.5, 0.0), 3, 2);
    }

    private static void check(AwdMosSpec spec, int steps, int batch) {
        AwdMosLanguageModel model = new AwdMosLanguageModel(spec, 42L, DataType.DOUBLE);
        for (Parameter p : model.parameters()) {
            p.value().muli(WEIGHT_SCALE); // gradients of a fresh model are tiny (docs/dl4j-notes.md)
        }
        LstmState state = model.initialState(batch);
        model.loss(LstmGradientCheckTest.randomWindow(spec.vocabSize(), steps, batch, 1L), state);
        BpttWindow window = LstmGradientCheckTest.randomWindow(spec.vocabSize(), steps, batch, 2L);

        long dropoutSeed = 99L;
        model.reseedDropout(dropoutSeed);
        model.forwardBackward(window, state.copy());
        assertTrue(model.lastPenalty() > 0, "AR/TAR should be active");
        List<INDArray> analytic = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            analytic.add(p.gradient().dup());
        }
        double worst = 0;
        String worstAt = "";
        int checked = 0;
        int nonZero = 0;
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
                    model.reseedDropout(dropoutSeed);
                    f[s] = model.forwardBackward(window, state.copy()) + model.lastPenalty();
                }
                flatValue.putScalar(i, original);
                double numeric = (8 * (f[2] - f[1]) - (f[3] - f[0])) / (12 * EPS);
                double a = flatGrad.getDouble(i);
                double error = Math.abs(a - numeric)
                        / Math.max(GRADIENT_FLOOR, Math.max(Math.abs(a), Math.abs(numeric)));
                if (error > worst) {
                    worst = error;
                    worstAt = p.name() + "[" + i + "] analytic " + a + " numeric " + numeric;
                }
                if (Math.abs(a) > 1e-4) {
                    nonZero++;
                }
                checked++;
            }
        }
        assertEquals(model.parameterCount(), checked);
        assertTrue(nonZero > checked / 2, "too few non-negligible gradients: " + nonZero + " of " + checked);
        assertTrue(worst < MAX_RELATIVE_ERROR, "worst relative error " + worst + " at " + worstAt);
    }
}
