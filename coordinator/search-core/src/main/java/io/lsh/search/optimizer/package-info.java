/**
 * Optimizers: ask/tell proposers of configurations, in the style of Optuna (design.md convention 2).
 *
 * <p>An {@link io.lsh.search.optimizer.Optimizer} proposes configurations of a
 * {@link io.lsh.search.space.SearchSpace} and is told the objective each one reached; its history of tells
 * is what a model-based optimizer (TPE, as used by Zheng &amp; Shlizerman 2025, arXiv 2506.07975,
 * {@code docs/method.md} section 6) conditions on. Implementations here:
 * {@link io.lsh.search.optimizer.RandomSearch}, {@link io.lsh.search.optimizer.GridSearch} and
 * {@link io.lsh.search.optimizer.TreeParzenEstimator} (hyperopt's TPE with its defaults,
 * {@link io.lsh.search.optimizer.TpeSettings}; pending asks enter its model through a constant liar).
 *
 * <p>Optimizers take a seeded random source and use nothing else (no clock, no global random), so the same
 * sequence of calls gives the same proposals. They are not thread-safe: one owner calls them.
 */
package io.lsh.search.optimizer;
