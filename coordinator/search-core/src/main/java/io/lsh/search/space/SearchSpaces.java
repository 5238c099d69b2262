package io.lsh.search.space;

/**
 * Ready-made search spaces from the paper (Zheng &amp; Shlizerman 2025, arXiv 2506.07975;
 * {@code docs/method.md} section 3).
 */
public final class SearchSpaces {

    /** Parameter name of the sparse initialisation. */
    public static final String INIT = "init";
    /** Parameter name of the death (prune) criterion. */
    public static final String DEATH = "death";
    /** Parameter name of the growth (regrow) criterion. */
    public static final String GROWTH = "growth";
    /** Parameter name of the regrowth redistribution. */
    public static final String REDISTRIBUTION = "redistribution";
    /** Parameter name of the initial death rate. */
    public static final String DEATH_RATE = "death_rate";

    private SearchSpaces() {
    }

    /**
     * The authors' 144-point space for setting A: init {uniform, ER} x growth {random} x death {magnitude,
     * SET, threshold, global_magnitude} x redistribution {magnitude, nonzeros, none} x initial death rate
     * {0.4, 0.5, ..., 0.9}.
     *
     * @return the space, parameters in that order
     */
    public static SearchSpace authorsSettingA() {
        return SearchSpace.of(
                Parameter.categorical(INIT, "uniform", "ER"),
                Parameter.categorical(GROWTH, "random"),
                Parameter.categorical(DEATH, "magnitude", "SET", "threshold", "global_magnitude"),
                Parameter.categorical(REDISTRIBUTION, "magnitude", "nonzeros", "none"),
                Parameter.quantized(DEATH_RATE, 0.4, 0.9, 0.1));
    }
}
