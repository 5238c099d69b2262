package io.lsh.protocol;

/**
 * The optimizer part of a study's training recipe ({@code lsh.training} in reference.conf, method.md section 2):
 * update rule, learning-rate schedule and NT-ASGD. Wire record: primitives and strings only.
 *
 * @param optimizer                 sgd | adam
 * @param adamBeta1                 Adam first-moment decay
 * @param adamBeta2                 Adam second-moment decay
 * @param adamEpsilon               Adam denominator guard
 * @param adamDecoupledWeightDecay  AdamW-style decay instead of L2
 * @param lrSchedule                constant | plateau | exponential | cosine
 * @param lrPlateauFactor           plateau: divide the rate by this when validation does not improve
 * @param lrGamma                   exponential: per-epoch factor
 * @param lrCosineEpochs            cosine: annealing period in epochs
 * @param lrMin                     cosine: floor of the rate
 * @param ntAsgdNonMonotone         0 = no NT-ASGD, else its non-monotone interval n
 * @param bpttJitter                fixed | awd: the training windows' lengths ({@code lsh.training.bptt-jitter});
 *                                  null (a message of an older sender) reads as fixed
 * @param kernels                   auto | fused-java | nd4j-ops: the LSTM's element-wise back end
 *                                  ({@code lsh.training.kernels}); null reads as auto
 */
public record OptimizerRecipe(
        String optimizer,
        double adamBeta1,
        double adamBeta2,
        double adamEpsilon,
        boolean adamDecoupledWeightDecay,
        String lrSchedule,
        double lrPlateauFactor,
        double lrGamma,
        int lrCosineEpochs,
        double lrMin,
        int ntAsgdNonMonotone,
        String bpttJitter,
        String kernels) implements CborSerializable {

    public OptimizerRecipe {
        bpttJitter = bpttJitter == null ? "fixed" : bpttJitter;
        kernels = kernels == null ? "auto" : kernels;
    }

    /** A recipe with automatic kernels. */
    public OptimizerRecipe(String optimizer, double adamBeta1, double adamBeta2, double adamEpsilon,
                           boolean adamDecoupledWeightDecay, String lrSchedule, double lrPlateauFactor,
                           double lrGamma, int lrCosineEpochs, double lrMin, int ntAsgdNonMonotone,
                           String bpttJitter) {
        this(optimizer, adamBeta1, adamBeta2, adamEpsilon, adamDecoupledWeightDecay, lrSchedule, lrPlateauFactor,
                lrGamma, lrCosineEpochs, lrMin, ntAsgdNonMonotone, bpttJitter, "auto");
    }

    /** A recipe with fixed-length windows. */
    public OptimizerRecipe(String optimizer, double adamBeta1, double adamBeta2, double adamEpsilon,
                           boolean adamDecoupledWeightDecay, String lrSchedule, double lrPlateauFactor,
                           double lrGamma, int lrCosineEpochs, double lrMin, int ntAsgdNonMonotone) {
        this(optimizer, adamBeta1, adamBeta2, adamEpsilon, adamDecoupledWeightDecay, lrSchedule, lrPlateauFactor,
                lrGamma, lrCosineEpochs, lrMin, ntAsgdNonMonotone, "fixed", "auto");
    }

    /** The same recipe with another window-length rule (fixed | awd). */
    public OptimizerRecipe withBpttJitter(String newBpttJitter) {
        return new OptimizerRecipe(optimizer, adamBeta1, adamBeta2, adamEpsilon, adamDecoupledWeightDecay, lrSchedule,
                lrPlateauFactor, lrGamma, lrCosineEpochs, lrMin, ntAsgdNonMonotone, newBpttJitter, kernels);
    }

    /** The same recipe with another LSTM kernel back end (auto | fused-java | nd4j-ops). */
    public OptimizerRecipe withKernels(String newKernels) {
        return new OptimizerRecipe(optimizer, adamBeta1, adamBeta2, adamEpsilon, adamDecoupledWeightDecay, lrSchedule,
                lrPlateauFactor, lrGamma, lrCosineEpochs, lrMin, ntAsgdNonMonotone, bpttJitter, newKernels);
    }

    /** Plain SGD with a constant rate and no averaging (reference.conf's defaults). */
    public static OptimizerRecipe defaults() {
        return new OptimizerRecipe("sgd", 0.9, 0.999, 1e-8, false, "constant", 4.0, 0.95, 40, 0.0, 0);
    }
}
