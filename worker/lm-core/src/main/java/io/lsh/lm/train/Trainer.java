package io.lsh.lm.train;

import io.lsh.lm.data.BatchedStream;
import io.lsh.lm.model.LanguageModel;

/** Trains a language model one epoch at a time. */
public interface Trainer {

    /**
     * Runs one epoch over the windows of {@code train}, starting from a zero recurrent state that is carried
     * (detached) across windows.
     *
     * @param epoch the epoch number, used in reports and error messages
     * @throws TrainingDivergedException if a window's loss is NaN or infinite
     */
    EpochStats trainEpoch(LanguageModel model, BatchedStream train, int epoch, TrainingHooks hooks);
}
