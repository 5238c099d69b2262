package io.lsh.lm.spectrum;

/** Which tokens of a sequence warm the state up and which are measured (method.md section 4). */
public enum WarmupMode {
    /**
     * The authors' way: the first W tokens of the window are fed as warm-up, then the SAME window (its first T
     * tokens) is fed again from the post-warm-up state and measured. Sequences need {@code max(T, W)} tokens.
     */
    REPLAY_WINDOW,
    /** Tokens {@code [0, W)} warm up and tokens {@code [W, W + T)} are measured. Sequences need {@code W + T} tokens. */
    PRECEDING_TOKENS
}
