/**
 * Dynamic sparse training (DST) of RNN language models: the pruning controls searched by Lyapunov-spectrum
 * hyperpruning (method.md section 3; Zheng &amp; Shlizerman 2025, "Hyperpruning: Efficient Search through Pruned
 * Variants of Recurrent Neural Networks Leveraging Lyapunov Spectrum", arXiv 2506.07975).
 *
 * <p>{@link io.lsh.lm.prune.PruningConfig} names a method (target sparsity, sparse init, death and growth criteria,
 * redistribution, initial death rate); {@link io.lsh.lm.prune.MaskSet} keeps the binary masks of a model's prunable
 * parameters at an exact total sparsity and performs the prune/regrow updates; {@link
 * io.lsh.lm.prune.DeathRateSchedule} anneals the death rate; {@link io.lsh.lm.prune.ParameterCounting} reports
 * active parameter and FLOP counts. Everything random takes a seeded generator from the caller.
 */
package io.lsh.lm.prune;
