package io.lsh.lm.train;

import io.lsh.lm.data.BpttWindow;
import io.lsh.lm.model.ParameterSet;

/**
 * Callbacks a {@link Trainer} makes around every update. Dynamic-sparse-training masks (method.md section 3) zero the
 * gradients of pruned weights in {@link #afterBackward} and the pruned weights themselves in {@link #afterUpdate}.
 * Both run on the training thread; they may modify values and gradients in place.
 */
public interface TrainingHooks {

    /** Hooks that do nothing. */
    TrainingHooks NONE = new TrainingHooks() {
    };

    /** Before the forward pass of a window, with the learning rate its update will use. */
    default void beforeStep(BpttWindow window, double learningRate) {
    }

    /** After the backward pass filled the gradients, before clipping, weight decay and the update. */
    default void afterBackward(ParameterSet parameters) {
    }

    /** After the parameter values were updated. */
    default void afterUpdate(ParameterSet parameters) {
    }
}
