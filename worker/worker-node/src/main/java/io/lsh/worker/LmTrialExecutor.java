package io.lsh.worker;

import io.lsh.lm.checkpoint.Checkpoint;
import io.lsh.lm.data.BatchedStream;
import io.lsh.lm.data.Corpus;
import io.lsh.lm.data.CorpusReader;
import io.lsh.lm.distance.DistanceSettings;
import io.lsh.lm.distance.ReferenceSpectra;
import io.lsh.lm.architecture.Architecture;
import io.lsh.lm.model.LanguageModel;
import io.lsh.lm.model.ParameterSet;
import io.lsh.lm.prune.DeathRateSchedule;
import io.lsh.lm.prune.GradualMagnitudePruning;
import io.lsh.lm.prune.MaskSet;
import io.lsh.lm.prune.StaticPruning;
import io.lsh.lm.prune.ParameterCounting;
import io.lsh.lm.prune.PruningConfig;
import io.lsh.lm.spectrum.Spectrum;
import io.lsh.lm.spectrum.SpectrumInputs;
import io.lsh.lm.spectrum.SpectrumSettings;
import io.lsh.lm.spectrum.WarmupMode;
import io.lsh.lm.train.BpttLength;
import io.lsh.lm.train.EpochStats;
import io.lsh.lm.train.LearningRateSchedule;
import io.lsh.lm.train.OptimizerSettings;
import io.lsh.lm.train.SgdSettings;
import io.lsh.lm.train.TrainingDivergedException;
import io.lsh.lm.train.TrainingHooks;
import io.lsh.lm.train.TrainingSession;
import io.lsh.lm.train.TrainingSettings;
import io.lsh.lm.train.TrainingState;
import io.lsh.protocol.DistanceRecipe;
import io.lsh.protocol.EpochSpectrum;
import io.lsh.protocol.OptimizerRecipe;
import io.lsh.protocol.PruningSpec;
import io.lsh.protocol.StudyRecipe;
import io.lsh.protocol.TrialMetrics;
import io.lsh.protocol.TrialPhase;
import io.lsh.protocol.WorkerCommand.RunTrial;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a trial on this JVM's ND4J backend with the worker's domain core: builds the language model (any
 * {@link Architecture}: stacked LSTM, RHN or AWD-LSTM-MoS) of the
 * recipe, applies the candidate's pruning masks (method.md section 3), trains epoch by epoch with the recipe's
 * optimizer, learning-rate schedule and NT-ASGD (section 2, {@link TrainingSession}), evaluates the validation
 * perplexity, measures the Lyapunov spectrum (section 4) and its distance to the dense reference at the same epoch
 * (section 5; or the study's lsh.distance variant), and checkpoints weights, masks and optimizer state. Once NT-ASGD
 * averages, perplexity and spectrum are measured on the averaged weights. Deterministic under the trial seed: the
 * randomness of epoch e (dropout, regrowth) is drawn from streams derived from (seed, e), and the checkpoint carries
 * all optimizer state, so resuming from a checkpoint at epoch e gives the same numbers as not stopping. One instance
 * per worker; used from its device thread only.
 */
public final class LmTrialExecutor implements TrialExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(LmTrialExecutor.class);
    private static final long DROPOUT_STREAM = 0x5DEECE66DL;
    private static final long PRUNING_STREAM = 0x2545F4914F6CDD1DL;
    private static final long INIT_STREAM = 0x9E3779B97F4A7C15L;
    private static final long BPTT_STREAM = 0x632BE59BD9B4E019L;

    private final Map<String, Corpus> corpora = new HashMap<>();

    @Override
    public Outcome run(RunTrial work, EpochListener listener, BooleanSupplier stopRequested) {
        StudyRecipe r = work.recipe();
        Corpus corpus = corpora.computeIfAbsent(r.corpusDir() + "|" + r.maxVocab(),
                k -> CorpusReader.read(Path.of(r.corpusDir()), r.maxVocab()));
        Architecture architecture = ModelRecipes.architecture(r, corpus.vocabulary().size());
        LanguageModel model = architecture.create(work.seed());
        MaskSet masks = null;
        DeathRateSchedule schedule = null;
        GradualMagnitudePruning gradual = null;
        BatchedStream train = BatchedStream.batchify(corpus.train(), r.batchSize());
        long stepsPerEpoch = r.maxWindowsPerEpoch() > 0
                ? Math.min(r.maxWindowsPerEpoch(), train.windowCount(r.bptt())) : train.windowCount(r.bptt());
        PruningSpec p = work.pruning();
        if (p != null) {
            PruningConfig config = PruningConfig.of(r.sparsity(), p.init(), p.death(), p.growth(), p.redistribution(),
                    p.deathRate()).withDeathRateFloor(Math.min(r.deathRateFloor(), p.deathRate()));
            SplittableRandom init = new SplittableRandom(work.seed() ^ INIT_STREAM);
            switch (p.method()) {
                case PruningSpec.DST -> {
                    masks = MaskSet.create(model, config, init);
                    schedule = DeathRateSchedule.of(DeathRateSchedule.Kind.fromName(p.schedule()), config,
                            r.plannedEpochs());
                }
                case "one_shot_magnitude" -> masks = StaticPruning.oneShotMagnitude(model, r.sparsity(),
                        StaticPruning.Scope.PER_TENSOR);
                case "random" -> masks = StaticPruning.random(model, r.sparsity(), config.init(), init);
                case "gradual_magnitude" -> {
                    // Zhu & Gupta: 0 -> target by magnitude at the start of each epoch, reached at half the plan
                    gradual = new GradualMagnitudePruning(0.0, r.sparsity(), 0,
                            Math.max(1, r.plannedEpochs() / 2), Math.max(1, stepsPerEpoch),
                            StaticPruning.Scope.PER_TENSOR);
                    masks = gradual.create(model);
                }
                default -> throw new IllegalArgumentException("unknown pruning method '" + p.method()
                        + "' (known: dst, one_shot_magnitude, random, gradual_magnitude)");
            }
        }
        TrainingSession session = new TrainingSession(trainingSettings(r), model, masks);
        session.reseedWindowLengths(derive(work.seed(), BPTT_STREAM, 0));
        if (work.fromEpoch() > 0) {
            Checkpoint checkpoint = Checkpoint.read(Path.of(work.resumeCheckpoint()));
            checkpoint.restoreInto(model);
            if (masks != null) {
                masks.restore(checkpoint.masks());
            }
            session.restoreState(checkpoint.metadata(), checkpoint.tensors(), work.resumeCheckpoint());
            LOG.debug("Trial {} resumed from {} at epoch {}", work.trialId(), work.resumeCheckpoint(), work.fromEpoch());
        }
        MaskSet mask = masks;
        DeathRateSchedule deathRates = schedule;
        int interval = p == null || schedule == null ? 0 : p.updateInterval();
        long stepsEachEpoch = Math.max(1, stepsPerEpoch);
        int[] epochNow = {0};
        long[] stepInEpoch = {0};
        TrainingHooks hooks = mask == null ? TrainingHooks.NONE : new TrainingHooks() {
            @Override
            public void afterBackward(ParameterSet params) {
                mask.applyToGradients();
            }

            @Override
            public void afterUpdate(ParameterSet params) {
                mask.applyToWeights();
                stepInEpoch[0]++;
                if (interval > 0 && stepInEpoch[0] % interval == 0) {
                    // DST every N steps: the death rate at the fractional epoch reached so far
                    double progress = epochNow[0] - 1 + (double) stepInEpoch[0] / stepsEachEpoch;
                    session.onMasksUpdated(mask.pruneAndRegrow(deathRates.rate(progress), new SplittableRandom(
                            derive(work.seed(), PRUNING_STREAM ^ stepInEpoch[0], epochNow[0]))));
                }
            }
        };
        // B per round (method.md section 4): r.spectrumBatch() at epochs 1..e0, r.spectrumLaterBatch() after them
        SpectrumSettings firstRoundSpectrum = new SpectrumSettings(r.spectrumSteps(), r.spectrumWarmup(),
                r.spectrumBatch(), r.spectrumExponents(), r.spectrumLogBase(), r.jacobianTransposed(),
                WarmupMode.fromName(r.spectrumWarmupMode()), false);
        SpectrumSettings laterSpectrum = firstRoundSpectrum.withBatch(r.spectrumBatchAt(Integer.MAX_VALUE));
        int[][] firstRoundInputs = spectrumWindows(corpus.valid(), firstRoundSpectrum, r.spectrumWindowOffset());
        int[][] laterInputs = laterSpectrum.batch() == firstRoundSpectrum.batch() ? firstRoundInputs
                : spectrumWindows(corpus.valid(), laterSpectrum, r.spectrumWindowOffset());
        ReferenceSpectra reference = referenceSpectra(r.distance(), work.referenceSpectra());
        TrialMetrics last = null;
        for (int epoch = work.fromEpoch() + 1; epoch <= work.toEpoch(); epoch++) {
            if (stopRequested.getAsBoolean()) {
                return new Outcome.Cancelled();
            }
            if (schedule != null && epoch > 1 && p.updateInterval() == 0) {
                // Dynamic sparse training: prune and regrow once per epoch (the authors' interval), before training.
                session.onMasksUpdated(mask.pruneAndRegrow(schedule.rate(epoch - 1),
                        new SplittableRandom(derive(work.seed(), PRUNING_STREAM, epoch))));
            } else if (gradual != null) {
                gradual.update(mask, (epoch - 1) * Math.max(1, stepsPerEpoch));
            }
            model.reseedDropout(derive(work.seed(), DROPOUT_STREAM, epoch));
            epochNow[0] = epoch;
            stepInEpoch[0] = 0;
            EpochStats stats;
            try {
                stats = session.trainEpoch(train, epoch, hooks);
            } catch (TrainingDivergedException e) {
                return new Outcome.Failed(e.getMessage(), true);
            }
            double validPpl = session.evaluate(() -> model.perplexity(corpus.valid(), r.evalBatchSize(), r.bptt()));
            if (!Double.isFinite(validPpl)) {
                return new Outcome.Failed("validation perplexity is " + validPpl + " after epoch " + epoch, true);
            }
            Optional<EpochSpectrum> spectrum = Optional.empty();
            double distance = Double.NaN;
            double spectrumSeconds = 0;
            if (work.spectrumEveryEpoch() || epoch == work.toEpoch()) {
                boolean later = r.spectrumBatchAt(epoch) != r.spectrumBatch();
                SpectrumSettings spectrumSettings = later ? laterSpectrum : firstRoundSpectrum;
                int[][] spectrumInputs = later ? laterInputs : firstRoundInputs;
                Spectrum s = session.evaluate(() -> architecture.spectrum(model, spectrumInputs, spectrumSettings));
                spectrumSeconds = s.seconds();
                List<Double> exponents = new ArrayList<>(s.exponents().length);
                for (double v : s.exponents()) {
                    exponents.add(v);
                }
                spectrum = Optional.of(new EpochSpectrum(epoch, exponents));
                // NaN while the reference spectra it needs are not in: the coordinator completes it when they are
                distance = reference.distance(epoch, s.exponents()).orElse(Double.NaN);
            }
            last = new TrialMetrics(epoch, stats.trainLoss(), validPpl, distance,
                    mask == null ? 0.0 : mask.sparsity(),
                    mask == null ? ParameterCounting.denseParameters(model)
                            : ParameterCounting.activeParameters(model, mask),
                    stats.seconds(), spectrumSeconds, stats.tokensPerSecond(),
                    layerSparsity(model, mask), architecture.flopsPerToken(mask).total());
            if (epoch == work.toEpoch() && completesTraining(work)) {
                // the paper's reported figure: test perplexity of the fully trained model, on the weights validation
                // uses (NT-ASGD's average when active); measured once per trial, not every epoch of every candidate
                last = last.withTestPerplexity(session.evaluate(
                        () -> model.perplexity(corpus.test(), r.evalBatchSize(), r.bptt())));
            }
            session.recordValidation(Math.log(validPpl));
            listener.onEpoch(last, spectrum);
        }
        Map<String, String> metadata = CheckpointMetadata.of(work, architecture);
        TrainingState state = session.exportState();
        Checkpoint.capture(model, metadata, mask == null ? Map.of() : mask.exportMasks(), state.metadata(),
                state.tensors()).write(Path.of(work.checkpointOut()));
        return new Outcome.Completed(last, work.checkpointOut());
    }

    /**
     * Whether this work item ends a trial's full training (a finalist's training, or any segment that reaches the
     * planned epochs, e.g. the dense reference or the {@code full} scheduler): then the test split is evaluated.
     */
    static boolean completesTraining(RunTrial work) {
        return work.phase() == TrialPhase.FINAL || work.toEpoch() >= work.recipe().plannedEpochs();
    }

    /**
     * The training recipe of a study (the coordinator validated the names; an unknown one here means a mismatched
     * coordinator).
     *
     * @throws IllegalArgumentException naming the unknown optimizer, schedule or window-length rule
     */
    static TrainingSettings trainingSettings(StudyRecipe r) {
        SgdSettings sgd = new SgdSettings(r.learningRate(), r.clipNorm(), r.weightDecay(), r.bptt(),
                r.maxWindowsPerEpoch());
        OptimizerRecipe o = r.optimizer();
        OptimizerSettings optimizer = switch (o.optimizer()) {
            case "sgd" -> new OptimizerSettings.Sgd();
            case "adam" -> new OptimizerSettings.Adam(o.adamBeta1(), o.adamBeta2(), o.adamEpsilon(),
                    o.adamDecoupledWeightDecay());
            default -> throw new IllegalArgumentException("unknown lsh.training.optimizer '" + o.optimizer()
                    + "' (known: sgd, adam)");
        };
        LearningRateSchedule schedule = switch (o.lrSchedule()) {
            case "constant" -> new LearningRateSchedule.Constant();
            case "plateau" -> new LearningRateSchedule.DecayOnPlateau(o.lrPlateauFactor());
            case "exponential" -> new LearningRateSchedule.Exponential(o.lrGamma());
            case "cosine" -> new LearningRateSchedule.Cosine(o.lrCosineEpochs(), o.lrMin());
            default -> throw new IllegalArgumentException("unknown lsh.training.lr-schedule.type '" + o.lrSchedule()
                    + "' (known: constant, plateau, exponential, cosine)");
        };
        BpttLength bpttLength = BpttLength.fromSettingName(o.bpttJitter());
        return new TrainingSettings(sgd, optimizer, schedule, o.ntAsgdNonMonotone(), bpttLength);
    }

    /**
     * The dense reference's spectra the coordinator sent, in the study's LS-distance variant (lsh.distance, method.md
     * section 5). A recipe from before the distance part (N = 0) means the paper's distance at the same epoch.
     *
     * @throws IllegalArgumentException naming an unknown variant (a mismatched coordinator)
     */
    /**
     * The B validation windows a spectrum is measured on, {@code offset} tokens into each column.
     *
     * @throws IllegalArgumentException naming {@code lsh.spectrum.window-offset} when the split is too short
     */
    static int[][] spectrumWindows(int[] valid, SpectrumSettings settings, int offset) {
        int column = valid.length / settings.batch();
        int length = settings.requiredSequenceLength();
        if (offset + length > column) {
            throw new IllegalArgumentException("lsh.spectrum.window-offset = " + offset + " is too large: the "
                    + "validation split's " + valid.length + " tokens in B = " + settings.batch() + " columns give "
                    + column + " tokens per column, the spectrum needs offset + " + length + " (at most "
                    + Math.max(0, column - length) + ")");
        }
        return SpectrumInputs.windowsAt(valid, settings.batch(), length, offset);
    }

    static ReferenceSpectra referenceSpectra(DistanceRecipe d, List<EpochSpectrum> spectra) {
        Map<Integer, double[]> byEpoch = new HashMap<>();
        for (EpochSpectrum s : spectra) {
            byEpoch.put(s.epoch(), s.exponents().stream().mapToDouble(Double::doubleValue).toArray());
        }
        return new ReferenceSpectra(DistanceSettings.of(d.reference(), d.alignment(), d.space()),
                Math.max(1, d.referenceEpochs()), byEpoch);
    }

    /** Fraction of masked weights per layer (empty for the dense model). */
    private static Map<String, Double> layerSparsity(LanguageModel model, MaskSet mask) {
        Map<String, Double> layers = new java.util.LinkedHashMap<>();
        if (mask != null) {
            for (ParameterCounting.LayerReport layer : ParameterCounting.perLayer(model, mask)) {
                layers.put(layer.layer(), layer.sparsity());
            }
        }
        return layers;
    }

    /** A seed for one stream and epoch of a trial: a fixed function of (trial seed, stream, epoch). */
    private static long derive(long seed, long stream, int epoch) {
        return new SplittableRandom(seed ^ stream).split().nextLong() + 0x9E3779B97F4A7C15L * epoch;
    }
}
