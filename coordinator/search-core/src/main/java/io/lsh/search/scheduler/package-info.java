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
 * <p>Schedulers are deterministic functions of the event sequence (no clocks, no random) and not
 * thread-safe. Settings and decisions are immutable records.
 */
package io.lsh.search.scheduler;
