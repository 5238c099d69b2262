package io.lsh.lm.data;

/**
 * One truncated-BPTT window of a batchified stream: {@code length} time steps of {@code batchSize} parallel
 * sequences, time-major ({@code index = t * batchSize + b}), with the next-token targets
 * ({@code targets[t*B+b]} is the token that follows {@code inputs[t*B+b]} in column b).
 *
 * <p>The arrays are owned by the window: treat them as read-only.
 *
 * @param inputs    token ids, length {@code length * batchSize}
 * @param targets   next-token ids, same length
 * @param length    number of time steps T (at most the BPTT length; the last window of a stream may be shorter)
 * @param batchSize number of columns B
 */
public record BpttWindow(int[] inputs, int[] targets, int length, int batchSize) {

    public BpttWindow {
        if (length < 1 || batchSize < 1) {
            throw new IllegalArgumentException("window length and batchSize must be >= 1, got " + length + " x "
                    + batchSize);
        }
        if (inputs.length != length * batchSize || targets.length != length * batchSize) {
            throw new IllegalArgumentException("inputs and targets must hold length*batchSize = "
                    + length * batchSize + " ids, got " + inputs.length + " and " + targets.length);
        }
    }

    /** Number of predicted tokens, {@code length * batchSize}. */
    public int tokenCount() {
        return length * batchSize;
    }
}
