package io.lsh.lm.spectrum;

import java.util.Arrays;

/** Input sequences for spectrum estimation, cut from a token stream the way the authors do. */
public final class SpectrumInputs {

    private SpectrumInputs() {
    }

    /**
     * The first window of the batchified stream: the stream is cut into {@code batch} equal contiguous columns
     * (the remainder dropped, like PyTorch's {@code batchify}), and sequence b is the first {@code length} tokens of
     * column b, i.e. {@code stream[b * (stream.length / batch) + t]} for t &lt; length. With the evaluation batch size
     * B this is the authors' first BPTT window of the validation set.
     *
     * @throws IllegalArgumentException if a column is shorter than {@code length}
     */
    public static int[][] firstWindows(int[] stream, int batch, int length) {
        return windowsAt(stream, batch, length, 0);
    }

    /**
     * Like {@link #firstWindows(int[], int, int)}, but each sequence starts {@code offset} tokens into its column:
     * {@code stream[b * (stream.length / batch) + offset + t]} for t &lt; length ({@code lsh.spectrum.window-offset};
     * 0 = the first window).
     *
     * @throws IllegalArgumentException if a column is shorter than {@code offset + length}, or offset &lt; 0
     */
    public static int[][] windowsAt(int[] stream, int batch, int length, int offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, got " + offset);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        if (length < 1) {
            throw new IllegalArgumentException("length must be >= 1, got " + length);
        }
        int column = stream.length / batch;
        if (column < offset + length) {
            throw new IllegalArgumentException("stream of " + stream.length + " tokens in " + batch
                    + " columns gives " + column + " tokens per column, need " + (offset > 0 ? "offset " + offset
                    + " + " : "") + length);
        }
        int[][] out = new int[batch][];
        for (int b = 0; b < batch; b++) {
            out[b] = Arrays.copyOfRange(stream, b * column + offset, b * column + offset + length);
        }
        return out;
    }

    /** {@link #firstWindows(int[], int, int)} with B and the length the settings need. */
    public static int[][] firstWindows(int[] stream, SpectrumSettings settings) {
        return firstWindows(stream, settings.batch(), settings.requiredSequenceLength());
    }
}
