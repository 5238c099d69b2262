/**
 * Dynamic sparse training (DST) of RNN language models: the pruning controls searched by Lyapunov-spectrum
 * hyperpruning (method.md section 3; Zheng &amp; Shlizerman 2025, "Hyperpruning: Efficient Search through Pruned
 * Variants of Recurrent Neural Networks Leveraging Lyapunov Spectrum", arXiv 2506.07975).
 *
 * <p>{@link io.lsh.lm.prune.PruningConfig} names a method (target sparsity, sparse init, death and growth criteria,
 * redistribution, initial death rate); {@link io.lsh.lm.prune.MaskSet} keeps the binary masks of a model's prunable
 * parameters at an exact total sparsity and performs the prune/regrow updates; {@link
 * io.lsh.lm.prune.DeathRateSchedule} anneals the death rate (cosine, linear, constant) and {@link
 * io.lsh.lm.prune.UpdateInterval} says when an update is due (once per epoch or every N steps). Static baselines:
 * {@link io.lsh.lm.prune.StaticPruning} (one-shot magnitude, random) and {@link
 * io.lsh.lm.prune.GradualMagnitudePruning} (Zhu &amp; Gupta 2017), producing the same {@code MaskSet}. {@link
 * io.lsh.lm.prune.SparseAverager} keeps the sparse averaged-SGD weights of the NT-ASGD phase (method.md section 2).
 * {@link io.lsh.lm.prune.ParameterCounting} reports per-layer sparsity, active parameter and FLOP counts. Everything
 * random takes a seeded generator from the caller; selections are exact and deterministic (ties by index) and run
 * in linear time (quickselect on primitive keys).
 */
package io.lsh.lm.prune;
