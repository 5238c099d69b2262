package io.lsh.lm.prune;

import io.lsh.lm.model.RhnSpec;
import java.util.Objects;

/**
 * FLOPs per token of a (pruned) Recurrent Highway Network language model ({@link RhnSpec}; parameter names of
 * {@link io.lsh.lm.model.RhnLanguageModel}), in the convention of {@link ParameterCounting#lstmFlopsPerToken}
 * (method.md sections 2 and 3; Zheng &amp; Shlizerman 2025, arXiv 2506.07975). Stateless.
 */
public final class RhnFlopCounting {

    private RhnFlopCounting() {
    }

    /**
     * FLOPs of one token's forward pass (inference, batch 1):
     * <ul>
     *   <li>embedding: a table lookup, 0 FLOPs;</li>
     *   <li>micro-layer 0's input transforms: matmul {@code 2 nnz(rnn.weight_ih_l0)}, element-wise 2H (adding them);</li>
     *   <li>every micro-layer d: matmul {@code 2 nnz(rnn.weight_hh_l<d>)}; element-wise 7H: bias add 2H, tanh and
     *       sigmoid 2H (one FLOP each), {@code s + t (h - s)} 3H;</li>
     *   <li>decoder: matmul {@code 2 nnz(decoder.weight)} (tied: {@code 2 nnz(encoder.weight)}); element-wise bias add
     *       V and softmax 3V;</li>
     *   <li>dropout is off at inference; nonzero counts are the masks' active counts.</li>
     * </ul>
     * The dense paper model (V = 10,000, H = 830, D = 10, tied) costs 2 (830 x 1660 + 10 x 830 x 1660 + 10,000 x 830)
     * + 2 x 830 + 70 x 830 + 40,000 = 47,011,360 FLOPs per token.
     *
     * @param masks the masks, or {@code null} for the dense model
     * @throws IllegalArgumentException if a masked tensor's size does not match {@code spec}
     */
    public static ParameterCounting.FlopCount flopsPerToken(RhnSpec spec, MaskSet masks) {
        Objects.requireNonNull(spec, "spec");
        long h = spec.hiddenSize();
        long v = spec.vocabSize();
        long matmul = 2 * nonzeros(masks, "rnn.weight_ih_l0", spec.embeddingSize() * 2 * h);
        long elementwise = 2 * h;
        for (int d = 0; d < spec.depth(); d++) {
            matmul += 2 * nonzeros(masks, "rnn.weight_hh_l" + d, h * 2 * h);
            elementwise += 7 * h;
        }
        if (spec.tiedWeights()) {
            matmul += 2 * nonzeros(masks, "encoder.weight", v * spec.embeddingSize());
        } else {
            matmul += 2 * nonzeros(masks, "decoder.weight", h * v);
        }
        elementwise += 4 * v;
        return new ParameterCounting.FlopCount(matmul, elementwise);
    }

    private static long nonzeros(MaskSet masks, String name, long size) {
        if (masks == null || !masks.tensorNames().contains(name)) {
            return size;
        }
        long actual = masks.densities().stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow().size();
        if (actual != size) {
            throw new IllegalArgumentException("masked tensor '" + name + "' has " + actual + " entries, the spec says "
                    + size);
        }
        return masks.activeCount(name);
    }
}
