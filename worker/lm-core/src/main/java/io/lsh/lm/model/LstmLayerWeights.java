package io.lsh.lm.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The weights of one LSTM layer in row-vector convention: for an input row x (1 x in) and previous hidden row
 * h (1 x H), the pre-activations are {@code y = x * inputWeights + h * recurrentWeights + bias} (1 x 4H), with the
 * four gate blocks in the column order i, f, g, o (PyTorch's order; method.md section 4):
 * {@code c_t = s(f) c + s(i) tanh(g)}, {@code h_t = s(o) tanh(c_t)}.
 *
 * <p>These are live views of the model's parameters (not copies): read them, do not write them.
 *
 * @param inputWeights     in x 4H
 * @param recurrentWeights H x 4H
 * @param bias             1 x 4H (a single bias; PyTorch's bias_ih + bias_hh summed)
 */
public record LstmLayerWeights(INDArray inputWeights, INDArray recurrentWeights, INDArray bias) {

    /** Hidden size H. */
    public int hiddenSize() {
        return (int) recurrentWeights.size(0);
    }

    /** Input size (embedding size for layer 0, H of the layer below otherwise). */
    public int inputSize() {
        return (int) inputWeights.size(0);
    }
}
