/**
 * Search spaces and configurations.
 *
 * <p>A {@link io.lsh.search.space.SearchSpace} is an ordered list of
 * {@link io.lsh.search.space.Parameter}s (categorical, float range, integer range), each optionally
 * conditional on an earlier parameter. A {@link io.lsh.search.space.Configuration} is one point of a space:
 * an immutable, name-sorted map with a canonical key for deduplication. For the authors' 144-point pruning
 * space see {@code docs/method.md} section 3 (Zheng &amp; Shlizerman 2025, arXiv 2506.07975).
 *
 * <p>All validation happens up front and throws {@link io.lsh.search.space.SearchSpaceException}, whose
 * message names the offending parameter. Values are restricted to {@code String}, {@code Integer},
 * {@code Double} and {@code Boolean}; other boxed numbers are normalised ({@code Long} and {@code Short} to
 * {@code Integer} when they fit, {@code Float} to {@code Double}). Types here are immutable and thread-safe;
 * sampling uses the caller's random source.
 */
package io.lsh.search.space;
