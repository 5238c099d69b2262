package io.lsh.lm.spectrum;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lsh.lm.model.LstmLayerWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Side-by-side speed of the Java engine and the PyTorch peer (bench/lyapunov_torch.py) in one run, same random
 * weights, tokens, sizes and precision (float64): stacked LSTM 2xH (k = 2H, all exponents), T=35, W=10, the authors'
 * preset (J transposed), B=2 and B=5. Java and PyTorch repetitions are interleaved; the medians and the ratio
 * Java/PyTorch are printed as a Markdown table. The peer runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed.
 * Tagged "slow"; see bench/README.md:
 * {@code OMP_WAIT_POLICY=PASSIVE mvn -pl worker/lm-core test -Dtest=SpectrumBenchmarkTest -Dlsh.test.excludedGroups=}
 * with optional {@code -Dlsh.bench.hidden=200,650 -Dlsh.bench.batches=2,5 -Dlsh.bench.reps=3}.
 */
@Tag("slow")
class SpectrumBenchmarkTest {

    @TempDir
    Path dir;

    @Test
    void javaVersusPyTorch() throws Exception {
        assumeTrue(TorchPeer.available(), "needs /usr/bin/python3 with python3-torch (bench/ensure_torch.sh)");
        int[] hiddenSizes = ints(System.getProperty("lsh.bench.hidden", "200,650"));
        int[] batches = ints(System.getProperty("lsh.bench.batches", "2,5"));
        int reps = Integer.parseInt(System.getProperty("lsh.bench.reps", "3"));
        int maxBatch = Arrays.stream(batches).max().orElse(5);
        StringBuilder table = new StringBuilder("| model | n = k | B | Java s (median) | PyTorch s (median) "
                + "| Java / PyTorch | Java runs | PyTorch runs |\n|---|---|---|---|---|---|---|---|\n");
        double peerRss = 0;
        try (TorchPeer peer = TorchPeer.serve()) {
            System.out.println("peer: " + peer.request("{\"cmd\": \"info\"}"));
            for (int hidden : hiddenSizes) {
                Random random = new Random(hidden);
                int vocabulary = 1000;
                INDArray embedding = TestSystems.gaussian(random, 1.0, DataType.DOUBLE, vocabulary, hidden);
                List<LstmLayerWeights> layers = TestSystems.randomLayers(random, hidden, new int[] {hidden, hidden},
                        1.0 / Math.sqrt(hidden), 0.0, DataType.DOUBLE);
                int[] stream = random.ints(20_000, 0, vocabulary).toArray();
                SpectrumSettings base = SpectrumSettings.authorsLstm();
                int[][] all = SpectrumInputs.firstWindows(stream, base.withBatch(maxBatch));
                Path model = dir.resolve("lstm2x" + hidden);
                TorchPeer.writeModel(model, embedding, layers, all);
                // JIT / library warm-up, not timed
                LyapunovSpectrum.ofLstm(embedding, layers, new int[][] {all[0]}, base.withBatch(1).withSteps(2)
                        .withWarmup(1));
                peer.time(model, true, 2, 1, 1);
                for (int batch : batches) {
                    SpectrumSettings settings = base.withBatch(batch);
                    int[][] sequences = Arrays.copyOf(all, batch);
                    double[] javaSeconds = new double[reps];
                    double[] torchSeconds = new double[reps];
                    Spectrum spectrum = null;
                    String reply = null;
                    for (int rep = 0; rep < reps; rep++) {
                        spectrum = LyapunovSpectrum.ofLstm(embedding, layers, sequences, settings);
                        javaSeconds[rep] = spectrum.seconds();
                        reply = peer.time(model, true, settings.steps(), settings.warmup(), batch);
                        torchSeconds[rep] = TorchPeer.field(reply, "seconds");
                    }
                    peerRss = Math.max(peerRss, TorchPeer.field(reply, "peak_rss_mb"));
                    double javaMedian = median(javaSeconds);
                    double torchMedian = median(torchSeconds);
                    table.append(String.format(Locale.ROOT, "| LSTM 2x%d | %d | %d | %.2f | %.2f | %.2f | %s | %s |%n",
                            hidden, 2 * hidden, batch, javaMedian, torchMedian, javaMedian / torchMedian,
                            format(javaSeconds), format(torchSeconds)));
                    System.out.printf(Locale.ROOT, "2x%d B=%d: Java %s s, PyTorch %s s; max LE Java %.6f PyTorch %.6f,"
                                    + " sum Java %.6f PyTorch %.6f%n", hidden, batch, format(javaSeconds),
                            format(torchSeconds), spectrum.max(), TorchPeer.field(reply, "max"), spectrum.sum(),
                            TorchPeer.field(reply, "sum"));
                }
            }
        }
        System.out.println(table);
        System.out.printf(Locale.ROOT, "peak RSS: JVM %s, PyTorch peer %.0f MB%n", jvmPeakRss(), peerRss);
    }

    private static String jvmPeakRss() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
                    .map(l -> l.replaceAll("\\s+", " ").substring(7)).findFirst().orElse("?");
        } catch (Exception e) {
            return "?";
        }
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
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
