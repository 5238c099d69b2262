/**
 * Export of a trained language model to other tools: NumPy {@code .npy} / {@code .npz} files (format version 1.0,
 * little-endian, C order) and the conversion of {@link io.lsh.lm.model.LstmLanguageModel} to a PyTorch
 * {@code state_dict} ({@code torch.nn.Embedding} + {@code torch.nn.LSTM} + {@code torch.nn.Linear}, the
 * {@code word_language_model} architecture of method.md section 2), together with the token window the Lyapunov
 * spectrum is measured on (method.md section 4), so that the model and its spectrum can be reproduced in PyTorch
 * ({@code bench/check_export.py}).
 */
package io.lsh.lm.export;
