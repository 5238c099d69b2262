package io.lsh.lm.prune;

/**
 * Which inactive weights are regrown (method.md section 3, "growth criterion"). Regrown weights start at zero.
 * Candidates are the inactive positions that did not die in the same update; only when a tensor must regrow more
 * than that are just-removed positions used too.
 *
 * <ul>
 *   <li>{@code random}: uniformly at random (SET), from the random generator passed to the update.</li>
 *   <li>{@code momentum}: largest |momentum| (SNFS); needs a {@link MomentumSource}.</li>
 *   <li>{@code gradient}: largest |gradient| (RigL), read from {@link io.lsh.lm.model.Parameter#gradient()}, which
 *       must then still hold the dense gradient (update after a backward pass, before
 *       {@link MaskSet#applyToGradients()}); ties, e.g. an all-zero gradient, go to the lowest index.</li>
 * </ul>
 */
public enum GrowthCriterion {
    RANDOM("random"),
    MOMENTUM("momentum"),
    GRADIENT("gradient");

    private final String wireName;

    GrowthCriterion(String wireName) {
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
    public static GrowthCriterion fromName(String name) {
        return WireNames.parse("growth criterion", name, values(), GrowthCriterion::wireName);
    }

    @Override
    public String toString() {
        return wireName;
    }
}
