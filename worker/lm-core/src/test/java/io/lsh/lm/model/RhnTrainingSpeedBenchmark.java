package io.lsh.lm.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.data.BatchedStream;
import io.lsh.lm.train.EpochStats;
import io.lsh.lm.train.SgdSettings;
import io.lsh.lm.train.SgdTrainer;
import io.lsh.lm.train.TrainingHooks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Training throughput (tokens/s: forward, backward, clipping and SGD update per BPTT window, FLOAT) of
 * {@link RhnLanguageModel} and, in the same run, of the PyTorch peer {@code bench/rhn_train_torch.py} with the same
 * sizes (when /usr/bin/python3 has torch). Not a unit test: tagged "slow", run with
 * {@code OMP_WAIT_POLICY=PASSIVE mvn -pl worker/lm-core test -Dtest=RhnTrainingSpeedBenchmark
 * -Dlsh.test.excludedGroups=} and optional {@code -Dlsh.bench.rhn.hidden=830 -Dlsh.bench.rhn.depth=10
 * -Dlsh.bench.windows=5}. Prints the median per-window throughputs (B=20, BPTT 35, V=10,000, paper dropouts, tied).
 */
@Tag("slow")
class RhnTrainingSpeedBenchmark {

    @Test
    void paperSizedRhn() throws Exception {
        int hidden = Integer.parseInt(System.getProperty("lsh.bench.rhn.hidden", "830"));
        int depth = Integer.parseInt(System.getProperty("lsh.bench.rhn.depth", "10"));
        int windows = Integer.parseInt(System.getProperty("lsh.bench.windows", "5"));
        RhnSpec spec = new RhnSpec(10_000, hidden, hidden, depth, 0.25, 0.75, 0.25, 0.75, true);
        int batch = 20;
        int bptt = 35;
        Random random = new Random(1);
        int[] stream = random.ints(batch * bptt * 3, 0, spec.vocabSize()).toArray();
        BatchedStream data = BatchedStream.batchify(stream, batch);
        RhnLanguageModel model = new RhnLanguageModel(spec, 1L);
        SgdTrainer trainer = new SgdTrainer(new SgdSettings(0.2, 10.0, 1e-7, bptt, 1)); // one window per "epoch"
        trainer.trainEpoch(model, data, 0, TrainingHooks.NONE); // warm-up, not timed
        double[] rates = new double[windows];
        for (int i = 0; i < windows; i++) {
            EpochStats s = trainer.trainEpoch(model, data, i + 1, TrainingHooks.NONE);
            rates[i] = s.tokensPerSecond();
        }
        Arrays.sort(rates);
        double java = rates[windows / 2];
        System.out.printf(Locale.ROOT, "BENCH RHN %d depth %d V=10000 B=%d T=%d: Java median %.0f tokens/s (min %.0f,"
                + " max %.0f)%n", hidden, depth, batch, bptt, java, rates[0], rates[windows - 1]);
        assertTrue(java > 0);
        Path script = peerScript();
        if (script != null) {
            ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", script.toString(), "--hidden",
                    String.valueOf(hidden), "--depth", String.valueOf(depth), "--windows", String.valueOf(windows));
            pb.environment().remove("OPENBLAS_CORETYPE");
            pb.environment().remove("OPENBLAS_L2_SIZE");
            Process p = pb.redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor(3600, TimeUnit.SECONDS) && p.exitValue() == 0) {
                String last = out.substring(out.lastIndexOf('\n') + 1);
                double torch = Double.parseDouble(last.replaceAll(".*\"median_tokens_per_s\": ([0-9.eE+-]+).*", "$1"));
                System.out.printf(Locale.ROOT, "BENCH RHN PyTorch %s; Java / PyTorch throughput %.2f%n", last,
                        java / torch);
            } else {
                System.out.println("BENCH RHN PyTorch peer failed: " + out);
            }
        }
    }

    /** bench/rhn_train_torch.py if /usr/bin/python3 can import torch, else null. */
    private static Path peerScript() throws Exception {
        Process check = new ProcessBuilder("/usr/bin/python3", "-c", "import torch").redirectErrorStream(true).start();
        check.getInputStream().readAllBytes();
        if (!check.waitFor(120, TimeUnit.SECONDS) || check.exitValue() != 0) {
            return null;
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("bench").resolve("rhn_train_torch.py");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
