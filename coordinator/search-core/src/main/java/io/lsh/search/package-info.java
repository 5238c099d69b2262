/**
 * The coordinator's domain core for Lyapunov-spectrum hyperpruning (LSH): a pure, replayable study engine.
 *
 * <p>The method is Zheng &amp; Shlizerman 2025, "Hyperpruning: Efficient Search through Pruned Variants of
 * Recurrent Neural Networks Leveraging Lyapunov Spectrum" (arXiv 2506.07975); the project's reference is
 * {@code docs/method.md}, sections 3 (the searched pruning controls) and 6 (the search procedure).
 *
 * <p>{@link io.lsh.search.StudyEngine} is the state machine the coordinator actor wraps: it asks an
 * {@link io.lsh.search.optimizer.Optimizer} for configurations of a {@link io.lsh.search.space.SearchSpace},
 * hands out {@link io.lsh.search.WorkItem}s, and turns worker results into
 * {@link io.lsh.search.scheduler.Decision}s through a {@link io.lsh.search.scheduler.Scheduler}.
 *
 * <p>Subpackages: {@code space} (parameters, configurations), {@code optimizer} (ask/tell proposers),
 * {@code trial} (trial states and records), {@code scheduler} (elimination rounds and their decisions).
 *
 * <p>Everything here is plain Java: no actors, no configuration library, no numerical library, no threads,
 * clocks or global random. Randomness comes from a seeded {@link java.util.random.RandomGenerator} passed in,
 * so a study driven by the same events replays to the same decisions. Nothing is thread-safe: each object is
 * owned by one actor (or one test) at a time.
 */
package io.lsh.search;
