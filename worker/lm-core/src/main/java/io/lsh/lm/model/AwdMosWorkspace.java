package io.lsh.lm.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The buffers of one forward/backward pass of an {@link AwdMosLanguageModel} for T steps and B sequences, allocated
 * once per window shape and reused (the layout of {@link LstmWorkspace}: time-major rows, row blocks as gemm
 * views). The head's expert logits are computed in chunks of {@link #chunkTokens} tokens ({@code chunkTokens * K x V}
 * at most {@link #CHUNK_ELEMENTS} entries by default, at least one token) so that memory does not grow with {@code N K V}. Backward and dropout
 * buffers are allocated on first use in training.
 */
final class AwdMosWorkspace {

    /** Upper bound on the entries of the chunk logits buffer (32 MB in FLOAT). */
    static final long CHUNK_ELEMENTS = 1L << 23;

    final int steps;
    final int batchSize;
    final int rows;
    final int chunkTokens;
    private final AwdMosSpec spec;
    private final DataType dataType;

    /** Embedded (and dropped-out) inputs of layer 0, N x E. */
    final INDArray embedded;
    final INDArray[] gates;
    final INDArray[] hidden;
    final INDArray[] cells;
    final INDArray[] tanhCells;
    final INDArray[] hiddenPrev;
    final INDArray[] hiddenOut;
    final INDArray[][] hiddenBlock;
    final INDArray[] cellFirst;
    final INDArray[] cellLast;
    final INDArray[][] gateBlock;
    /** Prior logits, N x K. */
    final INDArray priorLogits;
    /** Latent vectors tanh(o W_l + b_l), N x KE, and the same memory as NK x E (row n K + k = expert k of token n). */
    final INDArray latent;
    final INDArray latentRows;
    /** Expert logits of one chunk of tokens, chunkTokens K x V. */
    final INDArray chunkLogits;

    boolean trainingReady;
    /** Per layer l >= 1: the dropped output of layer l-1 (input of layer l), N x H_{l-1}. */
    INDArray[] layerInput;
    /** The dropped last-layer output o (head input), N x H_{L-1}. */
    INDArray output;
    /** The dropped latent vectors, N x KE, and as NK x E. */
    INDArray droppedLatent;
    INDArray droppedLatentRows;
    /** Locked-dropout masks, B x width: embedded input, between layers (l < L-1), last output, latent. */
    INDArray inputMask;
    INDArray[] hiddenMask;
    INDArray outputMask;
    INDArray latentMask;
    INDArray[] dGates;
    INDArray[][] dGateBlock;
    INDArray[] dHidden;
    INDArray[][] dHiddenBlock;
    INDArray[] dCellCarry;
    INDArray dEmbedded;
    /** Gradient of the (dropped) latent vectors, then of their pre-activations: N x KE and NK x E. */
    INDArray dLatent;
    INDArray dLatentRows;
    /** Gradient of the prior logits, N x K. */
    INDArray dPrior;
    /** 1 x N ones (bias gradients as gemm). */
    INDArray ones;
    /** 1 x rows ones for a full chunk and for the last (shorter) chunk. */
    INDArray chunkOnes;
    INDArray lastChunkOnes;

    AwdMosWorkspace(AwdMosSpec spec, DataType dataType, int steps, int batchSize, long chunkElements) {
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
        int k = spec.experts();
        priorLogits = Nd4j.create(dataType, rows, k);
        latent = Nd4j.create(dataType, rows, spec.latentWidth());
        latentRows = expertRows(latent);
        long perToken = (long) k * spec.vocabSize();
        chunkTokens = (int) Math.max(1, Math.min(rows, chunkElements / perToken));
        chunkLogits = Nd4j.create(dataType, (long) chunkTokens * k, spec.vocabSize());
    }

    /** The N x KE array {@code a} seen as NK x E over the same memory (checked). */
    private INDArray expertRows(INDArray a) {
        INDArray view = a.reshape('c', (long) rows * spec.experts(), spec.embeddingSize());
        if (view.data().addressPointer().address() != a.data().addressPointer().address()) {
            throw new IllegalStateException("reshape copied the latent buffer");
        }
        return view;
    }

    /** Allocates the backward and dropout buffers (once). */
    void ensureTraining() {
        if (trainingReady) {
            return;
        }
        int layers = spec.layerCount();
        layerInput = new INDArray[layers];
        hiddenMask = new INDArray[layers];
        dGates = new INDArray[layers];
        dGateBlock = new INDArray[layers][];
        dHidden = new INDArray[layers];
        dHiddenBlock = new INDArray[layers][];
        dCellCarry = new INDArray[layers];
        for (int l = 0; l < layers; l++) {
            int h = spec.hiddenSize(l);
            if (l >= 1) {
                layerInput[l] = Nd4j.create(dataType, rows, spec.hiddenSize(l - 1));
            }
            if (l < layers - 1) {
                hiddenMask[l] = Nd4j.create(dataType, batchSize, h);
            }
            dGates[l] = Nd4j.create(dataType, rows, 4L * h);
            dGateBlock[l] = blocks(dGates[l], steps);
            dHidden[l] = Nd4j.create(dataType, rows, h);
            dHiddenBlock[l] = blocks(dHidden[l], steps);
            dCellCarry[l] = Nd4j.create(dataType, batchSize, h);
        }
        output = Nd4j.create(dataType, rows, spec.outputHiddenSize());
        droppedLatent = Nd4j.create(dataType, rows, spec.latentWidth());
        droppedLatentRows = expertRows(droppedLatent);
        inputMask = Nd4j.create(dataType, batchSize, spec.embeddingSize());
        outputMask = Nd4j.create(dataType, batchSize, spec.outputHiddenSize());
        latentMask = Nd4j.create(dataType, batchSize, spec.latentWidth());
        dEmbedded = Nd4j.create(dataType, rows, spec.embeddingSize());
        dLatent = Nd4j.create(dataType, rows, spec.latentWidth());
        dLatentRows = expertRows(dLatent);
        dPrior = Nd4j.create(dataType, rows, spec.experts());
        ones = Nd4j.ones(dataType, 1, rows);
        int k = spec.experts();
        chunkOnes = Nd4j.ones(dataType, 1, (long) chunkTokens * k);
        int last = rows % chunkTokens;
        lastChunkOnes = last == 0 ? chunkOnes : Nd4j.ones(dataType, 1, (long) last * k);
        trainingReady = true;
    }

    /** Rows [from, to) of the chunk logits buffer for a chunk of {@code tokens} tokens. */
    INDArray chunkLogitRows(int tokens) {
        return tokens == chunkTokens ? chunkLogits : rowRange(chunkLogits, 0, (long) tokens * spec.experts());
    }

    private INDArray[] blocks(INDArray array, int count) {
        INDArray[] out = new INDArray[count];
        for (int t = 0; t < count; t++) {
            out[t] = rowRange(array, (long) t * batchSize, (long) (t + 1) * batchSize);
        }
        return out;
    }

    static INDArray rowRange(INDArray array, long from, long to) {
        return array.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }
}
