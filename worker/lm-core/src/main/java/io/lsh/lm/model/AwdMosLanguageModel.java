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
 * AWD-LSTM-MoS word-level language model (method.md section 2, setting C; Yang et al. 2018, "Breaking the Softmax
 * Bottleneck", arXiv 1711.03953, code {@code zihangdai/mos}; regularisation of Merity et al. 2017, "Regularizing
 * and Optimizing LSTM Language Models", AWD-LSTM), with the forward and backward passes written by hand.
 *
 * <p>Forward (training mode; {@link AwdMosSpec} names the rates), rows time-major {@code n = t B + b}:
 * <ol>
 *   <li>embedding dropout: each word's embedding row is zeroed with probability {@code dropoute} (else scaled by
 *       {@code 1/(1-p)}) for the whole window, then locked dropout {@code dropouti} (one mask per sequence b, shared
 *       over time) on the embedded inputs;</li>
 *   <li>L LSTM layers (gates i, f, g, o; see {@link LstmLayerWeights}); every recurrent matrix U_l is replaced by
 *       {@code U_l * M_l} with a DropConnect mask M_l ({@code wdrop}, drawn once per window, inverted scaling), so
 *       its gradient is the gradient of the dropped matrix times M_l; locked dropout {@code dropouth} between
 *       layers and {@code dropout} on the last layer's output o;</li>
 *   <li>Mixture-of-Softmaxes head: prior {@code pi = softmax(o W_p)} (K experts, no bias), latent
 *       {@code tanh(o W_l + b_l)} split into K vectors of width E, locked dropout {@code dropoutl} on them, expert
 *       logits {@code l_k = latent_k E^T + b} with the tied embedding E (V x E) and the decoder bias b,
 *       {@code p(y) = sum_k pi_k softmax(l_k)_y}; the cross-entropy {@code -log p(y)} is computed as a log-sum-exp
 *       over experts of log-softmaxes (stable; the reference code's {@code log(p + 1e-8)} is not used);</li>
 *   <li>penalties: AR {@code alpha * mean(o^2)} on the dropped last output and TAR
 *       {@code beta * mean((h_t - h_{t-1})^2)} on the undropped last output within the window.</li>
 * </ol>
 * {@link #forwardBackward} returns the mean cross-entropy per token (what the reference code logs as the training
 * loss) and leaves the gradient of cross-entropy + AR + TAR in the parameters; {@link #lastPenalty()} gives AR + TAR
 * of that pass. Evaluation mode ({@link #loss}) has no dropout, raw recurrent weights and no penalties.
 *
 * <p>Parameters, in this order ({@code y = x W + h U + b} row convention):
 * <ul>
 *   <li>{@code encoder.weight} V x E, the embedding and the tied decoder (prunable);</li>
 *   <li>per layer l: {@code rnn.weight_ih_l<l>} in x 4H, {@code rnn.weight_hh_l<l>} H x 4H (prunable),
 *       {@code rnn.bias_l<l>} 1 x 4H (PyTorch's two biases summed; not prunable);</li>
 *   <li>{@code prior.weight} H_{L-1} x K, {@code latent.weight} H_{L-1} x KE (prunable), {@code latent.bias} 1 x KE
 *       and {@code decoder.bias} 1 x V (not prunable).</li>
 * </ul>
 * Initialisation as the reference code (seeded): embedding uniform in [-0.1, 0.1], decoder bias 0, LSTM weights
 * uniform in [-1/sqrt(H), 1/sqrt(H)] (bias: the sum of two such), prior and latent weights and bias uniform in
 * [-1/sqrt(H_{L-1}), 1/sqrt(H_{L-1})] (PyTorch's {@code nn.Linear} bounds).
 *
 * <p>Speed: the matrix products go to CBLAS ({@link Gemm}); the head's {@code N K x V} expert logits, by far the
 * largest cost, are computed chunk by chunk ({@link AwdMosWorkspace#CHUNK_ELEMENTS}) with the backward gemms of a
 * chunk run right after its likelihood, so memory stays bounded. FLOAT is the production type, DOUBLE exists for
 * finite-difference checks. Same seed, same calls: bitwise-identical results on the CPU. Not thread-safe.
 */
public final class AwdMosLanguageModel implements LanguageModel {

    private static final int MAX_CACHED_WORKSPACES = 3;

    private final AwdMosSpec spec;
    private final ModelSpec coreSpec;
    private final DataType dataType;
    private final long seed;
    private final FusedJavaKernels lstmKernels = new FusedJavaKernels();
    private final Gemm gemm = Gemm.create();

    private final Parameter encoder;
    private final Parameter[] inputWeights;
    private final Parameter[] recurrentWeights;
    private final Parameter[] biases;
    private final Parameter priorWeight;
    private final Parameter latentWeight;
    private final Parameter latentBias;
    private final Parameter decoderBias;
    private final List<Parameter> parameters;

    /** Weight-drop masks and dropped recurrent matrices (H x 4H), allocated on the first training pass. */
    private INDArray[] recurrentMask;
    private INDArray[] droppedRecurrent;
    /** Embedding-dropout factor per word. */
    private final double[] wordScale;

    private SplittableRandom dropoutRandom;
    private double lastPenalty;
    private long chunkElements = AwdMosWorkspace.CHUNK_ELEMENTS;
    /** Cumulative wall time of training passes in the MoS head and in the rest (embedding, LSTM core), for benchmarks. */
    private long headNanos;
    private long coreNanos;
    private final WorkspaceCache<AwdMosWorkspace> workspaces;

    /** A FLOAT model initialised from {@code seed}. */
    public AwdMosLanguageModel(AwdMosSpec spec, long seed) {
        this(spec, seed, DataType.FLOAT);
    }

    /**
     * A model of the given precision initialised from {@code seed}.
     *
     * @param dataType FLOAT (training) or DOUBLE (gradient checks)
     */
    public AwdMosLanguageModel(AwdMosSpec spec, long seed, DataType dataType) {
        this.spec = Objects.requireNonNull(spec, "spec");
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new IllegalArgumentException("dataType must be FLOAT or DOUBLE, got " + dataType);
        }
        this.coreSpec = spec.coreSpec();
        this.dataType = dataType;
        this.workspaces = new WorkspaceCache<>(MAX_CACHED_WORKSPACES,
                (steps, batchSize) -> new AwdMosWorkspace(spec, dataType, steps, batchSize, chunkElements));
        this.seed = seed;
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
        int top = spec.outputHiddenSize();
        double headBound = 1.0 / Math.sqrt(top);
        priorWeight = parameter("prior.weight", true, init, headBound, top, spec.experts());
        latentWeight = parameter("latent.weight", true, init, headBound, top, spec.latentWidth());
        latentBias = parameter("latent.bias", false, init, headBound, 1, spec.latentWidth());
        decoderBias = parameter("decoder.bias", false, init, 0.0, 1, v);
        list.add(priorWeight);
        list.add(latentWeight);
        list.add(latentBias);
        list.add(decoderBias);
        parameters = Collections.unmodifiableList(list);
        wordScale = new double[v];
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
    public AwdMosSpec spec() {
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

    /** Number of LSTM layers L. */
    public int layerCount() {
        return spec.layerCount();
    }

    /**
     * Live views of layer l's raw weights (the recurrent matrix without weight drop, as in evaluation mode): the
     * recurrent core for the Lyapunov spectrum (method.md section 4).
     */
    public LstmLayerWeights layer(int layer) {
        Objects.checkIndex(layer, spec.layerCount());
        return new LstmLayerWeights(inputWeights[layer].value(), recurrentWeights[layer].value(),
                biases[layer].value());
    }

    /** Live views of every layer's weights, bottom first. */
    public List<LstmLayerWeights> layers() {
        List<LstmLayerWeights> out = new ArrayList<>(spec.layerCount());
        for (int l = 0; l < spec.layerCount(); l++) {
            out.add(layer(l));
        }
        return List.copyOf(out);
    }

    /** The live embedding matrix, V x E (row = word id); also the tied decoder. */
    public INDArray embedding() {
        return encoder.value();
    }

    /** The live prior weight W_p, H_{L-1} x K. */
    public INDArray priorWeight() {
        return priorWeight.value();
    }

    /** The live latent weight W_l, H_{L-1} x KE (column block k = expert k). */
    public INDArray latentWeight() {
        return latentWeight.value();
    }

    /** The live latent bias b_l, 1 x KE. */
    public INDArray latentBias() {
        return latentBias.value();
    }

    /** The live decoder bias, 1 x V. */
    public INDArray decoderBias() {
        return decoderBias.value();
    }

    /** AR + TAR of the last {@link #forwardBackward} (already included in its gradients, not in its return value). */
    public double lastPenalty() {
        return lastPenalty;
    }

    /** Drops the cached per-window-shape buffers (up to three shapes are cached, least recently used first out). */
    public void releaseBuffers() {
        workspaces.clear();
    }

    /** Sets the bound on the head's chunk of expert logits (entries; tests use tiny chunks) and drops the buffers. */
    void setChunkElements(long elements) {
        if (elements < 1) {
            throw new IllegalArgumentException("chunk elements must be >= 1, got " + elements);
        }
        chunkElements = elements;
        workspaces.clear();
    }

    @Override
    public LstmState initialState(int batchSize) {
        return new LstmState(coreSpec, batchSize, dataType);
    }

    @Override
    public void reseedDropout(long dropoutSeed) {
        dropoutRandom = new SplittableRandom(dropoutSeed);
    }

    @Override
    public double forwardBackward(BpttWindow window, RecurrentState state) {
        LstmState s = checkState(window, state);
        AwdMosWorkspace ws = workspace(window.length(), window.batchSize());
        ws.ensureTraining();
        return forward(ws, window, s, true, null);
    }

    @Override
    public double loss(BpttWindow window, RecurrentState state) {
        LstmState s = checkState(window, state);
        return forward(workspace(window.length(), window.batchSize()), window, s, false, null);
    }

    /**
     * Evaluation-mode next-word distributions: row n (time-major, {@code n = t B + b}) is the mixture distribution
     * over the V words after input n, in double precision. Updates the state like {@link #loss}. For inspection and
     * tests (it materialises N x V numbers).
     */
    public double[][] probabilities(BpttWindow window, RecurrentState state) {
        LstmState s = checkState(window, state);
        double[][] out = new double[window.tokenCount()][];
        forward(workspace(window.length(), window.batchSize()), window, s, false, out);
        return out;
    }

    /** Evaluation-mode outputs of the last LSTM layer for the window (N x H_{L-1} copy); updates the state. */
    INDArray topOutputs(BpttWindow window, LstmState state) {
        AwdMosWorkspace ws = workspace(window.length(), window.batchSize());
        forward(ws, window, checkState(window, state), false, null);
        return ws.hiddenOut[spec.layerCount() - 1].dup();
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

    private AwdMosWorkspace workspace(int steps, int batchSize) {
        return workspaces.get(steps, batchSize);
    }

    private INDArray fillLockedMask(INDArray mask, double p) {
        if (p <= 0) {
            return null;
        }
        lstmKernels.fillDropoutMask(mask, p, dropoutRandom);
        return mask;
    }

    /**
     * One pass over the window. Training: dropout on, the gradient of cross-entropy + AR + TAR left in every
     * parameter. Evaluation: no dropout; with {@code probabilitiesOut} the mixture distributions are written there.
     * Returns the mean cross-entropy per token.
     */
    private double forward(AwdMosWorkspace ws, BpttWindow window, LstmState state, boolean training,
                           double[][] probabilitiesOut) {
        int steps = ws.steps;
        int batch = ws.batchSize;
        int layers = spec.layerCount();
        int top = layers - 1;
        long start = System.nanoTime();
        boolean wordDrop = training && spec.embeddingDropout() > 0;
        if (wordDrop) {
            AwdMosKernels.fillWordScale(wordScale, spec.embeddingDropout(), dropoutRandom);
        }
        INDArray inputMask = training ? fillLockedMask(ws.inputMask, spec.inputDropout()) : null;
        AwdMosKernels.embed(encoder.value(), window.inputs(), wordDrop ? wordScale : null, inputMask, batch,
                ws.embedded);
        INDArray input = ws.embedded;
        INDArray output = null;
        for (int l = 0; l < layers; l++) {
            ws.hiddenBlock[l][0].assign(state.hidden(l));
            ws.cellFirst[l].assign(state.cell(l));
            INDArray u = training ? dropRecurrentWeights(l) : recurrentWeights[l].value();
            INDArray bias = biases[l].value();
            gemm.gemm(input, inputWeights[l].value(), ws.gates[l], false, false, 0.0);
            for (int t = 0; t < steps; t++) {
                gemm.gemm(ws.hiddenBlock[l][t], u, ws.gateBlock[l][t], false, false, 1.0);
                lstmKernels.cellForward(ws.gates[l], bias, ws.cells[l], ws.tanhCells[l], ws.hidden[l], t, batch);
            }
            state.hidden(l).assign(ws.hiddenBlock[l][steps]);
            state.cell(l).assign(ws.cellLast[l]);
            if (!training) {
                input = ws.hiddenOut[l];
                output = input;
            } else if (l < top) {
                INDArray mask = fillLockedMask(ws.hiddenMask[l], spec.hiddenDropout());
                AwdMosKernels.multiplyLocked(ws.hidden[l], batch, mask, batch, ws.layerInput[l + 1]);
                input = ws.layerInput[l + 1];
            } else {
                INDArray mask = fillLockedMask(ws.outputMask, spec.outputDropout());
                AwdMosKernels.multiplyLocked(ws.hidden[l], batch, mask, batch, ws.output);
                output = ws.output;
            }
        }
        long coreDone = System.nanoTime();
        gemm.gemm(output, priorWeight.value(), ws.priorLogits, false, false, 0.0);
        gemm.gemm(output, latentWeight.value(), ws.latent, false, false, 0.0);
        AwdMosKernels.biasTanh(ws.latent, latentBias.value());
        INDArray latentMask = null;
        INDArray decoderInput = ws.latentRows;
        if (training) {
            latentMask = fillLockedMask(ws.latentMask, spec.latentDropout());
            AwdMosKernels.multiplyLocked(ws.latent, 0, latentMask, batch, ws.droppedLatent);
            decoderInput = ws.droppedLatentRows;
        }
        double meanLoss = head(ws, window.targets(), decoderInput, training, probabilitiesOut);
        if (training) {
            long headBackwardDone = backward(ws, window, output, latentMask, inputMask, wordDrop);
            headNanos += headBackwardDone - coreDone;
            coreNanos += (coreDone - start) + (System.nanoTime() - headBackwardDone);
        }
        return meanLoss;
    }

    /** The recurrent matrix of layer l for a training pass: U * M (a fresh DropConnect mask) or U itself. */
    private INDArray dropRecurrentWeights(int l) {
        if (spec.weightDropout() <= 0) {
            return recurrentWeights[l].value();
        }
        if (recurrentMask == null) {
            recurrentMask = new INDArray[spec.layerCount()];
            droppedRecurrent = new INDArray[spec.layerCount()];
            for (int k = 0; k < spec.layerCount(); k++) {
                long h = spec.hiddenSize(k);
                recurrentMask[k] = Nd4j.create(dataType, h, 4 * h);
                droppedRecurrent[k] = Nd4j.create(dataType, h, 4 * h);
            }
        }
        lstmKernels.fillDropoutMask(recurrentMask[l], spec.weightDropout(), dropoutRandom);
        AwdMosKernels.multiply(recurrentWeights[l].value(), recurrentMask[l], droppedRecurrent[l]);
        return droppedRecurrent[l];
    }

    /**
     * The Mixture-of-Softmaxes likelihood chunk by chunk; in training also the decoder (tied embedding) and decoder
     * bias gradients and dLoss/d(dropped latent) in ws.dLatent, dLoss/d(prior logits) in ws.dPrior.
     */
    private double head(AwdMosWorkspace ws, int[] targets, INDArray decoderInput, boolean training,
                        double[][] probabilitiesOut) {
        int rows = ws.rows;
        int k = spec.experts();
        double scale = training ? 1.0 / rows : 0.0;
        double[] tokenLoss = new double[rows];
        INDArray table = encoder.value();
        for (int first = 0; first < rows; first += ws.chunkTokens) {
            int tokens = Math.min(ws.chunkTokens, rows - first);
            INDArray latentRows = AwdMosWorkspace.rowRange(decoderInput, (long) first * k,
                    (long) (first + tokens) * k);
            INDArray logits = ws.chunkLogitRows(tokens);
            gemm.gemm(latentRows, table, logits, false, true, 0.0);
            if (probabilitiesOut != null) {
                AwdMosKernels.mixtureProbabilities(ws.chunkLogits, tokens, first, decoderBias.value(),
                        ws.priorLogits, probabilitiesOut);
            }
            AwdMosKernels.mixture(ws.chunkLogits, tokens, first, decoderBias.value(), ws.priorLogits, targets,
                    scale, training ? ws.dPrior : null, tokenLoss);
            if (training) {
                double beta = first == 0 ? 0.0 : 1.0;
                INDArray ones = tokens == ws.chunkTokens ? ws.chunkOnes : ws.lastChunkOnes;
                gemm.gemm(ones, logits, decoderBias.gradient(), false, false, beta);
                gemm.gemm(logits, latentRows, encoder.gradient(), true, false, beta);
                INDArray dLatentRows = AwdMosWorkspace.rowRange(ws.dLatentRows, (long) first * k,
                        (long) (first + tokens) * k);
                gemm.gemm(logits, table, dLatentRows, false, false, 0.0);
            }
        }
        double total = 0;
        for (double l : tokenLoss) {
            total += l;
        }
        return total / rows;
    }

    /**
     * Backward from the head's gradients to every parameter (after a training-mode forward). Returns the time when
     * the head's part was done (for the benchmark split).
     */
    private long backward(AwdMosWorkspace ws, BpttWindow window, INDArray output, INDArray latentMask,
                          INDArray inputMask, boolean wordDrop) {
        int steps = ws.steps;
        int batch = ws.batchSize;
        int top = spec.layerCount() - 1;
        AwdMosKernels.tanhBackward(ws.dLatent, ws.latent, latentMask, batch);
        gemm.gemm(output, ws.dLatent, latentWeight.gradient(), true, false, 0.0);
        gemm.gemm(ws.ones, ws.dLatent, latentBias.gradient(), false, false, 0.0);
        gemm.gemm(output, ws.dPrior, priorWeight.gradient(), true, false, 0.0);
        INDArray dTop = ws.dHidden[top];
        gemm.gemm(ws.dLatent, latentWeight.value(), dTop, false, true, 0.0);
        gemm.gemm(ws.dPrior, priorWeight.value(), dTop, false, true, 1.0);
        double penalty = 0;
        if (spec.activationPenalty() > 0) {
            penalty += AwdMosKernels.activationPenalty(output, spec.activationPenalty(), dTop);
        }
        INDArray outputMask = spec.outputDropout() > 0 ? ws.outputMask : null;
        if (outputMask != null) {
            AwdMosKernels.multiplyLocked(dTop, 0, outputMask, batch, dTop);
        }
        if (spec.temporalPenalty() > 0) {
            penalty += AwdMosKernels.temporalPenalty(ws.hidden[top], steps, batch, spec.temporalPenalty(), dTop);
        }
        lastPenalty = penalty;
        long headDone = System.nanoTime();
        boolean weightDrop = spec.weightDropout() > 0;
        for (int l = top; l >= 0; l--) {
            INDArray u = weightDrop ? droppedRecurrent[l] : recurrentWeights[l].value();
            ws.dCellCarry[l].assign(0);
            for (int t = steps - 1; t >= 0; t--) {
                lstmKernels.cellBackward(ws.gates[l], ws.cells[l], ws.tanhCells[l], ws.dHidden[l],
                        ws.dCellCarry[l], ws.dGates[l], t, batch);
                if (t > 0) {
                    gemm.gemm(ws.dGateBlock[l][t], u, ws.dHiddenBlock[l][t - 1], false, true, 1.0);
                }
            }
            INDArray layerInput = l == 0 ? ws.embedded : ws.layerInput[l];
            gemm.gemm(layerInput, ws.dGates[l], inputWeights[l].gradient(), true, false, 0.0);
            gemm.gemm(ws.hiddenPrev[l], ws.dGates[l], recurrentWeights[l].gradient(), true, false, 0.0);
            if (weightDrop) {
                AwdMosKernels.multiply(recurrentWeights[l].gradient(), recurrentMask[l],
                        recurrentWeights[l].gradient());
            }
            gemm.gemm(ws.ones, ws.dGates[l], biases[l].gradient(), false, false, 0.0);
            INDArray dInput = l == 0 ? ws.dEmbedded : ws.dHidden[l - 1];
            gemm.gemm(ws.dGates[l], inputWeights[l].value(), dInput, false, true, 0.0);
            INDArray mask = l == 0 ? inputMask : (spec.hiddenDropout() > 0 ? ws.hiddenMask[l - 1] : null);
            if (mask != null) {
                AwdMosKernels.multiplyLocked(dInput, 0, mask, batch, dInput);
            }
        }
        AwdMosKernels.scatterAddRows(encoder.gradient(), window.inputs(), wordDrop ? wordScale : null,
                ws.dEmbedded);
        return headDone;
    }

    /**
     * Cumulative wall time (ns) of all training passes so far: {@code [head, core]}, the head being the prior and
     * latent projections, the expert logits and mixture likelihood and their backward (through the AR/TAR terms),
     * the core everything else (embedding, LSTM forward and backward).
     */
    long[] trainingNanos() {
        return new long[] {headNanos, coreNanos};
    }

    @Override
    public String toString() {
        return "AwdMosLanguageModel[" + spec + ", " + dataType + ", " + parameterCount() + " parameters]";
    }
}
