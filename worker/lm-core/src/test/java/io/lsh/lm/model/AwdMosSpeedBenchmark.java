package io.lsh.lm.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.data.BpttWindow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Training throughput of the AWD-LSTM-MoS paper preset (3 x [1150, 1150, 650], E 300, K 15, all dropouts, AR/TAR;
 * {@link AwdMosSpec#paperPreset}) on V = 10,000: one forward + backward per window (no optimizer step), median over
 * windows, and the share of the time spent in the Mixture-of-Softmaxes head. Then the PyTorch peer
 * ({@code bench/awd_mos_torch.py}, same architecture) in the same run when {@code /usr/bin/python3} has torch. Not a
 * unit test: tagged "slow", run with
 * {@code OMP_WAIT_POLICY=PASSIVE mvn -B -o -pl worker/lm-core test -Dtest=AwdMosSpeedBenchmark
 * -Dlsh.test.excludedGroups=} (-Dlsh.bench.batch, -Dlsh.bench.bptt, -Dlsh.bench.windows, -Dlsh.bench.vocab).
 */
@Tag("slow")
class AwdMosSpeedBenchmark {

    @Test
    void paperPresetForwardBackward() throws Exception {
        int vocab = Integer.getInteger("lsh.bench.vocab", 10_000);
        int batch = Integer.getInteger("lsh.bench.batch", 20);
        int bptt = Integer.getInteger("lsh.bench.bptt", 35);
        int windows = Integer.getInteger("lsh.bench.windows", 3);
        AwdMosSpec spec = AwdMosSpec.paperPreset(vocab);
        AwdMosLanguageModel model = new AwdMosLanguageModel(spec, 1L);
        System.out.printf("BENCH AWD-LSTM-MoS %s, %d parameters, B=%d T=%d, load %s%n", spec, model.parameterCount(),
                batch, bptt, load());
        LstmState state = model.initialState(batch);
        model.forwardBackward(LstmGradientCheckTest.randomWindow(vocab, bptt, batch, 0L), state); // warm-up
        long[] before = model.trainingNanos();
        double[] seconds = new double[windows];
        for (int i = 0; i < windows; i++) {
            BpttWindow w = LstmGradientCheckTest.randomWindow(vocab, bptt, batch, 1L + i);
            long start = System.nanoTime();
            double loss = model.forwardBackward(w, state);
            seconds[i] = (System.nanoTime() - start) / 1e9;
            assertTrue(Double.isFinite(loss));
        }
        long[] after = model.trainingNanos();
        double head = after[0] - before[0];
        double core = after[1] - before[1];
        double total = Arrays.stream(seconds).sum();
        Arrays.sort(seconds);
        int tokens = batch * bptt;
        double javaRate = tokens / seconds[windows / 2];
        System.out.printf("BENCH java: median %.2f s/window = %.0f tokens/s (overall %.0f tokens/s); MoS head %.0f%%,"
                + " LSTM core and embedding %.0f%%%n", seconds[windows / 2], javaRate, tokens * windows / total,
                100 * head / (head + core), 100 * core / (head + core));
        Path script = peerScript();
        if (script == null || !torchAvailable()) {
            System.out.println("BENCH torch peer not available (bench/ensure_torch.sh)");
            return;
        }
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), "--vocab", String.valueOf(vocab),
                "--batch", String.valueOf(batch), "--bptt", String.valueOf(bptt), "--windows",
                String.valueOf(windows)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(30, TimeUnit.MINUTES) && p.exitValue() == 0, out);
        String json = out.substring(out.lastIndexOf('{'));
        double torchRate = Double.parseDouble(json.replaceAll(".*\"median_tokens_per_s\": ([0-9.eE+-]+).*", "$1"));
        System.out.printf("BENCH torch: %s%nBENCH ratio java/torch (median tokens/s): %.2f, load %s%n", json,
                javaRate / torchRate, load());
    }

    private static Path peerScript() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("bench").resolve("awd_mos_torch.py");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static boolean torchAvailable() {
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }
}
