package io.lsh.lm.prune;

/**
 * Which active weights die at a prune step (method.md section 3, "death criterion"). The number removed from a
 * tensor is {@code round(deathRate * active)} unless stated otherwise; ties are broken by flat ('c'-order) index,
 * lower index first, so results are deterministic.
 *
 * <ul>
 *   <li>{@code magnitude}: per tensor, the active weights of smallest |w|.</li>
 *   <li>{@code SET}: per tensor, {@code ceil(n/2)} of the smallest positive weights and {@code floor(n/2)} of the
 *       negative weights of largest magnitude (most negative first), as method.md specifies and as the authors'
 *       code (sparse_rnn_core.magnitude_and_negativity_death) does. Note this differs from the SET paper's intent
 *       (negative weights closest to zero). When one sign has too few weights the shortfall is taken first from active
 *       weights that are exactly zero, then from the remaining positive, then the remaining negative ones (each in
 *       the order above).</li>
 *   <li>{@code threshold}: per tensor, every active weight with |w| at or below an adaptive threshold (initially
 *       1e-3; after each prune doubled when fewer than 98% of {@code sum round(deathRate * active)} died, halved
 *       when more than 102% died, as the authors' code does). The death rate only steers the threshold.</li>
 *   <li>{@code global_magnitude}: the {@code round(deathRate * totalActive)} active weights of smallest |w| across
 *       all tensors (one global threshold, DSR-like; the exact-count version of the authors' iterative threshold
 *       search). Ties: tensor order, then index.</li>
 * </ul>
 */
public enum DeathCriterion {
    MAGNITUDE("magnitude"),
    SET("SET"),
    THRESHOLD("threshold"),
    GLOBAL_MAGNITUDE("global_magnitude");

    private final String wireName;

    DeathCriterion(String wireName) {
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
    public static DeathCriterion fromName(String name) {
        return WireNames.parse("death criterion", name, values(), DeathCriterion::wireName);
    }

    @Override
    public String toString() {
        return wireName;
    }
}
