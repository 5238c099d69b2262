package io.lsh.lm.prune;

import io.lsh.lm.model.ModelSpec;
import io.lsh.lm.model.Parameter;
import io.lsh.lm.model.ParameterSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parameter and FLOP counts of a (possibly pruned) model, for reports and provenance ("per-layer sparsity and the
 * pruned model's parameter and FLOP counts, reported with every trial"; method.md section 3, Zheng &amp; Shlizerman
 * 2025, arXiv 2506.07975). Stateless.
 */
public final class ParameterCounting {

    private ParameterCounting() {
    }

    /** Parameters of the dense model (every entry of every parameter, biases included). */
    public static long denseParameters(ParameterSet model) {
        return model.parameterCount();
    }

    /**
     * Parameters the pruned model really has: the active entries of the masked tensors plus every entry of the
     * unmasked parameters (biases).
     */
    public static long activeParameters(ParameterSet model, MaskSet masks) {
        Objects.requireNonNull(masks, "masks");
        long n = 0;
        for (Parameter p : model.parameters()) {
            n += p.prunable() ? masks.activeCount(p.name()) : p.size();
        }
        return n;
    }

    /**
     * Multiply-add FLOPs (2 per active weight) of one token's forward pass through the masked weight matrices,
     * skipping tensors used as lookup tables (the input embedding: {@code isLookup} returns true for its name).
     * Biases and nonlinearities are not counted.
     */
    public static long sparseMatmulFlopsPerToken(MaskSet masks, Predicate<String> isLookup) {
        long n = 0;
        for (String name : masks.tensorNames()) {
            if (!isLookup.test(name)) {
                n += 2 * masks.activeCount(name);
            }
        }
        return n;
    }

    private static final Pattern LAYER_SUFFIX = Pattern.compile(".*_l(\\d+)$");

    /**
     * Parameter counts of one layer of a model (parameters grouped by {@link #layerOf(String)}).
     *
     * @param layer          layer name, e.g. {@code encoder}, {@code rnn.l0}, {@code decoder}
     * @param parameters     all entries of the layer's parameters (biases included)
     * @param active         entries the pruned layer really has: active masked entries plus every unmasked entry
     * @param prunable       entries of the layer's masked (prunable) tensors
     * @param activePrunable active entries of those tensors
     */
    public record LayerReport(String layer, long parameters, long active, long prunable, long activePrunable) {

        /** Fraction of the layer's prunable entries that are masked (0 when it has none). */
        public double sparsity() {
            return prunable == 0 ? 0.0 : 1.0 - (double) activePrunable / prunable;
        }

        @Override
        public String toString() {
            return String.format("%s: %d/%d parameters active, prunable %d/%d (sparsity %.4f)", layer, active,
                    parameters, activePrunable, prunable, sparsity());
        }
    }

    /**
     * The layer a parameter belongs to: the part of its name before the first dot, plus {@code .l<k>} when the name
     * ends in PyTorch's layer suffix {@code _l<k>} ({@code rnn.weight_ih_l0} and {@code rnn.bias_l0} -> {@code rnn.l0},
     * {@code decoder.bias} -> {@code decoder}).
     */
    public static String layerOf(String parameterName) {
        int dot = parameterName.indexOf('.');
        String module = dot < 0 ? parameterName : parameterName.substring(0, dot);
        Matcher m = LAYER_SUFFIX.matcher(parameterName);
        return m.matches() && dot >= 0 ? module + ".l" + m.group(1) : module;
    }

    /**
     * Per-layer parameter and sparsity report, layers in order of first appearance.
     *
     * @param masks the model's masks, or {@code null} for the dense model
     */
    public static List<LayerReport> perLayer(ParameterSet model, MaskSet masks) {
        Objects.requireNonNull(model, "model");
        Map<String, long[]> byLayer = new LinkedHashMap<>();
        List<String> masked = masks == null ? List.of() : masks.tensorNames();
        for (Parameter p : model.parameters()) {
            long[] c = byLayer.computeIfAbsent(layerOf(p.name()), k -> new long[4]);
            boolean isMasked = masked.contains(p.name());
            long active = isMasked ? masks.activeCount(p.name()) : p.size();
            c[0] += p.size();
            c[1] += active;
            if (isMasked || (masks == null && p.prunable())) {
                c[2] += p.size();
                c[3] += active;
            }
        }
        List<LayerReport> out = new ArrayList<>(byLayer.size());
        byLayer.forEach((layer, c) -> out.add(new LayerReport(layer, c[0], c[1], c[2], c[3])));
        return out;
    }

    /**
     * FLOPs of one token's forward pass (inference, batch 1).
     *
     * @param matmul      2 per active weight of every matrix used as a matrix product (multiply + add)
     * @param elementwise bias additions, gate nonlinearities, cell arithmetic and the softmax (see
     *                    {@link #lstmFlopsPerToken})
     */
    public record FlopCount(long matmul, long elementwise) {

        /** {@code matmul + elementwise}. */
        public long total() {
            return matmul + elementwise;
        }
    }

    /**
     * FLOPs per token of the forward pass of a (pruned) stacked-LSTM language model ({@link ModelSpec}; parameter names
     * of {@link io.lsh.lm.model.LstmLanguageModel}). Convention:
     * <ul>
     *   <li>embedding: a table lookup, 0 FLOPs;</li>
     *   <li>LSTM layer l (hidden H): matmul {@code 2 (nnz(W_ih) + nnz(W_hh))}; element-wise {@code 13 H}: bias add
     *       4H, three sigmoids and two tanh 5H (one FLOP each), {@code c = f c + i g} 3H, {@code h = o tanh(c)} H;</li>
     *   <li>decoder: matmul {@code 2 nnz(decoder.weight)} (tied: {@code 2 nnz(encoder.weight)}); element-wise
     *       bias add V and softmax 3V (exp, sum, divide);</li>
     *   <li>dropout is off at inference; nonzero counts are the masks' active counts (a regrown weight that is still 0
     *       counts as active).</li>
     * </ul>
     *
     * @param masks the masks, or {@code null} for the dense model
     * @throws IllegalArgumentException if a masked tensor's size does not match {@code spec}
     */
    public static FlopCount lstmFlopsPerToken(ModelSpec spec, MaskSet masks) {
        Objects.requireNonNull(spec, "spec");
        long matmul = 0;
        long elementwise = 0;
        for (int l = 0; l < spec.layerCount(); l++) {
            long h = spec.hiddenSize(l);
            matmul += 2 * nonzeros(masks, "rnn.weight_ih_l" + l, spec.inputSize(l) * 4 * h);
            matmul += 2 * nonzeros(masks, "rnn.weight_hh_l" + l, h * 4 * h);
            elementwise += 13 * h;
        }
        long v = spec.vocabSize();
        if (spec.tiedWeights()) {
            matmul += 2 * nonzeros(masks, "encoder.weight", v * spec.embeddingSize());
        } else {
            matmul += 2 * nonzeros(masks, "decoder.weight", spec.outputHiddenSize() * v);
        }
        elementwise += 4 * v;
        return new FlopCount(matmul, elementwise);
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
