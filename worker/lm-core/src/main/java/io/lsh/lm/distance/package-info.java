/**
 * The Lyapunov-spectrum distance that ranks pruned candidates against the dense reference (method.md section 5;
 * Zheng &amp; Shlizerman 2025, "Hyperpruning", arXiv 2506.07975).
 */
package io.lsh.lm.distance;
