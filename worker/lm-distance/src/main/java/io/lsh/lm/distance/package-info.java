/**
 * The Lyapunov-spectrum distance that ranks pruned candidates against the dense reference (method.md section 5;
 * Zheng &amp; Shlizerman 2025, "Hyperpruning", arXiv 2506.07975), and its variants: a fully trained dense reference,
 * the 2-D PCA projection of the spectra's trajectories, sorted spectra ({@link io.lsh.lm.distance.DistanceSettings},
 * {@link io.lsh.lm.distance.ReferenceSpectra}). Plain Java in a module of its own, so that the workers and the
 * coordinator compute the same numbers with the same code.
 */
package io.lsh.lm.distance;
