package io.lsh.lm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.checkpoint.Checkpoint;
import io.lsh.lm.checkpoint.CheckpointException;
import io.lsh.lm.data.BatchedStream;
import io.lsh.lm.model.LstmLanguageModel;
import io.lsh.lm.model.ModelSpec;
import io.lsh.lm.model.Parameter;
import io.lsh.lm.model.ParameterSet;
import io.lsh.lm.prune.MaskSet;
import io.lsh.lm.prune.PruningConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class TrainingSessionTest {

    private static final ModelSpec SPEC = new ModelSpec(8, 6, List.of(7, 5), 0.3, false);
    private static final int BPTT = 7;
    private static final BatchedStream TRAIN = BatchedStream.batchify(repetitiveStream(600, 1L), 3);
    private static final BatchedStream VALID = BatchedStream.batchify(repetitiveStream(150, 2L), 2);

    @TempDir
    Path dir;

    /** "0 1 2 ... 7" repeated with a little noise. */
    private static int[] repetitiveStream(int length, long seed) {
        Random random = new Random(seed);
        int[] s = new int[length];
        for (int i = 0; i < length; i++) {
            s[i] = random.nextInt(20) == 0 ? random.nextInt(8) : i % 8;
        }
        return s;
    }

    private static SgdSettings sgd(double lr) {
        return new SgdSettings(lr, 0.25, 1e-3, BPTT, 0);
    }

    private static float[] weights(ParameterSet model) {
        List<Float> all = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            for (float f : p.value().data().asFloat()) {
                all.add(f);
            }
        }
        float[] out = new float[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }

    @Test
    void plainSgdSessionGivesSgdTrainersNumbersBitForBit() {
        LstmLanguageModel a = new LstmLanguageModel(SPEC, 5L);
        LstmLanguageModel b = new LstmLanguageModel(SPEC, 5L);
        SgdTrainer trainer = new SgdTrainer(sgd(1.0));
        TrainingSession session = new TrainingSession(TrainingSettings.plainSgd(sgd(1.0)), b, null);
        for (int epoch = 1; epoch <= 2; epoch++) {
            a.reseedDropout(epoch);
            b.reseedDropout(epoch);
            double la = trainer.trainEpoch(a, TRAIN, epoch, TrainingHooks.NONE).trainLoss();
            double lb = session.trainEpoch(TRAIN, epoch, TrainingHooks.NONE).trainLoss();
            assertEquals(Double.doubleToRawLongBits(la), Double.doubleToRawLongBits(lb));
            session.recordValidation(session.evaluate(() -> b.meanLoss(VALID, BPTT)));
        }
        assertArrayEquals(weights(a), weights(b));
    }

    @Test
    void scheduleSetsEachEpochsRate() {
        LstmLanguageModel model = new LstmLanguageModel(SPEC, 5L);
        TrainingSession session = new TrainingSession(new TrainingSettings(sgd(2.0), new OptimizerSettings.Sgd(),
                new LearningRateSchedule.DecayOnPlateau(4), 0), model, null);
        assertEquals(2.0, session.learningRate(1));
        session.recordValidation(3.0);
        session.recordValidation(3.5);
        assertEquals(0.5, session.learningRate(3));
        // the epoch trains with the scheduled rate: one window of plain SGD at 0.5 = SgdTrainer at 0.5
        LstmLanguageModel reference = new LstmLanguageModel(SPEC, 5L);
        new SgdTrainer(new SgdSettings(0.5, 0.25, 1e-3, BPTT, 1)).trainEpoch(reference, TRAIN, 3, null);
        TrainingSession oneWindow = new TrainingSession(new TrainingSettings(new SgdSettings(2.0, 0.25, 1e-3, BPTT,
                1), new OptimizerSettings.Sgd(), new LearningRateSchedule.DecayOnPlateau(4), 0), model, null);
        oneWindow.recordValidation(3.0);
        oneWindow.recordValidation(3.5);
        oneWindow.trainEpoch(TRAIN, 3, null);
        assertArrayEquals(weights(reference), weights(model));
    }

    /** Adam against a textbook implementation in float64 (m-hat / (sqrt(v-hat) + eps), algebraically PyTorch's). */
    private static void checkAdamAgainstReference(boolean decoupled) {
        ModelSpec spec = new ModelSpec(8, 6, List.of(7), 0.0, false);
        LstmLanguageModel model = new LstmLanguageModel(spec, 9L, DataType.DOUBLE);
        double lr = 0.01;
        double wd = 0.1;
        OptimizerSettings.Adam adam = new OptimizerSettings.Adam(0.8, 0.95, 1e-6, decoupled);
        TrainingSession session = new TrainingSession(new TrainingSettings(new SgdSettings(lr, 0, wd, BPTT, 4), adam,
                new LearningRateSchedule.Constant(), 0), model, null);
        Map<String, double[]> w = new LinkedHashMap<>();
        Map<String, double[]> m = new LinkedHashMap<>();
        Map<String, double[]> v = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) {
            w.put(p.name(), p.value().data().asDouble());
            m.put(p.name(), new double[(int) p.size()]);
            v.put(p.name(), new double[(int) p.size()]);
        }
        int[] t = {0};
        session.trainEpoch(TRAIN, 1, new TrainingHooks() {
            @Override
            public void afterBackward(ParameterSet parameters) {
                t[0]++;
                for (Parameter p : parameters.parameters()) {
                    double[] g = p.gradient().data().asDouble();
                    double[] wp = w.get(p.name());
                    double[] mp = m.get(p.name());
                    double[] vp = v.get(p.name());
                    for (int i = 0; i < g.length; i++) {
                        double gi = decoupled ? g[i] : g[i] + wd * wp[i];
                        if (decoupled) {
                            wp[i] *= 1 - lr * wd;
                        }
                        mp[i] = 0.8 * mp[i] + 0.2 * gi;
                        vp[i] = 0.95 * vp[i] + 0.05 * gi * gi;
                        double mHat = mp[i] / (1 - Math.pow(0.8, t[0]));
                        double vHat = vp[i] / (1 - Math.pow(0.95, t[0]));
                        wp[i] -= lr * mHat / (Math.sqrt(vHat) + 1e-6);
                    }
                }
            }
        });
        assertEquals(4, t[0]);
        double maxMove = 0;
        for (Parameter p : model.parameters()) {
            double[] actual = p.value().data().asDouble();
            double[] expected = w.get(p.name());
            for (int i = 0; i < actual.length; i++) {
                assertEquals(expected[i], actual[i], 1e-12, p.name() + "[" + i + "]");
            }
        }
        for (double[] mp : m.values()) {
            for (double x : mp) {
                maxMove = Math.max(maxMove, Math.abs(x));
            }
        }
        assertTrue(maxMove > 0, "gradients were all zero: the check would prove nothing");
    }

    @Test
    void adamWithL2DecayMatchesTheTextbookUpdate() {
        checkAdamAgainstReference(false);
    }

    @Test
    void adamWithDecoupledDecayMatchesTheTextbookUpdate() {
        checkAdamAgainstReference(true);
    }

    @Test
    void adamKeepsMaskedWeightsGradientsAndMomentsExactlyZero() {
        LstmLanguageModel model = new LstmLanguageModel(SPEC, 4L);
        MaskSet masks = MaskSet.create(model, PruningConfig.of(0.6, "uniform", "magnitude", "random", "none", 0.5),
                new SplittableRandom(3));
        TrainingSession session = new TrainingSession(new TrainingSettings(new SgdSettings(0.01, 0.25, 1e-2, BPTT,
                10), new OptimizerSettings.Adam(0.9, 0.999, 1e-8, false), new LearningRateSchedule.Constant(), 0),
                model, masks);
        TrainingHooks hooks = maskHooks(masks);
        long regrown = 0;
        for (int epoch = 1; epoch <= 4; epoch++) {
            if (epoch > 1) {
                var stats = masks.pruneAndRegrow(0.5, new SplittableRandom(epoch));
                regrown += stats.totalRegrown();
                session.onMasksUpdated(stats);
            }
            session.trainEpoch(TRAIN, epoch, hooks);
            TrainingState state = session.exportState();
            Map<String, boolean[]> active = masks.exportMasks();
            long checked = 0;
            for (Parameter p : model.parameters()) {
                boolean[] mask = active.get(p.name());
                if (mask == null) {
                    continue;
                }
                float[] w = p.value().data().asFloat();
                float[] g = p.gradient().data().asFloat();
                float[] m = state.tensors().get("optimizer/adam.m/" + p.name()).data().asFloat();
                float[] v = state.tensors().get("optimizer/adam.v/" + p.name()).data().asFloat();
                for (int i = 0; i < mask.length; i++) {
                    if (!mask[i]) {
                        String where = "epoch " + epoch + " " + p.name() + "[" + i + "]";
                        assertEquals(0f, w[i], 0f, where + " weight");
                        assertEquals(0f, g[i], 0f, where + " gradient");
                        assertEquals(0f, m[i], 0f, where + " first moment");
                        assertEquals(0f, v[i], 0f, where + " second moment");
                        checked++;
                    }
                }
            }
            assertTrue(checked > 0);
        }
        assertTrue(regrown > 0, "prune/regrow changed nothing: the moment clearing went untested");
    }

    private static TrainingHooks maskHooks(MaskSet masks) {
        return new TrainingHooks() {
            @Override
            public void afterBackward(ParameterSet parameters) {
                masks.applyToGradients();
            }

            @Override
            public void afterUpdate(ParameterSet parameters) {
                masks.applyToWeights();
            }
        };
    }

    @Test
    void ntAsgdSwitchesOnTheTriggerAndEvaluatesTheAverageOfTheIterates() {
        LstmLanguageModel model = new LstmLanguageModel(SPEC, 6L);
        TrainingSession session = new TrainingSession(new TrainingSettings(new SgdSettings(1.0, 0.25, 1e-3, BPTT,
                6), new OptimizerSettings.Sgd(), new LearningRateSchedule.Constant(), 1), model, null);
        assertFalse(session.recordValidation(3.0));
        assertFalse(session.recordValidation(2.0));
        assertFalse(session.averaging());
        assertTrue(session.recordValidation(5.0)); // 5 > min(3) of all but the last 1
        assertTrue(session.averaging());
        List<float[]> iterates = new ArrayList<>();
        session.trainEpoch(TRAIN, 4, new TrainingHooks() {
            @Override
            public void afterUpdate(ParameterSet parameters) {
                iterates.add(weights(parameters));
            }
        });
        assertEquals(6, iterates.size());
        float[] live = weights(model);
        float[] evaluated = session.evaluate(() -> weights(model));
        assertArrayEquals(live, weights(model), "live weights must be back after the evaluation");
        int differing = 0;
        for (int i = 0; i < live.length; i++) {
            double mean = 0;
            for (float[] w : iterates) {
                mean += w[i];
            }
            mean /= iterates.size();
            assertEquals(mean, evaluated[i], 1e-6 * Math.max(1, Math.abs(mean)), "entry " + i);
            differing += evaluated[i] != live[i] ? 1 : 0;
        }
        assertTrue(differing > live.length / 2, "the average should differ from the last iterate");
    }

    /** One training run in work items, as the worker runs trials: restore, train epochs, checkpoint. */
    private List<Double> run(TrainingSettings settings, boolean sparse, int fromEpoch, int toEpoch, Path in, Path out,
                             float[][] finalWeights) {
        LstmLanguageModel model = new LstmLanguageModel(SPEC, 17L);
        MaskSet masks = sparse ? MaskSet.create(model, PruningConfig.of(0.5, "ER", "magnitude", "random", "none",
                0.4), new SplittableRandom(5)) : null;
        TrainingSession session = new TrainingSession(settings, model, masks);
        session.reseedWindowLengths(4242L);
        if (in != null) {
            Checkpoint c = Checkpoint.read(in);
            c.restoreInto(model);
            if (masks != null) {
                masks.restore(c.masks());
            }
            session.restoreState(c.metadata(), c.tensors(), in.toString());
        }
        TrainingHooks hooks = masks == null ? TrainingHooks.NONE : maskHooks(masks);
        List<Double> numbers = new ArrayList<>();
        for (int epoch = fromEpoch + 1; epoch <= toEpoch; epoch++) {
            if (masks != null && epoch > 1) {
                session.onMasksUpdated(masks.pruneAndRegrow(0.3, new SplittableRandom(1000 + epoch)));
            }
            model.reseedDropout(77L * epoch);
            numbers.add(session.trainEpoch(TRAIN, epoch, hooks).trainLoss());
            double valid = session.evaluate(() -> model.meanLoss(VALID, BPTT));
            numbers.add(valid);
            numbers.add(session.learningRate(epoch));
            // a bump at epoch 3 makes the plateau schedule decay and NT-ASGD (n = 1) switch there
            session.recordValidation(valid + (epoch == 3 ? 10 : 0));
            numbers.add(session.averaging() ? 1.0 : 0.0);
        }
        if (out != null) {
            TrainingState state = session.exportState();
            Checkpoint.capture(model, Map.of("epoch", Integer.toString(toEpoch)),
                    masks == null ? Map.of() : masks.exportMasks(), state.metadata(), state.tensors()).write(out);
        }
        finalWeights[0] = weights(model);
        return numbers;
    }

    private void assertResumeIsBitIdentical(TrainingSettings settings, boolean sparse) {
        float[][] straight = new float[1][];
        List<Double> all = run(settings, sparse, 0, 6, null, null, straight);
        float[][] resumed = new float[1][];
        Path first = dir.resolve("first.lshc");
        List<Double> part = new ArrayList<>(run(settings, sparse, 0, 4, null, first, resumed));
        Path second = dir.resolve("second.lshc");
        part.addAll(run(settings, sparse, 4, 5, first, second, resumed));
        part.addAll(run(settings, sparse, 5, 6, second, null, resumed));
        assertEquals(all, part); // Double.equals compares the bits
        assertArrayEquals(straight[0], resumed[0]);
    }

    @Test
    void resumingSgdWithAPlateauScheduleIsBitIdentical() {
        TrainingSettings s = new TrainingSettings(sgd(1.0), new OptimizerSettings.Sgd(),
                new LearningRateSchedule.DecayOnPlateau(4), 0);
        assertResumeIsBitIdentical(s, true);
        float[][] w = new float[1][];
        List<Double> numbers = run(s, true, 0, 6, null, null, w);
        // the rates follow the /4 rule on the recorded validation losses
        double best = Double.POSITIVE_INFINITY;
        double rate = 1.0;
        int decays = 0;
        for (int e = 1; e <= 6; e++) {
            assertEquals(rate, numbers.get(4 * (e - 1) + 2), 0.0, "rate of epoch " + e);
            double recorded = numbers.get(4 * (e - 1) + 1) + (e == 3 ? 10 : 0);
            if (recorded < best) {
                best = recorded;
            } else {
                rate /= 4;
                decays++;
            }
        }
        assertTrue(decays >= 1);
    }

    @Test
    void resumingAdamIsBitIdentical() {
        assertResumeIsBitIdentical(new TrainingSettings(sgd(0.01), OptimizerSettings.Adam.defaults(),
                new LearningRateSchedule.Cosine(6, 0.001), 0), true);
    }

    @Test
    void resumingNtAsgdWhileAveragingSparseWeightsIsBitIdentical() {
        TrainingSettings s = new TrainingSettings(sgd(1.0), new OptimizerSettings.Sgd(),
                new LearningRateSchedule.Constant(), 1);
        assertResumeIsBitIdentical(s, true);
        float[][] w = new float[1][];
        List<Double> numbers = run(s, true, 0, 6, null, null, w);
        assertEquals(0.0, numbers.get(3 + 4)); // not averaging after epoch 2
        assertEquals(1.0, numbers.get(3 + 4 * 2)); // switched after epoch 3
        assertResumeIsBitIdentical(s, false);
    }

    @Test
    void aCheckpointOfAnotherOptimizerIsRejectedWithAClearMessage() {
        Path adamFile = dir.resolve("adam.lshc");
        float[][] w = new float[1][];
        run(new TrainingSettings(sgd(0.01), OptimizerSettings.Adam.defaults(), new LearningRateSchedule.Constant(), 0),
                false, 0, 1, null, adamFile, w);
        CheckpointException e = assertThrows(CheckpointException.class, () -> run(TrainingSettings.plainSgd(sgd(1.0)),
                false, 1, 2, adamFile, null, w));
        assertTrue(e.getMessage().contains("training.optimizer = adam") && e.getMessage().contains("sgd")
                && e.getMessage().contains(adamFile.toString()), e.getMessage());

        Path weightsOnly = dir.resolve("weights-only.lshc");
        Checkpoint.capture(new LstmLanguageModel(SPEC, 17L), Map.of(), Map.of()).write(weightsOnly);
        e = assertThrows(CheckpointException.class, () -> run(TrainingSettings.plainSgd(sgd(1.0)), false, 1, 2,
                weightsOnly, null, w));
        assertTrue(e.getMessage().contains("no optimizer state"), e.getMessage());
    }

    @Test
    void differentOptimizersGiveDifferentNumbers() {
        float[][] w = new float[1][];
        List<Double> plain = run(TrainingSettings.plainSgd(sgd(1.0)), false, 0, 2, null, null, w);
        List<Double> adam = run(new TrainingSettings(sgd(0.01), OptimizerSettings.Adam.defaults(),
                new LearningRateSchedule.Constant(), 0), false, 0, 2, null, null, w);
        assertNotEquals(plain.get(0), adam.get(0));
    }

    @Test
    void awdWindowLengthsFollowTheirDistribution() {
        SplittableRandom random = new SplittableRandom(11L);
        int n = 100_000;
        int halved = 0;
        long sum = 0;
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int i = 0; i < n; i++) {
            int length = BpttLength.AWD.nextLength(70, random);
            halved += length < 53 ? 1 : 0; // N(35, 5) vs N(70, 5): 3.5 sigma apart at 53
            sum += length;
            min = Math.min(min, length);
            max = Math.max(max, length);
        }
        assertEquals(0.05, halved / (double) n, 0.004, "5% of the windows have base bptt / 2");
        // (int) of N(mu, 5) has mean mu - 0.5: 0.95 * 69.5 + 0.05 * 34.5
        assertEquals(67.75, sum / (double) n, 0.15, "mean length");
        assertTrue(min >= 5 && max <= 110, min + ".." + max);
        // short bptt: the floor of 5 takes every draw below 6: 0.95 Phi(0) + 0.05 Phi(0.6) = 0.5113
        int fives = 0;
        for (int i = 0; i < n; i++) {
            int length = BpttLength.AWD.nextLength(6, random);
            assertTrue(length >= 5, "min 5: " + length);
            fives += length == 5 ? 1 : 0;
        }
        assertEquals(0.5113, fives / (double) n, 0.006);
        // the cap bptt + 40 (AWD-LSTM-MoS max_seq_len_delta), on a draw 10 sigma above the mean
        java.util.random.RandomGenerator tenSigma = new java.util.random.RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextDouble() {
                return 0.5;
            }

            @Override
            public double nextGaussian() {
                return 10;
            }
        };
        assertEquals(35 + 40, BpttLength.AWD.nextLength(35, tenSigma));
        assertEquals(35, BpttLength.FIXED.nextLength(35, tenSigma));
        // seeded: the same stream gives the same lengths
        SplittableRandom a = new SplittableRandom(3L);
        SplittableRandom b = new SplittableRandom(3L);
        for (int i = 0; i < 100; i++) {
            assertEquals(BpttLength.AWD.nextLength(35, a), BpttLength.AWD.nextLength(35, b));
        }
        assertEquals(BpttLength.AWD, BpttLength.fromSettingName("awd"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BpttLength.fromSettingName("random"));
        assertTrue(e.getMessage().contains("lsh.training.bptt-jitter 'random'"), e.getMessage());
    }

    @Test
    void awdWindowsAreConsecutiveAndTheirUpdatesUseTheScaledRate() {
        int bptt = 12;
        LstmLanguageModel model = new LstmLanguageModel(new ModelSpec(8, 6, List.of(7, 5), 0.0, false), 17L,
                DataType.DOUBLE);
        TrainingSession session = new TrainingSession(new TrainingSettings(new SgdSettings(0.5, 0, 0, bptt, 0),
                new OptimizerSettings.Sgd(), new LearningRateSchedule.Constant(), 0, BpttLength.AWD), model, null);
        session.reseedWindowLengths(9L);
        INDArray w = model.layer(0).recurrentWeights();
        List<int[]> windows = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        double[] before = new double[2];
        double[] maxError = {0};
        session.trainEpoch(TRAIN, 1, new TrainingHooks() {
            @Override
            public void beforeStep(io.lsh.lm.data.BpttWindow window, double learningRate) {
                windows.add(new int[] {window.length(), window.inputs()[0]});
                rates.add(learningRate);
            }

            @Override
            public void afterBackward(ParameterSet parameters) {
                before[0] = w.getDouble(1, 2);
                before[1] = model.parameters().get(2).gradient().getDouble(1, 2);
            }

            @Override
            public void afterUpdate(ParameterSet parameters) {
                double expected = before[0] - rates.get(rates.size() - 1) * before[1];
                maxError[0] = Math.max(maxError[0], Math.abs(w.getDouble(1, 2) - expected));
            }
        });
        assertTrue(maxError[0] < 1e-15, "w -= (lr * len / bptt) g: " + maxError[0]);
        int position = 0;
        java.util.Set<Integer> lengths = new java.util.HashSet<>();
        for (int k = 0; k < windows.size(); k++) {
            int length = windows.get(k)[0];
            assertEquals(TRAIN.token(position, 0), windows.get(k)[1], "window " + k + " starts where the last ended");
            boolean last = k == windows.size() - 1;
            assertTrue(last ? length <= 52 : length >= 5 && length <= bptt + 40, "length " + length);
            if (!last) {
                assertEquals(0.5 * length / bptt, rates.get(k), 0.0, "lr scaled by seq_len / bptt");
                lengths.add(length);
            }
            position += length;
        }
        assertTrue(position >= TRAIN.steps() - 2 && position - windows.get(windows.size() - 1)[0] < TRAIN.steps() - 2,
                "the epoch ends once fewer than two steps remain: " + position + " of " + TRAIN.steps());
        assertTrue(lengths.size() > 3, "the lengths vary: " + lengths);
    }

    @Test
    void resumingWithAwdWindowLengthsIsBitIdentical() {
        TrainingSettings fixed = new TrainingSettings(sgd(1.0), new OptimizerSettings.Sgd(),
                new LearningRateSchedule.Constant(), 1);
        TrainingSettings awd = fixed.withBpttLength(BpttLength.AWD);
        assertResumeIsBitIdentical(awd, true);
        float[][] w = new float[1][];
        assertNotEquals(run(fixed, true, 0, 2, null, null, w), run(awd, true, 0, 2, null, null, w),
                "random lengths train other windows");

        Path awdFile = dir.resolve("awd.lshc");
        run(awd, false, 0, 1, null, awdFile, w);
        CheckpointException e = assertThrows(CheckpointException.class, () -> run(fixed, false, 1, 2, awdFile, null,
                w));
        assertTrue(e.getMessage().contains("training.bptt-jitter = awd") && e.getMessage().contains("fixed"),
                e.getMessage());
    }
}
