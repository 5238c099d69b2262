package io.lsh.lm.train;

import java.util.Objects;

/**
 * A complete training recipe for a {@link TrainingSession} (method.md section 2).
 *
 * @param sgd                  base learning rate, clipping, weight decay, BPTT and window cap
 * @param optimizer            update rule
 * @param schedule             learning-rate schedule over epochs
 * @param ntAsgdNonMonotone    0: no averaging; n &gt;= 1: NT-ASGD with non-monotone interval n (AWD-LSTM: 5), which
 *                             needs {@link OptimizerSettings.Sgd}
 * @param bpttLength           fixed windows of {@code sgd.bptt()} steps, or AWD-LSTM's randomised lengths
 */
public record TrainingSettings(SgdSettings sgd, OptimizerSettings optimizer, LearningRateSchedule schedule,
                               int ntAsgdNonMonotone, BpttLength bpttLength) {

    /** A recipe with fixed-length windows. */
    public TrainingSettings(SgdSettings sgd, OptimizerSettings optimizer, LearningRateSchedule schedule,
                            int ntAsgdNonMonotone) {
        this(sgd, optimizer, schedule, ntAsgdNonMonotone, BpttLength.FIXED);
    }

    public TrainingSettings {
        Objects.requireNonNull(sgd, "sgd");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(bpttLength, "bpttLength");
        if (ntAsgdNonMonotone < 0) {
            throw new IllegalArgumentException("ntAsgdNonMonotone must be >= 0, got " + ntAsgdNonMonotone);
        }
        if (ntAsgdNonMonotone > 0 && !(optimizer instanceof OptimizerSettings.Sgd)) {
            throw new IllegalArgumentException("NT-ASGD averages SGD iterates: it needs optimizer sgd, not "
                    + optimizer.name());
        }
    }

    /** Plain SGD with a constant rate and no averaging: what {@link SgdTrainer} does. */
    public static TrainingSettings plainSgd(SgdSettings sgd) {
        return new TrainingSettings(sgd, new OptimizerSettings.Sgd(), new LearningRateSchedule.Constant(), 0);
    }

    /** The same recipe with other window lengths. */
    public TrainingSettings withBpttLength(BpttLength newBpttLength) {
        return new TrainingSettings(sgd, optimizer, schedule, ntAsgdNonMonotone, newBpttLength);
    }

    /** Whether NT-ASGD is on. */
    public boolean ntAsgd() {
        return ntAsgdNonMonotone > 0;
    }
}
