package io.lsh.lm.spectrum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lsh.lm.model.RhnWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Side-by-side speed of the Java RHN spectrum ({@link LyapunovSpectrum#ofRhn}) and the PyTorch peer
 * (bench/lyapunov_rhn_torch.py) in one run: the same random RHN (H = 830, D = 10, V = 1000, float64), tokens and
 * settings (T=35, W=10, B=2, k = all, true Jacobian, the peer orthonormalising after every warm-up step like the
 * engine, so both do the same work; the leading exponent and the sum are asserted equal). Java and PyTorch repetitions are
 * interleaved; medians, the ratio Java/PyTorch and both peak RSS are printed. Tagged "slow"; see bench/README.md:
 * {@code OMP_WAIT_POLICY=PASSIVE mvn -pl worker/lm-core test -Dtest=RhnSpectrumBenchmarkTest -Dlsh.test.excludedGroups=}
 * with optional {@code -Dlsh.bench.rhn.hidden=830 -Dlsh.bench.rhn.depth=10 -Dlsh.bench.batches=2
 * -Dlsh.bench.reps=3}.
 */
@Tag("slow")
class RhnSpectrumBenchmarkTest {

    @TempDir
    Path dir;

    @Test
    void javaVersusPyTorch() throws Exception {
        assumeTrue(TorchPeer.available(), "needs /usr/bin/python3 with python3-torch (bench/ensure_torch.sh)");
        int hidden = Integer.parseInt(System.getProperty("lsh.bench.rhn.hidden", "830"));
        int depth = Integer.parseInt(System.getProperty("lsh.bench.rhn.depth", "10"));
        int[] batches = Arrays.stream(System.getProperty("lsh.bench.batches", "2").split(",")).map(String::trim)
                .mapToInt(Integer::parseInt).toArray();
        int reps = Integer.parseInt(System.getProperty("lsh.bench.reps", "3"));
        int maxBatch = Arrays.stream(batches).max().orElse(2);
        Random random = new Random(hidden);
        int vocabulary = 1000;
        INDArray embedding = TestSystems.gaussian(random, 1.0, DataType.DOUBLE, vocabulary, hidden);
        RhnWeights weights = RhnStepTest.randomWeights(random, hidden, hidden, depth, 1.0 / Math.sqrt(hidden), 0.0);
        int[] stream = random.ints(20_000, 0, vocabulary).toArray();
        SpectrumSettings base = SpectrumSettings.defaults();
        int[][] all = SpectrumInputs.firstWindows(stream, base.withBatch(maxBatch));
        Path model = dir.resolve("rhn" + hidden + "x" + depth);
        RhnTorchCrossCheckTest.writeModel(model, embedding, weights, all);
        StringBuilder table = new StringBuilder("| model | n = k | B | Java s (median) | PyTorch s (median) "
                + "| Java / PyTorch | Java runs | PyTorch runs |\n|---|---|---|---|---|---|---|---|\n");
        double peerRss = 0;
        try (TorchPeer peer = TorchPeer.serve(TorchPeer.script(RhnTorchCrossCheckTest.SCRIPT))) {
            System.out.println("peer: " + peer.request("{\"cmd\": \"info\"}"));
            LyapunovSpectrum.ofRhn(embedding, weights, new int[][] {all[0]}, base.withBatch(1).withSteps(2)
                    .withWarmup(1)); // JIT / library warm-up, not timed
            request(peer, model, 2, 1, 1);
            for (int batch : batches) {
                SpectrumSettings settings = base.withBatch(batch);
                int[][] sequences = Arrays.copyOf(all, batch);
                double[] javaSeconds = new double[reps];
                double[] torchSeconds = new double[reps];
                Spectrum spectrum = null;
                String reply = null;
                for (int rep = 0; rep < reps; rep++) {
                    spectrum = LyapunovSpectrum.ofRhn(embedding, weights, sequences, settings);
                    javaSeconds[rep] = spectrum.seconds();
                    reply = request(peer, model, settings.steps(), settings.warmup(), batch);
                    torchSeconds[rep] = TorchPeer.field(reply, "seconds");
                }
                peerRss = Math.max(peerRss, TorchPeer.field(reply, "peak_rss_mb"));
                double javaMedian = median(javaSeconds);
                double torchMedian = median(torchSeconds);
                table.append(String.format(Locale.ROOT, "| RHN %d depth %d | %d | %d | %.2f | %.2f | %.2f | %s | %s |%n",
                        hidden, depth, hidden, batch, javaMedian, torchMedian, javaMedian / torchMedian,
                        format(javaSeconds), format(torchSeconds)));
                System.out.printf(Locale.ROOT, "RHN %d depth %d B=%d: Java %s s, PyTorch %s s; max LE Java %.9f "
                                + "PyTorch %.9f, sum Java %.9f PyTorch %.9f%n", hidden, depth, batch,
                        format(javaSeconds), format(torchSeconds), spectrum.max(), TorchPeer.field(reply, "max"),
                        spectrum.sum(), TorchPeer.field(reply, "sum"));
                // the leading exponent agrees to rounding; the sum only to ~1e-5 relative: with a random RHN of
                // depth 10 the strongly contracting directions of one step's Jacobian are below float64 resolution
                assertEquals(TorchPeer.field(reply, "max"), spectrum.max(), 1e-6);
                assertEquals(TorchPeer.field(reply, "sum"), spectrum.sum(), 1e-4 * Math.abs(spectrum.sum()));
            }
        }
        System.out.println(table);
        System.out.printf(Locale.ROOT, "peak RSS: JVM %s, PyTorch peer %.0f MB%n", jvmPeakRss(), peerRss);
    }

    private static String request(TorchPeer peer, Path model, int steps, int warmup, int batch) throws Exception {
        return peer.request(String.format(Locale.ROOT, "{\"dir\": \"%s\", \"steps\": %d, \"warmup\": %d, \"batch\": %d,"
                + " \"warmup_qr\": \"every\"}", model.toString().replace("\\", "\\\\"), steps, warmup, batch));
    }

    private static String jvmPeakRss() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
                    .map(l -> l.replaceAll("\\s+", " ").substring(7)).findFirst().orElse("?");
        } catch (Exception e) {
            return "?";
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }

    private static String format(double[] v) {
        StringBuilder b = new StringBuilder();
        for (double x : v) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", x));
        }
        return b.toString();
    }
}
