package io.lsh.lm.model;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The element-wise part of the LSTM language model's forward and backward passes (everything that is not a matrix
 * product). Kept behind this interface so that a back end built from ND4J ops (for CUDA) can sit beside the fused
 * Java loops of {@link FusedJavaKernels}.
 *
 * <p>All arrays are whole 'c'-order arrays (never views) laid out time-major: {@code N = T * B} rows, row {@code t * B + b}.
 * The per-layer arrays {@code hidden} and {@code cells} have {@code (T + 1) * B} rows: row block 0 holds the
 * initial state and block {@code t + 1} the state after step t. {@code gates} ({@code N x 4H}) holds the gate
 * pre-activations in column blocks i, f, g, o and, after {@link #cellForward}, their activations.
 */
interface LstmKernels {

    /** {@code out[n, :] = table[ids[n], :] * mask[n, :]} ({@code mask == null}: no dropout). */
    void embed(INDArray table, int[] ids, INDArray mask, INDArray out);

    /** Fills {@code mask} with inverted-dropout factors: 0 with probability p, else {@code 1 / (1 - p)}. */
    void fillDropoutMask(INDArray mask, double p, SplittableRandom random);

    /**
     * {@code out[r, :] = in[r + inRowOffset, :] * mask[r, :]} for every row r of {@code out} ({@code out} may be
     * {@code in} when the offset is 0). {@code in} may have more rows than {@code out}.
     */
    void multiplyRows(INDArray in, int inRowOffset, INDArray mask, INDArray out);

    /**
     * One LSTM step t for all B rows: adds {@code bias} to the pre-activations of rows {@code [tB, (t+1)B)} of
     * {@code gates} (which already hold {@code x W + h U}), replaces them by the activations
     * {@code s(i), s(f), tanh(g), s(o)}, and writes {@code c_t = s(f) c_{t-1} + s(i) tanh(g)} to block t+1 of
     * {@code cells}, {@code tanh(c_t)} to rows {@code [tB, (t+1)B)} of {@code tanhCells} and
     * {@code h_t = s(o) tanh(c_t)} to block t+1 of {@code hidden}.
     */
    void cellForward(INDArray gates, INDArray bias, INDArray cells, INDArray tanhCells, INDArray hidden, int t,
                     int batchSize);

    /**
     * Backward of {@link #cellForward} for step t: reads {@code dHidden} rows of step t (the full gradient of
     * {@code h_t}) and {@code dCellCarry} ({@code B x H}, the gradient of {@code c_t} from step t+1), writes the
     * pre-activation gradients to rows of step t of {@code dGates} and replaces {@code dCellCarry} by the gradient
     * of {@code c_{t-1}}.
     */
    void cellBackward(INDArray gates, INDArray cells, INDArray tanhCells, INDArray dHidden, INDArray dCellCarry,
                      INDArray dGates, int t, int batchSize);

    /**
     * Numerically stable softmax cross-entropy of {@code logits + bias} ({@code N x V}) against {@code targets}.
     * Returns the sum over rows of the per-row loss in nats. If {@code gradientScale != 0}, overwrites
     * {@code logits} with {@code gradientScale * (softmax - onehot(target))}, the gradient of
     * {@code gradientScale * sum of losses}; otherwise {@code logits} holds {@code logits + bias} afterwards
     * (what {@link LstmLanguageModel#logits} returns).
     */
    double softmaxCrossEntropy(INDArray logits, INDArray bias, int[] targets, double gradientScale);

    /** {@code grad[ids[n], :] += rows[n, :]} for every row n, in row order. */
    void scatterAddRows(INDArray grad, int[] ids, INDArray rows);
}
