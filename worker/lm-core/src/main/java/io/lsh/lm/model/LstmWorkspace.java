package io.lsh.lm.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Every buffer and view one forward/backward pass of an {@link LstmLanguageModel} needs for a window of T steps
 * and B sequences, allocated once and reused (docs/dl4j-notes.md). Rows are time-major ({@code row = t * B + b}),
 * so the B rows of a time step are a contiguous row block that {@code Nd4j.gemm} accepts as an output view.
 * Backward and dropout buffers are allocated on first use in training mode.
 */
final class LstmWorkspace {

    final int steps;
    final int batchSize;
    final int rows;
    private final ModelSpec spec;
    private final DataType dataType;

    /** Embedded (and dropped-out) inputs of layer 0, N x E. */
    final INDArray embedded;
    /** Per layer: gate pre-activations, then activations, N x 4H. */
    final INDArray[] gates;
    /** Per layer: hidden states, (T+1)B x H; block 0 = initial state. */
    final INDArray[] hidden;
    /** Per layer: cell states, (T+1)B x H; block 0 = initial state. */
    final INDArray[] cells;
    /** Per layer: tanh(c_t), N x H. */
    final INDArray[] tanhCells;
    /** Per layer: views of hidden rows [0, N) (h_{t-1} for every step) and [B, N+B) (the outputs h_t). */
    final INDArray[] hiddenPrev;
    final INDArray[] hiddenOut;
    /** Per layer and step t in [0, T]: row block t of hidden / cells. */
    final INDArray[][] hiddenBlock;
    final INDArray[] cellFirst;
    final INDArray[] cellLast;
    /** Per layer and step: row block t of gates. */
    final INDArray[][] gateBlock;
    /** Logits, then their gradient, N x V. */
    final INDArray logits;

    // training-only buffers, allocated by ensureTraining()
    boolean trainingReady;
    boolean dropoutReady;
    /** Dropout masks: embedding output (N x E) and every layer's output (N x H_l). */
    INDArray embeddedMask;
    INDArray[] outputMask;
    /** Per layer: dropped-out outputs (input of the next layer or of the decoder), N x H_l. */
    INDArray[] droppedOut;
    /** Per layer: gradients of the gate pre-activations, N x 4H, and their row blocks. */
    INDArray[] dGates;
    INDArray[][] dGateBlock;
    /** Per layer: gradient of the outputs h_t, N x H, and its row blocks. */
    INDArray[] dHidden;
    INDArray[][] dHiddenBlock;
    /** Per layer: gradient of c_t flowing to step t-1, B x H. */
    INDArray[] dCellCarry;
    /** Gradient of the embedded inputs, N x E. */
    INDArray dEmbedded;
    /** A 1 x N row of ones (bias gradients as a gemm). */
    INDArray ones;

    LstmWorkspace(ModelSpec spec, DataType dataType, int steps, int batchSize) {
        this.spec = spec;
        this.dataType = dataType;
        this.steps = steps;
        this.batchSize = batchSize;
        this.rows = steps * batchSize;
        int layers = spec.layerCount();
        embedded = Nd4j.create(dataType, rows, spec.embeddingSize());
        gates = new INDArray[layers];
        hidden = new INDArray[layers];
        cells = new INDArray[layers];
        tanhCells = new INDArray[layers];
        hiddenPrev = new INDArray[layers];
        hiddenOut = new INDArray[layers];
        hiddenBlock = new INDArray[layers][];
        cellFirst = new INDArray[layers];
        cellLast = new INDArray[layers];
        gateBlock = new INDArray[layers][];
        for (int l = 0; l < layers; l++) {
            int h = spec.hiddenSize(l);
            gates[l] = Nd4j.create(dataType, rows, 4L * h);
            hidden[l] = Nd4j.create(dataType, rows + batchSize, h);
            cells[l] = Nd4j.create(dataType, rows + batchSize, h);
            tanhCells[l] = Nd4j.create(dataType, rows, h);
            hiddenPrev[l] = rowRange(hidden[l], 0, rows);
            hiddenOut[l] = rowRange(hidden[l], batchSize, rows + batchSize);
            hiddenBlock[l] = blocks(hidden[l], steps + 1);
            cellFirst[l] = rowRange(cells[l], 0, batchSize);
            cellLast[l] = rowRange(cells[l], rows, rows + batchSize);
            gateBlock[l] = blocks(gates[l], steps);
        }
        logits = Nd4j.create(dataType, rows, spec.vocabSize());
    }

    /** Allocates the backward buffers (once). */
    void ensureTraining() {
        if (trainingReady) {
            return;
        }
        int layers = spec.layerCount();
        dGates = new INDArray[layers];
        dGateBlock = new INDArray[layers][];
        dHidden = new INDArray[layers];
        dHiddenBlock = new INDArray[layers][];
        dCellCarry = new INDArray[layers];
        for (int l = 0; l < layers; l++) {
            int h = spec.hiddenSize(l);
            dGates[l] = Nd4j.create(dataType, rows, 4L * h);
            dGateBlock[l] = blocks(dGates[l], steps);
            dHidden[l] = Nd4j.create(dataType, rows, h);
            dHiddenBlock[l] = blocks(dHidden[l], steps);
            dCellCarry[l] = Nd4j.create(dataType, batchSize, h);
        }
        dEmbedded = Nd4j.create(dataType, rows, spec.embeddingSize());
        ones = Nd4j.ones(dataType, 1, rows);
        trainingReady = true;
    }

    /** Allocates the dropout masks and dropped-out outputs (once). */
    void ensureDropout() {
        if (dropoutReady) {
            return;
        }
        int layers = spec.layerCount();
        embeddedMask = Nd4j.create(dataType, rows, spec.embeddingSize());
        outputMask = new INDArray[layers];
        droppedOut = new INDArray[layers];
        for (int l = 0; l < layers; l++) {
            outputMask[l] = Nd4j.create(dataType, rows, spec.hiddenSize(l));
            droppedOut[l] = Nd4j.create(dataType, rows, spec.hiddenSize(l));
        }
        dropoutReady = true;
    }

    private INDArray[] blocks(INDArray array, int count) {
        INDArray[] out = new INDArray[count];
        for (int t = 0; t < count; t++) {
            out[t] = rowRange(array, (long) t * batchSize, (long) (t + 1) * batchSize);
        }
        return out;
    }

    private static INDArray rowRange(INDArray array, long from, long to) {
        return array.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }
}
