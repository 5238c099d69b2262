package io.lsh.lm.prune;

import java.util.Objects;

/**
 * One dynamic-sparse-training method: the target sparsity and the controls of method.md section 3 (Zheng &amp;
 * Shlizerman 2025, "Hyperpruning", arXiv 2506.07975; the controls follow the authors' Selfish-RNN based code).
 * Validated on construction; error messages name the field and the value.
 *
 * @param sparsity          target fraction of zero weights over all prunable tensors together, in [0, 1)
 * @param init              sparse initialisation
 * @param death             death (prune) criterion
 * @param growth            growth (regrow) criterion
 * @param redistribution    split of the regrowth budget across tensors
 * @param initialDeathRate  death rate at the start of the cosine schedule, in (0, 1)
 * @param deathRateFloor    death rate the schedule anneals to, in [0, initialDeathRate] (paper: 0.005)
 */
public record PruningConfig(double sparsity, SparseInit init, DeathCriterion death, GrowthCriterion growth,
                            Redistribution redistribution, double initialDeathRate, double deathRateFloor) {

    /** The floor of the death-rate schedule used by the paper and the authors' code. */
    public static final double DEFAULT_DEATH_RATE_FLOOR = 0.005;

    public PruningConfig {
        Objects.requireNonNull(init, "init must not be null");
        Objects.requireNonNull(death, "death must not be null");
        Objects.requireNonNull(growth, "growth must not be null");
        Objects.requireNonNull(redistribution, "redistribution must not be null");
        if (!(sparsity >= 0.0 && sparsity < 1.0)) {
            throw new IllegalArgumentException("sparsity must be in [0, 1), got " + sparsity);
        }
        if (!(initialDeathRate > 0.0 && initialDeathRate < 1.0)) {
            throw new IllegalArgumentException("initialDeathRate must be in (0, 1), got " + initialDeathRate);
        }
        if (!(deathRateFloor >= 0.0 && deathRateFloor <= initialDeathRate)) {
            throw new IllegalArgumentException("deathRateFloor must be in [0, initialDeathRate=" + initialDeathRate
                    + "], got " + deathRateFloor);
        }
    }

    /** A configuration with the default death-rate floor (0.005). */
    public PruningConfig(double sparsity, SparseInit init, DeathCriterion death, GrowthCriterion growth,
                         Redistribution redistribution, double initialDeathRate) {
        this(sparsity, init, death, growth, redistribution, initialDeathRate, DEFAULT_DEATH_RATE_FLOOR);
    }

    /**
     * Builds a configuration from study-file names, e.g. {@code of(0.67, "ER", "global_magnitude", "random",
     * "nonzeros", 0.7)}, with the default death-rate floor.
     *
     * @throws IllegalArgumentException naming the first bad name or value
     */
    public static PruningConfig of(double sparsity, String init, String death, String growth, String redistribution,
                                   double initialDeathRate) {
        return new PruningConfig(sparsity, SparseInit.fromName(init), DeathCriterion.fromName(death),
                GrowthCriterion.fromName(growth), Redistribution.fromName(redistribution), initialDeathRate);
    }

    /** Target density {@code 1 - sparsity}. */
    public double density() {
        return 1.0 - sparsity;
    }

    /** Whether the growth or the redistribution needs optimizer momentum ({@link MomentumSource}). */
    public boolean needsMomentum() {
        return growth == GrowthCriterion.MOMENTUM || redistribution == Redistribution.MOMENTUM;
    }

    /** A copy with another death-rate floor. */
    public PruningConfig withDeathRateFloor(double floor) {
        return new PruningConfig(sparsity, init, death, growth, redistribution, initialDeathRate, floor);
    }

    /** Study-file style summary, e.g. {@code sparsity=0.67 init=ER death=SET growth=random redistribution=none ...}. */
    @Override
    public String toString() {
        return "sparsity=" + sparsity + " init=" + init + " death=" + death + " growth=" + growth
                + " redistribution=" + redistribution + " initialDeathRate=" + initialDeathRate
                + " deathRateFloor=" + deathRateFloor;
    }
}
