package io.lsh.lm.prune;

/**
 * How the initial per-tensor densities are chosen (method.md section 3, "sparse init").
 *
 * <ul>
 *   <li>{@code uniform}: every prunable tensor gets the target density.</li>
 *   <li>{@code ER} (Erdos-Renyi, SET): density of a tensor proportional to (rows + cols) / (rows * cols), where
 *       rows is the first dimension and cols the product of the others.</li>
 *   <li>{@code ERK} (Erdos-Renyi-Kernel, RigL): density proportional to sum(shape) / prod(shape). For 2-D tensors
 *       (all weights of the RNN language models here) ERK and ER coincide exactly.</li>
 * </ul>
 * In both ER variants the proportionality constant is chosen so that the total number of active weights is exact;
 * tensors that would exceed density 1 are made dense and the others rescaled, as RigL's ERK code does.
 */
public enum SparseInit {
    UNIFORM("uniform"),
    ER("ER"),
    ERK("ERK");

    private final String wireName;

    SparseInit(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in study files and on the wire. */
    public String wireName() {
        return wireName;
    }

    /**
     * Parses a study-file name (exact, else case-insensitive).
     *
     * @throws IllegalArgumentException naming the bad value and the allowed names
     */
    public static SparseInit fromName(String name) {
        return WireNames.parse("sparse init", name, values(), SparseInit::wireName);
    }

    @Override
    public String toString() {
        return wireName;
    }
}
