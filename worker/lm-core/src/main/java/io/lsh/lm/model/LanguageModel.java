package io.lsh.lm.model;

import io.lsh.lm.data.BatchedStream;
import io.lsh.lm.data.BpttWindow;

/**
 * A word-level recurrent language model trained with truncated BPTT (method.md section 2). Implementations are
 * not thread-safe: one thread drives a model.
 */
public interface LanguageModel extends ParameterSet {

    /** A zero state for {@code batchSize} parallel sequences. */
    RecurrentState initialState(int batchSize);

    /**
     * Training-mode forward and backward pass over one window: dropout active, the mean softmax cross-entropy per
     * token (natural log, nats) is returned and every {@link Parameter#gradient()} is overwritten with its
     * gradient. The state is read as the initial state (detached) and replaced by the state after the window.
     */
    double forwardBackward(BpttWindow window, RecurrentState state);

    /**
     * Evaluation-mode forward pass (no dropout, no gradients): the mean cross-entropy per token in nats. Updates
     * the state like {@link #forwardBackward}.
     */
    double loss(BpttWindow window, RecurrentState state);

    /** Restarts the dropout random stream from {@code seed} (reproducible masks). */
    void reseedDropout(long seed);

    /**
     * Perplexity of a token stream in evaluation mode, {@code exp(mean cross-entropy per token)}, as PyTorch's
     * {@code word_language_model} evaluates: the stream is batchified into {@code batchSize} columns, cut into
     * {@code bptt} windows, and the state starts at zero and is carried across windows. Every predicted token
     * weighs the same.
     */
    default double perplexity(int[] stream, int batchSize, int bptt) {
        return Math.exp(meanLoss(BatchedStream.batchify(stream, batchSize), bptt));
    }

    /** Mean evaluation-mode cross-entropy per token (nats) over all windows of a batchified stream. */
    default double meanLoss(BatchedStream data, int bptt) {
        RecurrentState state = initialState(data.batchSize());
        double total = 0;
        long tokens = 0;
        int windows = data.windowCount(bptt);
        for (int i = 0; i < windows; i++) {
            BpttWindow w = data.window(i, bptt);
            total += loss(w, state) * w.tokenCount();
            tokens += w.tokenCount();
        }
        return total / tokens;
    }
}
