package io.lsh.lm.prune;

import io.lsh.lm.model.Parameter;
import io.lsh.lm.model.ParameterSet;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Parameter and FLOP counts of a (possibly pruned) model, for reports and provenance. Stateless.
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
}
