package io.lsh.lm.model;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The (h, c) state of every layer of a stacked LSTM for B parallel sequences: {@code hidden(l)} and {@code cell(l)}
 * are B x H_l 'c'-order arrays, row b = sequence b. Not thread-safe.
 */
public final class LstmState implements RecurrentState {

    private final INDArray[] hidden;
    private final INDArray[] cell;
    private final int batchSize;

    LstmState(ModelSpec spec, int batchSize, DataType dataType) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        this.batchSize = batchSize;
        int layers = spec.layerCount();
        hidden = new INDArray[layers];
        cell = new INDArray[layers];
        for (int l = 0; l < layers; l++) {
            hidden[l] = Nd4j.zeros(dataType, batchSize, spec.hiddenSize(l));
            cell[l] = Nd4j.zeros(dataType, batchSize, spec.hiddenSize(l));
        }
    }

    private LstmState(INDArray[] hidden, INDArray[] cell, int batchSize) {
        this.hidden = hidden;
        this.cell = cell;
        this.batchSize = batchSize;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    /** Number of layers. */
    public int layerCount() {
        return hidden.length;
    }

    /** Hidden state h of layer l, B x H_l (live). */
    public INDArray hidden(int layer) {
        return hidden[layer];
    }

    /** Cell state c of layer l, B x H_l (live). */
    public INDArray cell(int layer) {
        return cell[layer];
    }

    @Override
    public void reset() {
        for (int l = 0; l < hidden.length; l++) {
            hidden[l].assign(0);
            cell[l].assign(0);
        }
    }

    @Override
    public LstmState copy() {
        return new LstmState(Arrays.stream(hidden).map(INDArray::dup).toArray(INDArray[]::new),
                Arrays.stream(cell).map(INDArray::dup).toArray(INDArray[]::new), batchSize);
    }
}
