/**
 * The paper's language-model architectures behind one interface ({@link io.lsh.lm.architecture.Architecture}):
 * building a model, measuring the Lyapunov spectrum of its recurrent core, counting its pruned FLOPs and describing it
 * in checkpoint metadata (method.md sections 2, 4 and 5).
 */
package io.lsh.lm.architecture;
