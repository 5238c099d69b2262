/**
 * Trials: a configuration under evaluation, its lifecycle ({@link io.lsh.search.trial.TrialState}), the
 * phase it trains in ({@link io.lsh.search.trial.Phase}) and immutable snapshots
 * ({@link io.lsh.search.trial.TrialRecord}, {@link io.lsh.search.trial.RoundResult}) that the study engine
 * hands out for reporting and journaling. The rounds follow the elimination procedure of Zheng &amp;
 * Shlizerman 2025 (arXiv 2506.07975; {@code docs/method.md} section 6). All types are immutable and
 * thread-safe.
 */
package io.lsh.search.trial;
