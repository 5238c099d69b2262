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
        String rendered) {

    /** {@code lsh.study}. */
    public record Study(String name, long seed, Path out, String objective) {
    }

    /** {@code lsh.corpus}. */
    public record Corpus(Path dir, int maxVocab) {
    }

    /** {@code lsh.model}. */
    public record Model(String type, int embeddingSize, List<Integer> hiddenSizes, double dropout, boolean tiedWeights) {
        public Model {
            hiddenSizes = List.copyOf(hiddenSizes);
        }
    }

    /** {@code lsh.training}. */
    public record Training(int batchSize, int bptt, double learningRate, double clipNorm, double weightDecay,
                           int maxWindowsPerEpoch, int evalBatchSize, String optimizer, Adam adam,
                           LrSchedule lrSchedule, NtAsgd ntAsgd) {

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
                          String redistribution, double deathRate) {
    }

    /**
     * One entry of {@code lsh.space}: categorical when {@code choices} is non-empty, else a numeric range
     * [{@code min}, {@code max}] quantized by {@code step} (0 = continuous), log-uniform when {@code log}.
     */
    public record SpaceParameter(String name, List<Object> choices, double min, double max, double step, boolean log) {
        public SpaceParameter {
            choices = List.copyOf(choices);
        }

        public boolean categorical() {
            return !choices.isEmpty();
        }
    }

    /** {@code lsh.search}. */
    public record Search(String optimizer, int candidates, int firstRoundEpochs, int roundEpochs, int finalists,
                         int finalEpochs, int maxAttempts) {
    }

    /** {@code lsh.spectrum}. */
    public record Spectrum(int steps, int warmup, int batch, int exponents, double logBase,
                           boolean jacobianTransposed) {
    }

    /** {@code lsh.cluster}. */
    public record Cluster(int workers, String host, int port) {
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
