package io.lsh.lm.model;

import java.util.List;
import java.util.Objects;

/**
 * Architecture and regularisation of an AWD-LSTM-MoS language model (method.md section 2, setting C; Yang, Dai,
 * Salakhutdinov &amp; Cohen 2018, "Breaking the Softmax Bottleneck: A High-Rank RNN Language Model", ICLR,
 * arXiv 1711.03953, and their code {@code zihangdai/mos}, which builds on Merity et al.'s AWD-LSTM): an embedding of
 * width E, L stacked LSTM layers (the last one's output is the input of the mixture head), a Mixture-of-Softmaxes
 * head with K experts whose latent vectors have width E and share the tied embedding as decoder.
 *
 * <p>The names in parentheses are the flags of the reference code ({@code main.py}).
 *
 * @param vocabSize              V ({@code ntokens}), at least 2
 * @param embeddingSize          E ({@code emsize}): embedding width, also the width of each expert's latent vector
 *                               (the decoder is the tied embedding), at least 1
 * @param hiddenSizes            H_0 .. H_{L-1} ({@code nhid} for all but the last, {@code nhidlast} for the last,
 *                               which feeds the head), at least one layer, each at least 1
 * @param experts                K ({@code n_experts}), number of softmax components, at least 1
 * @param embeddingDropout       {@code dropoute}: probability of dropping a whole word (a row of the embedding
 *                               matrix) for one forward window, in [0, 1)
 * @param inputDropout           {@code dropouti}: locked (variational) dropout on the embedded inputs, in [0, 1)
 * @param hiddenDropout          {@code dropouth}: locked dropout between LSTM layers, in [0, 1)
 * @param outputDropout          {@code dropout}: locked dropout on the last LSTM layer's output, in [0, 1)
 * @param latentDropout          {@code dropoutl}: locked dropout on the experts' latent vectors, in [0, 1)
 * @param weightDropout          {@code wdrop}: DropConnect on every recurrent (hidden-to-hidden) matrix, one mask per
 *                               forward window, in [0, 1)
 * @param activationPenalty      {@code alpha}: AR, {@code alpha * mean(o^2)} over the dropped last-layer output o,
 *                               at least 0
 * @param temporalPenalty        {@code beta}: TAR, {@code beta * mean((h_t - h_{t-1})^2)} over the undropped last-layer
 *                               output within a window, at least 0
 */
public record AwdMosSpec(int vocabSize, int embeddingSize, List<Integer> hiddenSizes, int experts,
                         double embeddingDropout, double inputDropout, double hiddenDropout, double outputDropout,
                         double latentDropout, double weightDropout, double activationPenalty,
                         double temporalPenalty) {

    public AwdMosSpec {
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
        hiddenSizes = List.copyOf(hiddenSizes);
        if (experts < 1) {
            throw new IllegalArgumentException("experts must be >= 1, got " + experts);
        }
        if ((long) experts * embeddingSize > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("experts * embeddingSize too large: " + experts + " x "
                    + embeddingSize);
        }
        checkProbability("embeddingDropout", embeddingDropout);
        checkProbability("inputDropout", inputDropout);
        checkProbability("hiddenDropout", hiddenDropout);
        checkProbability("outputDropout", outputDropout);
        checkProbability("latentDropout", latentDropout);
        checkProbability("weightDropout", weightDropout);
        if (!(activationPenalty >= 0 && Double.isFinite(activationPenalty))) {
            throw new IllegalArgumentException("activationPenalty must be a finite number >= 0, got "
                    + activationPenalty);
        }
        if (!(temporalPenalty >= 0 && Double.isFinite(temporalPenalty))) {
            throw new IllegalArgumentException("temporalPenalty must be a finite number >= 0, got " + temporalPenalty);
        }
    }

    private static void checkProbability(String name, double p) {
        if (!(p >= 0.0 && p < 1.0)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + p);
        }
    }

    /**
     * Setting C of method.md section 2: the WikiText-2 model of Yang et al. 2018 (README of {@code zihangdai/mos},
     * "WikiText-2 (Single GPU)": {@code --nhid 1150 --nhidlast 650 --emsize 300 --n_experts 15 --dropouth 0.2
     * --dropouti 0.55 --dropoutl 0.29}; the other values are {@code main.py}'s defaults: {@code dropout 0.4},
     * {@code dropoute 0.1}, {@code wdrop 0.5}, {@code alpha 2}, {@code beta 1}, 3 layers, tied weights). Their training
     * recipe (not part of the architecture): SGD lr 15, batch 15, BPTT 70, clip 0.25, weight decay 1.2e-6, NT-ASGD.
     */
    public static AwdMosSpec paperPreset(int vocabSize) {
        return new AwdMosSpec(vocabSize, 300, List.of(1150, 1150, 650), 15, 0.1, 0.55, 0.2, 0.4, 0.29, 0.5, 2.0,
                1.0);
    }

    /**
     * The Penn Treebank model of Yang et al. 2018 (README of {@code zihangdai/mos}: {@code --nhid 960 --nhidlast 620
     * --emsize 280 --n_experts 15 --dropouti 0.4 --dropouth 0.225 --dropoutl 0.29}, the rest as in
     * {@link #paperPreset}).
     */
    public static AwdMosSpec ptbPreset(int vocabSize) {
        return new AwdMosSpec(vocabSize, 280, List.of(960, 960, 620), 15, 0.1, 0.4, 0.225, 0.4, 0.29, 0.5, 2.0,
                1.0);
    }

    /** The same architecture with every dropout (embedding, locked, weight) off; penalties kept. */
    public AwdMosSpec withoutDropout() {
        return new AwdMosSpec(vocabSize, embeddingSize, hiddenSizes, experts, 0, 0, 0, 0, 0, 0, activationPenalty,
                temporalPenalty);
    }

    /** The same model with other AR/TAR weights. */
    public AwdMosSpec withPenalties(double newActivationPenalty, double newTemporalPenalty) {
        return new AwdMosSpec(vocabSize, embeddingSize, hiddenSizes, experts, embeddingDropout, inputDropout,
                hiddenDropout, outputDropout, latentDropout, weightDropout, newActivationPenalty, newTemporalPenalty);
    }

    /** Whether any dropout (embedding, locked or weight) is active in training. */
    public boolean hasDropout() {
        return embeddingDropout > 0 || inputDropout > 0 || hiddenDropout > 0 || outputDropout > 0
                || latentDropout > 0 || weightDropout > 0;
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

    /** Width of the last layer's output, the head's input. */
    public int outputHiddenSize() {
        return hiddenSizes.get(hiddenSizes.size() - 1);
    }

    /** K * E, the width of all experts' latent vectors together. */
    public int latentWidth() {
        return experts * embeddingSize;
    }

    /** The recurrent core as a {@link ModelSpec} (untied, no dropout): shapes of the LSTM layers and their state. */
    public ModelSpec coreSpec() {
        return new ModelSpec(vocabSize, embeddingSize, hiddenSizes, 0.0, false);
    }
}
