package io.lsh.lm.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.data.BatchedStream;
import io.lsh.lm.model.LstmLanguageModel;
import io.lsh.lm.model.ModelSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Training throughput (tokens/s) of the FLOAT fast path, the figures docs/dl4j-notes.md compares against. Not a unit
 * test: tagged "slow", run with
 * {@code OMP_WAIT_POLICY=PASSIVE mvn -pl worker/lm-core test -Dtest=TrainingSpeedBenchmark -Dlsh.test.excludedGroups=}.
 * Prints the median of per-window throughputs (this VM swings +-30% between runs).
 */
@Tag("slow")
class TrainingSpeedBenchmark {

    @Test
    void smallLstm2x200Vocab10k() {
        run("2x200 V=10000", new ModelSpec(10_000, 200, List.of(200, 200), 0.2, false), 10, 60);
    }

    @Test
    void tinyLstm2x64Vocab2k() {
        run("2x64 V=2000", new ModelSpec(2_000, 64, List.of(64, 64), 0.2, false), 30, 300);
    }

    private static void run(String label, ModelSpec spec, int warmup, int measured) {
        int batch = 20;
        int bptt = 35;
        Random random = new Random(1);
        int[] stream = new int[batch * bptt * (warmup + measured + 2)];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = random.nextInt(spec.vocabSize());
        }
        BatchedStream data = BatchedStream.batchify(stream, batch);
        LstmLanguageModel model = new LstmLanguageModel(spec, 1L);
        SgdTrainer trainer = new SgdTrainer(new SgdSettings(1.0, 0.25, 1.2e-6, bptt, 1));
        // one window per "epoch" to time each window separately
        SgdTrainer warm = new SgdTrainer(new SgdSettings(1.0, 0.25, 1.2e-6, bptt, warmup));
        warm.trainEpoch(model, data, 0, TrainingHooks.NONE);
        double[] rates = new double[measured];
        long tokens = 0;
        long start = System.nanoTime();
        for (int i = 0; i < measured; i++) {
            EpochStats s = trainer.trainEpoch(model, data, i + 1, TrainingHooks.NONE);
            rates[i] = s.tokensPerSecond();
            tokens += s.tokens();
        }
        double overall = tokens / ((System.nanoTime() - start) / 1e9);
        Arrays.sort(rates);
        System.out.printf("BENCH %s B=%d T=%d: median %.0f tokens/s, overall %.0f tokens/s (p10 %.0f, p90 %.0f)%n",
                label, batch, bptt, rates[measured / 2], overall, rates[measured / 10], rates[measured * 9 / 10]);
        assertTrue(rates[measured / 2] > 0);
    }
}
