package io.lsh.lm.model;

import io.lsh.lm.data.BpttWindow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Stacked-LSTM word-level language model (method.md section 2, setting A; PyTorch {@code word_language_model}
 * architecture): embedding, L LSTM layers, linear decoder to V logits, softmax cross-entropy, with inverted dropout
 * on the embedding output, between layers and before the decoder (training only).
 *
 * <p>Parameters, in this order, with PyTorch-style names (shapes in the row-vector convention of
 * {@link LstmLayerWeights}, {@code y = x W + h U + b}, gate column blocks i, f, g, o):
 * <ul>
 *   <li>{@code encoder.weight} V x E (prunable);</li>
 *   <li>per layer l: {@code rnn.weight_ih_l<l>} in x 4H, {@code rnn.weight_hh_l<l>} H x 4H (prunable) and
 *       {@code rnn.bias_l<l>} 1 x 4H (PyTorch's two biases summed; not prunable);</li>
 *   <li>{@code decoder.weight} H_{L-1} x V (prunable; absent when weights are tied: the decoder then uses the
 *       transposed embedding) and {@code decoder.bias} 1 x V (not prunable).</li>
 * </ul>
 * Initialisation (seeded, PyTorch-like): embedding and decoder weight uniform in [-0.1, 0.1], decoder bias 0, LSTM
 * weights uniform in [-1/sqrt(H), 1/sqrt(H)], the LSTM bias the sum of two such uniforms (PyTorch's
 * {@code bias_ih + bias_hh}). The same seed gives the same weights in FLOAT and DOUBLE (up to rounding).
 *
 * <p>The forward and backward passes are hand-written (docs/dl4j-notes.md, "Training speed"): time-major row
 * blocks, one input-projection gemm per layer and window, one recurrent gemm per step, the recurrent gradient
 * accumulated into the previous step's block, element-wise math in fused Java loops over the direct buffers
 * (package-private {@code LstmKernels}, the seam for an ND4J-ops back end). Matrix products go straight to the CBLAS
 * of ND4J's OpenBLAS on the CPU backend ({@code Nd4j.gemm} costs 30-120 microseconds per call however small).
 * Buffers are allocated once per window shape (T, B) and reused. FLOAT is the production type; DOUBLE exists for
 * finite-difference gradient checks. Same seed, same calls: bitwise-identical results on the CPU.
 *
 * <p>Not thread-safe. Parameter values and gradients are live arrays owned by the model.
 */
public final class LstmLanguageModel implements LanguageModel {

    private static final int MAX_CACHED_WORKSPACES = 4;

    private final ModelSpec spec;
    private final DataType dataType;
    private final long seed;
    private final LstmKernelBackend kernelBackend;
    private final LstmKernels kernels;
    private final Gemm gemm;

    private final Parameter encoder;
    private final Parameter[] inputWeights;
    private final Parameter[] recurrentWeights;
    private final Parameter[] biases;
    private final Parameter decoderWeight; // null when tied
    private final Parameter decoderBias;
    private final List<Parameter> parameters;

    private SplittableRandom dropoutRandom;
    private final WorkspaceCache<LstmWorkspace> workspaces;

    /** A FLOAT model initialised from {@code seed}. */
    public LstmLanguageModel(ModelSpec spec, long seed) {
        this(spec, seed, DataType.FLOAT);
    }

    /**
     * A model of the given precision initialised from {@code seed}.
     *
     * @param dataType FLOAT (training) or DOUBLE (gradient checks)
     */
    public LstmLanguageModel(ModelSpec spec, long seed, DataType dataType) {
        this(spec, seed, dataType, LstmKernelBackend.AUTO);
    }

    /**
     * A model of the given precision initialised from {@code seed}, whose element-wise kernels come from
     * {@code kernelBackend} ({@link LstmKernelBackend#AUTO}: fused Java on the CPU backend, ND4J ops otherwise).
     * The initial weights do not depend on the back end.
     *
     * @param dataType FLOAT (training) or DOUBLE (gradient checks)
     */
    public LstmLanguageModel(ModelSpec spec, long seed, DataType dataType, LstmKernelBackend kernelBackend) {
        this.spec = Objects.requireNonNull(spec, "spec");
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new IllegalArgumentException("dataType must be FLOAT or DOUBLE, got " + dataType);
        }
        this.dataType = dataType;
        this.workspaces = new WorkspaceCache<>(MAX_CACHED_WORKSPACES,
                (steps, batchSize) -> new LstmWorkspace(spec, dataType, steps, batchSize));
        this.seed = seed;
        this.kernelBackend = Objects.requireNonNull(kernelBackend, "kernelBackend").resolve();
        this.kernels = this.kernelBackend.create();
        this.gemm = Gemm.create();
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom init = root.split();
        this.dropoutRandom = root.split();

        int v = spec.vocabSize();
        int e = spec.embeddingSize();
        int layers = spec.layerCount();
        List<Parameter> list = new ArrayList<>();
        encoder = parameter("encoder.weight", true, init, 0.1, v, e);
        list.add(encoder);
        inputWeights = new Parameter[layers];
        recurrentWeights = new Parameter[layers];
        biases = new Parameter[layers];
        for (int l = 0; l < layers; l++) {
            int h = spec.hiddenSize(l);
            double bound = 1.0 / Math.sqrt(h);
            inputWeights[l] = parameter("rnn.weight_ih_l" + l, true, init, bound, spec.inputSize(l), 4 * h);
            recurrentWeights[l] = parameter("rnn.weight_hh_l" + l, true, init, bound, h, 4 * h);
            biases[l] = parameter("rnn.bias_l" + l, false, init, bound, 1, 4 * h);
            NumBuffer b = NumBuffer.of(biases[l].value());
            for (int i = 0; i < b.length(); i++) {
                b.add(i, uniform(init, bound)); // bias_ih + bias_hh
            }
            list.add(inputWeights[l]);
            list.add(recurrentWeights[l]);
            list.add(biases[l]);
        }
        if (spec.tiedWeights()) {
            decoderWeight = null;
        } else {
            decoderWeight = parameter("decoder.weight", true, init, 0.1, spec.outputHiddenSize(), v);
            list.add(decoderWeight);
        }
        decoderBias = parameter("decoder.bias", false, init, 0.0, 1, v);
        list.add(decoderBias);
        parameters = Collections.unmodifiableList(list);
    }

    private Parameter parameter(String name, boolean prunable, SplittableRandom random, double bound, int rows,
                                int cols) {
        INDArray value = Nd4j.zeros(dataType, rows, cols);
        if (bound > 0) {
            NumBuffer buffer = NumBuffer.of(value);
            for (int i = 0; i < buffer.length(); i++) {
                buffer.set(i, uniform(random, bound));
            }
        }
        return new Parameter(name, value, Nd4j.zeros(dataType, rows, cols), prunable);
    }

    private static double uniform(SplittableRandom random, double bound) {
        return (2.0 * random.nextDouble() - 1.0) * bound;
    }

    /** The architecture. */
    public ModelSpec spec() {
        return spec;
    }

    /** The back end of the element-wise kernels ({@link LstmKernelBackend#AUTO} resolved). */
    public LstmKernelBackend kernelBackend() {
        return kernelBackend;
    }

    /** FLOAT or DOUBLE. */
    public DataType dataType() {
        return dataType;
    }

    /** The seed the weights were initialised from. */
    public long seed() {
        return seed;
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    /** Number of LSTM layers L. */
    public int layerCount() {
        return spec.layerCount();
    }

    /** Live views of layer l's weights (for the Lyapunov spectrum, method.md section 4). */
    public LstmLayerWeights layer(int layer) {
        Objects.checkIndex(layer, spec.layerCount());
        return new LstmLayerWeights(inputWeights[layer].value(), recurrentWeights[layer].value(),
                biases[layer].value());
    }

    /** The live embedding matrix, V x E (row = word id). */
    public INDArray embedding() {
        return encoder.value();
    }

    /**
     * The live decoder weight in the row convention {@code logits = h W + b}: H_{L-1} x V, or for tied weights the
     * transpose view of the embedding.
     */
    public INDArray decoderWeight() {
        return decoderWeight != null ? decoderWeight.value() : encoder.value().transpose();
    }

    /** The live decoder bias, 1 x V. */
    public INDArray decoderBias() {
        return decoderBias.value();
    }

    /**
     * Drops the cached per-window-shape buffers (they are re-allocated on the next pass), e.g. after an evaluation
     * with another batch size. Up to four shapes are cached, the least recently used is dropped first.
     */
    public void releaseBuffers() {
        workspaces.clear();
    }

    @Override
    public LstmState initialState(int batchSize) {
        return new LstmState(spec, batchSize, dataType);
    }

    @Override
    public void reseedDropout(long dropoutSeed) {
        dropoutRandom = new SplittableRandom(dropoutSeed);
    }

    @Override
    public double forwardBackward(BpttWindow window, RecurrentState state) {
        LstmState s = checkState(window, state);
        LstmWorkspace ws = workspace(window.length(), window.batchSize());
        ws.ensureTraining();
        boolean dropout = spec.dropout() > 0;
        if (dropout) {
            ws.ensureDropout();
        }
        double loss = forward(ws, window, s, dropout, true);
        backward(ws, window, dropout);
        return loss;
    }

    @Override
    public double loss(BpttWindow window, RecurrentState state) {
        LstmState s = checkState(window, state);
        return forward(workspace(window.length(), window.batchSize()), window, s, false, false);
    }

    /**
     * The evaluation-mode logits (no dropout, decoder bias included) of a window, the numbers {@link #loss} takes
     * the softmax cross-entropy of; advances {@code state} like {@code loss}.
     *
     * @return a new {@code (T*B) x V} array, row {@code t*B + b} for step t of column b (time-major, as the window)
     */
    public INDArray logits(BpttWindow window, RecurrentState state) {
        LstmState s = checkState(window, state);
        LstmWorkspace ws = workspace(window.length(), window.batchSize());
        forward(ws, window, s, false, false);
        return ws.logits.dup('c');
    }

    private LstmState checkState(BpttWindow window, RecurrentState state) {
        Objects.requireNonNull(window, "window");
        if (!(state instanceof LstmState s)) {
            throw new IllegalArgumentException("state must come from this model's initialState(), got "
                    + (state == null ? "null" : state.getClass().getName()));
        }
        boolean fits = s.batchSize() == window.batchSize() && s.layerCount() == spec.layerCount()
                && s.hidden(0).dataType() == dataType;
        for (int l = 0; fits && l < spec.layerCount(); l++) {
            fits = s.hidden(l).size(1) == spec.hiddenSize(l);
        }
        if (!fits) {
            throw new IllegalArgumentException("state (batch " + s.batchSize() + ", " + s.layerCount()
                    + " layers) does not fit window batch " + window.batchSize() + " of this model");
        }
        return s;
    }

    private LstmWorkspace workspace(int steps, int batchSize) {
        return workspaces.get(steps, batchSize);
    }

    /** Forward pass; returns the mean loss per token. In training mode also leaves dLoss/dLogits in ws.logits. */
    private double forward(LstmWorkspace ws, BpttWindow window, LstmState state, boolean dropout,
                           boolean gradient) {
        int steps = ws.steps;
        int batch = ws.batchSize;
        int layers = spec.layerCount();
        double p = spec.dropout();
        if (dropout) {
            kernels.fillDropoutMask(ws.embeddedMask, p, dropoutRandom);
        }
        kernels.embed(encoder.value(), window.inputs(), dropout ? ws.embeddedMask : null, ws.embedded);
        INDArray input = ws.embedded;
        for (int l = 0; l < layers; l++) {
            ws.hiddenBlock[l][0].assign(state.hidden(l));
            ws.cellFirst[l].assign(state.cell(l));
            INDArray u = recurrentWeights[l].value();
            INDArray bias = biases[l].value();
            gemm(input, inputWeights[l].value(), ws.gates[l], false, false, 0.0);
            for (int t = 0; t < steps; t++) {
                gemm(ws.hiddenBlock[l][t], u, ws.gateBlock[l][t], false, false, 1.0);
                kernels.cellForward(ws.gates[l], bias, ws.cells[l], ws.tanhCells[l], ws.hidden[l], t, batch);
            }
            state.hidden(l).assign(ws.hiddenBlock[l][steps]);
            state.cell(l).assign(ws.cellLast[l]);
            if (dropout) {
                kernels.fillDropoutMask(ws.outputMask[l], p, dropoutRandom);
                kernels.multiplyRows(ws.hidden[l], batch, ws.outputMask[l], ws.droppedOut[l]);
                input = ws.droppedOut[l];
            } else {
                input = ws.hiddenOut[l];
            }
        }
        if (decoderWeight != null) {
            gemm(input, decoderWeight.value(), ws.logits, false, false, 0.0);
        } else {
            gemm(input, encoder.value(), ws.logits, false, true, 0.0);
        }
        double scale = gradient ? 1.0 / ws.rows : 0.0;
        double sum = kernels.softmaxCrossEntropy(ws.logits, decoderBias.value(), window.targets(), scale);
        return sum / ws.rows;
    }

    /** Backward pass after a training-mode forward; overwrites every parameter gradient. */
    private void backward(LstmWorkspace ws, BpttWindow window, boolean dropout) {
        int steps = ws.steps;
        int batch = ws.batchSize;
        int top = spec.layerCount() - 1;
        INDArray decoderInput = layerOutput(ws, top, dropout);
        INDArray dLogits = ws.logits;
        if (decoderWeight != null) {
            gemm(decoderInput, dLogits, decoderWeight.gradient(), true, false, 0.0);
            gemm(dLogits, decoderWeight.value(), ws.dHidden[top], false, true, 0.0);
        } else {
            gemm(dLogits, decoderInput, encoder.gradient(), true, false, 0.0);
            gemm(dLogits, encoder.value(), ws.dHidden[top], false, false, 0.0);
        }
        gemm(ws.ones, dLogits, decoderBias.gradient(), false, false, 0.0);
        if (dropout) {
            kernels.multiplyRows(ws.dHidden[top], 0, ws.outputMask[top], ws.dHidden[top]);
        }
        for (int l = top; l >= 0; l--) {
            INDArray u = recurrentWeights[l].value();
            ws.dCellCarry[l].assign(0);
            for (int t = steps - 1; t >= 0; t--) {
                kernels.cellBackward(ws.gates[l], ws.cells[l], ws.tanhCells[l], ws.dHidden[l], ws.dCellCarry[l],
                        ws.dGates[l], t, batch);
                if (t > 0) {
                    gemm(ws.dGateBlock[l][t], u, ws.dHiddenBlock[l][t - 1], false, true, 1.0);
                }
            }
            INDArray layerInput = l == 0 ? ws.embedded : layerOutput(ws, l - 1, dropout);
            gemm(layerInput, ws.dGates[l], inputWeights[l].gradient(), true, false, 0.0);
            gemm(ws.hiddenPrev[l], ws.dGates[l], recurrentWeights[l].gradient(), true, false, 0.0);
            gemm(ws.ones, ws.dGates[l], biases[l].gradient(), false, false, 0.0);
            INDArray dInput = l == 0 ? ws.dEmbedded : ws.dHidden[l - 1];
            gemm(ws.dGates[l], inputWeights[l].value(), dInput, false, true, 0.0);
            if (dropout) {
                INDArray mask = l == 0 ? ws.embeddedMask : ws.outputMask[l - 1];
                kernels.multiplyRows(dInput, 0, mask, dInput);
            }
        }
        if (decoderWeight != null) {
            encoder.gradient().assign(0);
        }
        kernels.scatterAddRows(encoder.gradient(), window.inputs(), ws.dEmbedded);
    }

    private static INDArray layerOutput(LstmWorkspace ws, int layer, boolean dropout) {
        return dropout ? ws.droppedOut[layer] : ws.hiddenOut[layer];
    }

    private void gemm(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double beta) {
        gemm.gemm(a, b, c, transposeA, transposeB, beta);
    }

    @Override
    public String toString() {
        return "LstmLanguageModel[" + spec + ", " + dataType + ", " + parameterCount() + " parameters]";
    }
}
