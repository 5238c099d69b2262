package io.lsh.lm.prune;

/**
 * How the regrowth budget (the total number of weights that died) is split across tensors (method.md section 3).
 * Statistics are taken before the death step, as in the authors' code. A tensor never receives more than its free
 * positions; the excess is re-split among the others, and integer shares are rounded by largest remainder so the
 * budget, hence the total sparsity, is exact.
 *
 * <ul>
 *   <li>{@code none}: each tensor regrows what it lost.</li>
 *   <li>{@code magnitude}: proportional to the mean |w| of its active weights.</li>
 *   <li>{@code nonzeros}: proportional to its active count.</li>
 *   <li>{@code momentum}: proportional to the mean |momentum| of its active weights; needs a
 *       {@link MomentumSource}.</li>
 * </ul>
 */
public enum Redistribution {
    NONE("none"),
    MAGNITUDE("magnitude"),
    NONZEROS("nonzeros"),
    MOMENTUM("momentum");

    private final String wireName;

    Redistribution(String wireName) {
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
    public static Redistribution fromName(String name) {
        return WireNames.parse("redistribution", name, values(), Redistribution::wireName);
    }

    @Override
    public String toString() {
        return wireName;
    }
}
