package io.lsh.lm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.data.BatchedStream;
import io.lsh.lm.model.LstmLanguageModel;
import io.lsh.lm.model.ModelSpec;
import io.lsh.lm.model.Parameter;
import io.lsh.lm.model.ParameterSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SgdTrainerTest {

    private static final ModelSpec SPEC = new ModelSpec(8, 16, List.of(16, 16), 0.1, false);

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
    void trainingLowersLossAndPerplexity() {
        LstmLanguageModel model = new LstmLanguageModel(SPEC, 11L);
        BatchedStream train = BatchedStream.batchify(repetitiveStream(2_000, 1L), 4);
        int[] valid = repetitiveStream(400, 2L);
        double before = model.perplexity(valid, 2, 10);
        SgdTrainer trainer = new SgdTrainer(new SgdSettings(2.0, 0.5, 1e-6, 10, 0));
        EpochStats first = trainer.trainEpoch(model, train, 1, TrainingHooks.NONE);
        EpochStats last = first;
        for (int epoch = 2; epoch <= 6; epoch++) {
            last = trainer.trainEpoch(model, train, epoch, TrainingHooks.NONE);
        }
        double after = model.perplexity(valid, 2, 10);
        assertTrue(before > 6, "untrained perplexity " + before);
        assertTrue(after < 2.0, "perplexity after training " + after);
        assertTrue(last.trainLoss() < first.trainLoss() * 0.5, first + " -> " + last);
        assertEquals(6, last.epoch());
        assertEquals(Math.exp(last.trainLoss()), last.trainPerplexity(), 1e-9);
        assertEquals(train.targetCount(), last.tokens());
        assertTrue(last.seconds() > 0 && last.tokensPerSecond() > 0);
    }

    private static List<Double> lossesOfRun(long seed) {
        LstmLanguageModel model = new LstmLanguageModel(new ModelSpec(8, 6, List.of(7, 5), 0.3, false), seed);
        BatchedStream train = BatchedStream.batchify(repetitiveStream(600, 1L), 3);
        SgdTrainer trainer = new SgdTrainer(new SgdSettings(1.0, 0.25, 1e-3, 7, 0));
        List<Double> losses = new ArrayList<>();
        TrainingHooks recordWeightSums = new TrainingHooks() {
            @Override
            public void afterUpdate(ParameterSet parameters) {
                losses.add(parameters.parameters().get(2).value().sumNumber().doubleValue());
            }
        };
        for (int epoch = 1; epoch <= 3; epoch++) {
            losses.add(trainer.trainEpoch(model, train, epoch, recordWeightSums).trainLoss());
        }
        losses.add(model.perplexity(repetitiveStream(100, 3L), 2, 7));
        return losses;
    }

    @Test
    void sameSeedGivesBitwiseIdenticalLosses() {
        List<Double> a = lossesOfRun(21L);
        List<Double> b = lossesOfRun(21L);
        List<Double> c = lossesOfRun(22L);
        assertEquals(a, b); // Double.equals compares the bits
        assertNotEquals(a, c);
    }

    @Test
    void maskingHooksKeepPrunedWeightsAtZero() {
        LstmLanguageModel model = new LstmLanguageModel(SPEC, 12L);
        Map<String, INDArray> masks = new HashMap<>();
        Random random = new Random(4);
        for (Parameter p : model.parameters()) {
            if (p.prunable()) {
                INDArray mask = Nd4j.zeros(DataType.FLOAT, p.value().shape());
                for (long i = 0; i < mask.length(); i++) {
                    mask.putScalar(i, random.nextBoolean() ? 1f : 0f);
                }
                masks.put(p.name(), mask);
                p.value().muli(mask);
            }
        }
        Map<String, INDArray> initial = new HashMap<>();
        model.parameters().forEach(p -> initial.put(p.name(), p.value().dup()));
        int[] calls = new int[2];
        TrainingHooks hooks = new TrainingHooks() {
            @Override
            public void afterBackward(ParameterSet parameters) {
                calls[0]++;
                parameters.parameters().stream().filter(Parameter::prunable)
                        .forEach(p -> p.gradient().muli(masks.get(p.name())));
            }

            @Override
            public void afterUpdate(ParameterSet parameters) {
                calls[1]++;
                parameters.parameters().stream().filter(Parameter::prunable)
                        .forEach(p -> p.value().muli(masks.get(p.name())));
            }
        };
        BatchedStream train = BatchedStream.batchify(repetitiveStream(1_000, 5L), 4);
        SgdTrainer trainer = new SgdTrainer(new SgdSettings(1.0, 0.25, 0.01, 8, 5));
        EpochStats stats = trainer.trainEpoch(model, train, 1, hooks);
        assertEquals(5, calls[0]);
        assertEquals(5, calls[1]);
        assertEquals(5L * 8 * 4, stats.tokens());
        for (Parameter p : model.parameters()) {
            if (!p.prunable()) {
                continue;
            }
            INDArray mask = masks.get(p.name());
            INDArray pruned = p.value().mul(mask.rsub(1.0));
            assertEquals(0.0, pruned.amaxNumber().doubleValue(), 0.0, p.name() + " has a pruned weight != 0");
            INDArray activeChange = p.value().sub(initial.get(p.name())).mul(mask);
            assertTrue(activeChange.amaxNumber().doubleValue() > 0, p.name() + ": active weights should train");
        }
    }

    @Test
    void updateIsClippedSgdWithWeightDecay() {
        LstmLanguageModel model = new LstmLanguageModel(new ModelSpec(8, 6, List.of(7), 0.0, false), 3L,
                DataType.DOUBLE);
        double lr = 0.7;
        double wd = 0.05;
        double clip = 0.01;
        List<INDArray> valuesBefore = new ArrayList<>();
        List<INDArray> gradients = new ArrayList<>();
        double[] norms = new double[2];
        TrainingHooks capture = new TrainingHooks() {
            @Override
            public void afterBackward(ParameterSet parameters) {
                norms[0] = SgdTrainer.globalGradientNorm(parameters.parameters());
                for (Parameter p : parameters.parameters()) {
                    valuesBefore.add(p.value().dup());
                    gradients.add(p.gradient().dup());
                }
            }

            @Override
            public void afterUpdate(ParameterSet parameters) {
                norms[1] = SgdTrainer.globalGradientNorm(parameters.parameters());
            }
        };
        BatchedStream train = BatchedStream.batchify(repetitiveStream(200, 6L), 2);
        new SgdTrainer(new SgdSettings(lr, clip, wd, 5, 1)).trainEpoch(model, train, 1, capture);
        assertTrue(norms[0] > clip, "test needs a gradient norm above the clip, got " + norms[0]);
        double scale = clip / (norms[0] + 1e-6);
        for (int k = 0; k < model.parameters().size(); k++) {
            INDArray w0 = valuesBefore.get(k);
            INDArray expected = w0.sub(gradients.get(k).mul(scale).add(w0.mul(wd)).mul(lr));
            INDArray actual = model.parameters().get(k).value();
            assertTrue(expected.sub(actual).amaxNumber().doubleValue() < 1e-12, model.parameters().get(k).name());
        }
    }

    @Test
    void nonFiniteLossThrowsWithEpochAndStep() {
        LstmLanguageModel model = new LstmLanguageModel(SPEC, 13L);
        TrainingHooks poison = new TrainingHooks() {
            @Override
            public void afterUpdate(ParameterSet parameters) {
                INDArray decoderBias = parameters.parameters().get(parameters.parameters().size() - 1).value();
                for (long i = 0; i < decoderBias.length(); i++) {
                    decoderBias.putScalar(i, Float.NaN);
                }
            }
        };
        BatchedStream train = BatchedStream.batchify(repetitiveStream(500, 7L), 2);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new SgdTrainer(new SgdSettings(1.0, 0.25, 0, 10, 0)).trainEpoch(model, train, 3, poison));
        assertEquals(3, e.epoch());
        assertEquals(1, e.step());
        assertTrue(e.getMessage().contains("epoch 3") && e.getMessage().contains("step 1"), e.getMessage());
    }

    @Test
    void settingsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new SgdSettings(0, 0.25, 0, 35, 0));
        assertThrows(IllegalArgumentException.class, () -> new SgdSettings(1, -1, 0, 35, 0));
        assertThrows(IllegalArgumentException.class, () -> new SgdSettings(1, 0.25, -1, 35, 0));
        assertThrows(IllegalArgumentException.class, () -> new SgdSettings(1, 0.25, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SgdSettings(1, 0.25, 0, 35, -1));
        assertEquals(10.0, new SgdSettings(40, 0.25, 1.2e-6, 35, 0).withLearningRate(10).learningRate());
    }
}
