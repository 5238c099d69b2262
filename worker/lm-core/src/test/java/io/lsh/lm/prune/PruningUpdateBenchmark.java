package io.lsh.lm.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lsh.lm.data.BatchedStream;
import io.lsh.lm.model.LstmLanguageModel;
import io.lsh.lm.model.ModelSpec;
import io.lsh.lm.model.ParameterSet;
import io.lsh.lm.train.SgdSettings;
import io.lsh.lm.train.SgdTrainer;
import io.lsh.lm.train.TrainingHooks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Cost of one prune/regrow update ({@link MaskSet#pruneAndRegrow}) on the paper's 2x1500 stacked LSTM (setting A of
 * method.md section 2: V=10000, E=1500, untied, 66 M parameters) at sparsity 0.67, against one training epoch of
 * that model (issue 4, "Speed": the update must take under 5% of an epoch). Not a unit test: tagged "slow", run with
 * <pre>
 * OMP_WAIT_POLICY=PASSIVE mvn -B -o -pl worker/lm-core test -Dtest=PruningUpdateBenchmark -Dlsh.test.excludedGroups=
 * </pre>
 * Options: {@code -Dlsh.bench.reps} (update repetitions, default 3), {@code -Dlsh.bench.steps} (timed training steps,
 * default 4), {@code -Dlsh.bench.hidden} (H = E, default 1500).
 *
 * <p>Epoch estimate: the median of the timed training steps (B=20, T=35, one SGD step with clipping, weight decay
 * and the mask hooks, after one warm-up step) times 1,327 steps (929,589 PTB training tokens / (20 * 35)).
 */
@Tag("slow")
class PruningUpdateBenchmark {

    private static final int BATCH = 20;
    private static final int BPTT = 35;
    private static final long PTB_TRAIN_TOKENS = 929_589;

    @Test
    void updateVersusEpoch2x1500() {
        int hidden = Integer.getInteger("lsh.bench.hidden", 1500);
        int reps = Integer.getInteger("lsh.bench.reps", 3);
        int steps = Integer.getInteger("lsh.bench.steps", 4);
        ModelSpec spec = new ModelSpec(10_000, hidden, List.of(hidden, hidden), 0.65, false);
        LstmLanguageModel model = new LstmLanguageModel(spec, 1L);
        System.out.printf("BENCH model %s, %d parameters, load %s%n", spec, model.parameterCount(), load());

        // one masked training step, timed: forward/backward, gradient mask, clip, decay, SGD, weight mask
        MaskSet training = MaskSet.create(model, PruningConfig.of(0.67, "ER", "magnitude", "random", "nonzeros",
                0.5), new SplittableRandom(1));
        TrainingHooks hooks = new TrainingHooks() {
            @Override
            public void afterBackward(ParameterSet parameters) {
                training.applyToGradients();
            }

            @Override
            public void afterUpdate(ParameterSet parameters) {
                training.applyToWeights();
            }
        };
        Random random = new Random(2);
        int[] stream = new int[BATCH * BPTT * (steps + 3)];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = random.nextInt(spec.vocabSize());
        }
        BatchedStream data = BatchedStream.batchify(stream, BATCH);
        SgdTrainer trainer = new SgdTrainer(new SgdSettings(40.0, 0.25, 1.2e-6, BPTT, 1));
        trainer.trainEpoch(model, data, 0, hooks); // warm-up
        double[] stepSeconds = new double[steps];
        for (int i = 0; i < steps; i++) {
            long t0 = System.nanoTime();
            trainer.trainEpoch(model, data, i + 1, hooks);
            stepSeconds[i] = (System.nanoTime() - t0) / 1e9;
        }
        long stepsPerEpoch = PTB_TRAIN_TOKENS / (BATCH * BPTT);
        double step = median(stepSeconds);
        double epoch = step * stepsPerEpoch;
        System.out.printf("BENCH training step (B=%d, T=%d): median %.3f s of %s; epoch estimate %d steps x %.3f s"
                + " = %.0f s, load %s%n", BATCH, BPTT, step, Arrays.toString(round(stepSeconds)), stepsPerEpoch, step,
                epoch, load());

        // the model's last backward left a dense gradient (hooks masked it; refill for RigL growth)
        trainer.trainEpoch(model, data, steps + 1, TrainingHooks.NONE);
        // MaskSet.create masks the weights: restore the trained weights before every repetition
        List<org.nd4j.linalg.api.ndarray.INDArray> trained = model.parameters().stream().map(p -> p.value().dup())
                .toList();
        String[][] methods = {
            {"magnitude", "random", "none"},
            {"SET", "random", "none"},
            {"global_magnitude", "random", "none"},
            {"magnitude", "gradient", "none"},
            {"magnitude", "random", "nonzeros"},
            {"threshold", "random", "magnitude"},
        };
        List<String> rows = new ArrayList<>();
        for (String[] m : methods) {
            PruningConfig config = PruningConfig.of(0.67, "ER", m[0], m[1], m[2], 0.5);
            double[] seconds = new double[reps];
            long expectedZeros = -1;
            for (int r = 0; r < reps; r++) {
                for (int p = 0; p < trained.size(); p++) {
                    model.parameters().get(p).value().assign(trained.get(p));
                }
                MaskSet masks = MaskSet.create(model, config, new SplittableRandom(10 + r));
                expectedZeros = Math.round(0.67 * masks.totalEntries());
                long t0 = System.nanoTime();
                UpdateStats stats = masks.pruneAndRegrow(0.5, new SplittableRandom(20 + r));
                seconds[r] = (System.nanoTime() - t0) / 1e9;
                assertEquals(expectedZeros, masks.zeroCount());
                if (r == 0) {
                    System.out.printf("BENCH %s: removed %d regrown %d%n", config, stats.totalRemoved(),
                            stats.totalRegrown());
                }
            }
            double med = median(seconds);
            String row = String.format("| %s | %s | %s | %.2f | %s | %.3f%% |", m[0], m[1], m[2], med,
                    Arrays.toString(round(seconds)), 100 * med / epoch);
            rows.add(row);
            System.out.println("BENCH " + row + " load " + load());
        }
        // sparse ASGD bookkeeping, once per training step in the averaging phase
        SparseAverager averager = new SparseAverager(model, training);
        double[] accumulate = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            averager.accumulate();
            accumulate[r] = (System.nanoTime() - t0) / 1e9;
        }
        System.out.printf("BENCH SparseAverager.accumulate: median %.3f s of %s (%.1f%% of a training step)%n",
                median(accumulate), Arrays.toString(round(accumulate)), 100 * median(accumulate) / step);
        System.out.println("BENCH | death | growth | redistribution | update s (median) | runs | % of epoch |");
        System.out.println("BENCH |---|---|---|---|---|---|");
        rows.forEach(r -> System.out.println("BENCH " + r));
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    private static double[] round(double[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = Math.round(x[i] * 100) / 100.0;
        }
        return out;
    }

    private static String load() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "n/a";
        }
    }
}
