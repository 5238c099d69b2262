/**
 * Recurrent language models with hand-written forward and backward passes on ND4J.
 *
 * <p>{@link io.lsh.lm.model.LstmLanguageModel} is the stacked-LSTM word-level model of setting A in method.md section
 * 2 (Zheng &amp; Shlizerman 2025, "Hyperpruning", arXiv 2506.07975; architecture and initialisation of PyTorch's
 * {@code word_language_model}). Its parameters are exposed as {@link io.lsh.lm.model.Parameter}s with
 * PyTorch-style names so that training, pruning masks, checkpoints and the Lyapunov-spectrum code all address the
 * same live tensors. {@link io.lsh.lm.model.AwdMosLanguageModel} is the AWD-LSTM-MoS model of setting C (Yang et al.
 * 2018: embedding, locked and weight dropout, a Mixture-of-Softmaxes head over the tied embedding, AR/TAR), configured
 * by {@link io.lsh.lm.model.AwdMosSpec}. The contracts {@link io.lsh.lm.model.Parameter}, {@link io.lsh.lm.model.ParameterSet} and
 * {@link io.lsh.lm.model.LstmLayerWeights} are shared with the other packages of this module.
 *
 * <p>Performance layout (see docs/dl4j-notes.md, "Training speed"): 'c'-order buffers with rows time-major
 * ({@code row = t * B + b}), all matrix products as {@code Nd4j.gemm}, the element-wise gate math in fused Java
 * loops over the arrays' direct buffers ({@code LstmKernels}).
 *
 * <p>{@link io.lsh.lm.model.RhnLanguageModel} is the Recurrent Highway Network of setting B ({@link
 * io.lsh.lm.model.RhnSpec#paperPreset}: 830 units, recurrence depth 10, coupled carry gate, tied embedding, Zilly et
 * al.'s four dropouts), written the same way; {@link io.lsh.lm.model.RhnWeights} is its recurrent layer for the
 * spectrum.
 */
package io.lsh.lm.model;
