/**
 * Training loops (method.md sections 2 and 3; Zheng &amp; Shlizerman 2025, "Hyperpruning", arXiv 2506.07975):
 * {@link io.lsh.lm.train.SgdTrainer}, one epoch of truncated-BPTT SGD with global-norm gradient clipping and weight
 * decay; {@link io.lsh.lm.train.TrainingSession}, the stateful recipe a trial trains with: learning-rate schedules
 * ({@link io.lsh.lm.train.LearningRateSchedule}), SGD or Adam ({@link io.lsh.lm.train.OptimizerSettings}), NT-ASGD
 * ({@link io.lsh.lm.train.NonMonotoneTrigger}, Merity et al. 2018) with sparse averaging, and the optimizer state a
 * checkpoint carries. Pruning masks act on gradients and weights through {@link io.lsh.lm.train.TrainingHooks}.
 */
package io.lsh.lm.train;
