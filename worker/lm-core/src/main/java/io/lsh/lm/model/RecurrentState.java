package io.lsh.lm.model;

/**
 * The recurrent state a {@link LanguageModel} carries from one BPTT window to the next (detached: no gradient
 * flows through it into the previous window). Created by {@link LanguageModel#initialState(int)}, updated in place
 * by every forward pass. Not thread-safe.
 */
public interface RecurrentState {

    /** Number of parallel sequences B. */
    int batchSize();

    /** Sets the state to zero (start of an epoch or of an evaluation). */
    void reset();

    /** An independent deep copy. */
    RecurrentState copy();
}
