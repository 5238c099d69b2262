package io.lsh.lm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.data.BatchedStream;
import io.lsh.lm.data.BpttWindow;
import io.lsh.lm.prune.MaskSet;
import io.lsh.lm.prune.PruningConfig;
import io.lsh.lm.train.EpochStats;
import io.lsh.lm.train.SgdSettings;
import io.lsh.lm.train.SgdTrainer;
import io.lsh.lm.train.TrainingHooks;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class AwdMosLanguageModelTest {

    private static final AwdMosSpec SPEC = new AwdMosSpec(9, 3, List.of(6, 5, 4), 2, 0.1, 0.3, 0.2, 0.3, 0.2,
            0.5, 2.0, 1.0);

    private static BpttWindow window(int vocab, int steps, int batch, long seed) {
        return LstmGradientCheckTest.randomWindow(vocab, steps, batch, seed);
    }

    @Test
    void parametersHaveNamesShapesAndPrunableFlags() {
        AwdMosLanguageModel m = new AwdMosLanguageModel(SPEC, 1L);
        List<String> names = m.parameters().stream().map(Parameter::name).toList();
        assertEquals(List.of("encoder.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_l0",
                "rnn.weight_ih_l1", "rnn.weight_hh_l1", "rnn.bias_l1", "rnn.weight_ih_l2", "rnn.weight_hh_l2",
                "rnn.bias_l2", "prior.weight", "latent.weight", "latent.bias", "decoder.bias"), names);
        long[][] shapes = {{9, 3}, {3, 24}, {6, 24}, {1, 24}, {6, 20}, {5, 20}, {1, 20}, {5, 16}, {4, 16}, {1, 16},
            {4, 2}, {4, 6}, {1, 6}, {1, 9}};
        for (int k = 0; k < shapes.length; k++) {
            Parameter p = m.parameters().get(k);
            assertArrayEquals(shapes[k], p.value().shape(), p.name());
            assertEquals(!p.name().contains("bias"), p.prunable(), p.name());
            assertEquals(DataType.FLOAT, p.value().dataType());
        }
        assertSame(m.parameters().get(0).value(), m.embedding());
        assertSame(m.parameters().get(8).value(), m.layer(2).recurrentWeights());
        assertEquals(List.of(6, 5, 4), m.layers().stream().map(LstmLayerWeights::hiddenSize).toList());
        assertThrows(IndexOutOfBoundsException.class, () -> m.layer(3));
        double lstmBound = 1 / Math.sqrt(5);
        assertTrue(m.layer(1).recurrentWeights().amaxNumber().doubleValue() <= lstmBound);
        assertTrue(m.embedding().amaxNumber().doubleValue() <= 0.1);
        assertTrue(m.latentWeight().amaxNumber().doubleValue() <= 0.5); // 1/sqrt(4)
        assertEquals(0.0, m.decoderBias().amaxNumber().doubleValue());
    }

    @Test
    void paperPresetHasTheReportedSizeOf35MillionParameters() {
        AwdMosSpec wt2 = AwdMosSpec.paperPreset(33_278);
        assertEquals(List.of(1150, 1150, 650), wt2.hiddenSizes());
        assertEquals(300, wt2.embeddingSize());
        assertEquals(15, wt2.experts());
        assertEquals(4500, wt2.latentWidth());
        long v = 33_278;
        long expected = v * 300 + (300 + 1150) * 4600L + 4600 + (1150 + 1150) * 4600L + 4600 + (1150 + 650) * 2600L
                + 2600 + 650 * 15 + 650 * 4500 + 4500 + v;
        // count from the spec alone (no allocation of 35M parameters in a unit test)
        long counted = v * wt2.embeddingSize();
        for (int l = 0; l < wt2.layerCount(); l++) {
            long h = wt2.hiddenSize(l);
            counted += (wt2.inputSize(l) + h + 1) * 4 * h;
        }
        counted += (long) wt2.outputHiddenSize() * (wt2.experts() + wt2.latentWidth()) + wt2.latentWidth() + v;
        assertEquals(expected, counted);
        assertEquals(35.0, Math.round(counted / 1e6), 0.0, "Yang et al. 2018, Table 2: 35M parameters on WT2");
        AwdMosSpec ptb = AwdMosSpec.ptbPreset(10_000);
        assertEquals(List.of(960, 960, 620), ptb.hiddenSizes());
        assertEquals(0.225, ptb.hiddenDropout());
    }

    @Test
    void specValidationNamesTheField() {
        String[] fields = {"vocabSize", "embeddingSize", "hiddenSizes", "hiddenSizes[1]", "experts",
            "embeddingDropout", "inputDropout", "hiddenDropout", "outputDropout", "latentDropout", "weightDropout",
            "activationPenalty", "temporalPenalty"};
        Runnable[] bad = {
            () -> new AwdMosSpec(1, 3, List.of(4), 2, 0, 0, 0, 0, 0, 0, 0, 0),
            () -> new AwdMosSpec(9, 0, List.of(4), 2, 0, 0, 0, 0, 0, 0, 0, 0),
            () -> new AwdMosSpec(9, 3, List.of(), 2, 0, 0, 0, 0, 0, 0, 0, 0),
            () -> new AwdMosSpec(9, 3, List.of(4, 0), 2, 0, 0, 0, 0, 0, 0, 0, 0),
            () -> new AwdMosSpec(9, 3, List.of(4), 0, 0, 0, 0, 0, 0, 0, 0, 0),
            () -> new AwdMosSpec(9, 3, List.of(4), 2, 1.0, 0, 0, 0, 0, 0, 0, 0),
            () -> new AwdMosSpec(9, 3, List.of(4), 2, 0, -0.1, 0, 0, 0, 0, 0, 0),
            () -> new AwdMosSpec(9, 3, List.of(4), 2, 0, 0, Double.NaN, 0, 0, 0, 0, 0),
            () -> new AwdMosSpec(9, 3, List.of(4), 2, 0, 0, 0, 1.5, 0, 0, 0, 0),
            () -> new AwdMosSpec(9, 3, List.of(4), 2, 0, 0, 0, 0, 1.0, 0, 0, 0),
            () -> new AwdMosSpec(9, 3, List.of(4), 2, 0, 0, 0, 0, 0, 1.0, 0, 0),
            () -> new AwdMosSpec(9, 3, List.of(4), 2, 0, 0, 0, 0, 0, 0, -1, 0),
            () -> new AwdMosSpec(9, 3, List.of(4), 2, 0, 0, 0, 0, 0, 0, 0, Double.POSITIVE_INFINITY)};
        for (int i = 0; i < fields.length; i++) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad[i]::run);
            assertTrue(e.getMessage().startsWith(fields[i]), "should name " + fields[i] + ": " + e.getMessage());
        }
    }

    @Test
    void probabilitiesAreDistributionsAndGiveTheLoss() {
        AwdMosLanguageModel m = new AwdMosLanguageModel(SPEC, 3L, DataType.DOUBLE);
        scale(m, 3.0); // a peaked, non-uniform mixture
        BpttWindow w = window(9, 4, 3, 5L);
        LstmState s = m.initialState(3);
        m.loss(window(9, 4, 3, 4L), s);
        double[][] p = m.probabilities(w, s.copy());
        double logLikelihood = 0;
        double maxP = 0;
        for (int n = 0; n < p.length; n++) {
            double sum = 0;
            for (double x : p[n]) {
                assertTrue(x > 0 && x < 1);
                sum += x;
                maxP = Math.max(maxP, x);
            }
            assertEquals(1.0, sum, 1e-12, "row " + n);
            logLikelihood += Math.log(p[n][w.targets()[n]]);
        }
        assertTrue(maxP > 1.1 / 9, "mixture is uniform: " + maxP);
        assertEquals(-logLikelihood / p.length, m.loss(w, s.copy()), 1e-12);
    }

    @Test
    void mixtureEqualsADirectComputation() {
        AwdMosLanguageModel m = new AwdMosLanguageModel(SPEC, 4L, DataType.DOUBLE);
        scale(m, 3.0);
        BpttWindow w = window(9, 3, 2, 6L);
        LstmState s = m.initialState(2);
        double[][] p = m.probabilities(w, s.copy());
        double[][] expected = directMixture(m, m.topOutputs(w, s.copy()).toDoubleMatrix());
        for (int n = 0; n < p.length; n++) {
            assertArrayEquals(expected[n], p[n], 1e-13, "row " + n);
        }
    }

    @Test
    void singleExpertReducesToASoftmaxOverTheLatent() {
        AwdMosSpec spec = new AwdMosSpec(8, 4, List.of(5), 1, 0, 0, 0, 0, 0, 0, 0, 0);
        AwdMosLanguageModel m = new AwdMosLanguageModel(spec, 5L, DataType.DOUBLE);
        scale(m, 3.0);
        BpttWindow w = window(8, 3, 2, 7L);
        double[][] o = m.topOutputs(w, m.initialState(2)).toDoubleMatrix();
        double[][] p = m.probabilities(w, m.initialState(2));
        double[][] wl = m.latentWeight().toDoubleMatrix();
        double[] bl = m.latentBias().toDoubleVector();
        double[][] emb = m.embedding().toDoubleMatrix();
        double[] b = m.decoderBias().toDoubleVector();
        for (int n = 0; n < o.length; n++) {
            double[] latent = new double[4];
            for (int j = 0; j < 4; j++) {
                double z = bl[j];
                for (int i = 0; i < 5; i++) {
                    z += o[n][i] * wl[i][j];
                }
                latent[j] = Math.tanh(z);
            }
            double[] logits = new double[8];
            for (int v = 0; v < 8; v++) {
                logits[v] = b[v];
                for (int j = 0; j < 4; j++) {
                    logits[v] += latent[j] * emb[v][j];
                }
            }
            assertArrayEquals(softmax(logits), p[n], 1e-14, "row " + n);
        }
    }

    @Test
    void chunkedHeadGivesTheSameLossAndGradients() {
        AwdMosSpec spec = SPEC.withoutDropout();
        AwdMosLanguageModel whole = new AwdMosLanguageModel(spec, 8L, DataType.DOUBLE);
        AwdMosLanguageModel chunked = new AwdMosLanguageModel(spec, 8L, DataType.DOUBLE);
        chunked.setChunkElements(2L * spec.experts() * spec.vocabSize()); // 2 tokens per chunk, 9 tokens
        BpttWindow w = window(9, 3, 3, 9L);
        double a = whole.forwardBackward(w, whole.initialState(3));
        double b = chunked.forwardBackward(w, chunked.initialState(3));
        assertEquals(a, b, 1e-14);
        assertEquals(whole.lastPenalty(), chunked.lastPenalty(), 1e-15);
        for (int k = 0; k < whole.parameters().size(); k++) {
            INDArray ga = whole.parameters().get(k).gradient();
            INDArray gb = chunked.parameters().get(k).gradient();
            double scale = ga.amaxNumber().doubleValue();
            assertTrue(scale > 0, whole.parameters().get(k).name());
            assertTrue(ga.sub(gb).amaxNumber().doubleValue() <= 1e-13 * scale, whole.parameters().get(k).name());
        }
        assertEquals(whole.loss(w, whole.initialState(3)), chunked.loss(w, chunked.initialState(3)), 1e-14);
    }

    @Test
    void penaltiesFollowTheirDefinitions() {
        AwdMosSpec spec = SPEC.withoutDropout();
        AwdMosLanguageModel m = new AwdMosLanguageModel(spec, 10L, DataType.DOUBLE);
        int steps = 4;
        int batch = 3;
        BpttWindow w = window(9, steps, batch, 11L);
        LstmState s = m.initialState(batch);
        m.loss(window(9, steps, batch, 12L), s);
        double trainingLoss = m.forwardBackward(w, s.copy());
        assertEquals(m.loss(w, s.copy()), trainingLoss, 1e-14, "no dropout: training and evaluation agree");
        double[][] o = m.topOutputs(w, s.copy()).toDoubleMatrix();
        double squares = 0;
        double differences = 0;
        for (int n = 0; n < o.length; n++) {
            for (int j = 0; j < o[n].length; j++) {
                squares += o[n][j] * o[n][j];
                if (n >= batch) {
                    double d = o[n][j] - o[n - batch][j];
                    differences += d * d;
                }
            }
        }
        int h = spec.outputHiddenSize();
        double ar = 2.0 * squares / (steps * batch * h);
        double tar = 1.0 * differences / ((steps - 1) * batch * h);
        assertEquals(ar + tar, m.lastPenalty(), 1e-14);
        // T = 1: no temporal pairs inside the window, TAR is 0
        BpttWindow single = window(9, 1, batch, 13L);
        m.forwardBackward(single, s.copy());
        double[][] o1 = m.topOutputs(single, s.copy()).toDoubleMatrix();
        double sq1 = 0;
        for (double[] row : o1) {
            for (double x : row) {
                sq1 += x * x;
            }
        }
        assertEquals(2.0 * sq1 / (batch * h), m.lastPenalty(), 1e-14);
    }

    @Test
    void lockedAndWeightDropoutMasksHaveTheirShapes() {
        // locked input dropout, one sequence: a dropped embedding feature is zero at every step, so its whole row of
        // the input-weight gradient is zero; an ordinary (per-step) mask would almost never zero a whole row
        AwdMosSpec inputOnly = new AwdMosSpec(12, 8, List.of(6), 2, 0, 0.5, 0, 0, 0, 0, 0, 0);
        AwdMosLanguageModel m = new AwdMosLanguageModel(inputOnly, 1L, DataType.DOUBLE);
        m.reseedDropout(3L);
        m.forwardBackward(window(12, 30, 1, 2L), m.initialState(1));
        double[][] g = m.parameters().get(1).gradient().toDoubleMatrix(); // rnn.weight_ih_l0, 8 x 24
        int zeroRows = 0;
        for (double[] row : g) {
            boolean allZero = java.util.Arrays.stream(row).allMatch(x -> x == 0.0);
            boolean anyZero = java.util.Arrays.stream(row).anyMatch(x -> x == 0.0);
            assertEquals(allZero, anyZero, "a row is either dropped for the whole window or not at all");
            zeroRows += allZero ? 1 : 0;
        }
        assertTrue(zeroRows >= 1 && zeroRows <= 7, "dropped features: " + zeroRows);

        // weight drop: the recurrent gradient is the dropped matrix's gradient times the mask, about half zeros
        AwdMosSpec weightOnly = new AwdMosSpec(12, 8, List.of(16), 2, 0, 0, 0, 0, 0, 0.5, 0, 0);
        AwdMosLanguageModel wm = new AwdMosLanguageModel(weightOnly, 1L, DataType.DOUBLE);
        wm.forwardBackward(window(12, 10, 2, 2L), wm.initialState(2));
        INDArray gu = wm.parameters().get(2).gradient();
        long zeros = java.util.Arrays.stream(gu.data().asDouble()).filter(x -> x == 0.0).count();
        double fraction = zeros / (double) gu.length();
        assertTrue(fraction > 0.4 && fraction < 0.6, "fraction of dropped recurrent weights " + fraction);
    }

    @Test
    void seededDropoutIsDeterministicAndOnlyInTraining() {
        AwdMosLanguageModel a = new AwdMosLanguageModel(SPEC, 21L);
        AwdMosLanguageModel b = new AwdMosLanguageModel(SPEC, 21L);
        BpttWindow w = window(9, 5, 3, 8L);
        LstmState s = a.initialState(3);
        assertEquals(a.loss(w, s.copy()), a.loss(w, s.copy()), 0.0);
        a.reseedDropout(1L);
        b.reseedDropout(1L);
        double la = a.forwardBackward(w, s.copy());
        double lb = b.forwardBackward(w, s.copy());
        assertEquals(la, lb, 0.0);
        for (int k = 0; k < a.parameters().size(); k++) {
            assertArrayEquals(a.parameters().get(k).gradient().data().asFloat(),
                    b.parameters().get(k).gradient().data().asFloat(), a.parameters().get(k).name());
        }
        double again = a.forwardBackward(w, s.copy());
        assertNotEquals(la, again, "fresh masks on the next pass");
        a.reseedDropout(1L);
        assertEquals(la, a.forwardBackward(w, s.copy()), 0.0);
        assertNotEquals(a.loss(w, s.copy()), la, "evaluation has no dropout");
    }

    @Test
    void floatAndDoubleModelsAgree() {
        AwdMosLanguageModel f = new AwdMosLanguageModel(SPEC, 7L, DataType.FLOAT);
        AwdMosLanguageModel d = new AwdMosLanguageModel(SPEC, 7L, DataType.DOUBLE);
        LstmState sf = f.initialState(3);
        LstmState sd = d.initialState(3);
        for (int i = 0; i < 3; i++) {
            BpttWindow w = window(9, 5, 3, 20L + i);
            f.reseedDropout(i);
            d.reseedDropout(i);
            double lf = f.forwardBackward(w, sf);
            double ld = d.forwardBackward(w, sd);
            assertEquals(ld, lf, 1e-5 * ld, "window " + i);
            assertEquals(d.lastPenalty(), f.lastPenalty(), 1e-5 * d.lastPenalty() + 1e-9);
        }
        for (int k = 0; k < f.parameters().size(); k++) {
            INDArray gf = f.parameters().get(k).gradient().castTo(DataType.DOUBLE);
            INDArray gd = d.parameters().get(k).gradient();
            double maxAbs = gd.amaxNumber().doubleValue();
            assertTrue(gf.sub(gd).amaxNumber().doubleValue() <= 1e-4 * maxAbs + 1e-9, f.parameters().get(k).name());
        }
    }

    @Test
    void rejectsForeignStateAndOutOfRangeTokens() {
        AwdMosLanguageModel m = new AwdMosLanguageModel(SPEC, 4L);
        BpttWindow w = window(9, 3, 2, 1L);
        assertThrows(IllegalArgumentException.class, () -> m.loss(w, m.initialState(3)));
        LstmLanguageModel other = new LstmLanguageModel(new ModelSpec(9, 3, List.of(6), 0.0, false), 1L);
        assertThrows(IllegalArgumentException.class, () -> m.loss(w, other.initialState(2)));
        BpttWindow bad = new BpttWindow(new int[] {0, 9}, new int[] {0, 1}, 1, 2);
        assertThrows(IllegalArgumentException.class, () -> m.loss(bad, m.initialState(2)));
        BpttWindow badTarget = new BpttWindow(new int[] {0, 1}, new int[] {0, 9}, 1, 2);
        assertThrows(IllegalArgumentException.class, () -> m.forwardBackward(badTarget, m.initialState(2)));
    }

    /** "0 1 2 ... 7" repeated with a little noise. */
    private static int[] repetitiveStream(int length, long seed) {
        Random random = new Random(seed);
        int[] s = new int[length];
        for (int i = 0; i < length; i++) {
            s[i] = random.nextInt(20) == 0 ? random.nextInt(8) : i % 8;
        }
        return s;
    }

    @Test
    void sgdTrainingLowersTheLossAndMaskedWeightsStayZero() {
        // one layer: deeper stacks sit on a plateau for several epochs at this size and learning rate
        AwdMosSpec spec = new AwdMosSpec(8, 16, List.of(16), 3, 0.05, 0.1, 0.1, 0.1, 0.1, 0.2, 2.0, 1.0);
        AwdMosLanguageModel model = new AwdMosLanguageModel(spec, 11L);
        MaskSet masks = MaskSet.create(model, PruningConfig.of(0.5, "ER", "magnitude", "random", "none", 0.5),
                new SplittableRandom(3));
        TrainingHooks hooks = new TrainingHooks() {
            @Override
            public void afterBackward(io.lsh.lm.model.ParameterSet parameters) {
                masks.applyToGradients();
            }

            @Override
            public void afterUpdate(io.lsh.lm.model.ParameterSet parameters) {
                masks.applyToWeights();
            }
        };
        BatchedStream train = BatchedStream.batchify(repetitiveStream(2_000, 1L), 4);
        int[] valid = repetitiveStream(400, 2L);
        double before = model.perplexity(valid, 2, 10);
        SgdTrainer trainer = new SgdTrainer(new SgdSettings(5.0, 0.5, 1e-6, 10, 0));
        EpochStats first = trainer.trainEpoch(model, train, 1, hooks);
        EpochStats last = first;
        for (int epoch = 2; epoch <= 4; epoch++) {
            last = trainer.trainEpoch(model, train, epoch, hooks);
        }
        double after = model.perplexity(valid, 2, 10);
        assertTrue(before > 6, "untrained perplexity " + before);
        assertTrue(after < 2.5, "perplexity " + before + " -> " + after);
        assertTrue(last.trainLoss() < first.trainLoss() / 2, first + " -> " + last);
        for (Map.Entry<String, boolean[]> e : masks.exportMasks().entrySet()) {
            Parameter p = model.parameters().stream().filter(x -> x.name().equals(e.getKey())).findFirst()
                    .orElseThrow();
            float[] values = p.value().data().asFloat();
            for (int i = 0; i < values.length; i++) {
                if (!e.getValue()[i]) {
                    assertEquals(0.0f, values[i], e.getKey() + "[" + i + "] is masked");
                }
            }
        }
        assertEquals(List.of("encoder.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "prior.weight",
                "latent.weight"), masks.tensorNames());
        assertEquals(0.5, masks.sparsity(), 1e-3);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static void scale(AwdMosLanguageModel m, double factor) {
        for (Parameter p : m.parameters()) {
            p.value().muli(factor);
        }
    }

    private static double[] softmax(double[] logits) {
        double max = java.util.Arrays.stream(logits).max().orElseThrow();
        double[] out = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            out[i] = Math.exp(logits[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= sum;
        }
        return out;
    }

    /** Yang et al. 2018, eq. of the MoS: p = sum_k softmax(o W_p)_k softmax(tanh(o W_l + b_l)_k E^T + b). */
    private static double[][] directMixture(AwdMosLanguageModel m, double[][] o) {
        int k = m.spec().experts();
        int e = m.spec().embeddingSize();
        int v = m.spec().vocabSize();
        int h = m.spec().outputHiddenSize();
        double[][] wp = m.priorWeight().toDoubleMatrix();
        double[][] wl = m.latentWeight().toDoubleMatrix();
        double[] bl = m.latentBias().toDoubleVector();
        double[][] emb = m.embedding().toDoubleMatrix();
        double[] b = m.decoderBias().toDoubleVector();
        double[][] out = new double[o.length][v];
        for (int n = 0; n < o.length; n++) {
            double[] priorLogits = new double[k];
            for (int c = 0; c < k; c++) {
                for (int i = 0; i < h; i++) {
                    priorLogits[c] += o[n][i] * wp[i][c];
                }
            }
            double[] prior = softmax(priorLogits);
            for (int c = 0; c < k; c++) {
                double[] latent = new double[e];
                for (int j = 0; j < e; j++) {
                    double z = bl[c * e + j];
                    for (int i = 0; i < h; i++) {
                        z += o[n][i] * wl[i][c * e + j];
                    }
                    latent[j] = Math.tanh(z);
                }
                double[] logits = new double[v];
                for (int word = 0; word < v; word++) {
                    logits[word] = b[word];
                    for (int j = 0; j < e; j++) {
                        logits[word] += latent[j] * emb[word][j];
                    }
                }
                double[] p = softmax(logits);
                for (int word = 0; word < v; word++) {
                    out[n][word] += prior[c] * p[word];
                }
            }
        }
        return out;
    }
}
