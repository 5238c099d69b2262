package io.lsh.lm.spectrum;

/** Which tokens of a sequence warm the state up and which are measured (method.md section 4). */
public enum WarmupMode {
    /**
     * The authors' way: the first W tokens of the window are fed as warm-up, then the SAME window (its first T
     * tokens) is fed again from the post-warm-up state and measured. Sequences need {@code max(T, W)} tokens.
     */
    REPLAY_WINDOW,
    /** Tokens {@code [0, W)} warm up and tokens {@code [W, W + T)} are measured. Sequences need {@code W + T} tokens. */
    PRECEDING_TOKENS;

    /** @return the name in reference.conf ({@code lsh.spectrum.warmup-mode}): replay-window, preceding-tokens */
    public String configName() {
        return this == REPLAY_WINDOW ? "replay-window" : "preceding-tokens";
    }

    /**
     * @return the mode named {@code name} in reference.conf
     * @throws IllegalArgumentException naming the value and the known names
     */
    public static WarmupMode fromName(String name) {
        for (WarmupMode m : values()) {
            if (m.configName().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown spectrum warm-up mode '" + name
                + "' (known: replay-window, preceding-tokens)");
    }
}
