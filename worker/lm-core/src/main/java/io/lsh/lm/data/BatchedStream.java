package io.lsh.lm.data;

import java.util.AbstractList;
import java.util.List;
import java.util.Objects;

/**
 * A token stream cut into {@code batchSize} contiguous columns, stored time-major, as PyTorch's
 * {@code word_language_model} {@code batchify} does (method.md section 2): column b holds tokens
 * {@code [b*steps, (b+1)*steps)} of the stream, the remainder {@code stream.length % batchSize} is dropped, and
 * {@code data[t * batchSize + b]} is step t of column b.
 *
 * <p>Windows of length {@code bptt} start at steps {@code 0, bptt, 2*bptt, ...} while a next token exists; window
 * i has {@code min(bptt, steps - 1 - i*bptt)} steps (so the last one may be shorter), and its targets are the inputs
 * shifted by one step ({@code get_batch} of the same example). Immutable and thread-safe.
 */
public final class BatchedStream {

    private final int[] data;
    private final int steps;
    private final int batchSize;

    private BatchedStream(int[] data, int steps, int batchSize) {
        this.data = data;
        this.steps = steps;
        this.batchSize = batchSize;
    }

    /**
     * Batchifies a stream into {@code batchSize} columns, dropping the last {@code stream.length % batchSize}
     * tokens.
     *
     * @throws IllegalArgumentException if {@code batchSize < 1} or the stream has fewer than {@code 2 * batchSize}
     *                                  tokens (no window with a target would exist)
     */
    public static BatchedStream batchify(int[] stream, int batchSize) {
        Objects.requireNonNull(stream, "stream");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        int steps = stream.length / batchSize;
        if (steps < 2) {
            throw new IllegalArgumentException("stream of " + stream.length + " tokens is too short for batchSize "
                    + batchSize + " (need at least 2 steps per column)");
        }
        int[] data = new int[steps * batchSize];
        for (int b = 0; b < batchSize; b++) {
            int src = b * steps;
            for (int t = 0; t < steps; t++) {
                data[t * batchSize + b] = stream[src + t];
            }
        }
        return new BatchedStream(data, steps, batchSize);
    }

    /** Number of time steps per column ({@code stream.length / batchSize}). */
    public int steps() {
        return steps;
    }

    /** Number of columns B. */
    public int batchSize() {
        return batchSize;
    }

    /** Token at step t of column b. */
    public int token(int t, int b) {
        Objects.checkIndex(t, steps);
        Objects.checkIndex(b, batchSize);
        return data[t * batchSize + b];
    }

    /** Number of predicted tokens over all windows: {@code (steps - 1) * batchSize}. */
    public long targetCount() {
        return (long) (steps - 1) * batchSize;
    }

    /** Number of windows of length {@code bptt}: {@code ceil((steps - 1) / bptt)}. */
    public int windowCount(int bptt) {
        checkBptt(bptt);
        return (steps - 1 + bptt - 1) / bptt;
    }

    /**
     * Window {@code index} of length {@code bptt} (shorter if it is the last one).
     *
     * @throws IndexOutOfBoundsException if {@code index >= windowCount(bptt)}
     */
    public BpttWindow window(int index, int bptt) {
        Objects.checkIndex(index, windowCount(bptt));
        return windowAt(index * bptt, bptt);
    }

    /**
     * The window of {@code min(length, steps - 1 - start)} steps starting at step {@code start} (AWD-LSTM's
     * {@code get_batch(source, i, seq_len)}; windows of randomised length).
     *
     * @throws IllegalArgumentException if {@code length < 1}
     * @throws IndexOutOfBoundsException if no target follows step {@code start} ({@code start >= steps - 1})
     */
    public BpttWindow windowAt(int start, int length) {
        checkBptt(length);
        Objects.checkIndex(start, steps - 1);
        int len = Math.min(length, steps - 1 - start);
        int n = len * batchSize;
        int[] inputs = new int[n];
        int[] targets = new int[n];
        System.arraycopy(data, start * batchSize, inputs, 0, n);
        System.arraycopy(data, (start + 1) * batchSize, targets, 0, n);
        return new BpttWindow(inputs, targets, len, batchSize);
    }

    /** All windows of length {@code bptt}, in order, created lazily on access. */
    public List<BpttWindow> windows(int bptt) {
        int count = windowCount(bptt);
        return new AbstractList<>() {
            @Override
            public BpttWindow get(int index) {
                return window(index, bptt);
            }

            @Override
            public int size() {
                return count;
            }
        };
    }

    private static void checkBptt(int bptt) {
        if (bptt < 1) {
            throw new IllegalArgumentException("bptt must be >= 1, got " + bptt);
        }
    }
}
