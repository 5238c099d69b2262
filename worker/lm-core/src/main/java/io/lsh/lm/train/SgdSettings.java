package io.lsh.lm.train;

/**
 * Settings of plain truncated-BPTT SGD (method.md section 2; setting A: lr 40, clip 0.25, weight decay 1.2e-6,
 * BPTT 35 with batch 20 chosen when batchifying).
 *
 * @param learningRate        step size, &gt; 0
 * @param gradientClipNorm    maximum global L2 norm of all gradients together; 0 disables clipping
 * @param weightDecay         L2 coefficient added to the gradient ({@code g += weightDecay * w}) after clipping, as
 *                            PyTorch's {@code SGD(weight_decay=...)} does after {@code clip_grad_norm_}; &gt;= 0
 * @param bptt                window length in time steps, &gt;= 1
 * @param maxWindowsPerEpoch  0 for the whole stream, else at most this many windows per epoch (tiny tests, smoke
 *                            runs)
 */
public record SgdSettings(double learningRate, double gradientClipNorm, double weightDecay, int bptt,
                          int maxWindowsPerEpoch) {

    public SgdSettings {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be > 0 and finite, got " + learningRate);
        }
        if (!(gradientClipNorm >= 0) || Double.isInfinite(gradientClipNorm)) {
            throw new IllegalArgumentException("gradientClipNorm must be >= 0 and finite, got " + gradientClipNorm);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay must be >= 0 and finite, got " + weightDecay);
        }
        if (bptt < 1) {
            throw new IllegalArgumentException("bptt must be >= 1, got " + bptt);
        }
        if (maxWindowsPerEpoch < 0) {
            throw new IllegalArgumentException("maxWindowsPerEpoch must be >= 0, got " + maxWindowsPerEpoch);
        }
    }

    /** The same settings with another learning rate (e.g. after annealing). */
    public SgdSettings withLearningRate(double newLearningRate) {
        return new SgdSettings(newLearningRate, gradientClipNorm, weightDecay, bptt, maxWindowsPerEpoch);
    }
}
