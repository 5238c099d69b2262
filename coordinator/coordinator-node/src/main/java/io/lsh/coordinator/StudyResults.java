package io.lsh.coordinator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lsh.protocol.EpochSpectrum;
import io.lsh.protocol.PruningSpec;
import io.lsh.protocol.TrialMetrics;
import io.lsh.search.StudyEngine;
import io.lsh.search.scheduler.Decision;
import io.lsh.search.trial.Phase;
import io.lsh.search.trial.RoundResult;
import io.lsh.search.trial.TrialRecord;
import io.lsh.search.trial.TrialState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * What a study measured, kept by the coordinator and written to the study folder: spectra as they arrive
 * ({@code spectra.csv}), and at the end one row per trial ({@code trials.csv}, {@code trials.jsonl}), the
 * leaderboard and the selected model's checkpoint. Owned by the coordinator actor: not thread-safe.
 */
final class StudyResults {

    private final StudyPlan plan;
    private final StudyFolder folder;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<Integer, List<TrialMetrics>> epochs = new HashMap<>();
    private final Map<Integer, String> checkpoints = new HashMap<>();
    /** (trial, epoch) of the rows in spectra.csv: a segment trained again after a loss reports its epochs again. */
    private final java.util.Set<List<Integer>> spectrumRows = new java.util.HashSet<>();
    private TrialMetrics referenceLast;
    private double bestPerplexity = Double.NaN;

    StudyResults(StudyPlan plan, StudyFolder folder) {
        this.plan = plan;
        this.folder = folder;
    }

    /** The metrics the engine ranks and records, by the names of {@code EliminationSettings}. */
    static Map<String, Double> engineMetrics(TrialMetrics m) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("ls_distance", m.lsDistance());
        metrics.put("val_ppl", m.validPerplexity());
        metrics.put("train_loss", m.trainLoss());
        metrics.put("sparsity", m.sparsity());
        metrics.put("active_parameters", (double) m.activeParameters());
        return metrics;
    }

    static Map<String, Object> metricFields(int trial, int attempt, String worker, TrialMetrics m) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("trial", trial);
        f.put("attempt", attempt);
        f.put("worker", worker);
        f.put("epoch", m.epoch());
        f.put("train_loss", finite(m.trainLoss()));
        f.put("val_ppl", finite(m.validPerplexity()));
        f.put("ls_distance", finite(m.lsDistance()));
        f.put("sparsity", m.sparsity());
        f.put("active_parameters", m.activeParameters());
        f.put("train_seconds", m.trainSeconds());
        f.put("spectrum_seconds", m.spectrumSeconds());
        f.put("tokens_per_second", m.tokensPerSecond());
        f.put("layer_sparsity", m.layerSparsity());
        f.put("flops_per_token", m.flopsPerToken());
        if (m.hasTestPerplexity()) {
            f.put("test_ppl", finite(m.testPerplexity()));
        }
        return f;
    }

    static Map<String, Object> decisionFields(Decision d) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("decision", d.getClass().getSimpleName().toLowerCase(Locale.ROOT));
        f.put("trial", d.trialId());
        if (d instanceof Decision.Promote p) {
            f.put("round", p.round());
            f.put("phase", p.phase().name());
            f.put("from_epoch", p.fromEpoch());
            f.put("to_epoch", p.toEpoch());
            f.put("reason", p.reason());
        } else if (d instanceof Decision.Stop s) {
            f.put("reason", s.reason());
        } else if (d instanceof Decision.Finish fin) {
            f.put("reason", fin.reason());
        } else if (d instanceof Decision.Select sel) {
            f.put("reason", sel.reason());
        } else if (d instanceof Decision.Wait w) {
            f.put("round", w.round());
        }
        return f;
    }

    /**
     * The metrics a journal event carries (the inverse of {@link #metricFields}; missing or null values read as NaN).
     */
    static TrialMetrics metricsFromFields(com.fasterxml.jackson.databind.JsonNode f) {
        Map<String, Double> layers = new TreeMap<>();
        f.path("layer_sparsity").fields().forEachRemaining(e -> layers.put(e.getKey(), e.getValue().asDouble()));
        return new TrialMetrics(f.path("epoch").asInt(), number(f, "train_loss"), number(f, "val_ppl"),
                number(f, "ls_distance"), number(f, "sparsity"), f.path("active_parameters").asLong(),
                number(f, "train_seconds"), number(f, "spectrum_seconds"), number(f, "tokens_per_second"), layers,
                f.path("flops_per_token").asLong(), number(f, "test_ppl"));
    }

    private static double number(com.fasterxml.jackson.databind.JsonNode f, String key) {
        com.fasterxml.jackson.databind.JsonNode v = f.get(key);
        return v == null || !v.isNumber() ? Double.NaN : v.doubleValue();
    }

    /** Records a trial's metrics at an epoch; a repeated epoch (a segment trained again after a loss) replaces. */
    void recordEpoch(int trial, TrialMetrics m) {
        List<TrialMetrics> list = epochs.computeIfAbsent(trial, t -> new ArrayList<>());
        list.removeIf(old -> old.epoch() == m.epoch());
        list.add(m);
        if (trial != StudyPlan.REFERENCE_TRIAL && Double.isFinite(m.validPerplexity())
                && (Double.isNaN(bestPerplexity) || m.validPerplexity() < bestPerplexity)) {
            bestPerplexity = m.validPerplexity();
        }
    }

    /** Replaces the recorded metrics of {@code measured.epoch()} with ones that carry the LS distance. */
    void recordDistance(int trial, TrialMetrics measured) {
        List<TrialMetrics> list = epochs.getOrDefault(trial, List.of());
        for (int i = list.size() - 1; i >= 0; i--) {
            if (list.get(i).epoch() == measured.epoch()) {
                list.set(i, measured);
                return;
            }
        }
    }

    void recordReference(TrialMetrics last) {
        referenceLast = last;
    }

    void recordCheckpoint(int trial, String checkpoint) {
        checkpoints.put(trial, checkpoint);
    }

    OptionalDouble bestPerplexity() {
        return Double.isNaN(bestPerplexity) ? OptionalDouble.empty() : OptionalDouble.of(bestPerplexity);
    }

    /** Appends one spectrum row (trial, epoch, exponents...) to spectra.csv, with a header on first use. */
    void appendSpectrum(int trial, EpochSpectrum s) {
        if (!spectrumRows.add(List.of(trial, s.epoch()))) {
            return;
        }
        Path file = folder.spectraCsv();
        StringBuilder line = new StringBuilder();
        try {
            if (!Files.exists(file)) {
                spectrumHeader(line, s);
            }
            spectrumRow(line, trial, s);
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Rewrites spectra.csv from journaled rows (on resume: a crash may have cut its last row short or left a row the
     * journal never recorded), one row per trial and epoch.
     */
    void rewriteSpectra(List<Map.Entry<Integer, EpochSpectrum>> rows) {
        if (rows.isEmpty()) {
            try {
                Files.deleteIfExists(folder.spectraCsv());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + folder.spectraCsv() + ": " + e.getMessage(), e);
            }
            return;
        }
        StringBuilder text = new StringBuilder();
        spectrumHeader(text, rows.get(0).getValue());
        spectrumRows.clear();
        rows.stream().filter(r -> spectrumRows.add(List.of(r.getKey(), r.getValue().epoch())))
                .forEach(r -> spectrumRow(text, r.getKey(), r.getValue()));
        StudyFolder.writeAtomically(folder.spectraCsv(), text.toString());
    }

    private static void spectrumHeader(StringBuilder line, EpochSpectrum s) {
        line.append("trial,epoch");
        for (int i = 1; i <= s.exponents().size(); i++) {
            line.append(",le_").append(i);
        }
        line.append('\n');
    }

    private static void spectrumRow(StringBuilder line, int trial, EpochSpectrum s) {
        line.append(trial).append(',').append(s.epoch());
        for (double v : s.exponents()) {
            line.append(',').append(v);
        }
        line.append('\n');
    }

    /** Writes the exports and the selected model; returns the outcome. */
    StudyOutcome finish(StudyEngine engine, Duration wall) {
        List<TrialRecord> trials = engine.trials();
        StudyFolder.writeAtomically(folder.trialsCsv(), csv(trials));
        StudyFolder.writeAtomically(folder.trialsJsonl(), jsonl(trials));
        OptionalInt selected = engine.selectedId();
        OptionalDouble selectedPpl = OptionalDouble.empty();
        if (selected.isPresent()) {
            String checkpoint = checkpoints.get(selected.getAsInt());
            if (checkpoint != null) {
                StudyFolder.copyAtomically(Path.of(checkpoint), folder.selectedModel());
            }
            selectedPpl = lastMetrics(selected.getAsInt()).map(m -> OptionalDouble.of(m.validPerplexity()))
                    .orElse(OptionalDouble.empty());
        }
        OptionalDouble selectedTestPpl = selected.isPresent() ? testPerplexity(selected.getAsInt())
                : OptionalDouble.empty();
        OptionalDouble densePpl = referenceLast == null ? OptionalDouble.empty()
                : OptionalDouble.of(referenceLast.validPerplexity());
        OptionalDouble denseTestPpl = testPerplexity(StudyPlan.REFERENCE_TRIAL);
        String table = leaderboard(trials, selected, densePpl, denseTestPpl, wall);
        StudyFolder.writeAtomically(folder.leaderboardFile(), table);
        String summary = selected.isPresent()
                ? String.format(Locale.ROOT, "selected trial %d, valid ppl %.2f, test ppl %s (dense %.2f, test %s), "
                        + "%d trials", selected.getAsInt(), selectedPpl.orElse(Double.NaN), fmt(selectedTestPpl),
                densePpl.orElse(Double.NaN), fmt(denseTestPpl), trials.size())
                : "no model selected (" + trials.size() + " trials)";
        return new StudyOutcome(folder.path(), table, selected.isPresent(), selected, selectedPpl, densePpl, wall,
                summary, selectedTestPpl, denseTestPpl);
    }

    /** The test perplexity of a trial's latest epoch that measured one (the end of its full training). */
    private OptionalDouble testPerplexity(int trial) {
        List<TrialMetrics> list = epochs.getOrDefault(trial, List.of());
        for (int i = list.size() - 1; i >= 0; i--) {
            if (list.get(i).hasTestPerplexity()) {
                return OptionalDouble.of(list.get(i).testPerplexity());
            }
        }
        return OptionalDouble.empty();
    }

    private static String fmt(OptionalDouble v) {
        return v.isPresent() ? String.format(Locale.ROOT, "%.2f", v.getAsDouble()) : "-";
    }

    private java.util.Optional<TrialMetrics> lastMetrics(int trial) {
        List<TrialMetrics> list = epochs.get(trial);
        return list == null || list.isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of(list.get(list.size() - 1));
    }

    private List<TrialRecord> ranked(List<TrialRecord> trials, OptionalInt selected) {
        Comparator<TrialRecord> order = Comparator
                .comparing((TrialRecord t) -> selected.isPresent() && t.id() == selected.getAsInt() ? 0 : 1)
                .thenComparing(t -> t.phase() == Phase.FINAL ? 0 : 1)
                .thenComparing(t -> -t.epoch())
                .thenComparingDouble(t -> t.lastResult().map(RoundResult::objective).orElse(Double.MAX_VALUE))
                .thenComparingInt(TrialRecord::id);
        return trials.stream().sorted(order).toList();
    }

    private String leaderboard(List<TrialRecord> trials, OptionalInt selected, OptionalDouble densePpl,
                               OptionalDouble denseTestPpl, Duration wall) {
        StringBuilder out = new StringBuilder();
        var s = plan.settings();
        out.append(String.format(Locale.ROOT,
                "Leaderboard: %d candidates at target sparsity %.2f, ranked by %s, then valid ppl of %d finalists%n",
                trials.size(), s.pruning().sparsity(), s.study().objective(), s.search().finalists()));
        densePpl.ifPresent(p -> out.append(String.format(Locale.ROOT,
                "Dense reference: valid ppl %.2f%s after %d epochs%n", p,
                denseTestPpl.isPresent() ? ", test ppl " + fmt(denseTestPpl) : "", referenceLast.epoch())));
        out.append(String.format(Locale.ROOT, "Wall time: %s%n%n", formatDuration(wall)));
        String header = String.format(Locale.ROOT,
                "%4s %5s  %-8s %-17s %-7s %-9s %5s  %8s  %-26s %9s %8s %6s  %s%n",
                "rank", "trial", "init", "death", "growth", "redistr.", "rate", "sparsity", "LS distance per round",
                "valid ppl", "test ppl", "epochs", "state");
        out.append(header);
        int rank = 1;
        for (TrialRecord t : ranked(trials, selected)) {
            PruningSpec p = plan.pruningSpec(t.configuration());
            String distances = t.results().stream().filter(r -> r.phase() == Phase.SEARCH)
                    .map(r -> fmt(r.metrics().getOrDefault("ls_distance", Double.NaN)))
                    .collect(Collectors.joining(" / "));
            var last = lastMetrics(t.id());
            String state = selected.isPresent() && t.id() == selected.getAsInt() ? "SELECTED" : t.state().name();
            out.append(String.format(Locale.ROOT,
                    "%4d %5d  %-8s %-17s %-7s %-9s %5.2f  %8s  %-26s %9s %8s %6d  %s%n",
                    rank++, t.id(), p.init(), p.death(), p.growth(), p.redistribution(), p.deathRate(),
                    last.map(m -> String.format(Locale.ROOT, "%.4f", m.sparsity())).orElse("-"),
                    distances.isEmpty() ? "-" : distances,
                    last.map(m -> fmt(m.validPerplexity())).orElse("-"), fmt(testPerplexity(t.id()).orElse(Double.NaN)), t.epoch(),
                    state));
        }
        return out.toString();
    }

    private String csv(List<TrialRecord> trials) {
        StringBuilder out = new StringBuilder("trial,state,init,death,growth,redistribution,death_rate,seed,epochs,"
                + "rounds,sparsity,active_parameters,ls_distance_per_round,val_ppl_per_round,final_val_ppl,"
                + "train_seconds,spectrum_seconds,checkpoint,reason,final_test_ppl\n");
        for (TrialRecord t : trials) {
            PruningSpec p = plan.pruningSpec(t.configuration());
            var last = lastMetrics(t.id());
            List<TrialMetrics> all = epochs.getOrDefault(t.id(), List.of());
            out.append(t.id()).append(',').append(t.state()).append(',').append(p.init()).append(',')
                    .append(p.death()).append(',').append(p.growth()).append(',').append(p.redistribution())
                    .append(',').append(p.deathRate()).append(',').append(t.seed()).append(',').append(t.epoch())
                    .append(',').append(t.results().size()).append(',')
                    .append(last.map(m -> String.valueOf(m.sparsity())).orElse("")).append(',')
                    .append(last.map(m -> String.valueOf(m.activeParameters())).orElse("")).append(',')
                    .append(joinMetric(t, "ls_distance")).append(',').append(joinMetric(t, "val_ppl")).append(',')
                    .append(t.state() == TrialState.FINISHED ? last.map(m -> String.valueOf(m.validPerplexity()))
                            .orElse("") : "").append(',')
                    .append(all.stream().mapToDouble(TrialMetrics::trainSeconds).sum()).append(',')
                    .append(all.stream().mapToDouble(TrialMetrics::spectrumSeconds).sum()).append(',')
                    .append(csvField(checkpoints.getOrDefault(t.id(), ""))).append(',')
                    .append(csvField(t.reason().orElse(""))).append(',')
                    .append(testPerplexity(t.id()).isPresent() ? String.valueOf(testPerplexity(t.id()).getAsDouble())
                            : "").append('\n');
        }
        return out.toString();
    }

    private static String joinMetric(TrialRecord t, String metric) {
        return t.results().stream().map(r -> String.valueOf(r.metrics().getOrDefault(metric, Double.NaN)))
                .collect(Collectors.joining(";"));
    }

    private String jsonl(List<TrialRecord> trials) {
        StringBuilder out = new StringBuilder();
        for (TrialRecord t : trials) {
            ObjectNode node = json.createObjectNode();
            node.put("trial", t.id());
            node.set("configuration", json.valueToTree(t.configuration().asMap()));
            node.set("pruning", json.valueToTree(plan.pruningSpec(t.configuration())));
            node.put("sparsity_target", plan.settings().pruning().sparsity());
            node.put("seed", t.seed());
            node.put("state", t.state().name());
            node.put("reason", t.reason().orElse(null));
            node.put("epochs", t.epoch());
            ArrayNode rounds = node.putArray("rounds");
            for (RoundResult r : t.results()) {
                ObjectNode round = rounds.addObject();
                round.put("round", r.round());
                round.put("phase", r.phase().name());
                round.put("epoch", r.epoch());
                round.put("objective", finite(r.objective()));
                r.metrics().forEach((k, v) -> round.put(k, finite(v)));
            }
            ArrayNode perEpoch = node.putArray("epoch_metrics");
            for (TrialMetrics m : epochs.getOrDefault(t.id(), List.of())) {
                perEpoch.add(json.valueToTree(metricFields(t.id(), 0, "", m)));
            }
            testPerplexity(t.id()).ifPresent(v -> node.put("final_test_ppl", v));
            node.put("checkpoint", checkpoints.get(t.id()));
            node.put("code_version", codeVersion());
            node.put("backend", "nd4j-cpu");
            out.append(node).append('\n');
        }
        return out.toString();
    }

    private static String codeVersion() {
        String v = StudyResults.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4g", v);
    }

    static String formatDuration(Duration d) {
        long s = d.toSeconds();
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
