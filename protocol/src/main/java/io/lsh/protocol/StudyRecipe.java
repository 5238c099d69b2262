package io.lsh.protocol;

import java.util.List;

/**
 * Everything a worker needs to train and measure any trial of a study, identical for all trials of the study.
 * Wire record: primitives, strings and lists only.
 *
 * @param corpusDir           directory holding the corpus files (PTB or WikiText-2 layout), as seen by the worker
 * @param maxVocab            keep this many most frequent words, map the rest to {@code <unk>} (0 = all)
 * @param embeddingSize       embedding width E
 * @param hiddenSizes         LSTM layer widths, bottom to top
 * @param dropout             dropout probability during training
 * @param tiedWeights         whether the decoder shares the embedding matrix
 * @param batchSize           training batch size B (columns of the batchified stream)
 * @param bptt                truncated-BPTT window length
 * @param learningRate        base learning rate (of epoch 1)
 * @param clipNorm            global gradient-norm clip (0 = off)
 * @param weightDecay         L2 weight decay
 * @param maxWindowsPerEpoch  cap on BPTT windows per epoch (0 = full epoch)
 * @param evalBatchSize       batch size for validation perplexity
 * @param sparsity            target sparsity of every candidate
 * @param deathRateFloor      floor of the cosine death-rate schedule
 * @param plannedEpochs       epochs over which the death rate anneals to the floor
 * @param spectrumSteps       T, measured steps of the QR iteration
 * @param spectrumWarmup      W, warm-up steps
 * @param spectrumBatch       B, input sequences averaged over
 * @param spectrumExponents   k, number of exponents (0 = all)
 * @param spectrumLogBase     logarithm base of the exponents
 * @param jacobianTransposed  reproduce the authors' LSTM quirk (multiply by J transposed)
 * @param optimizer           update rule, learning-rate schedule and NT-ASGD ({@code null} reads as
 *                            {@link OptimizerRecipe#defaults()})
 * @param model               the architecture and its own options ({@code null} reads as the stacked LSTM)
 * @param distance            the LS-distance variant ({@code null}, as in a recipe from before this field, reads as
 *                            {@link DistanceRecipe#defaults()}, the paper's distance)
 * @param spectrumWarmupMode  {@code replay-window} (the authors') or {@code preceding-tokens} ({@code null} reads as
 *                            {@code replay-window})
 * @param spectrumLaterBatch  B at the epochs after {@code spectrumFirstRoundEpochs} (the authors: 2 in round 1, 5
 *                            later; method.md section 4); 0 (also when absent from the JSON) = {@code spectrumBatch}
 * @param spectrumFirstRoundEpochs the first search round's epochs e0: spectra at epochs 1..e0 use
 *                            {@code spectrumBatch}, later ones {@code spectrumLaterBatch}, for candidates and the
 *                            dense reference alike (the distance compares spectra at the same epoch)
 * @param spectrumWindowOffset token offset into each of the B validation columns where the measured window starts
 *                            (0, also when absent from the JSON, = the first window)
 */
public record StudyRecipe(
        String corpusDir,
        int maxVocab,
        int embeddingSize,
        List<Integer> hiddenSizes,
        double dropout,
        boolean tiedWeights,
        int batchSize,
        int bptt,
        double learningRate,
        double clipNorm,
        double weightDecay,
        int maxWindowsPerEpoch,
        int evalBatchSize,
        double sparsity,
        double deathRateFloor,
        int plannedEpochs,
        int spectrumSteps,
        int spectrumWarmup,
        int spectrumBatch,
        int spectrumExponents,
        double spectrumLogBase,
        boolean jacobianTransposed,
        OptimizerRecipe optimizer,
        ModelRecipe model,
        DistanceRecipe distance,
        String spectrumWarmupMode,
        int spectrumLaterBatch,
        int spectrumFirstRoundEpochs,
        int spectrumWindowOffset) implements CborSerializable {

    /** The authors' warm-up: the window's first W tokens, then the same window again, measured. */
    public static final String REPLAY_WINDOW = "replay-window";

    public StudyRecipe {
        hiddenSizes = List.copyOf(hiddenSizes);
        optimizer = optimizer == null ? OptimizerRecipe.defaults() : optimizer;
        model = model == null ? ModelRecipe.lstm() : model;
        distance = distance == null ? DistanceRecipe.defaults() : distance;
        spectrumWarmupMode = spectrumWarmupMode == null ? REPLAY_WINDOW : spectrumWarmupMode;
        if (spectrumLaterBatch < 0) {
            throw new IllegalArgumentException("spectrumLaterBatch must be >= 0 (0 = spectrumBatch), got "
                    + spectrumLaterBatch);
        }
        if (spectrumFirstRoundEpochs < 0) {
            throw new IllegalArgumentException("spectrumFirstRoundEpochs must be >= 0, got "
                    + spectrumFirstRoundEpochs);
        }
        if (spectrumWindowOffset < 0) {
            throw new IllegalArgumentException("spectrumWindowOffset must be >= 0, got " + spectrumWindowOffset);
        }
    }

    /** A recipe using one B ({@code spectrumBatch}) at every epoch. */
    public StudyRecipe(String corpusDir, int maxVocab, int embeddingSize, List<Integer> hiddenSizes, double dropout,
                       boolean tiedWeights, int batchSize, int bptt, double learningRate, double clipNorm,
                       double weightDecay, int maxWindowsPerEpoch, int evalBatchSize, double sparsity,
                       double deathRateFloor, int plannedEpochs, int spectrumSteps, int spectrumWarmup,
                       int spectrumBatch, int spectrumExponents, double spectrumLogBase, boolean jacobianTransposed,
                       OptimizerRecipe optimizer, ModelRecipe model, DistanceRecipe distance,
                       String spectrumWarmupMode) {
        this(corpusDir, maxVocab, embeddingSize, hiddenSizes, dropout, tiedWeights, batchSize, bptt, learningRate,
                clipNorm, weightDecay, maxWindowsPerEpoch, evalBatchSize, sparsity, deathRateFloor, plannedEpochs,
                spectrumSteps, spectrumWarmup, spectrumBatch, spectrumExponents, spectrumLogBase, jacobianTransposed,
                optimizer, model, distance, spectrumWarmupMode, 0, 0, 0);
    }

    /**
     * B, the input sequences the spectrum at an epoch averages over: {@code spectrumBatch} at epochs 1..e0 (the
     * first search round), {@code spectrumLaterBatch} after it when that is set (method.md section 4).
     *
     * @param epoch the 1-based training epoch the spectrum is measured after
     */
    public int spectrumBatchAt(int epoch) {
        return spectrumLaterBatch > 0 && epoch > spectrumFirstRoundEpochs ? spectrumLaterBatch : spectrumBatch;
    }

    /** A recipe measuring spectra with the authors' warm-up ({@link #REPLAY_WINDOW}). */
    public StudyRecipe(String corpusDir, int maxVocab, int embeddingSize, List<Integer> hiddenSizes, double dropout,
                       boolean tiedWeights, int batchSize, int bptt, double learningRate, double clipNorm,
                       double weightDecay, int maxWindowsPerEpoch, int evalBatchSize, double sparsity,
                       double deathRateFloor, int plannedEpochs, int spectrumSteps, int spectrumWarmup,
                       int spectrumBatch, int spectrumExponents, double spectrumLogBase, boolean jacobianTransposed,
                       OptimizerRecipe optimizer, ModelRecipe model, DistanceRecipe distance) {
        this(corpusDir, maxVocab, embeddingSize, hiddenSizes, dropout, tiedWeights, batchSize, bptt, learningRate,
                clipNorm, weightDecay, maxWindowsPerEpoch, evalBatchSize, sparsity, deathRateFloor, plannedEpochs,
                spectrumSteps, spectrumWarmup, spectrumBatch, spectrumExponents, spectrumLogBase, jacobianTransposed,
                optimizer, model, distance, REPLAY_WINDOW);
    }

    /** A recipe ranking with the paper's LS distance ({@link DistanceRecipe#defaults()}). */
    public StudyRecipe(String corpusDir, int maxVocab, int embeddingSize, List<Integer> hiddenSizes, double dropout,
                       boolean tiedWeights, int batchSize, int bptt, double learningRate, double clipNorm,
                       double weightDecay, int maxWindowsPerEpoch, int evalBatchSize, double sparsity,
                       double deathRateFloor, int plannedEpochs, int spectrumSteps, int spectrumWarmup,
                       int spectrumBatch, int spectrumExponents, double spectrumLogBase, boolean jacobianTransposed,
                       OptimizerRecipe optimizer, ModelRecipe model) {
        this(corpusDir, maxVocab, embeddingSize, hiddenSizes, dropout, tiedWeights, batchSize, bptt, learningRate,
                clipNorm, weightDecay, maxWindowsPerEpoch, evalBatchSize, sparsity, deathRateFloor, plannedEpochs,
                spectrumSteps, spectrumWarmup, spectrumBatch, spectrumExponents, spectrumLogBase, jacobianTransposed,
                optimizer, model, DistanceRecipe.defaults());
    }

    /** A recipe of the stacked LSTM (setting A) with the given optimizer part. */
    public StudyRecipe(String corpusDir, int maxVocab, int embeddingSize, List<Integer> hiddenSizes, double dropout,
                       boolean tiedWeights, int batchSize, int bptt, double learningRate, double clipNorm,
                       double weightDecay, int maxWindowsPerEpoch, int evalBatchSize, double sparsity,
                       double deathRateFloor, int plannedEpochs, int spectrumSteps, int spectrumWarmup,
                       int spectrumBatch, int spectrumExponents, double spectrumLogBase, boolean jacobianTransposed,
                       OptimizerRecipe optimizer) {
        this(corpusDir, maxVocab, embeddingSize, hiddenSizes, dropout, tiedWeights, batchSize, bptt, learningRate,
                clipNorm, weightDecay, maxWindowsPerEpoch, evalBatchSize, sparsity, deathRateFloor, plannedEpochs,
                spectrumSteps, spectrumWarmup, spectrumBatch, spectrumExponents, spectrumLogBase, jacobianTransposed,
                optimizer, ModelRecipe.lstm());
    }

    /** A recipe training with {@link OptimizerRecipe#defaults()} (plain SGD, constant rate). */
    public StudyRecipe(String corpusDir, int maxVocab, int embeddingSize, List<Integer> hiddenSizes, double dropout,
                       boolean tiedWeights, int batchSize, int bptt, double learningRate, double clipNorm,
                       double weightDecay, int maxWindowsPerEpoch, int evalBatchSize, double sparsity,
                       double deathRateFloor, int plannedEpochs, int spectrumSteps, int spectrumWarmup,
                       int spectrumBatch, int spectrumExponents, double spectrumLogBase, boolean jacobianTransposed) {
        this(corpusDir, maxVocab, embeddingSize, hiddenSizes, dropout, tiedWeights, batchSize, bptt, learningRate,
                clipNorm, weightDecay, maxWindowsPerEpoch, evalBatchSize, sparsity, deathRateFloor, plannedEpochs,
                spectrumSteps, spectrumWarmup, spectrumBatch, spectrumExponents, spectrumLogBase, jacobianTransposed,
                OptimizerRecipe.defaults());
    }

    /** The same recipe with another optimizer part. */
    public StudyRecipe withOptimizer(OptimizerRecipe newOptimizer) {
        return new StudyRecipe(corpusDir, maxVocab, embeddingSize, hiddenSizes, dropout, tiedWeights, batchSize, bptt,
                learningRate, clipNorm, weightDecay, maxWindowsPerEpoch, evalBatchSize, sparsity, deathRateFloor,
                plannedEpochs, spectrumSteps, spectrumWarmup, spectrumBatch, spectrumExponents, spectrumLogBase,
                jacobianTransposed, newOptimizer, model, distance, spectrumWarmupMode, spectrumLaterBatch,
                spectrumFirstRoundEpochs, spectrumWindowOffset);
    }

    /** The same recipe with another architecture part. */
    public StudyRecipe withModel(ModelRecipe newModel) {
        return new StudyRecipe(corpusDir, maxVocab, embeddingSize, hiddenSizes, dropout, tiedWeights, batchSize, bptt,
                learningRate, clipNorm, weightDecay, maxWindowsPerEpoch, evalBatchSize, sparsity, deathRateFloor,
                plannedEpochs, spectrumSteps, spectrumWarmup, spectrumBatch, spectrumExponents, spectrumLogBase,
                jacobianTransposed, optimizer, newModel, distance, spectrumWarmupMode, spectrumLaterBatch,
                spectrumFirstRoundEpochs, spectrumWindowOffset);
    }

    /** The same recipe with another spectrum warm-up mode ({@code replay-window} or {@code preceding-tokens}). */
    public StudyRecipe withSpectrumWarmupMode(String mode) {
        return new StudyRecipe(corpusDir, maxVocab, embeddingSize, hiddenSizes, dropout, tiedWeights, batchSize, bptt,
                learningRate, clipNorm, weightDecay, maxWindowsPerEpoch, evalBatchSize, sparsity, deathRateFloor,
                plannedEpochs, spectrumSteps, spectrumWarmup, spectrumBatch, spectrumExponents, spectrumLogBase,
                jacobianTransposed, optimizer, model, distance, mode, spectrumLaterBatch, spectrumFirstRoundEpochs,
                spectrumWindowOffset);
    }

    /** The same recipe with another LS-distance part. */
    public StudyRecipe withDistance(DistanceRecipe newDistance) {
        return new StudyRecipe(corpusDir, maxVocab, embeddingSize, hiddenSizes, dropout, tiedWeights, batchSize, bptt,
                learningRate, clipNorm, weightDecay, maxWindowsPerEpoch, evalBatchSize, sparsity, deathRateFloor,
                plannedEpochs, spectrumSteps, spectrumWarmup, spectrumBatch, spectrumExponents, spectrumLogBase,
                jacobianTransposed, optimizer, model, newDistance, spectrumWarmupMode, spectrumLaterBatch,
                spectrumFirstRoundEpochs, spectrumWindowOffset);
    }

    /**
     * The same recipe with B per round: {@code laterBatch} (0 = {@code spectrumBatch}) at the epochs after
     * {@code firstRoundEpochs}.
     */
    public StudyRecipe withSpectrumLaterBatch(int laterBatch, int firstRoundEpochs) {
        return new StudyRecipe(corpusDir, maxVocab, embeddingSize, hiddenSizes, dropout, tiedWeights, batchSize, bptt,
                learningRate, clipNorm, weightDecay, maxWindowsPerEpoch, evalBatchSize, sparsity, deathRateFloor,
                plannedEpochs, spectrumSteps, spectrumWarmup, spectrumBatch, spectrumExponents, spectrumLogBase,
                jacobianTransposed, optimizer, model, distance, spectrumWarmupMode, laterBatch, firstRoundEpochs,
                spectrumWindowOffset);
    }

    /** The same recipe measuring the window that starts {@code offset} tokens into each validation column. */
    public StudyRecipe withSpectrumWindowOffset(int offset) {
        return new StudyRecipe(corpusDir, maxVocab, embeddingSize, hiddenSizes, dropout, tiedWeights, batchSize, bptt,
                learningRate, clipNorm, weightDecay, maxWindowsPerEpoch, evalBatchSize, sparsity, deathRateFloor,
                plannedEpochs, spectrumSteps, spectrumWarmup, spectrumBatch, spectrumExponents, spectrumLogBase,
                jacobianTransposed, optimizer, model, distance, spectrumWarmupMode, spectrumLaterBatch,
                spectrumFirstRoundEpochs, offset);
    }
}
