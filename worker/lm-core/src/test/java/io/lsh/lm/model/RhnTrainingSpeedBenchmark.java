package io.lsh.lm.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.data.BatchedStream;
import io.lsh.lm.data.BpttWindow;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Training throughput (tokens/s, forward + backward, FLOAT) of {@link RhnLanguageModel}. Not a unit test: tagged
 * "slow", run with {@code OMP_WAIT_POLICY=PASSIVE mvn -pl worker/lm-core test -Dtest=RhnTrainingSpeedBenchmark
 * -Dlsh.test.excludedGroups=} and optional {@code -Dlsh.bench.rhn.hidden=830 -Dlsh.bench.rhn.depth=10
 * -Dlsh.bench.windows=5}. Prints the median per-window throughput (B=20, BPTT 35, V=10,000, paper dropouts).
 */
@Tag("slow")
class RhnTrainingSpeedBenchmark {

    @Test
    void paperSizedRhn() {
        int hidden = Integer.parseInt(System.getProperty("lsh.bench.rhn.hidden", "830"));
        int depth = Integer.parseInt(System.getProperty("lsh.bench.rhn.depth", "10"));
        int windows = Integer.parseInt(System.getProperty("lsh.bench.windows", "5"));
        RhnSpec spec = new RhnSpec(10_000, hidden, hidden, depth, 0.25, 0.75, 0.25, 0.75, true);
        int batch = 20;
        int bptt = 35;
        Random random = new Random(1);
        int[] stream = random.ints(batch * bptt * (windows + 3), 0, spec.vocabSize()).toArray();
        BatchedStream data = BatchedStream.batchify(stream, batch);
        RhnLanguageModel model = new RhnLanguageModel(spec, 1L);
        RhnState state = model.initialState(batch);
        model.forwardBackward(data.window(0, bptt), state); // warm-up, not timed
        double[] rates = new double[windows];
        for (int i = 0; i < windows; i++) {
            BpttWindow w = data.window(i + 1, bptt);
            long start = System.nanoTime();
            model.forwardBackward(w, state);
            rates[i] = w.tokenCount() / ((System.nanoTime() - start) / 1e9);
        }
        Arrays.sort(rates);
        System.out.printf(Locale.ROOT, "BENCH RHN %d depth %d V=10000 B=%d T=%d: median %.0f tokens/s (min %.0f, max "
                + "%.0f)%n", hidden, depth, batch, bptt, rates[windows / 2], rates[0], rates[windows - 1]);
        assertTrue(rates[windows / 2] > 0);
    }
}
