/**
 * Compact, checksummed binary checkpoints of model parameters, pruning masks and run metadata, written atomically,
 * so that a trial can resume after elimination rounds (method.md section 6: "resuming from the checkpoint is the
 * obvious improvement").
 */
package io.lsh.lm.checkpoint;
