package io.lsh.lm.prune;

import io.lsh.lm.model.Parameter;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Gives the optimizer's momentum buffer of a parameter, for {@link GrowthCriterion#MOMENTUM} and
 * {@link Redistribution#MOMENTUM} (SNFS). Optimizers without momentum (plain SGD, the paper's recipe) cannot serve
 * these criteria.
 */
@FunctionalInterface
public interface MomentumSource {

    /**
     * @return the momentum of {@code parameter}, same shape as its value, or {@code null} when the optimizer has none
     *         yet (then the growth falls back to the lowest free indices, and the redistribution weight is 0)
     */
    INDArray momentumOf(Parameter parameter);
}
