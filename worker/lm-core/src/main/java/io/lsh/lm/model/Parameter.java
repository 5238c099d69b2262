package io.lsh.lm.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One trainable tensor of a model together with its gradient buffer.
 *
 * <p>{@code value} and {@code gradient} are persistent, same-shape, 'c'-order FLOAT arrays owned by the model:
 * training overwrites {@code gradient} on every backward pass and updates {@code value} in place, so holders of a
 * {@code Parameter} (optimizers, pruning masks) always see the current numbers. {@code prunable} is true for
 * weight matrices (input, recurrent, embedding, decoder) and false for biases, following method.md section 3:
 * "Masks cover every weight matrix ... never biases".
 *
 * @param name      stable, unique name (PyTorch-style, e.g. {@code rnn.weight_hh_l0}); used in checkpoints and reports
 * @param value     the weights
 * @param gradient  the gradient of the loss with respect to {@code value}, same shape
 * @param prunable  whether pruning masks apply to this tensor
 */
public record Parameter(String name, INDArray value, INDArray gradient, boolean prunable) {

    public Parameter {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("parameter name must not be blank");
        }
        if (!java.util.Arrays.equals(value.shape(), gradient.shape())) {
            throw new IllegalArgumentException("parameter " + name + ": gradient shape differs from value shape");
        }
    }

    /** Number of scalar entries. */
    public long size() {
        return value.length();
    }
}
