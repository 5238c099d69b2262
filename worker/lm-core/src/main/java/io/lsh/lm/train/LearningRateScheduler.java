package io.lsh.lm.train;

import java.util.Objects;

/**
 * Applies a {@link LearningRateSchedule} to a base rate over epochs (method.md section 2). Call
 * {@link #rateForEpoch(int)} before training an epoch and {@link #recordValidation(double)} with the epoch's
 * validation loss after evaluating it. The only state, the current rate and the best validation loss of
 * {@link LearningRateSchedule.DecayOnPlateau}, is exported for checkpoints so that a resumed run continues with
 * exactly the same rates. Not thread-safe.
 */
public final class LearningRateScheduler {

    private final LearningRateSchedule schedule;
    private final double baseRate;
    private double plateauRate;
    private double bestValidLoss = Double.POSITIVE_INFINITY;

    /**
     * @param schedule the schedule
     * @param baseRate the rate of epoch 1, &gt; 0 (and above a cosine schedule's floor)
     */
    public LearningRateScheduler(LearningRateSchedule schedule, double baseRate) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        if (!(baseRate > 0) || Double.isInfinite(baseRate)) {
            throw new IllegalArgumentException("base learning rate must be > 0 and finite, got " + baseRate);
        }
        if (schedule instanceof LearningRateSchedule.Cosine c && c.minLearningRate() >= baseRate) {
            throw new IllegalArgumentException("cosine minimum learning rate " + c.minLearningRate()
                    + " must be below the base rate " + baseRate);
        }
        this.baseRate = baseRate;
        this.plateauRate = baseRate;
    }

    /** The schedule. */
    public LearningRateSchedule schedule() {
        return schedule;
    }

    /** The learning rate of epoch {@code epoch} (1-based). */
    public double rateForEpoch(int epoch) {
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch must be >= 1, got " + epoch);
        }
        if (schedule instanceof LearningRateSchedule.Constant) {
            return baseRate;
        }
        if (schedule instanceof LearningRateSchedule.DecayOnPlateau) {
            return plateauRate;
        }
        if (schedule instanceof LearningRateSchedule.Exponential x) {
            return baseRate * Math.pow(x.gamma(), epoch - 1);
        }
        LearningRateSchedule.Cosine c = (LearningRateSchedule.Cosine) schedule;
        double progress = Math.min(epoch - 1, c.epochs()) / (double) c.epochs();
        return c.minLearningRate() + (baseRate - c.minLearningRate()) * (1 + Math.cos(Math.PI * progress)) / 2;
    }

    /**
     * Records an epoch's validation loss (nats per token, or any quantity monotone in it such as the perplexity).
     * For {@link LearningRateSchedule.DecayOnPlateau}: a loss not strictly below the best so far divides the rate by
     * the factor (a NaN loss counts as no improvement); other schedules ignore it.
     */
    public void recordValidation(double validLoss) {
        if (validLoss < bestValidLoss) {
            bestValidLoss = validLoss;
        } else if (schedule instanceof LearningRateSchedule.DecayOnPlateau p) {
            plateauRate /= p.factor();
        }
    }

    /** The best validation loss recorded so far ({@code +Infinity} before the first). */
    public double bestValidLoss() {
        return bestValidLoss;
    }

    /** The current rate of a plateau schedule (the base rate for the others): state for checkpoints. */
    public double plateauRate() {
        return plateauRate;
    }

    /** Restores the state exported by {@link #plateauRate()} and {@link #bestValidLoss()}. */
    public void restore(double plateauRate, double bestValidLoss) {
        if (!(plateauRate > 0)) {
            throw new IllegalArgumentException("restored learning rate must be > 0, got " + plateauRate);
        }
        this.plateauRate = plateauRate;
        this.bestValidLoss = bestValidLoss;
    }
}
