package io.lsh.search.optimizer;

import io.lsh.search.space.Configuration;

import java.util.List;
import java.util.Optional;

/**
 * Proposes configurations to evaluate and learns from their objectives: the ask/tell protocol of Optuna
 * (design.md convention 2). In LSH the objective is the LS distance to the dense network after the first
 * training segment (Zheng &amp; Shlizerman 2025, arXiv 2506.07975; {@code docs/method.md} section 6); lower
 * is better.
 *
 * <p>Contract: {@link #ask()} never returns a configuration it returned before or was told about (by
 * canonical key), and returns empty once it has nothing new to propose; after that it stays empty. A
 * configuration may be told at most once per ask and in any order relative to other asks (asks and tells
 * interleave when several workers run). Implementations are deterministic given their seeded random source
 * and the sequence of calls. Not thread-safe.
 */
public interface Optimizer {

    /** @return the next configuration to evaluate, or empty when no new configuration can be proposed */
    Optional<Configuration> ask();

    /**
     * Reports the objective a configuration reached.
     *
     * @param configuration a configuration of the optimizer's space (normally one it proposed)
     * @param objective     the objective, lower is better; NaN marks a failed evaluation, which counts as
     *                      used but carries no information
     */
    void tell(Configuration configuration, double objective);

    /** @return all tells so far, in order, unmodifiable */
    List<Observation> history();
}
