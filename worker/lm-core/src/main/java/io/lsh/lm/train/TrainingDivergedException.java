package io.lsh.lm.train;

/** The training loss became NaN or infinite. */
public class TrainingDivergedException extends RuntimeException {

    private final int epoch;
    private final int step;

    public TrainingDivergedException(int epoch, int step, double loss) {
        super("training diverged at epoch " + epoch + ", step " + step + ": loss " + loss);
        this.epoch = epoch;
        this.step = step;
    }

    /** Epoch in which the loss diverged. */
    public int epoch() {
        return epoch;
    }

    /** 0-based window index within the epoch. */
    public int step() {
        return step;
    }
}
