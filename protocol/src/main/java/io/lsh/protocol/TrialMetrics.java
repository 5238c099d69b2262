package io.lsh.protocol;

import java.util.Map;

/**
 * What a worker measured for a trial at the end of an epoch.
 *
 * @param epoch             completed epochs
 * @param trainLoss         mean training cross-entropy of the epoch (nats per token)
 * @param validPerplexity   validation perplexity after the epoch
 * @param lsDistance        LS distance to the dense reference at the same epoch, NaN when not measured
 * @param sparsity          fraction of zero weights over all prunable tensors
 * @param activeParameters  number of non-masked parameters (all tensors, biases included)
 * @param trainSeconds      wall time of the epoch's training
 * @param spectrumSeconds   wall time of the spectrum, 0 when not measured
 * @param tokensPerSecond   training throughput of the epoch
 * @param layerSparsity     fraction of masked weights per layer (encoder, rnn.l0, ..., decoder); empty when dense
 * @param flopsPerToken     forward-pass FLOPs per token of the (pruned) model, 0 when not counted
 * @param testPerplexity    test-split perplexity, measured only at the end of a trial's full training (the final
 *                          phase, or a segment reaching the planned epochs) on the weights validation uses (NT-ASGD's
 *                          average when active); NaN at every other epoch
 */
public record TrialMetrics(
        int epoch,
        double trainLoss,
        double validPerplexity,
        double lsDistance,
        double sparsity,
        long activeParameters,
        double trainSeconds,
        double spectrumSeconds,
        double tokensPerSecond,
        Map<String, Double> layerSparsity,
        long flopsPerToken,
        double testPerplexity) implements CborSerializable {

    public TrialMetrics {
        layerSparsity = Map.copyOf(layerSparsity);
    }

    /** Metrics without a test perplexity (every epoch but the last of a full training). */
    public TrialMetrics(int epoch, double trainLoss, double validPerplexity, double lsDistance, double sparsity,
                        long activeParameters, double trainSeconds, double spectrumSeconds, double tokensPerSecond,
                        Map<String, Double> layerSparsity, long flopsPerToken) {
        this(epoch, trainLoss, validPerplexity, lsDistance, sparsity, activeParameters, trainSeconds, spectrumSeconds,
                tokensPerSecond, layerSparsity, flopsPerToken, Double.NaN);
    }

    /** Metrics without a FLOP count. */
    public TrialMetrics(int epoch, double trainLoss, double validPerplexity, double lsDistance, double sparsity,
                        long activeParameters, double trainSeconds, double spectrumSeconds, double tokensPerSecond,
                        Map<String, Double> layerSparsity) {
        this(epoch, trainLoss, validPerplexity, lsDistance, sparsity, activeParameters, trainSeconds, spectrumSeconds,
                tokensPerSecond, layerSparsity, 0L);
    }

    /** The same metrics with the LS distance set (when the coordinator measures it against a later reference). */
    public TrialMetrics withLsDistance(double distance) {
        return new TrialMetrics(epoch, trainLoss, validPerplexity, distance, sparsity, activeParameters, trainSeconds,
                spectrumSeconds, tokensPerSecond, layerSparsity, flopsPerToken, testPerplexity);
    }

    /** The same metrics with the test perplexity set. */
    public TrialMetrics withTestPerplexity(double perplexity) {
        return new TrialMetrics(epoch, trainLoss, validPerplexity, lsDistance, sparsity, activeParameters, trainSeconds,
                spectrumSeconds, tokensPerSecond, layerSparsity, flopsPerToken, perplexity);
    }

    /** True when the test split was evaluated at this epoch. */
    public boolean hasTestPerplexity() {
        return !Double.isNaN(testPerplexity);
    }
}
