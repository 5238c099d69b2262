package io.lsh.lm.prune;

import io.lsh.lm.model.AwdMosSpec;
import java.util.Objects;

/**
 * FLOPs per token of the forward pass of a (pruned) AWD-LSTM-MoS model ({@link AwdMosSpec}; parameter names of
 * {@link io.lsh.lm.model.AwdMosLanguageModel}), the counterpart of {@link ParameterCounting#lstmFlopsPerToken} for
 * setting C (method.md sections 2-3; Yang et al. 2018). Conventions as there (2 FLOPs per active weight of a matrix
 * product, one per element-wise operation; dropout is off at inference):
 * <ul>
 *   <li>embedding: a table lookup, 0 FLOPs;</li>
 *   <li>LSTM layer l: matmul {@code 2 (nnz(W_ih) + nnz(W_hh))}, element-wise {@code 13 H};</li>
 *   <li>head: matmul {@code 2 nnz(prior.weight) + 2 nnz(latent.weight)} and, the dominant term, each of the K experts
 *       multiplying its latent vector by the whole tied decoder, {@code 2 K nnz(encoder.weight)}; element-wise latent
 *       bias and tanh {@code 2 K E}, prior softmax {@code 3 K}, K expert softmaxes with their bias {@code 4 K V}, the
 *       mixture {@code 2 K V}.</li>
 * </ul>
 * Stateless.
 */
public final class AwdMosFlops {

    private AwdMosFlops() {
    }

    /**
     * @param masks the masks, or {@code null} for the dense model
     * @throws IllegalArgumentException if a masked tensor's size does not match {@code spec}
     */
    public static ParameterCounting.FlopCount perToken(AwdMosSpec spec, MaskSet masks) {
        Objects.requireNonNull(spec, "spec");
        long matmul = 0;
        long elementwise = 0;
        for (int l = 0; l < spec.layerCount(); l++) {
            long h = spec.hiddenSize(l);
            matmul += 2 * nonzeros(masks, "rnn.weight_ih_l" + l, spec.inputSize(l) * 4 * h);
            matmul += 2 * nonzeros(masks, "rnn.weight_hh_l" + l, h * 4 * h);
            elementwise += 13 * h;
        }
        long k = spec.experts();
        long v = spec.vocabSize();
        long top = spec.outputHiddenSize();
        matmul += 2 * nonzeros(masks, "prior.weight", top * k);
        matmul += 2 * nonzeros(masks, "latent.weight", top * spec.latentWidth());
        matmul += 2 * k * nonzeros(masks, "encoder.weight", v * spec.embeddingSize());
        elementwise += 2L * spec.latentWidth() + 3 * k + 4 * k * v + 2 * k * v;
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
