package io.lsh.lm.model;

/**
 * Architecture of a Recurrent Highway Network language model (method.md section 2, setting B; Zilly, Srivastava,
 * Koutnik &amp; Schmidhuber 2017, "Recurrent Highway Networks"): embedding, one RHN layer of recurrence depth D with
 * the coupled carry gate {@code c = 1 - t}, linear decoder (tied to the embedding by default), softmax.
 *
 * <p>The four dropouts are those of Zilly et al.'s PTB setting, which Selfish-RNN (Liu et al. 2021) and the
 * Hyperpruning paper reuse. All are inverted dropout, active in training only, with masks drawn once per BPTT window:
 * <ul>
 *   <li>{@code embeddingDropout} (drop_x): drops whole embedded words; within a window and sequence every occurrence
 *       of the same word shares one decision (word-type dropout, Gal &amp; Ghahramani);</li>
 *   <li>{@code inputDropout} (drop_i): a variational mask per sequence on the E input features of micro-layer 0;</li>
 *   <li>{@code hiddenDropout} (drop_h): a variational mask per sequence on the state s where it enters the
 *       recurrent products of every micro-layer (the carry path {@code s (1 - t)} is not dropped);</li>
 *   <li>{@code outputDropout} (drop_o): a variational mask per sequence on the layer output before the decoder.</li>
 * </ul>
 *
 * @param vocabSize        V, number of words, at least 2
 * @param embeddingSize    E, width of the word embedding, at least 1
 * @param hiddenSize       H, width of the RHN state s, at least 1
 * @param depth            D, recurrence depth (micro-layers per token), at least 1
 * @param embeddingDropout drop_x in [0, 1)
 * @param inputDropout     drop_i in [0, 1)
 * @param hiddenDropout    drop_h in [0, 1)
 * @param outputDropout    drop_o in [0, 1)
 * @param tiedWeights      whether the decoder reuses the embedding matrix (requires E == H)
 */
public record RhnSpec(int vocabSize, int embeddingSize, int hiddenSize, int depth, double embeddingDropout,
                      double inputDropout, double hiddenDropout, double outputDropout, boolean tiedWeights) {

    /** Width and recurrence depth of the paper's PTB model (setting B). */
    public static final int PAPER_HIDDEN_SIZE = 830;
    public static final int PAPER_DEPTH = 10;

    public RhnSpec {
        if (vocabSize < 2) {
            throw new IllegalArgumentException("vocabSize must be >= 2, got " + vocabSize);
        }
        if (embeddingSize < 1) {
            throw new IllegalArgumentException("embeddingSize must be >= 1, got " + embeddingSize);
        }
        if (hiddenSize < 1) {
            throw new IllegalArgumentException("hiddenSize must be >= 1, got " + hiddenSize);
        }
        if (depth < 1) {
            throw new IllegalArgumentException("depth (recurrence depth D) must be >= 1, got " + depth);
        }
        checkProbability("embeddingDropout", embeddingDropout);
        checkProbability("inputDropout", inputDropout);
        checkProbability("hiddenDropout", hiddenDropout);
        checkProbability("outputDropout", outputDropout);
        if (tiedWeights && embeddingSize != hiddenSize) {
            throw new IllegalArgumentException("tiedWeights requires embeddingSize (" + embeddingSize
                    + ") == hiddenSize (" + hiddenSize + ")");
        }
    }

    private static void checkProbability(String name, double p) {
        if (!(p >= 0.0 && p < 1.0)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + p);
        }
    }

    /**
     * The paper's setting B (Zilly et al.'s PTB model): E = H = 830, D = 10, tied embedding, dropouts embedding 0.25,
     * input 0.75, hidden 0.25, output 0.75.
     */
    public static RhnSpec paperPreset(int vocabSize) {
        return new RhnSpec(vocabSize, PAPER_HIDDEN_SIZE, PAPER_HIDDEN_SIZE, PAPER_DEPTH, 0.25, 0.75, 0.25, 0.75,
                true);
    }

    /** The same architecture without any dropout. */
    public RhnSpec withoutDropout() {
        return new RhnSpec(vocabSize, embeddingSize, hiddenSize, depth, 0, 0, 0, 0, tiedWeights);
    }

    /** Whether any dropout is active in training. */
    public boolean hasDropout() {
        return embeddingDropout > 0 || inputDropout > 0 || hiddenDropout > 0 || outputDropout > 0;
    }
}
