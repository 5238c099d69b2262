package io.lsh.lm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.data.BatchedStream;
import io.lsh.lm.data.BpttWindow;
import io.lsh.lm.train.EpochStats;
import io.lsh.lm.train.SgdSettings;
import io.lsh.lm.train.SgdTrainer;
import io.lsh.lm.train.TrainingHooks;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class RhnLanguageModelTest {

    @Test
    void paperPresetIsZillyEtAlsPtbModel() {
        RhnSpec spec = RhnSpec.paperPreset(10_000);
        assertEquals(new RhnSpec(10_000, 830, 830, 10, 0.25, 0.75, 0.25, 0.75, true), spec);
        assertTrue(spec.hasDropout());
        assertEquals(new RhnSpec(10_000, 830, 830, 10, 0, 0, 0, 0, true), spec.withoutDropout());
    }

    @Test
    void invalidSpecsAreRejectedWithTheFieldAndValue() {
        assertEquals("depth (recurrence depth D) must be >= 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> new RhnSpec(10, 4, 4, 0, 0, 0, 0, 0, true)).getMessage());
        assertEquals("hiddenDropout must be in [0, 1), got 1.0", assertThrows(IllegalArgumentException.class,
                () -> new RhnSpec(10, 4, 4, 2, 0, 0, 1.0, 0, true)).getMessage());
        assertEquals("tiedWeights requires embeddingSize (3) == hiddenSize (4)",
                assertThrows(IllegalArgumentException.class, () -> new RhnSpec(10, 3, 4, 2, 0, 0, 0, 0, true))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RhnSpec(1, 4, 4, 2, 0, 0, 0, 0, true));
        assertThrows(IllegalArgumentException.class, () -> new RhnSpec(10, 4, 4, 2, Double.NaN, 0, 0, 0, true));
    }

    @Test
    void parametersHaveDocumentedNamesShapesAndPrunableFlags() {
        RhnLanguageModel untied = new RhnLanguageModel(new RhnSpec(11, 3, 5, 2, 0, 0, 0, 0, false), 1L);
        List<String> names = untied.parameters().stream().map(Parameter::name).toList();
        assertEquals(List.of("encoder.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_l0",
                "rnn.weight_hh_l1", "rnn.bias_l1", "decoder.weight", "decoder.bias"), names);
        long[][] shapes = {{11, 3}, {3, 10}, {5, 10}, {1, 10}, {5, 10}, {1, 10}, {5, 11}, {1, 11}};
        for (int i = 0; i < shapes.length; i++) {
            Parameter p = untied.parameters().get(i);
            assertArrayEquals(shapes[i], p.value().shape(), p.name());
            assertEquals(!p.name().contains("bias"), p.prunable(), p.name());
        }
        assertEquals(11 * 3 + 3 * 10 + 2 * (5 * 10 + 10) + 5 * 11 + 11, untied.parameterCount());
        // biases: H block 0, T block -2; weights within the init scale
        INDArray bias = untied.parameters().get(3).value();
        assertEquals(0.0, bias.getDouble(0, 4));
        assertEquals(-2.0, bias.getDouble(0, 5), 1e-7);
        assertTrue(untied.parameters().get(2).value().amaxNumber().doubleValue() <= RhnLanguageModel.INIT_SCALE);

        RhnLanguageModel tied = new RhnLanguageModel(new RhnSpec(11, 5, 5, 2, 0, 0, 0, 0, true), 1L);
        assertEquals(List.of("encoder.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_l0",
                "rnn.weight_hh_l1", "rnn.bias_l1", "decoder.bias"),
                tied.parameters().stream().map(Parameter::name).toList());
        assertArrayEquals(new long[] {5, 11}, tied.decoderWeight().shape());
        assertEquals(2, tied.weights().depth());
        assertEquals(5, tied.weights().hiddenSize());
    }

    @Test
    void sameSeedSameLossesAndWeightsBitForBit() {
        List<Double> first = trainedLosses(3L);
        List<Double> second = trainedLosses(3L);
        assertEquals(first, second);
        assertNotEquals(first, trainedLosses(4L));
    }

    private static List<Double> trainedLosses(long seed) {
        RhnLanguageModel model = new RhnLanguageModel(new RhnSpec(9, 6, 6, 3, 0.2, 0.3, 0.2, 0.3, true), seed);
        model.reseedDropout(seed + 100);
        RhnState state = model.initialState(3);
        List<Double> losses = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            BpttWindow window = LstmGradientCheckTest.randomWindow(9, 5, 3, 20L + w);
            losses.add(model.forwardBackward(window, state));
            for (Parameter p : model.parameters()) {
                p.value().subi(p.gradient().mul(0.5));
            }
        }
        losses.add(model.loss(LstmGradientCheckTest.randomWindow(9, 5, 3, 30L), state));
        return losses;
    }

    @Test
    void floatAndDoubleModelsAgree() {
        RhnSpec spec = new RhnSpec(13, 6, 8, 4, 0.2, 0.3, 0.2, 0.3, false);
        RhnLanguageModel f = new RhnLanguageModel(spec, 7L, DataType.FLOAT);
        RhnLanguageModel d = new RhnLanguageModel(spec, 7L, DataType.DOUBLE);
        f.reseedDropout(1L);
        d.reseedDropout(1L);
        RhnState sf = f.initialState(3);
        RhnState sd = d.initialState(3);
        for (int w = 0; w < 3; w++) {
            BpttWindow window = LstmGradientCheckTest.randomWindow(spec.vocabSize(), 5, 3, 10L + w);
            double lf = f.forwardBackward(window, sf);
            double ld = d.forwardBackward(window, sd);
            assertEquals(ld, lf, 1e-5 * Math.abs(ld), "loss of window " + w);
        }
        for (int k = 0; k < f.parameters().size(); k++) {
            INDArray gf = f.parameters().get(k).gradient().castTo(DataType.DOUBLE);
            INDArray gd = d.parameters().get(k).gradient();
            double maxAbs = gd.amaxNumber().doubleValue();
            double diff = gf.sub(gd).amaxNumber().doubleValue();
            assertTrue(diff <= 1e-4 * maxAbs + 1e-9, f.parameters().get(k).name() + ": max diff " + diff);
        }
        double diff = sf.hidden().castTo(DataType.DOUBLE).sub(sd.hidden()).amaxNumber().doubleValue();
        assertTrue(diff < 1e-5, "state differs by " + diff);
    }

    /** "0 1 2 ... 7" repeated with a little noise: easy to learn. */
    private static int[] repetitiveStream(int length, long seed) {
        Random random = new Random(seed);
        int[] s = new int[length];
        for (int i = 0; i < length; i++) {
            s[i] = random.nextInt(20) == 0 ? random.nextInt(8) : i % 8;
        }
        return s;
    }

    @Test
    void trainingWithSgdLowersLossAndPerplexity() {
        RhnLanguageModel model = new RhnLanguageModel(new RhnSpec(8, 16, 16, 3, 0.1, 0.1, 0.1, 0.1, true), 11L);
        BatchedStream train = BatchedStream.batchify(repetitiveStream(2_000, 1L), 4);
        int[] valid = repetitiveStream(400, 2L);
        double before = model.perplexity(valid, 2, 10);
        SgdTrainer trainer = new SgdTrainer(new SgdSettings(5.0, 0.5, 1e-7, 10, 0));
        EpochStats first = trainer.trainEpoch(model, train, 1, TrainingHooks.NONE);
        EpochStats last = first;
        for (int epoch = 2; epoch <= 6; epoch++) {
            last = trainer.trainEpoch(model, train, epoch, TrainingHooks.NONE);
        }
        double after = model.perplexity(valid, 2, 10);
        assertTrue(before > 6, "untrained perplexity " + before);
        assertTrue(after < 2.0, "perplexity after training " + after);
        assertTrue(last.trainLoss() < first.trainLoss() * 0.5, first + " -> " + last);
    }

    @Test
    void stateOfAnotherShapeIsRejected() {
        RhnLanguageModel model = new RhnLanguageModel(new RhnSpec(9, 4, 4, 2, 0, 0, 0, 0, true), 1L);
        BpttWindow window = LstmGradientCheckTest.randomWindow(9, 3, 2, 1L);
        assertThrows(IllegalArgumentException.class, () -> model.loss(window, model.initialState(3)));
        LstmLanguageModel lstm = new LstmLanguageModel(ModelSpec.uniform(9, 4, 4, 1, 0, true), 1L);
        assertThrows(IllegalArgumentException.class, () -> model.loss(window, lstm.initialState(2)));
    }
}
