package io.lsh.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.checkpoint.Checkpoint;
import io.lsh.lm.distance.SpectrumPca;
import io.lsh.protocol.DistanceRecipe;
import io.lsh.protocol.EpochSpectrum;
import io.lsh.protocol.OptimizerRecipe;
import io.lsh.protocol.PruningSpec;
import io.lsh.protocol.StudyRecipe;
import io.lsh.protocol.TrialMetrics;
import io.lsh.protocol.TrialPhase;
import io.lsh.protocol.WorkerCommand.RunTrial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's device work on real text: determinism, exact sparsity, resume == not stopping, real distances. */
class LmTrialExecutorTest {

    @TempDir
    Path dir;

    private StudyRecipe recipe() throws Exception {
        Path corpus = Files.createDirectory(dir.resolve("corpus"));
        StringBuilder text = new StringBuilder();
        String[] words = "the cat sat on a mat while the dog ran to the red house and back again".split(" ");
        java.util.Random random = new java.util.Random(3);
        for (int line = 0; line < 300; line++) {
            for (int w = 0; w < 12; w++) {
                text.append(' ').append(words[random.nextInt(words.length)]);
            }
            text.append(" \n");
        }
        for (String split : List.of("train", "valid", "test")) {
            Files.writeString(corpus.resolve("ptb." + split + ".txt"), split.equals("train") ? text.toString()
                    : text.substring(0, text.length() / 4));
        }
        return new StudyRecipe(corpus.toString(), 0, 8, List.of(8, 6), 0.1, false, 4, 10, 1.0, 0.25, 1e-6, 15, 4,
                0.67, 0.005, 4, 8, 4, 2, 0, 2.0, false);
    }

    private static RunTrial run(StudyRecipe recipe, PruningSpec pruning, int from, int to, String resume, Path out,
                                List<EpochSpectrum> reference) {
        return new RunTrial(1, 1, pruning == null ? TrialPhase.REFERENCE : TrialPhase.SEARCH, 1, pruning, 1234L,
                from, to, true, resume, out.toString(), recipe, reference, null);
    }

    private static List<TrialMetrics> execute(RunTrial work, List<EpochSpectrum> spectra) {
        List<TrialMetrics> metrics = new ArrayList<>();
        TrialExecutor.Outcome outcome = new LmTrialExecutor().run(work, (m, s) -> {
            metrics.add(m);
            s.ifPresent(spectra::add);
        }, () -> false);
        assertInstanceOf(TrialExecutor.Outcome.Completed.class, outcome, outcome.toString());
        return metrics;
    }

    @Test
    void resumingFromACheckpointGivesTheSameNumbersAsNotStopping() throws Exception {
        assertResumeGivesTheSameNumbers(recipe(), 1, 3);
    }

    @Test
    void resumingAdamWithAPlateauScheduleGivesTheSameNumbers() throws Exception {
        Checkpoint last = assertResumeGivesTheSameNumbers(recipe().withOptimizer(new OptimizerRecipe("adam", 0.9,
                0.999, 1e-8, true, "plateau", 4.0, 0.95, 40, 0.0, 0)), 1, 3);
        assertEquals("adam", last.metadata().get("training.optimizer"));
        assertEquals(3 * 15, Long.parseLong(last.metadata().get("training.adam.steps")), "3 epochs of 15 windows");
    }

    @Test
    void resumingWithAwdWindowLengthsGivesTheSameNumbers() throws Exception {
        StudyRecipe base = recipe();
        StudyRecipe awd = base.withOptimizer(OptimizerRecipe.defaults().withBpttJitter("awd"));
        Checkpoint last = assertResumeGivesTheSameNumbers(awd, 1, 3);
        assertEquals("awd", last.metadata().get("training.bptt-jitter"));
        List<TrialMetrics> fixed = execute(run(base, null, 0, 1, "", dir.resolve("f1.lshc"), List.of()),
                new ArrayList<>());
        List<TrialMetrics> jittered = execute(run(awd, null, 0, 1, "", dir.resolve("j1.lshc"), List.of()),
                new ArrayList<>());
        assertTrue(fixed.get(0).trainLoss() != jittered.get(0).trainLoss(), "awd trains other windows");
    }

    @Test
    void theNd4jOpsKernelsTrainTheSameModelAsTheFusedLoops() throws Exception {
        StudyRecipe fused = recipe().withOptimizer(OptimizerRecipe.defaults().withKernels("fused-java"));
        StudyRecipe ops = fused.withOptimizer(OptimizerRecipe.defaults().withKernels("nd4j-ops"));
        assertEquals(io.lsh.lm.model.LstmKernelBackend.ND4J_OPS, ((io.lsh.lm.model.LstmLanguageModel)
                ModelRecipes.architecture(ops, 20).create(1L)).kernelBackend());
        List<TrialMetrics> a = execute(run(fused, null, 0, 2, "", dir.resolve("fused.lshc"), List.of()),
                new ArrayList<>());
        List<TrialMetrics> b = execute(run(ops, null, 0, 2, "", dir.resolve("ops.lshc"), List.of()),
                new ArrayList<>());
        for (int e = 0; e < 2; e++) {
            // float32, two epochs of SGD: the back ends differ only in rounding
            assertEquals(a.get(e).trainLoss(), b.get(e).trainLoss(), 1e-4 * a.get(e).trainLoss(), "epoch " + e);
            assertEquals(a.get(e).validPerplexity(), b.get(e).validPerplexity(), 1e-4 * a.get(e).validPerplexity());
        }
    }

    @Test
    void resumingNtAsgdAfterTheSwitchGivesTheSameNumbers() throws Exception {
        // lr 30 on this noisy corpus makes the validation loss rise, so that NT-ASGD (n = 1) switches after epoch 3
        StudyRecipe r = recipe();
        StudyRecipe fast = new StudyRecipe(r.corpusDir(), r.maxVocab(), r.embeddingSize(), r.hiddenSizes(),
                r.dropout(), r.tiedWeights(), r.batchSize(), r.bptt(), 30.0, r.clipNorm(), r.weightDecay(),
                r.maxWindowsPerEpoch(), r.evalBatchSize(), r.sparsity(), r.deathRateFloor(), r.plannedEpochs(),
                r.spectrumSteps(), r.spectrumWarmup(), r.spectrumBatch(), r.spectrumExponents(), r.spectrumLogBase(),
                r.jacobianTransposed(), new OptimizerRecipe("sgd", 0.9, 0.999, 1e-8, false, "constant", 4.0, 0.9,
                40, 0.0, 1));
        Checkpoint last = assertResumeGivesTheSameNumbers(fast, 4, 5);
        assertEquals("true", last.metadata().get("training.nt-asgd.averaging"),
                "NT-ASGD did not switch: the test would not cover resuming the averages");
        assertTrue(last.tensors().keySet().stream().anyMatch(k -> k.startsWith("optimizer/asgd.start/")));
    }

    /**
     * Runs epochs 1..total straight and as 1..split, then split+1..total from the checkpoint; returns the straight
     * run's final checkpoint.
     */
    private Checkpoint assertResumeGivesTheSameNumbers(StudyRecipe recipe, int split, int total) throws Exception {
        List<EpochSpectrum> dense = new ArrayList<>();
        execute(run(recipe, null, 0, total, "", dir.resolve("dense.lshc"), List.of()), dense);
        assertEquals(total, dense.size(), "the reference measures its spectrum every epoch");

        PruningSpec pruning = new PruningSpec("ER", "SET", "random", "none", 0.5);
        List<TrialMetrics> straight = execute(run(recipe, pruning, 0, total, "", dir.resolve("a3.lshc"), dense),
                new ArrayList<>());
        List<TrialMetrics> first = execute(run(recipe, pruning, 0, split, "", dir.resolve("b1.lshc"), dense),
                new ArrayList<>());
        List<TrialMetrics> rest = execute(run(recipe, pruning, split, total, dir.resolve("b1.lshc").toString(),
                dir.resolve("b3.lshc"), dense), new ArrayList<>());
        List<TrialMetrics> resumed = new ArrayList<>(first);
        resumed.addAll(rest);
        assertEquals(total, resumed.size());
        for (int i = 0; i < total; i++) {
            TrialMetrics a = straight.get(i);
            TrialMetrics b = resumed.get(i);
            assertEquals(a.trainLoss(), b.trainLoss(), 0.0, "train loss, epoch " + (i + 1));
            assertEquals(a.validPerplexity(), b.validPerplexity(), 0.0, "valid ppl, epoch " + (i + 1));
            assertEquals(a.lsDistance(), b.lsDistance(), 0.0, "LS distance, epoch " + (i + 1));
            assertEquals(0.67, a.sparsity(), 0.005, "target sparsity is kept");
            assertTrue(a.lsDistance() > 0, "the pruned network's spectrum differs from the dense one");
        }
        assertEquals(Files.readAllBytes(dir.resolve("a3.lshc")).length, Files.readAllBytes(dir.resolve("b3.lshc")).length);
        Checkpoint a = Checkpoint.read(dir.resolve("a3.lshc"));
        Checkpoint b = Checkpoint.read(dir.resolve("b3.lshc"));
        assertEquals(a.tensors().keySet(), b.tensors().keySet());
        for (String name : a.tensors().keySet()) {
            if (a.tensor(name).dataType() == org.nd4j.linalg.api.buffer.DataType.INT) {
                assertArrayEquals(a.tensor(name).data().asInt(), b.tensor(name).data().asInt(), name);
            } else {
                assertArrayEquals(a.tensor(name).data().asFloat(), b.tensor(name).data().asFloat(), name);
            }
        }
        return a;
    }

    @Test
    void theDistanceVariantOfTheRecipeIsTheOneReported() throws Exception {
        StudyRecipe recipe = recipe();
        List<EpochSpectrum> dense = new ArrayList<>();
        execute(run(recipe, null, 0, 4, "", dir.resolve("dense.lshc"), List.of()), dense);
        StudyRecipe variant = recipe.withDistance(new DistanceRecipe("final", "sorted", "pca2", 4));
        PruningSpec pruning = new PruningSpec("ER", "SET", "random", "none", 0.5);
        List<EpochSpectrum> candidate = new ArrayList<>();
        List<TrialMetrics> metrics = execute(run(variant, pruning, 0, 2, "", dir.resolve("c.lshc"), dense), candidate);
        // by hand: sort every spectrum, fit the plane on the dense epochs 1-4, compare with the dense epoch 4
        List<double[]> trajectory = dense.stream().map(LmTrialExecutorTest::sortedDescending).toList();
        SpectrumPca pca = SpectrumPca.fit(trajectory);
        for (int e = 1; e <= 2; e++) {
            double[] c = pca.project(sortedDescending(candidate.get(e - 1)));
            double[] d = pca.project(trajectory.get(3));
            double expected = Math.hypot(c[0] - d[0], c[1] - d[1]);
            assertEquals(expected, metrics.get(e - 1).lsDistance(), 1e-12, "epoch " + e);
            assertTrue(expected > 0);
        }
        // without the final dense epoch the worker cannot know the distance: NaN, the coordinator completes it
        List<TrialMetrics> early = execute(run(variant, pruning, 0, 2, "", dir.resolve("d.lshc"), dense.subList(0, 3)),
                new ArrayList<>());
        assertTrue(early.stream().allMatch(m -> Double.isNaN(m.lsDistance())), early.toString());
        // the paper's distance is still the plain one at the same epoch
        List<TrialMetrics> plain = execute(run(recipe, pruning, 0, 1, "", dir.resolve("e.lshc"), dense),
                new ArrayList<>());
        assertEquals(io.lsh.lm.distance.LsDistance.euclidean(toArray(dense.get(0)), toArray(candidate.get(0))),
                plain.get(0).lsDistance(), 0.0);
    }

    @Test
    void theRecipesWarmUpModeChoosesTheMeasuredTokens() throws Exception {
        StudyRecipe recipe = recipe();
        List<EpochSpectrum> replayed = new ArrayList<>();
        execute(run(recipe, null, 0, 1, "", dir.resolve("r.lshc"), List.of()), replayed);
        List<EpochSpectrum> again = new ArrayList<>();
        execute(run(recipe.withSpectrumWarmupMode("replay-window"), null, 0, 1, "", dir.resolve("s.lshc"), List.of()),
                again);
        List<EpochSpectrum> preceding = new ArrayList<>();
        execute(run(recipe.withSpectrumWarmupMode("preceding-tokens"), null, 0, 1, "", dir.resolve("p.lshc"),
                List.of()), preceding);
        assertEquals(replayed, again, "the default is the authors' replayed window");
        assertEquals(replayed.get(0).exponents().size(), preceding.get(0).exponents().size());
        assertTrue(!replayed.get(0).exponents().equals(preceding.get(0).exponents()),
                "other tokens measured, other exponents");
    }

    @Test
    void theLaterBatchMeasuresTheEpochsAfterTheFirstRoundOnMoreSequences() throws Exception {
        StudyRecipe recipe = recipe(); // B = 2
        List<EpochSpectrum> two = new ArrayList<>();
        execute(run(recipe, null, 0, 3, "", dir.resolve("two.lshc"), List.of()), two);
        List<EpochSpectrum> three = new ArrayList<>();
        execute(run(recipe.withSpectrumLaterBatch(3, 0), null, 0, 3, "", dir.resolve("three.lshc"), List.of()),
                three);
        List<EpochSpectrum> perRound = new ArrayList<>();
        execute(run(recipe.withSpectrumLaterBatch(3, 1), null, 0, 3, "", dir.resolve("round.lshc"), List.of()),
                perRound);
        // the spectrum does not change the training: epoch 1 (the first round) with B = 2, epochs 2-3 with B = 3
        // (to 1e-6: two runs of the float32 training agree to ~1e-8 only, in the last bits; B = 2 and B = 3
        // exponents differ by far more, checked first)
        assertEquals(3, perRound.size());
        for (int e = 0; e < 3; e++) {
            assertEquals(e + 1, perRound.get(e).epoch());
            assertTrue(maxDifference(two.get(e), three.get(e)) > 1e-4, "B = 3 averages over another sequence");
        }
        assertTrue(maxDifference(two.get(0), perRound.get(0)) < 1e-6, "epoch 1 with B = 2");
        assertTrue(maxDifference(three.get(1), perRound.get(1)) < 1e-6, "epoch 2 with B = 3");
        assertTrue(maxDifference(three.get(2), perRound.get(2)) < 1e-6, "epoch 3 with B = 3");
        // a candidate at a later epoch is compared with the dense spectrum measured with the same B
        PruningSpec pruning = new PruningSpec("ER", "SET", "random", "none", 0.5);
        List<EpochSpectrum> candidate = new ArrayList<>();
        List<TrialMetrics> metrics = execute(run(recipe.withSpectrumLaterBatch(3, 1), pruning, 0, 2, "",
                dir.resolve("cand.lshc"), perRound), candidate);
        assertEquals(io.lsh.lm.distance.LsDistance.euclidean(toArray(perRound.get(1)), toArray(candidate.get(1))),
                metrics.get(1).lsDistance(), 0.0);
    }

    @Test
    void theWindowOffsetMovesTheMeasuredTokensAndIsCheckedAgainstTheValidationSplit() throws Exception {
        int[] valid = new int[100];
        for (int i = 0; i < valid.length; i++) {
            valid[i] = i;
        }
        io.lsh.lm.spectrum.SpectrumSettings settings = io.lsh.lm.spectrum.SpectrumSettings.defaults()
                .withSteps(8).withWarmup(4); // B = 2, columns of 50, replayed windows of 8 tokens
        int[][] windows = LmTrialExecutor.spectrumWindows(valid, settings, 42);
        assertArrayEquals(new int[] {42, 43, 44, 45, 46, 47, 48, 49}, windows[0]);
        assertArrayEquals(new int[] {92, 93, 94, 95, 96, 97, 98, 99}, windows[1]);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LmTrialExecutor.spectrumWindows(valid, settings, 43));
        assertTrue(e.getMessage().startsWith("lsh.spectrum.window-offset = 43 is too large"), e.getMessage());
        assertTrue(e.getMessage().contains("(at most 42)"), e.getMessage());
        // a trial measures other tokens with an offset, the same ones without
        StudyRecipe recipe = recipe();
        List<EpochSpectrum> first = new ArrayList<>();
        execute(run(recipe, null, 0, 1, "", dir.resolve("w0.lshc"), List.of()), first);
        List<EpochSpectrum> shifted = new ArrayList<>();
        execute(run(recipe.withSpectrumWindowOffset(40), null, 0, 1, "", dir.resolve("w40.lshc"), List.of()),
                shifted);
        assertTrue(maxDifference(first.get(0), shifted.get(0)) > 1e-4, "other tokens, other exponents");
    }

    private static double maxDifference(EpochSpectrum a, EpochSpectrum b) {
        double max = 0;
        for (int i = 0; i < a.exponents().size(); i++) {
            max = Math.max(max, Math.abs(a.exponents().get(i) - b.exponents().get(i)));
        }
        return max;
    }

    private static double[] toArray(EpochSpectrum s) {
        return s.exponents().stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double[] sortedDescending(EpochSpectrum s) {
        return s.exponents().stream().sorted(java.util.Comparator.reverseOrder()).mapToDouble(Double::doubleValue)
                .toArray();
    }

    @Test
    void aStopRequestCancelsBetweenEpochs() throws Exception {
        StudyRecipe recipe = recipe();
        int[] epochs = {0};
        TrialExecutor.Outcome outcome = new LmTrialExecutor().run(
                run(recipe, null, 0, 3, "", dir.resolve("x.lshc"), List.of()),
                (m, s) -> epochs[0]++, () -> epochs[0] >= 1);
        assertInstanceOf(TrialExecutor.Outcome.Cancelled.class, outcome);
        assertEquals(1, epochs[0]);
        assertTrue(Files.notExists(dir.resolve("x.lshc")), "a cancelled run leaves no checkpoint");
    }

    /** The static baselines: exact sparsity, masks that never move (or, for gradual magnitude, only grow to target). */
    @Test
    void staticBaselinesKeepTheirMasksAndGradualMagnitudeReachesTheTargetAtHalfThePlan() throws Exception {
        StudyRecipe recipe = recipe(); // plannedEpochs 4: gradual magnitude reaches 0.67 at the start of epoch 3
        for (String method : List.of("one_shot_magnitude", "random")) {
            PruningSpec spec = new PruningSpec("uniform", "magnitude", "random", "none", 0.5, method, "cosine");
            List<TrialMetrics> m = execute(run(recipe, spec, 0, 3, "", dir.resolve(method + ".lshc"), List.of()),
                    new ArrayList<>());
            assertEquals(3, m.size());
            for (TrialMetrics epoch : m) {
                assertEquals(0.67, epoch.sparsity(), 0.001, method);
            }
            var masks = Checkpoint.read(dir.resolve(method + ".lshc")).masks();
            assertTrue(!masks.isEmpty(), method);
        }
        PruningSpec gradual = new PruningSpec("uniform", "magnitude", "random", "none", 0.5, "gradual_magnitude",
                "cosine");
        List<TrialMetrics> g = execute(run(recipe, gradual, 0, 4, "", dir.resolve("gradual.lshc"), List.of()),
                new ArrayList<>());
        assertEquals(0.0, g.get(0).sparsity(), 1e-9, "dense at first");
        assertTrue(g.get(1).sparsity() > 0.3 && g.get(1).sparsity() < 0.67, "on its way: " + g.get(1).sparsity());
        assertEquals(0.67, g.get(2).sparsity(), 0.001);
        assertEquals(0.67, g.get(3).sparsity(), 0.001);
    }

    @Test
    void theDeathRateScheduleKindIsUsed() throws Exception {
        StudyRecipe recipe = recipe();
        List<Double> losses = new ArrayList<>();
        for (String kind : List.of("cosine", "constant")) {
            PruningSpec spec = new PruningSpec("uniform", "magnitude", "random", "none", 0.9, "dst", kind);
            List<TrialMetrics> m = execute(run(recipe, spec, 0, 3, "", dir.resolve(kind + ".lshc"), List.of()),
                    new ArrayList<>());
            assertEquals(0.67, m.get(2).sparsity(), 0.001);
            losses.add(m.get(2).trainLoss());
        }
        assertTrue(!losses.get(0).equals(losses.get(1)), "another schedule, another trajectory: " + losses);
    }

    @Test
    void dstEveryNStepsKeepsTheSparsityExactAndResumesBitwise() throws Exception {
        StudyRecipe recipe = recipe();
        PruningSpec everyFive = new PruningSpec("ER", "SET", "random", "none", 0.5, "dst", "cosine", 5);
        PruningSpec perEpoch = new PruningSpec("ER", "SET", "random", "none", 0.5, "dst", "cosine", 0);
        List<TrialMetrics> straight = execute(run(recipe, everyFive, 0, 3, "", dir.resolve("n.lshc"), List.of()),
                new ArrayList<>());
        List<TrialMetrics> epochly = execute(run(recipe, perEpoch, 0, 3, "", dir.resolve("e.lshc"), List.of()),
                new ArrayList<>());
        for (TrialMetrics m : straight) {
            assertEquals(0.67, m.sparsity(), 0.001);
        }
        assertTrue(straight.get(0).trainLoss() != epochly.get(0).trainLoss(),
                "updates inside the first epoch change it (per-epoch DST does not touch epoch 1)");
        execute(run(recipe, everyFive, 0, 1, "", dir.resolve("n1.lshc"), List.of()), new ArrayList<>());
        List<TrialMetrics> resumed = execute(run(recipe, everyFive, 1, 3, dir.resolve("n1.lshc").toString(),
                dir.resolve("n3.lshc"), List.of()), new ArrayList<>());
        for (int e = 0; e < 2; e++) {
            assertEquals(straight.get(e + 1).trainLoss(), resumed.get(e).trainLoss(), "epoch " + (e + 2));
            assertEquals(straight.get(e + 1).validPerplexity(), resumed.get(e).validPerplexity());
        }
    }

    @Test
    void theTestSplitIsEvaluatedOnceAtTheEndOfTheFullTrainingOnly() throws Exception {
        StudyRecipe recipe = recipe(); // plannedEpochs 4
        PruningSpec pruning = new PruningSpec("ER", "SET", "random", "none", 0.5);
        List<TrialMetrics> search = execute(run(recipe, pruning, 0, 2, "", dir.resolve("s2.lshc"), List.of()),
                new ArrayList<>());
        for (TrialMetrics m : search) {
            assertTrue(Double.isNaN(m.testPerplexity()), "a search round does not touch the test split: " + m);
        }
        RunTrial finalPhase = new RunTrial(1, 1, TrialPhase.FINAL, 0, pruning, 1234L, 2, 4, false,
                dir.resolve("s2.lshc").toString(), dir.resolve("f4.lshc").toString(), recipe, List.of(), null);
        List<TrialMetrics> finals = execute(finalPhase, new ArrayList<>());
        assertEquals(2, finals.size());
        assertTrue(Double.isNaN(finals.get(0).testPerplexity()), "not at epoch 3");
        double test = finals.get(1).testPerplexity();
        assertTrue(Double.isFinite(test) && test > 1, "test perplexity " + test);

        // the same evaluation path as validation: exp(mean loss) of the test split on the checkpointed weights
        io.lsh.lm.data.Corpus corpus = io.lsh.lm.data.CorpusReader.read(Path.of(recipe.corpusDir()),
                recipe.maxVocab());
        io.lsh.lm.model.LanguageModel model = ModelRecipes.architecture(recipe, corpus.vocabulary().size())
                .create(1234L);
        Checkpoint.read(dir.resolve("f4.lshc")).restoreInto(model);
        assertEquals(model.perplexity(corpus.test(), recipe.evalBatchSize(), recipe.bptt()), test, 1e-9 * test);
        assertEquals(model.perplexity(corpus.valid(), recipe.evalBatchSize(), recipe.bptt()),
                finals.get(1).validPerplexity(), 1e-9 * test, "validation by the same path");

        // the dense reference's last segment reaches the planned epochs: measured there too
        List<TrialMetrics> dense = execute(run(recipe, null, 0, 4, "", dir.resolve("d4.lshc"), List.of()),
                new ArrayList<>());
        assertTrue(Double.isNaN(dense.get(2).testPerplexity()) && Double.isFinite(dense.get(3).testPerplexity()));
    }
}
