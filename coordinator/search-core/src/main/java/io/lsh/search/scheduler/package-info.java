/**
 * Schedulers: a report in, decisions out (design.md convention 2, after Ray Tune's trial schedulers). A
 * {@link io.lsh.search.scheduler.Scheduler} never acts itself; it returns
 * {@link io.lsh.search.scheduler.Decision}s (wait, promote, stop, finish, select) that the study engine
 * applies.
 *
 * <p>{@link io.lsh.search.scheduler.EliminationRounds} is the authors' procedure of Zheng &amp; Shlizerman
 * 2025, "Hyperpruning" (arXiv 2506.07975; {@code docs/method.md} section 6): synchronous rounds that keep the
 * best floor(n/2)+1 by LS distance until the finalists remain, then rank the finalists by validation
 * perplexity after full training. {@link io.lsh.search.scheduler.EliminationPlan} computes the epoch budget
 * of such a schedule.
 *
 * <p>The asynchronous generalisations method.md proposes for a cluster, where no worker waits for a whole round:
 * {@link io.lsh.search.scheduler.AsyncSuccessiveHalving} (ASHA and asynchronous Hyperband, Li et al. 2020),
 * {@link io.lsh.search.scheduler.MedianStopping} (the median stopping rule, Golovin et al. 2017) and the exhaustive
 * baseline {@link io.lsh.search.scheduler.FullTraining}. They rank by the same objective metric (LS distance or
 * validation perplexity) and end with the same final phase: the best trials at the last search epoch train to the
 * final epochs and are ranked by the final metric.
 *
 * <p>Schedulers are deterministic functions of the event sequence (no clocks, no random) and not
 * thread-safe. Settings and decisions are immutable records.
 */
package io.lsh.search.scheduler;
