package io.lsh.lm.train;

/**
 * Outcome of one training epoch.
 *
 * @param epoch           the epoch number the caller passed (1-based by convention)
 * @param trainLoss       mean training cross-entropy per token over the epoch's windows, nats, with dropout active
 * @param trainPerplexity {@code exp(trainLoss)}
 * @param tokens          number of predicted tokens trained on
 * @param seconds         wall-clock time of the epoch
 * @param tokensPerSecond {@code tokens / seconds}
 */
public record EpochStats(int epoch, double trainLoss, double trainPerplexity, long tokens, double seconds,
                         double tokensPerSecond) {
}
