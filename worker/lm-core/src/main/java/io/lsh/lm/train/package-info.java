/**
 * Training loops: one epoch of truncated-BPTT SGD with global-norm gradient clipping and weight decay, with hooks
 * through which pruning masks act on gradients and weights (method.md sections 2 and 3; Zheng &amp; Shlizerman 2025,
 * "Hyperpruning", arXiv 2506.07975).
 */
package io.lsh.lm.train;
