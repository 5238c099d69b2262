/**
 * Lyapunov spectra of recurrent networks (method.md section 4; Zheng &amp; Shlizerman 2025, "Hyperpruning: Efficient
 * Search through Pruned Variants of Recurrent Neural Networks Leveraging Lyapunov Spectrum", arXiv 2506.07975).
 *
 * <p>A network step is a {@link io.lsh.lm.spectrum.DynamicalStep} (state update plus its Jacobian);
 * {@link io.lsh.lm.spectrum.QrLyapunovEstimator} runs the QR (Benettin) iteration with BLAS gemm and LAPACK QR in
 * double precision; {@link io.lsh.lm.spectrum.StackedLstmStep} is the stacked LSTM over its stacked hidden state
 * (cell state held fixed when differentiating, as the authors do); {@link io.lsh.lm.spectrum.RhnStep} is the
 * Recurrent Highway Network over its state s (Jacobian through all D micro-layers);
 * {@link io.lsh.lm.spectrum.LyapunovSpectrum} is the entry point, configured by
 * {@link io.lsh.lm.spectrum.SpectrumSettings}, fed by {@link io.lsh.lm.spectrum.SpectrumInputs}.
 */
package io.lsh.lm.spectrum;
