package io.lsh.report;

import io.lsh.report.StudyData.DecisionEvent;
import io.lsh.report.StudyData.EpochMetric;
import io.lsh.report.StudyData.Journal;
import io.lsh.report.StudyData.Trial;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;

/** Renders the charts of one study into a folder and returns the HTML page that shows them. */
final class ReportPage {

    /** Candidates drawn beside the dense reference in a spectrum chart (the selected model is added). */
    static final int TOP_CANDIDATES = 5;
    /** Up to this many epochs get a spectrum chart each; beyond, only the first/last elimination and the last. */
    static final int MAX_SPECTRUM_CHARTS = 6;

    static final String DISTANCE_CHART = "distance-vs-final-ppl.png";
    static final String EARLY_PPL_CHART = "early-ppl-vs-final-ppl.png";
    static final String TIMELINE_CHART = "timeline.png";
    static final String LAYER_CHART = "layer-sparsity.png";

    private final StudyData data;
    private final Path dir;
    private final OptionalInt selected;
    private final StringBuilder html = new StringBuilder();

    ReportPage(StudyData data, Path dir) {
        this.data = data;
        this.dir = dir;
        this.selected = data.selected();
    }

    static String spectrumChart(int epoch) {
        return "spectra-epoch-" + epoch + ".png";
    }

    String render() {
        Journal j = data.journal();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>LSH study report: ")
                .append(esc(j.name())).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        html.append("<h1>LSH study report: ").append(esc(j.name())).append("</h1>\n");
        summary();
        spectra();
        correlations();
        timeline();
        sparsity();
        leaderboard();
        html.append("<footer>Rendered by lsh-report from the files of the study folder. Method: Zheng &amp; "
                + "Shlizerman 2025, \"Hyperpruning\" (arXiv 2506.07975).</footer>\n</body>\n</html>\n");
        return html.toString();
    }

    // ---- summary

    private void summary() {
        Journal j = data.journal();
        html.append("<table class=\"summary\">\n");
        row("Study folder", esc(data.folder().toAbsolutePath().toString()));
        row("Outcome", esc(j.outcome()));
        row("Started", esc(j.start().toString()));
        row("Wall time", esc(duration(j.wall())));
        Map<String, Long> states = data.trials().stream()
                .collect(Collectors.groupingBy(Trial::state, LinkedHashMap::new, Collectors.counting()));
        row("Candidates", data.trials().size() + (states.isEmpty() ? "" : " (" + esc(states.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "))) + ")"));
        row("Workers", j.workers().size() + (j.workers().isEmpty() ? "" : ": " + esc(String.join(", ", j.workers()))));
        if (!j.referencePerplexity().isEmpty()) {
            var last = j.referencePerplexity().lastEntry();
            row("Dense reference", "valid ppl " + num(last.getValue(), 2) + " after epoch " + last.getKey());
        }
        if (selected.isPresent()) {
            Optional<Trial> t = data.trial(selected.getAsInt());
            row("Selected model", "trial " + selected.getAsInt() + t.map(tr -> " (" + esc(tr.pruning())
                    + "), valid ppl " + opt(tr.finalPerplexity(), 2)
                    + ", sparsity " + tr.lastMetrics().map(m -> num(m.sparsity(), 4)).orElse("-")).orElse(""));
        } else {
            row("Selected model", "none");
        }
        html.append("</table>\n");
    }

    private void row(String key, String valueHtml) {
        html.append("<tr><th>").append(esc(key)).append("</th><td>").append(valueHtml).append("</td></tr>\n");
    }

    // ---- 1. spectra

    private void spectra() {
        html.append("<h2 id=\"spectra\">1. Lyapunov spectra: dense reference and nearest candidates</h2>\n");
        html.append("<p>Each chart shows the spectrum of the dense reference (black) and of the ")
                .append(TOP_CANDIDATES)
                .append(" candidates nearest to it at that epoch (smallest LS distance, the Euclidean distance between "
                        + "the spectra index by index), plus the selected model (red) when it was measured then; "
                        + "exponents in QR order, as in the paper's Fig. 1A.</p>\n");
        NavigableMap<Integer, double[]> reference = data.spectra().get(StudyData.REFERENCE);
        TreeSet<Integer> epochs = new TreeSet<>();
        if (reference != null) {
            for (var e : data.spectra().entrySet()) {
                if (e.getKey() != StudyData.REFERENCE) {
                    e.getValue().keySet().stream().filter(reference::containsKey).forEach(epochs::add);
                }
            }
        }
        if (epochs.isEmpty()) {
            html.append("<p class=\"note\">spectra.csv has no epoch with both the dense reference's spectrum and a "
                    + "candidate's: nothing to draw.</p>\n");
            return;
        }
        for (int epoch : chosenEpochs(epochs)) {
            spectrumChart(epoch, reference.get(epoch));
        }
    }

    private List<Integer> chosenEpochs(TreeSet<Integer> epochs) {
        if (epochs.size() <= MAX_SPECTRUM_CHARTS) {
            return List.copyOf(epochs);
        }
        TreeSet<Integer> elimination = new TreeSet<>();
        data.trials().forEach(t -> t.rounds().stream().filter(r -> "SEARCH".equals(r.phase()))
                .map(StudyData.Round::epoch).filter(epochs::contains).forEach(elimination::add));
        TreeSet<Integer> chosen = new TreeSet<>();
        if (!elimination.isEmpty()) {
            chosen.add(elimination.first());
            chosen.add(elimination.last());
        } else {
            chosen.add(epochs.first());
        }
        chosen.add(epochs.last());
        html.append("<p class=\"note\">").append(epochs.size()).append(" epochs have spectra; shown: the first and the "
                + "last elimination epoch and the last epoch.</p>\n");
        return List.copyOf(chosen);
    }

    private void spectrumChart(int epoch, double[] reference) {
        record Near(Trial trial, double[] spectrum, double distance) {
        }
        List<Near> near = new ArrayList<>();
        for (var e : data.spectra().entrySet()) {
            if (e.getKey() == StudyData.REFERENCE || !e.getValue().containsKey(epoch)) {
                continue;
            }
            double[] s = e.getValue().get(epoch);
            Optional<Trial> trial = data.trial(e.getKey());
            double recorded = trial.map(t -> t.distanceAt(epoch)).orElse(Double.NaN);
            Trial t = trial.orElse(new Trial(e.getKey(), "UNKNOWN", "", 0, "", Double.NaN, List.of(), List.of()));
            near.add(new Near(t, s, Double.isFinite(recorded) ? recorded : distance(reference, s)));
        }
        near.sort(Comparator.comparingDouble(Near::distance).thenComparingInt(n -> n.trial().id()));
        List<Near> shown = new ArrayList<>(near.subList(0, Math.min(TOP_CANDIDATES, near.size())));
        near.stream().filter(n -> isSelected(n.trial().id()) && !shown.contains(n)).forEach(shown::add);
        List<Charts.Line> lines = new ArrayList<>();
        lines.add(new Charts.Line("dense reference", reference, true, false));
        for (Near n : shown) {
            lines.add(new Charts.Line("trial " + n.trial().id() + (isSelected(n.trial().id()) ? " (selected)" : "")
                    + ", d = " + num(n.distance(), 3), n.spectrum(), false, isSelected(n.trial().id())));
        }
        String file = spectrumChart(epoch);
        save(Charts.spectra("Epoch " + epoch + ": dense reference and " + (shown.size() == near.size()
                ? "all " + near.size() : shown.size() + " of " + near.size()) + " candidates measured", lines), file);
        image(file, "Lyapunov spectra at epoch " + epoch, Charts.WIDTH, Charts.HEIGHT);
        html.append("<p class=\"caption\">Epoch ").append(epoch).append(": ").append(reference.length)
                .append(" exponents; shown ").append(esc(shown.stream().map(n -> "trial " + n.trial().id() + " ("
                        + esc(n.trial().pruning()) + ", d = " + num(n.distance(), 3) + ")")
                        .collect(Collectors.joining("; ")))).append(".</p>\n");
    }

    private static double distance(double[] a, double[] b) {
        int k = Math.min(a.length, b.length);
        double sum = 0;
        for (int i = 0; i < k; i++) {
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(sum);
    }

    // ---- 2 and 3. rank correlations

    /** Pairs (first-rung metric, final perplexity) of the trials that have both. */
    private List<Charts.Point> pairs(boolean distance) {
        List<Charts.Point> points = new ArrayList<>();
        for (Trial t : data.trials()) {
            OptionalDouble x = t.firstRung(distance);
            OptionalDouble y = t.finalPerplexity();
            if (x.isPresent() && y.isPresent()) {
                int kind = isSelected(t.id()) ? 2 : t.finalist() ? 1 : 0;
                points.add(new Charts.Point(t.id(), x.getAsDouble(), y.getAsDouble(), kind));
            }
        }
        return points;
    }

    private void correlations() {
        List<Charts.Point> byDistance = pairs(true);
        List<Charts.Point> byPpl = pairs(false);
        TreeSet<Integer> rungEpochs = new TreeSet<>();
        data.trials().forEach(t -> t.round(1).ifPresent(r -> rungEpochs.add(r.epoch())));
        String rung = "round 1" + (rungEpochs.size() == 1 ? " (epoch " + rungEpochs.first() + ")" : "");
        Coefficients d = Coefficients.of(byDistance);
        Coefficients p = Coefficients.of(byPpl);

        html.append("<h2 id=\"correlation\">2. LS distance at the first rung vs final perplexity</h2>\n");
        html.append("<p>Rank correlation between a metric measured at the first rung, ").append(esc(rung))
                .append(", and the final validation perplexity (the last one each trial reached). Positive is good: "
                + "a smaller metric early goes with a smaller perplexity at the end. The paper reports Spearman "
                + "0.72 for the LS distance and 0.42 for the early validation perplexity on its 26-candidate "
                + "pool.</p>\n");
        html.append("<table class=\"coef\">\n<tr><th>ranked by, at the first rung</th><th>n</th><th>Spearman ρ</th>"
                + "<th>Kendall τ-b</th></tr>\n");
        coefficientRow("LS distance", "distance", d);
        coefficientRow("validation perplexity (loss-based baseline)", "ppl", p);
        html.append("</table>\n");
        html.append("<p class=\"note\">Stopped trials' final perplexity is the one at the epoch they were stopped, so "
                + "these coefficients mix training lengths; with the authors' procedure every candidate would be "
                + "trained fully for this comparison.</p>\n");

        scatter(byDistance, DISTANCE_CHART, "LS distance at " + rung, "LS distance to the dense spectrum", d);
        html.append("<h2 id=\"baseline\">3. Early validation perplexity vs final perplexity (the loss-based baseline)"
                + "</h2>\n");
        scatter(byPpl, EARLY_PPL_CHART, "Validation perplexity at " + rung, "validation perplexity at the first rung",
                p);
    }

    private void coefficientRow(String label, String id, Coefficients c) {
        html.append("<tr><td>").append(esc(label)).append("</td><td id=\"n-").append(id).append("\">").append(c.n())
                .append("</td><td id=\"spearman-").append(id).append("\">").append(c.text(c.spearman()))
                .append("</td><td id=\"kendall-").append(id).append("\">").append(c.text(c.kendall()))
                .append("</td></tr>\n");
    }

    private void scatter(List<Charts.Point> points, String file, String what, String xTitle, Coefficients c) {
        if (points.isEmpty()) {
            html.append("<p class=\"note\">No trial has both a first-rung value and a final perplexity: nothing to "
                    + "draw.</p>\n");
            return;
        }
        boolean defined = c.spearman().isPresent() && c.kendall().isPresent();
        String both = "Spearman " + c.plain(c.spearman()) + ", Kendall τ-b " + c.plain(c.kendall());
        String coefficients = defined ? both + " (n = " + c.n() + ")" : both + ", n = " + c.n();
        String title = what + ": " + (defined ? coefficients : "coefficients undefined (n = " + c.n() + ")");
        save(Charts.scatter(title, xTitle, "final validation perplexity", points), file);
        image(file, what + " vs final validation perplexity", Charts.WIDTH, Charts.HEIGHT);
        html.append("<p class=\"caption\">").append(esc(what)).append(" vs final validation perplexity: ")
                .append(esc(coefficients)).append(". Grey circles: stopped early; blue diamonds: finalists; red "
                        + "square: the selected model.</p>\n");
    }

    /** The two coefficients of one set of pairs, or why they are undefined. */
    record Coefficients(int n, OptionalDouble spearman, OptionalDouble kendall) {

        static Coefficients of(List<Charts.Point> points) {
            double[] x = points.stream().mapToDouble(Charts.Point::x).toArray();
            double[] y = points.stream().mapToDouble(Charts.Point::y).toArray();
            return new Coefficients(points.size(), RankCorrelation.spearman(x, y), RankCorrelation.kendallTauB(x, y));
        }

        String text(OptionalDouble v) {
            if (v.isPresent()) {
                return num(v.getAsDouble(), 3);
            }
            return "<span class=\"undefined\">" + esc(why()) + "</span>";
        }

        String plain(OptionalDouble v) {
            return v.isPresent() ? num(v.getAsDouble(), 3) : why();
        }

        private String why() {
            return n < RankCorrelation.MIN_POINTS ? "undefined (fewer than " + RankCorrelation.MIN_POINTS + " points)"
                    : "undefined (all values of one side tied)";
        }
    }

    // ---- 4. timeline

    private void timeline() {
        Journal j = data.journal();
        html.append("<h2 id=\"timeline\">4. Trials on workers</h2>\n");
        if (j.runs().isEmpty()) {
            html.append("<p class=\"note\">journal.jsonl records no runs.</p>\n");
        } else {
            List<String> lanes = new ArrayList<>(j.workers());
            j.runs().stream().map(StudyData.Run::worker).filter(w -> !lanes.contains(w)).forEach(lanes::add);
            save(Charts.timeline("Runs per worker: " + j.runs().size() + " runs, " + duration(j.wall()) + " wall time",
                    j), TIMELINE_CHART);
            image(TIMELINE_CHART, "Timeline of the runs on each worker", Charts.TIMELINE_WIDTH,
                    Charts.timelineHeight(lanes.size()));
            html.append("<p class=\"caption\">One bar per run, from its assignment to its completion (journal.jsonl "
                    + "run_assigned to run_completed). Markers at the end of a trial's run show the decision that "
                    + "followed it.</p>\n");
        }
        List<DecisionEvent> decisions = j.decisions();
        html.append("<details><summary>Decisions (").append(decisions.size())
                .append(")</summary>\n<table class=\"list\"><tr><th>time (s)</th><th>trial</th><th>decision</th>"
                        + "<th>reason</th></tr>\n");
        for (DecisionEvent d : decisions) {
            html.append("<tr><td>").append(num(Duration.between(j.start(), d.time()).toMillis() / 1000.0, 1))
                    .append("</td><td>").append(d.trial()).append("</td><td class=\"").append(esc(d.decision()))
                    .append("\">").append(esc(d.decision())).append("</td><td>").append(esc(d.reason()))
                    .append("</td></tr>\n");
        }
        html.append("</table></details>\n");
    }

    // ---- 5. sparsity

    private void sparsity() {
        html.append("<h2 id=\"sparsity\">5. Sparsity of the selected model</h2>\n");
        if (selected.isEmpty()) {
            html.append("<p class=\"note\">No model was selected.</p>\n");
            return;
        }
        Optional<Trial> trial = data.trial(selected.getAsInt());
        Optional<EpochMetric> last = trial.flatMap(Trial::lastMetrics);
        if (last.isEmpty()) {
            html.append("<p class=\"note\">trials.jsonl has no metrics for the selected trial ")
                    .append(selected.getAsInt()).append(".</p>\n");
            return;
        }
        EpochMetric m = last.get();
        html.append("<p>Selected trial ").append(selected.getAsInt()).append(" (").append(esc(trial.get().pruning()))
                .append(") at epoch ").append(m.epoch()).append(": overall sparsity <b id=\"selected-sparsity\">")
                .append(num(m.sparsity(), 4)).append("</b>");
        if (Double.isFinite(trial.get().sparsityTarget())) {
            html.append(" (target ").append(num(trial.get().sparsityTarget(), 2)).append(")");
        }
        if (m.activeParameters() >= 0) {
            html.append(", ").append(String.format(Locale.ROOT, "%,d", m.activeParameters()))
                    .append(" active parameters");
        }
        html.append(".</p>\n");
        if (m.layerSparsity().isEmpty()) {
            html.append("<p class=\"note\">Per-layer sparsity is not recorded in this study folder (trials.jsonl has "
                    + "no layer_sparsity for the selected trial), so only the overall figure is shown.</p>\n");
            return;
        }
        save(Charts.layerSparsity("Per-layer sparsity of trial " + selected.getAsInt() + " at epoch " + m.epoch(),
                m.layerSparsity()), LAYER_CHART);
        image(LAYER_CHART, "Per-layer sparsity of the selected model", Charts.WIDTH, Charts.HEIGHT);
        html.append("<table class=\"list\"><tr><th>layer</th><th>sparsity</th></tr>\n");
        m.layerSparsity().forEach((layer, s) -> html.append("<tr><td>").append(esc(layer)).append("</td><td>")
                .append(num(s, 4)).append("</td></tr>\n"));
        html.append("</table>\n");
    }

    // ---- 6. leaderboard

    private void leaderboard() {
        html.append("<h2 id=\"leaderboard\">6. Leaderboard</h2>\n");
        if (data.leaderboard().isPresent()) {
            html.append("<pre>").append(esc(data.leaderboard().get())).append("</pre>\n");
        } else {
            html.append("<p class=\"note\">leaderboard.txt is missing; the table below is rebuilt from trials.jsonl in "
                    + "the same order (selected, finalists, then by epochs reached and last objective).</p>\n");
        }
        html.append("<table class=\"list\" id=\"trials\">\n<tr><th>rank</th><th>trial</th><th>pruning</th>"
                + "<th>state</th><th>LS distance per round</th><th>valid ppl, round 1</th><th>final valid ppl</th>"
                + "<th>sparsity</th><th>epochs</th><th>reason</th></tr>\n");
        int rank = 1;
        for (Trial t : ranked()) {
            String distances = t.rounds().stream().filter(r -> "SEARCH".equals(r.phase()))
                    .map(r -> num(r.lsDistance(), 3)).collect(Collectors.joining(" / "));
            html.append("<tr").append(isSelected(t.id()) ? " class=\"selected\"" : "").append("><td>").append(rank++)
                    .append("</td><td>").append(t.id()).append("</td><td>").append(esc(t.pruning()))
                    .append("</td><td>").append(isSelected(t.id()) ? "SELECTED" : esc(t.state()))
                    .append("</td><td>").append(distances.isEmpty() ? "-" : distances)
                    .append("</td><td>").append(opt(t.firstRung(false), 2))
                    .append("</td><td>").append(opt(t.finalPerplexity(), 2))
                    .append("</td><td>").append(t.lastMetrics().map(m -> num(m.sparsity(), 4)).orElse("-"))
                    .append("</td><td>").append(t.epochs())
                    .append("</td><td>").append(esc(t.reason())).append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    /** The leaderboard's order (as the coordinator writes it): selected, finalists, epochs reached, objective. */
    private List<Trial> ranked() {
        Function<Trial, Integer> selectedFirst = t -> isSelected(t.id()) ? 0 : 1;
        Comparator<Trial> order = Comparator.comparing(selectedFirst)
                .thenComparing(t -> t.rounds().stream().anyMatch(r -> "FINAL".equals(r.phase())) ? 0 : 1)
                .thenComparing(t -> -t.epochs())
                .thenComparingDouble(Trial::lastObjective)
                .thenComparingInt(Trial::id);
        return data.trials().stream().sorted(order).toList();
    }

    // ---- helpers

    private boolean isSelected(int trial) {
        return selected.isPresent() && selected.getAsInt() == trial;
    }

    private void save(BufferedImage image, String file) {
        try {
            if (!ImageIO.write(image, "png", dir.resolve(file).toFile())) {
                throw new IOException("no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir.resolve(file) + ": " + e.getMessage(), e);
        }
    }

    private void image(String file, String alt, int width, int height) {
        html.append("<figure><img src=\"").append(esc(file)).append("\" alt=\"").append(esc(alt))
                .append("\" width=\"").append(width).append("\" height=\"").append(height).append("\"></figure>\n");
    }

    static String num(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "-";
    }

    private static String opt(OptionalDouble v, int decimals) {
        return v.isPresent() ? num(v.getAsDouble(), decimals) : "-";
    }

    private static String duration(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static final String CSS = """
            body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto;
                   max-width: 1160px; padding: 0 1em; color: #222; line-height: 1.45; }
            h1 { font-size: 1.6em; border-bottom: 2px solid #333; padding-bottom: .2em; }
            h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ccc; }
            h3 { font-size: 1.05em; }
            table { border-collapse: collapse; margin: .6em 0; }
            th, td { border: 1px solid #ddd; padding: .25em .6em; text-align: left; vertical-align: top; }
            th { background: #f3f3f3; }
            table.summary th { width: 11em; }
            table.coef td:nth-child(n+2) { text-align: right; font-variant-numeric: tabular-nums; }
            table.list { font-size: .9em; }
            tr.selected { background: #fff3cd; font-weight: bold; }
            td.promote { color: #1e8232; } td.stop { color: #c81e1e; } td.select { color: #b08800; font-weight: bold; }
            figure { margin: .8em 0; } img { max-width: 100%; height: auto; border: 1px solid #eee; }
            .caption { font-size: .9em; color: #555; margin-top: -.3em; }
            .note { color: #7a5b00; background: #fffbea; border-left: 3px solid #e0b000; padding: .3em .7em; }
            .undefined { color: #7a5b00; font-style: italic; }
            pre { background: #f7f7f7; padding: .8em; overflow-x: auto; font-size: .85em; }
            details { margin: .6em 0; }
            footer { margin-top: 3em; font-size: .8em; color: #888; }
            """;
}
