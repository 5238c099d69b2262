package io.lsh.lm.train;

/**
 * The update rule applied after gradient clipping (method.md section 2). Learning rate and weight-decay coefficient
 * come from {@link SgdSettings}; the learning rate of each epoch from the {@link LearningRateSchedule}.
 */
public sealed interface OptimizerSettings {

    /** The name used in configuration files and checkpoints. */
    String name();

    /**
     * Plain SGD, {@code w -= lr (g + weightDecay w)} (the paper's recipe; PyTorch {@code SGD} without momentum).
     * With NT-ASGD the same step, followed by averaging once the trigger fired.
     */
    record Sgd() implements OptimizerSettings {
        @Override
        public String name() {
            return "sgd";
        }
    }

    /**
     * Adam (Kingma &amp; Ba 2015) with bias correction, exactly as PyTorch 1.13's {@code Adam}/{@code AdamW} step:
     * {@code m = b1 m + (1-b1) g}, {@code v = b2 v + (1-b2) g^2},
     * {@code w -= (lr / (1-b1^t)) m / (sqrt(v) / sqrt(1-b2^t) + eps)}. Weight decay is either L2 added to the
     * gradient before the moments ({@code g += wd w}, PyTorch {@code Adam(weight_decay)}) or decoupled
     * ({@code w *= 1 - lr wd} before the step, Loshchilov &amp; Hutter's AdamW).
     *
     * @param beta1                 first-moment decay, in [0, 1)
     * @param beta2                 second-moment decay, in [0, 1)
     * @param epsilon               denominator guard, &gt; 0
     * @param decoupledWeightDecay  AdamW-style decay instead of L2
     */
    record Adam(double beta1, double beta2, double epsilon, boolean decoupledWeightDecay)
            implements OptimizerSettings {
        public Adam {
            if (!(beta1 >= 0 && beta1 < 1)) {
                throw new IllegalArgumentException("Adam beta1 must be in [0, 1), got " + beta1);
            }
            if (!(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("Adam beta2 must be in [0, 1), got " + beta2);
            }
            if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
                throw new IllegalArgumentException("Adam epsilon must be > 0 and finite, got " + epsilon);
            }
        }

        /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, L2 weight decay. */
        public static Adam defaults() {
            return new Adam(0.9, 0.999, 1e-8, false);
        }

        @Override
        public String name() {
            return "adam";
        }
    }
}
