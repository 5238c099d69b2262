package io.lsh.lm.train;

/**
 * How the learning rate changes from epoch to epoch (method.md section 2: setting A trains with SGD and divides the
 * rate by 4 whenever the validation perplexity does not improve, as PyTorch's {@code word_language_model} does).
 * The rate of epoch {@code e} (1-based) is the base rate {@code lr0} transformed as each variant says; a
 * {@link LearningRateScheduler} applies it and keeps the state of {@link DecayOnPlateau}.
 */
public sealed interface LearningRateSchedule {

    /** The name used in configuration files and checkpoints. */
    String name();

    /** {@code lr(e) = lr0} for every epoch (the default: the recipe's plain SGD). */
    record Constant() implements LearningRateSchedule {
        @Override
        public String name() {
            return "constant";
        }
    }

    /**
     * Divides the rate by {@code factor} after every epoch whose validation loss is not lower than the best so far
     * (PyTorch {@code word_language_model}: {@code factor = 4}).
     *
     * @param factor divisor, &gt; 1
     */
    record DecayOnPlateau(double factor) implements LearningRateSchedule {
        public DecayOnPlateau {
            if (!(factor > 1) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException("plateau decay factor must be > 1 and finite, got " + factor);
            }
        }

        @Override
        public String name() {
            return "plateau";
        }
    }

    /**
     * {@code lr(e) = lr0 * gamma^(e-1)}.
     *
     * @param gamma per-epoch factor, in (0, 1]
     */
    record Exponential(double gamma) implements LearningRateSchedule {
        public Exponential {
            if (!(gamma > 0 && gamma <= 1)) {
                throw new IllegalArgumentException("exponential decay gamma must be in (0, 1], got " + gamma);
            }
        }

        @Override
        public String name() {
            return "exponential";
        }
    }

    /**
     * Cosine annealing (Loshchilov &amp; Hutter 2017, without restarts):
     * {@code lr(e) = min + (lr0 - min) (1 + cos(pi min(e-1, epochs) / epochs)) / 2}, reaching {@code min} after
     * {@code epochs} epochs and staying there.
     *
     * @param epochs          annealing period in epochs, &gt;= 1
     * @param minLearningRate floor, &gt;= 0 (must be below the base rate, checked by the scheduler)
     */
    record Cosine(int epochs, double minLearningRate) implements LearningRateSchedule {
        public Cosine {
            if (epochs < 1) {
                throw new IllegalArgumentException("cosine schedule epochs must be >= 1, got " + epochs);
            }
            if (!(minLearningRate >= 0) || Double.isInfinite(minLearningRate)) {
                throw new IllegalArgumentException("cosine minimum learning rate must be >= 0 and finite, got "
                        + minLearningRate);
            }
        }

        @Override
        public String name() {
            return "cosine";
        }
    }
}
