package io.lsh.lm.train;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lsh.lm.data.BatchedStream;
import io.lsh.lm.data.BpttWindow;
import io.lsh.lm.model.LstmKernelBackend;
import io.lsh.lm.model.LstmLanguageModel;
import io.lsh.lm.model.ModelSpec;
import io.lsh.lm.model.ParameterSet;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training throughput (tokens/s) of the FLOAT fast path, the figures docs/dl4j-notes.md compares against. Not a unit
 * test: tagged "slow", run with
 * {@code OMP_WAIT_POLICY=PASSIVE mvn -pl worker/lm-core test -Dtest=TrainingSpeedBenchmark -Dlsh.test.excludedGroups=}.
 * Prints the median of per-window throughputs (this VM swings +-30% between runs).
 *
 * <p>{@link #javaVersusPyTorch()} runs the same 2-layer LSTM LM step in Java ({@link TrainingSession}) and in
 * PyTorch ({@code bench/train_speed_torch.py serve}, word_language_model's model) in one session, alternating blocks
 * of windows so that both see the same machine load: V=10k, B=20, T=35, FLOAT, dropout 0.2, clip 0.25, weight decay,
 * the PyTorch peer with as many intra-op threads as ND4J uses. Properties: {@code lsh.bench.hidden} (default
 * 200,650), {@code lsh.bench.optimizers} (sgd,adam), {@code lsh.bench.windows} (windows per block, 8),
 * {@code lsh.bench.reps} (blocks per side, 3), {@code lsh.bench.kernels} (the LSTM's element-wise back ends to run,
 * each in its own blocks interleaved with the others and the peer: fused-java, nd4j-ops; default fused-java).
 */
@Tag("slow")
class TrainingSpeedBenchmark {

    private static final String PYTHON = "/usr/bin/python3";
    private static final int VOCAB = 10_000;
    private static final int BATCH = 20;
    private static final int BPTT = 35;

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

    /**
     * AWD's randomised window lengths against fixed windows on the 2x200 LSTM (V=10k, B=20, bptt 35), interleaved
     * epochs of 24 windows each: every new length allocates a workspace (the models cache 3-4 window shapes), so this
     * measures what the jitter costs beyond its ~3% more windows per epoch. Prints tokens/s of both and the ratio.
     */
    @Test
    void awdWindowLengthsVersusFixed() {
        ModelSpec spec = new ModelSpec(VOCAB, 200, List.of(200, 200), 0.2, false);
        Random random = new Random(1);
        int[] stream = new int[BATCH * BPTT * 30];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = random.nextInt(VOCAB);
        }
        BatchedStream data = BatchedStream.batchify(stream, BATCH);
        int reps = Integer.parseInt(System.getProperty("lsh.bench.reps", "3"));
        List<TrainingSession> sessions = new ArrayList<>();
        for (BpttLength lengths : BpttLength.values()) {
            TrainingSession session = new TrainingSession(new TrainingSettings(new SgdSettings(1.0, 0.25, 1.2e-6,
                    BPTT, 24), new OptimizerSettings.Sgd(), new LearningRateSchedule.Constant(), 0, lengths),
                    new LstmLanguageModel(spec, 1L), null);
            session.trainEpoch(data, 1, TrainingHooks.NONE); // warm-up
            sessions.add(session);
        }
        double[][] rates = new double[2][reps];
        for (int rep = 0; rep < reps; rep++) {
            for (int k = 0; k < 2; k++) {
                rates[k][rep] = sessions.get(k).trainEpoch(data, rep + 2, TrainingHooks.NONE).tokensPerSecond();
                System.out.printf(Locale.ROOT, "2x200 %s block %d: %.0f tokens/s%n", BpttLength.values()[k]
                        .settingName(), rep + 1, rates[k][rep]);
            }
        }
        System.out.printf(Locale.ROOT, "BENCH 2x200 bptt 35: fixed %.0f, awd %.0f tokens/s (median), awd / fixed = "
                + "%.2f%n", median(rates[0]), median(rates[1]), median(rates[1]) / median(rates[0]));
        assertTrue(median(rates[1]) > 0);
    }

    @Test
    void javaVersusPyTorch() throws Exception {
        assumeTrue(torchAvailable(), "needs /usr/bin/python3 with python3-torch (bench/ensure_torch.sh)");
        int[] hiddenSizes = Arrays.stream(System.getProperty("lsh.bench.hidden", "200,650").split(","))
                .map(String::trim).mapToInt(Integer::parseInt).toArray();
        String[] optimizers = System.getProperty("lsh.bench.optimizers", "sgd,adam").split(",");
        int windows = Integer.parseInt(System.getProperty("lsh.bench.windows", "8"));
        int reps = Integer.parseInt(System.getProperty("lsh.bench.reps", "3"));
        List<LstmKernelBackend> kernels = Arrays.stream(System.getProperty("lsh.bench.kernels", "fused-java")
                .split(",")).map(String::trim).map(LstmKernelBackend::fromSettingName).toList();
        int threads = Nd4j.getEnvironment().maxMasterThreads();
        StringBuilder table = new StringBuilder("| model | optimizer | kernels | Java tokens/s (median) "
                + "| PyTorch tokens/s (median) | Java / PyTorch | Java blocks | PyTorch blocks |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        StringBuilder ratios = new StringBuilder();
        Random random = new Random(1);
        int[] stream = new int[BATCH * BPTT * (windows + 2)];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = random.nextInt(VOCAB);
        }
        BatchedStream data = BatchedStream.batchify(stream, BATCH);
        try (Peer peer = Peer.start(threads)) {
            System.out.println("java: ND4J max threads " + Nd4j.getEnvironment().maxThreads() + ", master threads "
                    + threads + ", cores " + Runtime.getRuntime().availableProcessors() + ", OMP_WAIT_POLICY="
                    + System.getenv("OMP_WAIT_POLICY"));
            System.out.println("peer: " + peer.request("{\"cmd\": \"info\"}"));
            for (int hidden : hiddenSizes) {
                for (String optimizer : optimizers) {
                    ModelSpec spec = new ModelSpec(VOCAB, hidden, List.of(hidden, hidden), 0.2, false);
                    OptimizerSettings rule = optimizer.equals("adam") ? OptimizerSettings.Adam.defaults()
                            : new OptimizerSettings.Sgd();
                    List<TrainingSession> sessions = new ArrayList<>();
                    for (LstmKernelBackend backend : kernels) {
                        LstmLanguageModel model = new LstmLanguageModel(spec, 1L, DataType.FLOAT, backend);
                        sessions.add(new TrainingSession(new TrainingSettings(new SgdSettings(
                                rule instanceof OptimizerSettings.Adam ? 1e-3 : 1.0, 0.25, 1.2e-6, BPTT, windows),
                                rule, new LearningRateSchedule.Constant(), 0), model, null));
                    }
                    String request = String.format(Locale.ROOT, "{\"vocab\": %d, \"hidden\": %d, \"layers\": 2, "
                            + "\"batch\": %d, \"bptt\": %d, \"windows\": %d, \"optimizer\": \"%s\", "
                            + "\"dropout\": 0.2}", VOCAB, hidden, BATCH, BPTT, windows, optimizer);
                    for (TrainingSession session : sessions) {
                        javaBlock(session, data, 0); // warm-up: JIT, buffers
                    }
                    peerBlock(peer, request);
                    double[][] java = new double[kernels.size()][reps];
                    double[] torch = new double[reps];
                    for (int rep = 0; rep < reps; rep++) {
                        for (int k = 0; k < kernels.size(); k++) {
                            java[k][rep] = javaBlock(sessions.get(k), data, rep + 1);
                            System.out.printf(Locale.ROOT, "2x%d %s %s block %d: Java %.0f tokens/s%n", hidden,
                                    optimizer, kernels.get(k).settingName(), rep + 1, java[k][rep]);
                        }
                        torch[rep] = peerBlock(peer, request);
                        System.out.printf(Locale.ROOT, "2x%d %s block %d: PyTorch %.0f tokens/s%n", hidden,
                                optimizer, rep + 1, torch[rep]);
                    }
                    double t = median(torch);
                    for (int k = 0; k < kernels.size(); k++) {
                        double j = median(java[k]);
                        table.append(String.format(Locale.ROOT, "| LSTM 2x%d | %s | %s | %.0f | %.0f | %.2f | %s | %s |%n",
                                hidden, optimizer, kernels.get(k).settingName(), j, t, j / t, format(java[k]),
                                format(torch)));
                        if (k > 0) {
                            ratios.append(String.format(Locale.ROOT, "LSTM 2x%d %s: %s / %s = %.2f%n", hidden,
                                    optimizer, kernels.get(k).settingName(), kernels.get(0).settingName(),
                                    j / median(java[0])));
                        }
                    }
                }
            }
        }
        System.out.println(table);
        System.out.println(ratios);
    }

    /**
     * Evaluation speed (forward + loss, no dropout, state carried: what validation and test perplexity cost) of the
     * same FLOAT 2xH models in Java ({@link LanguageModel#loss}) and PyTorch ({@code model.eval()},
     * {@code torch.no_grad()}), interleaved blocks of {@code lsh.bench.windows} windows, and both processes' peak
     * RSS (VmHWM / ru_maxrss) after training and evaluating. Same properties as {@link #javaVersusPyTorch}.
     */
    @Test
    void evaluationJavaVersusPyTorch() throws Exception {
        assumeTrue(torchAvailable(), "needs /usr/bin/python3 with python3-torch (bench/ensure_torch.sh)");
        List<Integer> hiddenSizes = Arrays.stream(System.getProperty("lsh.bench.hidden", "200,650").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        int windows = Integer.getInteger("lsh.bench.windows", 8);
        int reps = Integer.getInteger("lsh.bench.reps", 3);
        Random random = new Random(1);
        int[] stream = new int[BATCH * BPTT * (windows + 2)];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = random.nextInt(VOCAB);
        }
        BatchedStream data = BatchedStream.batchify(stream, BATCH);
        StringBuilder table = new StringBuilder("| model | Java eval tokens/s | PyTorch eval tokens/s | Java / PyTorch "
                + "| Java blocks | PyTorch blocks |\n|---|---|---|---|---|---|\n");
        String peerRss = "";
        try (Peer peer = Peer.start(Nd4j.getEnvironment().maxMasterThreads())) {
            for (int hidden : hiddenSizes) {
                LstmLanguageModel model = new LstmLanguageModel(
                        new ModelSpec(VOCAB, hidden, List.of(hidden, hidden), 0.2, false), 1L);
                String request = String.format(Locale.ROOT, "{\"vocab\": %d, \"hidden\": %d, \"layers\": 2, "
                        + "\"batch\": %d, \"bptt\": %d, \"windows\": %d, \"optimizer\": \"sgd\", "
                        + "\"dropout\": 0.2, \"mode\": \"eval\"}", VOCAB, hidden, BATCH, BPTT, windows);
                evalBlock(model, data, windows); // warm-up
                peerBlock(peer, request);
                double[] java = new double[reps];
                double[] torch = new double[reps];
                for (int rep = 0; rep < reps; rep++) {
                    java[rep] = evalBlock(model, data, windows);
                    String reply = peer.request(request);
                    torch[rep] = peerRates(reply);
                    peerRss = reply.replaceAll(".*\"peak_rss_mb\": ([0-9.]+).*", "$1");
                }
                table.append(String.format(Locale.ROOT, "| LSTM 2x%d | %.0f | %.0f | %.2f | %s | %s |%n", hidden,
                        median(java), median(torch), median(java) / median(torch), format(java), format(torch)));
            }
        }
        System.out.println(table);
        System.out.println("peak RSS: JVM " + Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmHWM")).findFirst().orElse("?") + ", PyTorch peer " + peerRss + " MB");
    }

    /** Median per-window tokens/s of Java evaluation windows (forward + loss). */
    private static double evalBlock(LstmLanguageModel model, BatchedStream data, int windows) {
        var state = model.initialState(data.batchSize());
        double[] rates = new double[windows];
        for (int w = 0; w < windows; w++) {
            BpttWindow window = data.window(w, BPTT);
            long t0 = System.nanoTime();
            model.loss(window, state);
            rates[w] = window.tokenCount() / ((System.nanoTime() - t0) / 1e9);
        }
        return median(rates);
    }

    /** Median per-window tokens/s of one block of Java training windows. */
    private static double javaBlock(TrainingSession session, BatchedStream data, int epoch) {
        List<Long> ends = new ArrayList<>();
        long start = System.nanoTime();
        session.trainEpoch(data, Math.max(1, epoch), new TrainingHooks() {
            @Override
            public void afterUpdate(ParameterSet parameters) {
                ends.add(System.nanoTime());
            }
        });
        double[] rates = new double[ends.size()];
        long previous = start;
        for (int i = 0; i < rates.length; i++) {
            rates[i] = BATCH * BPTT / ((ends.get(i) - previous) / 1e9);
            previous = ends.get(i);
        }
        return median(rates);
    }

    /** Median per-window tokens/s of one block of PyTorch training windows. */
    private static double peerBlock(Peer peer, String request) throws IOException {
        return peerRates(peer.request(request));
    }

    private static double peerRates(String reply) {
        String list = reply.substring(reply.indexOf('[') + 1, reply.indexOf(']'));
        double[] rates = Arrays.stream(list.split(",")).mapToDouble(s -> BATCH * BPTT / Double.parseDouble(s.trim()))
                .toArray();
        return median(rates);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }

    private static String format(double[] v) {
        StringBuilder b = new StringBuilder();
        for (double x : v) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", x));
        }
        return b.toString();
    }

    private static boolean torchAvailable() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code bench/train_speed_torch.py serve}: one JSON request line in, one reply line out. */
    private static final class Peer implements AutoCloseable {
        private final Process process;
        private final BufferedWriter in;
        private final BufferedReader out;

        private Peer(Process process) {
            this.process = process;
            this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        static Peer start(int threads) throws IOException {
            Path here = Path.of("").toAbsolutePath();
            Path script = null;
            for (Path p = here; p != null && script == null; p = p.getParent()) {
                Path candidate = p.resolve("bench").resolve("train_speed_torch.py");
                script = Files.isRegularFile(candidate) ? candidate : null;
            }
            if (script == null) {
                throw new IllegalStateException("bench/train_speed_torch.py not found above " + here);
            }
            ProcessBuilder pb = new ProcessBuilder(PYTHON, script.toString(), "serve", "--threads",
                    Integer.toString(threads));
            if (!"same".equals(System.getProperty("lsh.bench.peerKernel", "own"))) { // same: the JVM's kernel class
                pb.environment().remove("OPENBLAS_CORETYPE");
                pb.environment().remove("OPENBLAS_L2_SIZE");
            }
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
            return new Peer(pb.start());
        }

        String request(String json) throws IOException {
            in.write(json);
            in.newLine();
            in.flush();
            String reply = out.readLine();
            if (reply == null) {
                throw new IOException("the PyTorch peer exited");
            }
            return reply;
        }

        @Override
        public void close() throws IOException, InterruptedException {
            in.close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroy();
            }
        }
    }
}
