package io.lsh.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lsh.config.StudySettings;
import io.lsh.coordinator.StudyFolder;
import io.lsh.coordinator.StudyOutcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lsh compare}: the paper's comparison (Zheng &amp; Shlizerman 2025, method.md section 6) on one space, budget
 * and seed: LSH (ranking by the LS distance), the loss-based baseline (ranking by early validation perplexity, same
 * scheduler) and full training (every candidate trained to the final epoch, the exhaustive baseline).
 */
@Command(name = "compare", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {
            "Runs the same search three times on the same space, budget and seed: LSH (ranked by the LS distance), "
                    + "the loss-based baseline (ranked by early validation perplexity) and full training (every "
                    + "candidate trained to final-epochs). Prints the paper's table: the configuration each selects, "
                    + "its final validation perplexity, the epochs and wall time it spent.",
            "Writes the three study folders (each with its report), comparison.txt, comparison.csv and index.html "
                    + "(the table and links to the three reports) into <out>/compare-<name>-<timestamp>."})
final class CompareCommand implements Callable<Integer> {

    /** One arm of the comparison: its name and the settings it overrides. */
    record Arm(String name, String label, Map<String, Object> overrides) {
    }

    /** The three arms, in the paper's order. */
    static final List<Arm> ARMS = List.of(
            new Arm("lsh", "LSH (LS distance)", Map.of("search.objective", "ls_distance")),
            new Arm("loss", "Loss-based (early val ppl)", Map.of("search.objective", "val_ppl")),
            new Arm("full", "Full training", Map.of("search.objective", "val_ppl", "search.scheduler", "full")));

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    StudyOptions study;

    @Option(names = "--workers", paramLabel = "N", description = "Worker actors in this JVM (default: "
            + "lsh.cluster.workers = 2).")
    Integer workers;

    @Override
    public Integer call() throws Exception {
        if (study.resuming()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "lsh compare has no --resume; resume an arm's study with lsh search --resume DIR");
        }
        io.lsh.lm.spectrum.OpenBlasSelfCheck.require(); // before any study folder exists
        Map<String, Object> common = new LinkedHashMap<>();
        if (workers != null) {
            common.put("cluster.workers", workers);
        }
        StudySettings base = study.settings(spec.commandLine(), common);
        if (study.printConfig) {
            return study.runStudy(base, spec.commandLine().getOut(), folder -> null);
        }
        // check every arm's settings before anything runs
        for (Arm arm : ARMS) {
            Map<String, Object> overrides = new LinkedHashMap<>(common);
            overrides.putAll(arm.overrides());
            overrides.put("study.name", base.study().name() + "-" + arm.name());
            study.settings(spec.commandLine(), overrides);
        }
        StudyFolder root = StudyFolder.create(base.study().out(), "compare-" + base.study().name(), LocalDateTime.now());
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ARMS.size(); i++) {
            Arm arm = ARMS.get(i);
            Map<String, Object> overrides = new LinkedHashMap<>(common);
            overrides.putAll(arm.overrides());
            overrides.put("study.name", base.study().name() + "-" + arm.name());
            overrides.put("study.out", root.path().toString());
            StudySettings settings = study.settings(spec.commandLine(), overrides);
            spec.commandLine().getOut().printf("%n== %s: %s ==%n", arm.label(), settings.study().name());
            spec.commandLine().getOut().flush();
            StudyOutcome outcome = study.run(settings, spec.commandLine().getOut(),
                    folder -> EmbeddedStudy.run(settings, folder, false));
            rows.add(Row.of(arm, outcome));
        }
        String table = table(rows, base);
        StudyFolder.writeAtomically(root.path().resolve("comparison.txt"), table);
        StudyFolder.writeAtomically(root.path().resolve("comparison.csv"), csv(rows));
        StudyFolder.writeAtomically(root.path().resolve("index.html"), html(table, rows, root.path()));
        spec.commandLine().getOut().println();
        spec.commandLine().getOut().println(table);
        spec.commandLine().getOut().println("Comparison folder: " + root.path());
        spec.commandLine().getOut().flush();
        return rows.stream().allMatch(r -> r.completed) ? LshMain.OK : LshMain.FAILED;
    }

    /** One arm's result, read from its outcome and study folder. */
    record Row(Arm arm, boolean completed, int selected, String configuration, double finalPerplexity,
               double densePerplexity, long candidateEpochs, long referenceEpochs, Duration wall, Path folder,
               double testPerplexity, double denseTestPerplexity) {

        /** A row without test perplexities. */
        Row(Arm arm, boolean completed, int selected, String configuration, double finalPerplexity,
            double densePerplexity, long candidateEpochs, long referenceEpochs, Duration wall, Path folder) {
            this(arm, completed, selected, configuration, finalPerplexity, densePerplexity, candidateEpochs,
                    referenceEpochs, wall, folder, Double.NaN, Double.NaN);
        }

        static Row of(Arm arm, StudyOutcome o) {
            int selected = o.selectedTrial().orElse(-1);
            String configuration = "-";
            long candidateEpochs = 0;
            long referenceEpochs = 0;
            ObjectMapper json = new ObjectMapper();
            try {
                for (String line : Files.readAllLines(o.folder().resolve("trials.jsonl"))) {
                    JsonNode t = json.readTree(line);
                    if (t.get("trial").asInt() == selected) {
                        configuration = configuration(t.get("configuration"));
                    }
                }
                for (String line : Files.readAllLines(o.folder().resolve("journal.jsonl"))) {
                    if (line.contains("\"event\":\"epoch_reported\"")) {
                        if (json.readTree(line).get("trial").asInt() == 0) {
                            referenceEpochs++;
                        } else {
                            candidateEpochs++;
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the results in " + o.folder() + ": " + e.getMessage(), e);
            }
            return new Row(arm, o.completed(), selected, configuration,
                    o.selectedPerplexity().orElse(Double.NaN), o.densePerplexity().orElse(Double.NaN),
                    candidateEpochs, referenceEpochs, o.wall(), o.folder(),
                    o.selectedTestPerplexity().orElse(Double.NaN), o.denseTestPerplexity().orElse(Double.NaN));
        }

        private static String configuration(JsonNode c) {
            List<String> parts = new ArrayList<>();
            c.fields().forEachRemaining(f -> parts.add(f.getKey() + "=" + f.getValue().asText()));
            return String.join(" ", parts);
        }
    }

    static String table(List<Row> rows, StudySettings base) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Comparison: %d candidates at sparsity %s, scheduler %s, seed %d, "
                        + "final epochs %d%n%n", base.search().candidates(), base.pruning().sparsity(),
                base.search().scheduler(), base.study().seed(), base.search().finalEpochs()));
        s.append(String.format(Locale.ROOT, "%-28s %5s %9s %9s %9s %9s %9s  %s%n", "method", "trial", "val ppl",
                "test ppl", "epochs", "+ dense", "wall", "selected configuration"));
        for (Row r : rows) {
            s.append(String.format(Locale.ROOT, "%-28s %5s %9s %9s %9d %9d %9s  %s%n", r.arm.label(),
                    r.selected < 0 ? "-" : String.valueOf(r.selected), perplexity(r.finalPerplexity),
                    perplexity(r.testPerplexity), r.candidateEpochs, r.referenceEpochs, formatWall(r.wall),
                    r.configuration));
        }
        double dense = rows.stream().mapToDouble(Row::densePerplexity).filter(d -> !Double.isNaN(d)).findFirst()
                .orElse(Double.NaN);
        double denseTest = rows.stream().mapToDouble(Row::denseTestPerplexity).filter(d -> !Double.isNaN(d))
                .findFirst().orElse(Double.NaN);
        s.append(String.format(Locale.ROOT, "%nDense reference: val ppl %.2f, test ppl %s after %d epochs. Epochs "
                + "count training epochs of candidates (+ dense: of the dense reference, the same in every arm).%n",
                dense, perplexity(denseTest), base.search().finalEpochs()));
        return s.toString();
    }

    static String csv(List<Row> rows) {
        StringBuilder s = new StringBuilder("method,selected_trial,final_val_ppl,candidate_epochs,reference_epochs,"
                + "wall_seconds,configuration,folder,final_test_ppl\n");
        for (Row r : rows) {
            s.append(String.join(",", r.arm.name(), String.valueOf(r.selected), String.valueOf(r.finalPerplexity),
                    String.valueOf(r.candidateEpochs), String.valueOf(r.referenceEpochs),
                    String.valueOf(r.wall.toMillis() / 1000.0), "\"" + r.configuration + "\"",
                    r.folder.toString(), String.valueOf(r.testPerplexity))).append('\n');
        }
        return s.toString();
    }

    /** A self-contained page: the table, and a link to each arm's study report. */
    static String html(String table, List<Row> rows, Path root) {
        StringBuilder s = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>LSH "
                + "comparison</title><style>body{font-family:sans-serif;margin:2em}pre{background:#f6f6f6;"
                + "padding:1em}</style></head><body><h1>LSH comparison</h1><pre>");
        s.append(escape(table)).append("</pre><h2>Study reports</h2><ul>");
        for (Row r : rows) {
            String link = root.relativize(r.folder.resolve("report").resolve("index.html")).toString();
            s.append("<li><a href=\"").append(escape(link)).append("\">").append(escape(r.arm.label()))
                    .append("</a> (").append(escape(r.folder.getFileName().toString())).append(")</li>");
        }
        return s.append("</ul></body></html>\n").toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String perplexity(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String formatWall(Duration d) {
        long s = d.toSeconds();
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
