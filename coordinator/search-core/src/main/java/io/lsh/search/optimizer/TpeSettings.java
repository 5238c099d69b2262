package io.lsh.search.optimizer;

import java.util.Objects;

/**
 * Settings of {@link TreeParzenEstimator}, with hyperopt's defaults (Bergstra et al. 2011; the TPE the
 * Hyperpruning authors use, {@code docs/method.md} section 6). Validated on construction; errors name the field.
 *
 * @param startupTrials    trials proposed at random (from the prior) before the model is used, &gt;= 0 (hyperopt 20)
 * @param gamma            the "below" (good) group holds ceil(gamma * sqrt(n)) observations, in (0, 1] (hyperopt 0.25)
 * @param eiCandidates     candidates drawn from the good-group density per parameter, &gt;= 1 (hyperopt 24)
 * @param priorWeight      weight of the prior component of every Parzen estimator, &gt; 0 (hyperopt 1.0)
 * @param linearForgetting observations after which older ones get linearly decreasing weights, and the cap on
 *                         the good group's size, &gt;= 1 (hyperopt 25)
 * @param liar             what pending (asked, not yet told) configurations count as (constant liar)
 */
public record TpeSettings(int startupTrials, double gamma, int eiCandidates, double priorWeight,
                          int linearForgetting, ConstantLiar liar) {

    /** How asked-but-unreported configurations enter the model, so that concurrent asks spread out. */
    public enum ConstantLiar {
        /** Pending configurations count as observations at the worst objective told so far. */
        WORST,
        /** Pending configurations count as observations at the mean objective told so far. */
        MEAN,
        /** Pending configurations are ignored (hyperopt's behaviour; concurrent asks may cluster). */
        NONE
    }

    /** @throws IllegalArgumentException naming the field that is out of range */
    public TpeSettings {
        if (startupTrials < 0) {
            throw new IllegalArgumentException("startupTrials must be >= 0, got " + startupTrials);
        }
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("gamma must be in (0, 1], got " + gamma);
        }
        if (eiCandidates < 1) {
            throw new IllegalArgumentException("eiCandidates must be >= 1, got " + eiCandidates);
        }
        if (!(priorWeight > 0) || !Double.isFinite(priorWeight)) {
            throw new IllegalArgumentException("priorWeight must be > 0, got " + priorWeight);
        }
        if (linearForgetting < 1) {
            throw new IllegalArgumentException("linearForgetting must be >= 1, got " + linearForgetting);
        }
        Objects.requireNonNull(liar, "liar");
    }

    /** @return hyperopt's defaults: 20 start-up trials, gamma 0.25, 24 EI candidates, prior weight 1, LF 25, liar WORST */
    public static TpeSettings defaults() {
        return new TpeSettings(20, 0.25, 24, 1.0, 25, ConstantLiar.WORST);
    }
}
