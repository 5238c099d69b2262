/**
 * Word-level language-modelling corpora: reading PTB and WikiText-2 from their original files, the vocabulary,
 * and the PyTorch-style "batchify" + truncated-BPTT windowing of the token streams.
 *
 * <p>Follows the data recipe of method.md section 2 (Zheng &amp; Shlizerman 2025, "Hyperpruning",
 * arXiv 2506.07975; the authors' code follows PyTorch's {@code word_language_model}): one sentence a line,
 * {@code <eos>} appended per line, vocabulary over train+valid+test, the stream batchified into B columns and cut
 * into BPTT windows with next-token targets.
 */
package io.lsh.lm.data;
