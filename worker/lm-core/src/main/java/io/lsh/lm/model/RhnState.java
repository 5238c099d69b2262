package io.lsh.lm.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The state s of a Recurrent Highway Network layer for B parallel sequences: a B x H 'c'-order array, row b =
 * sequence b (the output of the last micro-layer of the previous token). Not thread-safe.
 */
public final class RhnState implements RecurrentState {

    private final INDArray state;

    RhnState(int batchSize, int hiddenSize, DataType dataType) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        this.state = Nd4j.zeros(dataType, batchSize, hiddenSize);
    }

    private RhnState(INDArray state) {
        this.state = state;
    }

    @Override
    public int batchSize() {
        return (int) state.size(0);
    }

    /** The state s, B x H (live). */
    public INDArray hidden() {
        return state;
    }

    @Override
    public void reset() {
        state.assign(0);
    }

    @Override
    public RhnState copy() {
        return new RhnState(state.dup());
    }
}
