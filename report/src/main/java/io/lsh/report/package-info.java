/**
 * The study report: a self-contained HTML page with PNG charts, rendered from the files a study leaves in its
 * folder ({@code trials.jsonl}, {@code spectra.csv}, {@code journal.jsonl}, optionally {@code leaderboard.txt}).
 *
 * <p>{@link io.lsh.report.StudyReport#write(java.nio.file.Path)} is the entry point; it writes
 * {@code report/index.html} and its images inside the study folder. The report shows what
 * Zheng &amp; Shlizerman 2025 ("Hyperpruning", arXiv 2506.07975; {@code docs/method.md} sections 5 and 6) use to
 * argue for the LS distance: the spectra of the dense reference and the nearest candidates (their Fig. 1A), how
 * well the LS distance at the first rung ranks the final perplexity against the early validation perplexity
 * (the loss-based baseline), with Spearman and Kendall tau-b coefficients
 * ({@link io.lsh.report.RankCorrelation}), plus a timeline of trials on workers, the selected model's sparsity
 * and the leaderboard.
 *
 * <p>The module reads files only: it depends on no other LSH module, so it can render the folder of any study,
 * including one copied from another machine. Rendering is headless (AWT in headless mode) and needs no display.
 */
package io.lsh.report;
