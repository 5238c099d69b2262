package io.lsh.lm.model;

import java.util.List;
import java.util.Objects;

/**
 * Architecture of a stacked-LSTM language model (method.md section 2, setting A and its smaller presets).
 *
 * @param vocabSize     V, number of words (input and output classes), at least 2
 * @param embeddingSize E, width of the word embedding (input of layer 0), at least 1
 * @param hiddenSizes   H_0 .. H_{L-1}, hidden width of each LSTM layer, at least one layer, each at least 1
 * @param dropout       probability of zeroing an activation in training (embedding output, between layers and
 *                      before the decoder), in [0, 1)
 * @param tiedWeights   whether the decoder reuses the embedding matrix (requires E == H_{L-1})
 */
public record ModelSpec(int vocabSize, int embeddingSize, List<Integer> hiddenSizes, double dropout,
                        boolean tiedWeights) {

    public ModelSpec {
        Objects.requireNonNull(hiddenSizes, "hiddenSizes must not be null");
        if (vocabSize < 2) {
            throw new IllegalArgumentException("vocabSize must be >= 2, got " + vocabSize);
        }
        if (embeddingSize < 1) {
            throw new IllegalArgumentException("embeddingSize must be >= 1, got " + embeddingSize);
        }
        if (hiddenSizes.isEmpty()) {
            throw new IllegalArgumentException("hiddenSizes must list at least one layer");
        }
        for (int l = 0; l < hiddenSizes.size(); l++) {
            Integer h = hiddenSizes.get(l);
            if (h == null || h < 1) {
                throw new IllegalArgumentException("hiddenSizes[" + l + "] must be >= 1, got " + h);
            }
        }
        if (!(dropout >= 0.0 && dropout < 1.0)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        hiddenSizes = List.copyOf(hiddenSizes);
        if (tiedWeights && embeddingSize != hiddenSizes.get(hiddenSizes.size() - 1)) {
            throw new IllegalArgumentException("tiedWeights requires embeddingSize (" + embeddingSize
                    + ") == last hidden size (" + hiddenSizes.get(hiddenSizes.size() - 1) + ")");
        }
    }

    /**
     * Convenience: L layers of the same width H and embedding E.
     */
    public static ModelSpec uniform(int vocabSize, int embeddingSize, int hiddenSize, int layers, double dropout,
                                    boolean tiedWeights) {
        if (layers < 1) {
            throw new IllegalArgumentException("layers must be >= 1, got " + layers);
        }
        return new ModelSpec(vocabSize, embeddingSize, java.util.Collections.nCopies(layers, hiddenSize), dropout,
                tiedWeights);
    }

    /** Number of LSTM layers L. */
    public int layerCount() {
        return hiddenSizes.size();
    }

    /** Hidden width of layer l. */
    public int hiddenSize(int layer) {
        return hiddenSizes.get(layer);
    }

    /** Input width of layer l (E for layer 0, H_{l-1} otherwise). */
    public int inputSize(int layer) {
        return layer == 0 ? embeddingSize : hiddenSizes.get(layer - 1);
    }

    /** Width of the last layer, the decoder's input. */
    public int outputHiddenSize() {
        return hiddenSizes.get(hiddenSizes.size() - 1);
    }
}
