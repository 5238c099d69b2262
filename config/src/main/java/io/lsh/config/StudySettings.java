package io.lsh.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The validated settings of one study, read once from {@code reference.conf} plus the study file and the command
 * line (see {@link StudySettingsLoader}). Every record mirrors a block of {@code reference.conf}, where each key
 * is documented.
 *
 * @param study    name, seed, output folder, objective
 * @param corpus   corpus location and vocabulary cap
 * @param model    language-model architecture
 * @param training training recipe (shared by the dense reference and every candidate)
 * @param pruning  target sparsity and death-rate floor
 * @param space    the searched pruning controls, in the canonical order init, death, growth, redistribution,
 *                 death-rate
 * @param search   optimizer and elimination schedule
 * @param spectrum Lyapunov-spectrum estimator settings
 * @param cluster  in-JVM workers and bind address
 * @param metrics  the Prometheus endpoint of each JVM
 * @param rendered the resolved {@code lsh} block as HOCON, written to the study folder
 * @param distance the LS-distance variant ranking candidates
 */
public record StudySettings(
        Study study,
        Corpus corpus,
        Model model,
        Training training,
        Pruning pruning,
        List<SpaceParameter> space,
        Search search,
        Spectrum spectrum,
        Cluster cluster,
        Metrics metrics,
        String rendered,
        Distance distance) {

    /** Settings with the paper's LS distance ({@link Distance#defaults()}). */
    public StudySettings(Study study, Corpus corpus, Model model, Training training, Pruning pruning,
                         List<SpaceParameter> space, Search search, Spectrum spectrum, Cluster cluster, Metrics metrics,
                         String rendered) {
        this(study, corpus, model, training, pruning, space, search, spectrum, cluster, metrics, rendered,
                Distance.defaults());
    }

    /**
     * {@code lsh.study}.
     *
     * @param objective     the search objective, read from {@code lsh.search.objective} ({@code ls_distance} or
     *                      {@code val_ppl}); kept here so that existing callers need not change
     * @param referenceFrom a study folder whose dense reference this study reuses, or empty to train one
     */
    public record Study(String name, long seed, Path out, String objective, java.util.Optional<Path> referenceFrom) {
    }

    /** {@code lsh.corpus}. */
    public record Corpus(Path dir, int maxVocab) {
    }

    /** {@code lsh.model}. */
    public record Model(String type, int embeddingSize, List<Integer> hiddenSizes, double dropout, boolean tiedWeights,
                        Rhn rhn, AwdMos awdMos) {
        public Model {
            hiddenSizes = List.copyOf(hiddenSizes);
        }

        /** The size of the recurrent state whose exponents are measured: RHN, its width; LSTMs, all layers. */
        public int stateSize() {
            return "rhn".equals(type) ? hiddenSizes.get(0) : hiddenSizes.stream().mapToInt(Integer::intValue).sum();
        }

        /** {@code lsh.model.rhn}: the Recurrent Highway Network's own settings. */
        public record Rhn(int depth, double embeddingDropout, double inputDropout, double hiddenDropout,
                          double outputDropout) {
        }

        /** {@code lsh.model.awd-mos}: AWD-LSTM-MoS's own settings. */
        public record AwdMos(int experts, double embeddingDropout, double inputDropout, double hiddenDropout,
                             double outputDropout, double latentDropout, double weightDropout,
                             double activationPenalty, double temporalPenalty) {
        }
    }

    /** {@code lsh.training}; {@code bpttJitter} is fixed | awd, {@code kernels} auto | fused-java | nd4j-ops. */
    public record Training(int batchSize, int bptt, double learningRate, double clipNorm, double weightDecay,
                           int maxWindowsPerEpoch, int evalBatchSize, String optimizer, Adam adam,
                           LrSchedule lrSchedule, NtAsgd ntAsgd, String bpttJitter, String kernels) {

        /** Training with fixed-length BPTT windows. */
        public Training(int batchSize, int bptt, double learningRate, double clipNorm, double weightDecay,
                        int maxWindowsPerEpoch, int evalBatchSize, String optimizer, Adam adam,
                        LrSchedule lrSchedule, NtAsgd ntAsgd) {
            this(batchSize, bptt, learningRate, clipNorm, weightDecay, maxWindowsPerEpoch, evalBatchSize, optimizer,
                    adam, lrSchedule, ntAsgd, "fixed", "auto");
        }

        /** {@code lsh.training.adam}. */
        public record Adam(double beta1, double beta2, double epsilon, boolean decoupledWeightDecay) {
        }

        /** {@code lsh.training.lr-schedule}. */
        public record LrSchedule(String type, double factor, double gamma, int epochs, double minLearningRate) {
        }

        /** {@code lsh.training.nt-asgd}. */
        public record NtAsgd(boolean enabled, int nonMonotone) {
        }
    }

    /**
     * {@code lsh.pruning}: target sparsity, death-rate floor, and the fixed values of the controls the space does not
     * search. Control names are checked by the pruning library on the worker and up front by the coordinator.
     */
    public record Pruning(double sparsity, double deathRateFloor, String init, String death, String growth,
                          String redistribution, double deathRate, String method, String schedule,
                          int updateInterval) {
    }

    /**
     * One entry of {@code lsh.space}: categorical when {@code choices} is non-empty, else a numeric range
     * [{@code min}, {@code max}] quantized by {@code step} (0 = continuous), log-uniform when {@code log}; searched only
     * where the control {@code whenParent} takes the value {@code whenValue} when those are set.
     *
     * @param whenParent the control this one depends on, or null when it is always searched
     * @param whenValue  the parent's value for which it is searched, or null
     */
    public record SpaceParameter(String name, List<Object> choices, double min, double max, double step, boolean log,
                                 String whenParent, Object whenValue) {
        public SpaceParameter {
            choices = List.copyOf(choices);
        }

        /** An unconditional entry. */
        public SpaceParameter(String name, List<Object> choices, double min, double max, double step, boolean log) {
            this(name, choices, min, max, step, log, null, null);
        }

        public boolean categorical() {
            return !choices.isEmpty();
        }

        /** @return true when the entry has a {@code when} condition */
        public boolean conditional() {
            return whenParent != null;
        }
    }

    /**
     * {@code lsh.search}.
     *
     * @param optimizer        random | grid | tpe
     * @param candidates       trials the scheduler admits
     * @param firstRoundEpochs elimination e0
     * @param roundEpochs      elimination ei
     * @param finalists        trials reaching the final phase
     * @param finalEpochs      epochs the finalists train to
     * @param maxAttempts      hand-outs of a lost work item before the trial fails
     * @param scheduler        elimination | asha | hyperband | median | full
     * @param tpe              {@code lsh.search.tpe}
     * @param asha             {@code lsh.search.asha} (ASHA and Hyperband)
     * @param median           {@code lsh.search.median}
     * @param budget           {@code lsh.search.budget}
     */
    public record Search(String optimizer, int candidates, int firstRoundEpochs, int roundEpochs, int finalists,
                         int finalEpochs, int maxAttempts, String scheduler, Tpe tpe, Asha asha, Median median,
                         Budget budget, String promotion) {

        /** @return true when a promoted trial trains again from epoch 0 (the authors' code) instead of resuming */
        public boolean retrainsPromotions() {
            return "retrain".equals(promotion);
        }
    }

    /** {@code lsh.search.tpe}: hyperopt's TPE settings; {@code constantLiar} is worst | mean | none. */
    public record Tpe(int startupTrials, double gamma, int eiCandidates, double priorWeight, int linearForgetting,
                      String constantLiar) {
    }

    /** {@code lsh.search.asha}: r, eta, R of ASHA and Hyperband. */
    public record Asha(int minEpochs, int reductionFactor, int maxEpochs) {
    }

    /** {@code lsh.search.median}: the median stopping rule's report epochs and minimum peers. */
    public record Median(int graceEpochs, int epochsPerReport, int maxEpochs, int minTrials) {
    }

    /**
     * {@code lsh.search.budget}; 0 = unlimited.
     *
     * @param maxTrials   trials created at most
     * @param totalEpochs candidate training epochs handed out at most
     * @param wallTime    wall time of the study ({@link java.time.Duration#ZERO} = unlimited)
     */
    public record Budget(int maxTrials, long totalEpochs, java.time.Duration wallTime) {
    }

    /**
     * {@code lsh.spectrum}.
     *
     * @param warmupMode replay-window (the authors') | preceding-tokens
     * @param laterBatch B at the epochs after {@code lsh.search.first-round-epochs} (the authors: 5; method.md section
     *                   4); 0 = {@code batch} at every epoch
     * @param windowOffset token offset into each of the B validation columns where the measured window starts
     *                     (0 = the first window, the authors')
     */
    public record Spectrum(int steps, int warmup, int batch, int exponents, double logBase,
                           boolean jacobianTransposed, String warmupMode, int laterBatch, int windowOffset) {

        /** Settings with one B ({@code batch}) at every epoch. */
        public Spectrum(int steps, int warmup, int batch, int exponents, double logBase, boolean jacobianTransposed,
                        String warmupMode) {
            this(steps, warmup, batch, exponents, logBase, jacobianTransposed, warmupMode, 0);
        }

        /** Settings measuring the first window of each validation column. */
        public Spectrum(int steps, int warmup, int batch, int exponents, double logBase, boolean jacobianTransposed,
                        String warmupMode, int laterBatch) {
            this(steps, warmup, batch, exponents, logBase, jacobianTransposed, warmupMode, laterBatch, 0);
        }

        /** Tokens each measured sequence needs: max(T, W) with the replayed window, W + T otherwise. */
        public int sequenceLength() {
            return REPLAY_WINDOW.equals(warmupMode) ? Math.max(steps, warmup) : warmup + steps;
        }

        /**
         * B at an epoch: {@code batch} at epochs 1..e0, {@code laterBatch} after them when set.
         *
         * @param epoch            1-based training epoch
         * @param firstRoundEpochs e0, {@code lsh.search.first-round-epochs}
         */
        public int batchAt(int epoch, int firstRoundEpochs) {
            return laterBatch > 0 && epoch > firstRoundEpochs ? laterBatch : batch;
        }

        /** The authors' warm-up: the window's first W tokens, then the same window again, measured. */
        public static final String REPLAY_WINDOW = "replay-window";

        /** Settings with the authors' warm-up ({@link #REPLAY_WINDOW}). */
        public Spectrum(int steps, int warmup, int batch, int exponents, double logBase, boolean jacobianTransposed) {
            this(steps, warmup, batch, exponents, logBase, jacobianTransposed, REPLAY_WINDOW);
        }
    }

    /**
     * {@code lsh.distance}: the LS-distance variant of method.md section 5 (names as in reference.conf, validated).
     *
     * @param reference same-epoch | final
     * @param alignment as-given | sorted
     * @param space     spectrum | pca2
     */
    public record Distance(String reference, String alignment, String space) {

        /** The paper's distance: same epoch, QR order, all exponents. */
        public static Distance defaults() {
            return new Distance("same-epoch", "as-given", "spectrum");
        }

        /** @return true when candidates are compared with the dense reference's last epoch */
        public boolean comparesWithFinalEpoch() {
            return "final".equals(reference);
        }
    }

    /** {@code lsh.cluster}. */
    public record Cluster(int workers, String host, int port, String checkpointTransfer, int artifactPort) {

        /** {@code checkpoint-transfer}: every node sees the study folder at the same path. */
        public static final String SHARED_DIRECTORY = "shared-directory";
        /** {@code checkpoint-transfer}: checkpoints travel through the coordinator's artifact store. */
        public static final String THROUGH_COORDINATOR = "coordinator";

        /** @return true when workers upload and download checkpoints through the coordinator */
        public boolean transfersCheckpoints() {
            return THROUGH_COORDINATOR.equals(checkpointTransfer);
        }

    }

    /**
     * {@code lsh.metrics}: the Prometheus endpoint of each JVM.
     *
     * @param enabled         serve it
     * @param host            bind address (loopback by default)
     * @param coordinatorPort port of the coordinator's JVM, 0 = free port
     * @param workerPort      port of a worker JVM, 0 = free port
     * @param lingerSeconds   seconds the endpoint stays up after the study ends
     */
    public record Metrics(boolean enabled, String host, int coordinatorPort, int workerPort, int lingerSeconds) {
    }
}
