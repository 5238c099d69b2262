package io.lsh.lm.train;

import io.lsh.lm.data.BatchedStream;
import io.lsh.lm.data.Corpus;
import io.lsh.lm.data.CorpusReader;
import io.lsh.lm.model.LstmLanguageModel;
import io.lsh.lm.model.ModelSpec;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #3's fidelity check: one epoch of the 2x200 LSTM on the real PTB with PyTorch's word_language_model recipe
 * (lr 20, clip 0.25, dropout 0.2, B = 20, T = 35, untied, no weight decay; validation with batch 10), in Java
 * ({@link TrainingSession}) and in PyTorch ({@code bench/train_fidelity_torch.py}), seeds 1..N each: the validation
 * perplexities (mean over seeds) must agree within 3%. Tagged {@code slow} (about 4 minutes per run per side on an
 * idle 2-core machine); skipped when /work/shared/data/ptb or the PyTorch peer is missing. Command in
 * {@code bench/README.md}.
 */
@Tag("slow")
class TrainingFidelityBenchmark {

    private static final Path SHARED = Paths.get(System.getProperty("lsh.shared.dir", "../../../shared"));

    @Test
    void oneEpochOfPtbMatchesPyTorchWithinThreePercent() throws Exception {
        Path ptb = SHARED.resolve("data/ptb");
        Assumptions.assumeTrue(Files.isDirectory(ptb), "PTB not found under " + ptb.toAbsolutePath() + "; skipping");
        Path peer = Paths.get("../../bench/train_fidelity_torch.py").toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isRegularFile(Paths.get("/usr/bin/python3")) && Files.isRegularFile(peer),
                "the PyTorch peer needs /usr/bin/python3 and " + peer + "; skipping");
        int seeds = Integer.getInteger("lsh.bench.seeds", 1);
        int epochs = Integer.getInteger("lsh.bench.epochs", 1);
        Corpus corpus = CorpusReader.read(ptb, 0);
        double javaSum = 0;
        double torchSum = 0;
        for (int seed = 1; seed <= seeds; seed++) {
            long t0 = System.nanoTime();
            double java = javaRun(corpus, seed, epochs);
            double javaSeconds = (System.nanoTime() - t0) / 1e9;
            String torch = torchRun(peer, ptb, seed, epochs);
            double torchPpl = Double.parseDouble(torch.replaceAll(".*\"valid_ppl\": ([0-9.eE+-]+).*", "$1"));
            System.out.printf(Locale.ROOT, "seed %d: Java valid ppl %.2f (%.0f s, train + eval), PyTorch %.2f  %s%n",
                    seed, java, javaSeconds, torchPpl, torch);
            javaSum += java;
            torchSum += torchPpl;
        }
        double ratio = javaSum / torchSum;
        System.out.printf(Locale.ROOT, "mean over %d seed(s): Java %.2f, PyTorch %.2f, Java / PyTorch %.4f%n", seeds,
                javaSum / seeds, torchSum / seeds, ratio);
        assertTrue(Math.abs(ratio - 1) <= 0.03, "validation perplexity differs by more than 3%: ratio " + ratio);
    }

    static double javaRun(Corpus corpus, long seed, int epochs) {
        int v = corpus.vocabulary().size();
        LstmLanguageModel model = new LstmLanguageModel(new ModelSpec(v, 200, List.of(200, 200), 0.2, false), seed);
        TrainingSession session = new TrainingSession(new TrainingSettings(new SgdSettings(20.0, 0.25, 0.0, 35, 0),
                new OptimizerSettings.Sgd(), new LearningRateSchedule.Constant(), 0), model, null);
        BatchedStream train = BatchedStream.batchify(corpus.train(), 20);
        for (int e = 1; e <= epochs; e++) {
            model.reseedDropout(seed * 1000 + e);
            session.trainEpoch(train, e, TrainingHooks.NONE);
        }
        return session.evaluate(() -> model.perplexity(corpus.valid(), 10, 35));
    }

    static String torchRun(Path peer, Path data, int seed, int epochs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", peer.toString(), data.toString(),
                "--seed", Integer.toString(seed), "--epochs", Integer.toString(epochs)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Process p = pb.start();
        String last = "";
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                last = line;
            }
        }
        if (p.waitFor() != 0 || !last.contains("valid_ppl")) {
            throw new IllegalStateException("the PyTorch peer failed: " + last);
        }
        return last;
    }
}
