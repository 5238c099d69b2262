package io.lsh.lm.model;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The recurrent weights of one Recurrent Highway Network layer (method.md sections 2 and 4; Zilly et al. 2017) in the
 * row-vector convention {@code y_d = s W_d + b_d (+ x W_x at micro-layer 0)}, each {@code y_d} of width 2H with
 * column blocks {@code [H | T]}: the candidate {@code h = tanh(y[:, :H])} and the transform gate
 * {@code t = sigmoid(y[:, H:])}; the micro-layer maps {@code s -> h t + s (1 - t)} (coupled carry gate).
 *
 * @param inputWeights     W_x, E x 2H: the input transforms of micro-layer 0 ({@code [W_H | W_T]})
 * @param recurrentWeights R_d, H x 2H for d = 0 .. D-1 ({@code [R_H | R_T]} of micro-layer d)
 * @param biases           b_d, 1 x 2H for d = 0 .. D-1
 */
public record RhnWeights(INDArray inputWeights,
                         List<INDArray> recurrentWeights,
                         List<INDArray> biases) {

    public RhnWeights {
        Objects.requireNonNull(inputWeights, "inputWeights");
        recurrentWeights = List.copyOf(recurrentWeights);
        biases = List.copyOf(biases);
        if (inputWeights.rank() != 2 || inputWeights.size(1) % 2 != 0) {
            throw new IllegalArgumentException("inputWeights must be E x 2H, got shape "
                    + Arrays.toString(inputWeights.shape()));
        }
        long width = inputWeights.size(1);
        if (recurrentWeights.isEmpty() || recurrentWeights.size() != biases.size()) {
            throw new IllegalArgumentException("need D >= 1 recurrent weights and as many biases, got "
                    + recurrentWeights.size() + " and " + biases.size());
        }
        for (int d = 0; d < recurrentWeights.size(); d++) {
            long[] shape = recurrentWeights.get(d).shape();
            if (shape.length != 2 || shape[0] != width / 2 || shape[1] != width) {
                throw new IllegalArgumentException("recurrentWeights[" + d + "] must be H x 2H = " + width / 2 + " x "
                        + width + ", got " + Arrays.toString(shape));
            }
            if (biases.get(d).length() != width) {
                throw new IllegalArgumentException("biases[" + d + "] must have 2H = " + width + " entries, got "
                        + biases.get(d).length());
            }
        }
    }

    /** H. */
    public int hiddenSize() {
        return (int) inputWeights.size(1) / 2;
    }

    /** E. */
    public int inputSize() {
        return (int) inputWeights.size(0);
    }

    /** D. */
    public int depth() {
        return recurrentWeights.size();
    }
}
