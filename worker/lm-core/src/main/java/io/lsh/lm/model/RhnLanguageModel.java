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
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Recurrent Highway Network word-level language model (method.md section 2, setting B; Zilly, Srivastava, Koutnik
 * &amp; Schmidhuber 2017): embedding, one RHN layer of recurrence depth D with the coupled carry gate, linear decoder
 * (tied to the embedding by default), softmax cross-entropy; the four dropouts of {@link RhnSpec} in training.
 *
 * <p>Per token, with x the (dropped-out) embedded word and s the state carried from the previous token, the D
 * micro-layers d = 0 .. D-1 compute (row vectors; m_h the hidden-dropout mask, 1 in evaluation)
 * <pre>
 * y_d = (s m_h) R_d + b_d  (+ x W_x for d = 0),   h = tanh(y_d[:H]),   t = sigmoid(y_d[H:]),   s = h t + s (1 - t)
 * </pre>
 * and the last s is the token's output (fed to the decoder) and the next token's state.
 *
 * <p>Parameters, in this order (row-vector shapes; column blocks {@code [H | T]}, see {@link RhnWeights}):
 * <ul>
 *   <li>{@code encoder.weight} V x E (prunable);</li>
 *   <li>{@code rnn.weight_ih_l0} E x 2H, the input transforms W_H and W_T of micro-layer 0 (prunable);</li>
 *   <li>per micro-layer d: {@code rnn.weight_hh_l<d>} H x 2H, the recurrent R_H and R_T (prunable), and
 *       {@code rnn.bias_l<d>} 1 x 2H (not prunable);</li>
 *   <li>{@code decoder.weight} H x V (prunable; absent when tied: the decoder then uses the transposed embedding) and
 *       {@code decoder.bias} 1 x V (not prunable).</li>
 * </ul>
 * Initialisation (seeded, Zilly et al.'s): every weight uniform in [-0.04, 0.04], the H biases 0, the T biases -2
 * (carry by default), the decoder bias 0. The same seed gives the same weights in FLOAT and DOUBLE (up to rounding).
 *
 * <p>The forward and backward passes are hand-written like {@link LstmLanguageModel}'s: rows micro-layer-major
 * ({@code row = (d T + t) B + b}) so that every (micro-layer, step) is a contiguous B-row block for the per-step
 * recurrent gemm and every micro-layer's T steps are one contiguous slab for its weight-gradient gemm; one input
 * gemm per window; element-wise math in fused Java loops ({@code RhnKernels}); matrix products through CBLAS
 * ({@code Gemm}). FLOAT for training, DOUBLE for gradient checks; same seed and calls, bitwise-identical results on
 * the CPU.
 *
 * <p>Not thread-safe. Parameter values and gradients are live arrays owned by the model.
 */
public final class RhnLanguageModel implements LanguageModel {

    /** Half-width of the uniform initialisation of every weight (Zilly et al.'s init_scale). */
    public static final double INIT_SCALE = 0.04;
    /** Initial bias of the transform gates (Zilly et al.'s init_bias): t = sigmoid(-2) = 0.12, mostly carry. */
    public static final double TRANSFORM_BIAS_INIT = -2.0;
    private static final int MAX_CACHED_WORKSPACES = 4;

    private final RhnSpec spec;
    private final DataType dataType;
    private final long seed;
    private final FusedJavaKernels kernels = new FusedJavaKernels();
    private final Gemm gemm = Gemm.create();

    private final Parameter encoder;
    private final Parameter inputWeight;
    private final Parameter[] recurrentWeights;
    private final Parameter[] biases;
    private final Parameter decoderWeight; // null when tied
    private final Parameter decoderBias;
    private final List<Parameter> parameters;

    private SplittableRandom dropoutRandom;
    private final WorkspaceCache<Workspace> workspaces;

    /** A FLOAT model initialised from {@code seed}. */
    public RhnLanguageModel(RhnSpec spec, long seed) {
        this(spec, seed, DataType.FLOAT);
    }

    /**
     * A model of the given precision initialised from {@code seed}.
     *
     * @param dataType FLOAT (training) or DOUBLE (gradient checks)
     */
    public RhnLanguageModel(RhnSpec spec, long seed, DataType dataType) {
        this.spec = Objects.requireNonNull(spec, "spec");
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new IllegalArgumentException("dataType must be FLOAT or DOUBLE, got " + dataType);
        }
        this.dataType = dataType;
        this.workspaces = new WorkspaceCache<>(MAX_CACHED_WORKSPACES,
                (steps, batchSize) -> new Workspace(spec, dataType, steps, batchSize));
        this.seed = seed;
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom init = root.split();
        this.dropoutRandom = root.split();
        int v = spec.vocabSize();
        int e = spec.embeddingSize();
        int h = spec.hiddenSize();
        List<Parameter> list = new ArrayList<>();
        encoder = parameter("encoder.weight", true, init, v, e);
        list.add(encoder);
        inputWeight = parameter("rnn.weight_ih_l0", true, init, e, 2 * h);
        list.add(inputWeight);
        recurrentWeights = new Parameter[spec.depth()];
        biases = new Parameter[spec.depth()];
        for (int d = 0; d < spec.depth(); d++) {
            recurrentWeights[d] = parameter("rnn.weight_hh_l" + d, true, init, h, 2 * h);
            biases[d] = new Parameter("rnn.bias_l" + d, Nd4j.zeros(dataType, 1, 2 * h),
                    Nd4j.zeros(dataType, 1, 2 * h), false);
            biases[d].value().get(NDArrayIndex.all(), NDArrayIndex.interval(h, 2 * h)).assign(TRANSFORM_BIAS_INIT);
            list.add(recurrentWeights[d]);
            list.add(biases[d]);
        }
        if (spec.tiedWeights()) {
            decoderWeight = null;
        } else {
            decoderWeight = parameter("decoder.weight", true, init, h, v);
            list.add(decoderWeight);
        }
        decoderBias = new Parameter("decoder.bias", Nd4j.zeros(dataType, 1, v), Nd4j.zeros(dataType, 1, v), false);
        list.add(decoderBias);
        parameters = Collections.unmodifiableList(list);
    }

    private Parameter parameter(String name, boolean prunable, SplittableRandom random, int rows, int cols) {
        INDArray value = Nd4j.zeros(dataType, rows, cols);
        NumBuffer buffer = NumBuffer.of(value);
        for (int i = 0; i < buffer.length(); i++) {
            buffer.set(i, (2.0 * random.nextDouble() - 1.0) * INIT_SCALE);
        }
        return new Parameter(name, value, Nd4j.zeros(dataType, rows, cols), prunable);
    }

    /** The architecture. */
    public RhnSpec spec() {
        return spec;
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

    /** Live views of the RHN layer's weights (for the Lyapunov spectrum, method.md section 4). */
    public RhnWeights weights() {
        List<INDArray> recurrent = new ArrayList<>(spec.depth());
        List<INDArray> bias = new ArrayList<>(spec.depth());
        for (int d = 0; d < spec.depth(); d++) {
            recurrent.add(recurrentWeights[d].value());
            bias.add(biases[d].value());
        }
        return new RhnWeights(inputWeight.value(), recurrent, bias);
    }

    /** The live embedding matrix, V x E (row = word id). */
    public INDArray embedding() {
        return encoder.value();
    }

    /** The live decoder weight, H x V ({@code logits = s W + b}), or for tied weights the transposed embedding. */
    public INDArray decoderWeight() {
        return decoderWeight != null ? decoderWeight.value() : encoder.value().transpose();
    }

    /** The live decoder bias, 1 x V. */
    public INDArray decoderBias() {
        return decoderBias.value();
    }

    /** Drops the cached per-window-shape buffers (up to four shapes are cached, least recently used first out). */
    public void releaseBuffers() {
        workspaces.clear();
    }

    @Override
    public RhnState initialState(int batchSize) {
        return new RhnState(batchSize, spec.hiddenSize(), dataType);
    }

    @Override
    public void reseedDropout(long dropoutSeed) {
        dropoutRandom = new SplittableRandom(dropoutSeed);
    }

    @Override
    public double forwardBackward(BpttWindow window, RecurrentState state) {
        RhnState s = checkState(window, state);
        Workspace ws = workspace(window.length(), window.batchSize());
        ws.ensureTraining();
        double loss = forward(ws, window, s, spec.hasDropout(), true);
        backward(ws, window);
        return loss;
    }

    @Override
    public double loss(BpttWindow window, RecurrentState state) {
        RhnState s = checkState(window, state);
        return forward(workspace(window.length(), window.batchSize()), window, s, false, false);
    }

    private RhnState checkState(BpttWindow window, RecurrentState state) {
        Objects.requireNonNull(window, "window");
        if (!(state instanceof RhnState s)) {
            throw new IllegalArgumentException("state must come from this model's initialState(), got "
                    + (state == null ? "null" : state.getClass().getName()));
        }
        if (s.batchSize() != window.batchSize() || s.hidden().size(1) != spec.hiddenSize()
                || s.hidden().dataType() != dataType) {
            throw new IllegalArgumentException("state (batch " + s.batchSize() + ", width " + s.hidden().size(1)
                    + ") does not fit window batch " + window.batchSize() + " of this model");
        }
        return s;
    }

    private Workspace workspace(int steps, int batchSize) {
        return workspaces.get(steps, batchSize);
    }

    /** Forward pass; the mean loss per token. With {@code gradient}, leaves dLoss/dLogits in ws.logits. */
    private double forward(Workspace ws, BpttWindow window, RhnState state, boolean dropout, boolean gradient) {
        int steps = ws.steps;
        int batch = ws.batch;
        int depth = spec.depth();
        int h = spec.hiddenSize();
        boolean wordDrop = dropout && spec.embeddingDropout() > 0;
        boolean inputDrop = dropout && spec.inputDropout() > 0;
        boolean hiddenDrop = dropout && spec.hiddenDropout() > 0;
        boolean outputDrop = dropout && spec.outputDropout() > 0;
        ws.ensureMasks(wordDrop, inputDrop, hiddenDrop, outputDrop);
        if (wordDrop) {
            RhnKernels.fillWordMask(ws.wordScale, window.inputs(), batch, spec.embeddingDropout(), dropoutRandom);
        }
        if (inputDrop) {
            RhnKernels.fillMask(NumBuffer.of(ws.inputMask), spec.inputDropout(), dropoutRandom);
        }
        if (hiddenDrop) {
            RhnKernels.fillMask(NumBuffer.of(ws.hiddenMask), spec.hiddenDropout(), dropoutRandom);
        }
        if (outputDrop) {
            RhnKernels.fillMask(NumBuffer.of(ws.outputMask), spec.outputDropout(), dropoutRandom);
        }
        ws.wordDrop = wordDrop;
        ws.inputDrop = inputDrop;
        ws.hiddenDrop = hiddenDrop;
        ws.outputDrop = outputDrop;

        kernels.embed(encoder.value(), window.inputs(), null, ws.embedded);
        if (wordDrop || inputDrop) {
            RhnKernels.scaleRows(NumBuffer.of(ws.embedded), wordDrop ? ws.wordScale : null,
                    inputDrop ? NumBuffer.of(ws.inputMask) : null, batch, spec.embeddingSize());
        }
        gemm(ws.embedded, inputWeight.value(), ws.inputGates, false, false, 0.0);

        NumBuffer gates = NumBuffer.of(ws.gates);
        NumBuffer inputGates = NumBuffer.of(ws.inputGates);
        NumBuffer states = NumBuffer.of(ws.states);
        NumBuffer recurrentIn = hiddenDrop ? NumBuffer.of(ws.recurrentIn) : states;
        NumBuffer outputs = NumBuffer.of(ws.outputs);
        NumBuffer hiddenMask = hiddenDrop ? NumBuffer.of(ws.hiddenMask) : null;
        NumBuffer[] bias = new NumBuffer[depth];
        for (int d = 0; d < depth; d++) {
            bias[d] = NumBuffer.of(biases[d].value());
        }
        ws.stateBlock[0][0].assign(state.hidden());
        for (int t = 0; t < steps; t++) {
            if (t > 0) {
                ws.stateBlock[0][t].assign(ws.outputBlock[t - 1]);
            }
            for (int d = 0; d < depth; d++) {
                int row = ws.row(d, t);
                if (hiddenDrop) {
                    RhnKernels.maskRows(states, row, hiddenMask, recurrentIn, row, batch, h);
                }
                INDArray in = hiddenDrop ? ws.recurrentBlock[d][t] : ws.stateBlock[d][t];
                gemm(in, recurrentWeights[d].value(), ws.gateBlock[d][t], false, false, 0.0);
                boolean last = d == depth - 1;
                RhnKernels.microForward(gates, row, bias[d], d == 0 ? inputGates : null, t * batch, states, row,
                        last ? outputs : states, last ? t * batch : ws.row(d + 1, t), batch, h);
            }
        }
        state.hidden().assign(ws.outputBlock[steps - 1]);
        INDArray decoderInput = ws.outputs;
        if (outputDrop) {
            NumBuffer dropped = NumBuffer.of(ws.droppedOutputs);
            NumBuffer mask = NumBuffer.of(ws.outputMask);
            for (int t = 0; t < steps; t++) {
                RhnKernels.maskRows(outputs, t * batch, mask, dropped, t * batch, batch, h);
            }
            decoderInput = ws.droppedOutputs;
        }
        if (decoderWeight != null) {
            gemm(decoderInput, decoderWeight.value(), ws.logits, false, false, 0.0);
        } else {
            gemm(decoderInput, encoder.value(), ws.logits, false, true, 0.0);
        }
        double scale = gradient ? 1.0 / ws.rows : 0.0;
        return kernels.softmaxCrossEntropy(ws.logits, decoderBias.value(), window.targets(), scale) / ws.rows;
    }

    /** Backward pass after a training-mode forward; overwrites every parameter gradient. */
    private void backward(Workspace ws, BpttWindow window) {
        int steps = ws.steps;
        int batch = ws.batch;
        int depth = spec.depth();
        int h = spec.hiddenSize();
        INDArray decoderInput = ws.outputDrop ? ws.droppedOutputs : ws.outputs;
        INDArray dLogits = ws.logits;
        if (decoderWeight != null) {
            gemm(decoderInput, dLogits, decoderWeight.gradient(), true, false, 0.0);
            gemm(dLogits, decoderWeight.value(), ws.dOutputs, false, true, 0.0);
        } else {
            gemm(dLogits, decoderInput, encoder.gradient(), true, false, 0.0);
            gemm(dLogits, encoder.value(), ws.dOutputs, false, false, 0.0);
        }
        gemm(ws.ones, dLogits, decoderBias.gradient(), false, false, 0.0);
        NumBuffer dOutputs = NumBuffer.of(ws.dOutputs);
        if (ws.outputDrop) {
            RhnKernels.scaleRows(dOutputs, null, NumBuffer.of(ws.outputMask), batch, h);
        }
        NumBuffer gates = NumBuffer.of(ws.gates);
        NumBuffer states = NumBuffer.of(ws.states);
        NumBuffer dGates = NumBuffer.of(ws.dGates);
        NumBuffer carry = NumBuffer.of(ws.dCarry);
        NumBuffer product = NumBuffer.of(ws.dProduct);
        NumBuffer hiddenMask = ws.hiddenDrop ? NumBuffer.of(ws.hiddenMask) : null;
        ws.dCarry.assign(0);
        for (int t = steps - 1; t >= 0; t--) {
            RhnKernels.addRows(carry, dOutputs, t * batch, batch, h);
            for (int d = depth - 1; d >= 0; d--) {
                RhnKernels.microBackward(gates, states, ws.row(d, t), carry, dGates, batch, h);
                if (t == 0 && d == 0) {
                    break; // the initial state is detached
                }
                INDArray r = recurrentWeights[d].value();
                if (ws.hiddenDrop) {
                    gemm(ws.dGateBlock[d][t], r, ws.dProduct, false, true, 0.0);
                    RhnKernels.addMasked(carry, product, hiddenMask);
                } else {
                    gemm(ws.dGateBlock[d][t], r, ws.dCarry, false, true, 1.0);
                }
            }
        }
        for (int d = 0; d < depth; d++) {
            INDArray in = ws.hiddenDrop ? ws.recurrentSlab[d] : ws.stateSlab[d];
            gemm(in, ws.dGateSlab[d], recurrentWeights[d].gradient(), true, false, 0.0);
            gemm(ws.ones, ws.dGateSlab[d], biases[d].gradient(), false, false, 0.0);
        }
        gemm(ws.embedded, ws.dGateSlab[0], inputWeight.gradient(), true, false, 0.0);
        gemm(ws.dGateSlab[0], inputWeight.value(), ws.dEmbedded, false, true, 0.0);
        if (ws.wordDrop || ws.inputDrop) {
            RhnKernels.scaleRows(NumBuffer.of(ws.dEmbedded), ws.wordDrop ? ws.wordScale : null,
                    ws.inputDrop ? NumBuffer.of(ws.inputMask) : null, batch, spec.embeddingSize());
        }
        if (decoderWeight != null) {
            encoder.gradient().assign(0);
        }
        kernels.scatterAddRows(encoder.gradient(), window.inputs(), ws.dEmbedded);
    }

    private void gemm(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double beta) {
        gemm.gemm(a, b, c, transposeA, transposeB, beta);
    }

    @Override
    public String toString() {
        return "RhnLanguageModel[" + spec + ", " + dataType + ", " + parameterCount() + " parameters]";
    }

    /**
     * Every buffer and view of one pass over a window of T steps and B sequences, allocated once per shape. Rows of
     * the per-micro-layer arrays are {@code (d T + t) B + b}; rows of the per-step arrays {@code t B + b}.
     */
    private static final class Workspace {
        final int steps;
        final int batch;
        final int rows;
        private final RhnSpec spec;
        private final DataType dataType;

        /** Embedded, dropped-out inputs, N x E. */
        final INDArray embedded;
        /** x W_x for every step, N x 2H. */
        final INDArray inputGates;
        /** Input state of micro-layer d at step t, DN x H. */
        final INDArray states;
        /** Pre-activations, then [h | t], DN x 2H. */
        final INDArray gates;
        /** The state after each step (the layer output), N x H. */
        final INDArray outputs;
        final INDArray logits;
        final INDArray[][] stateBlock;
        final INDArray[][] gateBlock;
        final INDArray[] outputBlock;
        final INDArray[] stateSlab;
        boolean wordDrop;
        boolean inputDrop;
        boolean hiddenDrop;
        boolean outputDrop;

        // dropout, allocated on first use
        double[] wordScale;
        INDArray inputMask;
        INDArray hiddenMask;
        INDArray outputMask;
        INDArray recurrentIn;
        INDArray[][] recurrentBlock;
        INDArray[] recurrentSlab;
        INDArray droppedOutputs;

        // training, allocated on first use
        INDArray dGates;
        INDArray[][] dGateBlock;
        INDArray[] dGateSlab;
        INDArray dOutputs;
        INDArray dCarry;
        INDArray dProduct;
        INDArray dEmbedded;
        INDArray ones;

        Workspace(RhnSpec spec, DataType dataType, int steps, int batch) {
            this.spec = spec;
            this.dataType = dataType;
            this.steps = steps;
            this.batch = batch;
            this.rows = steps * batch;
            int h = spec.hiddenSize();
            int depth = spec.depth();
            embedded = Nd4j.create(dataType, rows, spec.embeddingSize());
            inputGates = Nd4j.create(dataType, rows, 2L * h);
            states = Nd4j.create(dataType, (long) depth * rows, h);
            gates = Nd4j.create(dataType, (long) depth * rows, 2L * h);
            outputs = Nd4j.create(dataType, rows, h);
            logits = Nd4j.create(dataType, rows, spec.vocabSize());
            stateBlock = blocks(states, depth);
            gateBlock = blocks(gates, depth);
            outputBlock = blocks(outputs, 1)[0];
            stateSlab = slabs(states, depth);
        }

        int row(int d, int t) {
            return (d * steps + t) * batch;
        }

        void ensureMasks(boolean word, boolean input, boolean hidden, boolean output) {
            int h = spec.hiddenSize();
            if (word && wordScale == null) {
                wordScale = new double[rows];
            }
            if (input && inputMask == null) {
                inputMask = Nd4j.create(dataType, batch, spec.embeddingSize());
            }
            if (hidden && hiddenMask == null) {
                hiddenMask = Nd4j.create(dataType, batch, h);
                recurrentIn = Nd4j.create(dataType, (long) spec.depth() * rows, h);
                recurrentBlock = blocks(recurrentIn, spec.depth());
                recurrentSlab = slabs(recurrentIn, spec.depth());
            }
            if (output && outputMask == null) {
                outputMask = Nd4j.create(dataType, batch, h);
                droppedOutputs = Nd4j.create(dataType, rows, h);
            }
        }

        void ensureTraining() {
            if (dGates != null) {
                return;
            }
            int h = spec.hiddenSize();
            dGates = Nd4j.create(dataType, (long) spec.depth() * rows, 2L * h);
            dGateBlock = blocks(dGates, spec.depth());
            dGateSlab = slabs(dGates, spec.depth());
            dOutputs = Nd4j.create(dataType, rows, h);
            dCarry = Nd4j.create(dataType, batch, h);
            dProduct = Nd4j.create(dataType, batch, h);
            dEmbedded = Nd4j.create(dataType, rows, spec.embeddingSize());
            ones = Nd4j.ones(dataType, 1, rows);
        }

        /** [d][t]: the B-row block of micro-layer d, step t. */
        private INDArray[][] blocks(INDArray array, int depth) {
            INDArray[][] out = new INDArray[depth][steps];
            for (int d = 0; d < depth; d++) {
                for (int t = 0; t < steps; t++) {
                    long from = (long) (d * steps + t) * batch;
                    out[d][t] = array.get(NDArrayIndex.interval(from, from + batch), NDArrayIndex.all());
                }
            }
            return out;
        }

        /** [d]: the N-row slab of micro-layer d. */
        private INDArray[] slabs(INDArray array, int depth) {
            INDArray[] out = new INDArray[depth];
            for (int d = 0; d < depth; d++) {
                long from = (long) d * rows;
                out[d] = array.get(NDArrayIndex.interval(from, from + rows), NDArrayIndex.all());
            }
            return out;
        }
    }
}
