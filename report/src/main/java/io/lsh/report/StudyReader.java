package io.lsh.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lsh.report.StudyData.DecisionEvent;
import io.lsh.report.StudyData.EpochMetric;
import io.lsh.report.StudyData.Journal;
import io.lsh.report.StudyData.Round;
import io.lsh.report.StudyData.Run;
import io.lsh.report.StudyData.Trial;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/** Reads a study folder into {@link StudyData}; every problem is a one-line {@link ReportException}. */
final class StudyReader {

    static final String TRIALS = "trials.jsonl";
    static final String SPECTRA = "spectra.csv";
    static final String JOURNAL = "journal.jsonl";
    static final String LEADERBOARD = "leaderboard.txt";

    private final ObjectMapper json = new ObjectMapper();
    private final Path folder;

    StudyReader(Path folder) {
        this.folder = folder;
    }

    StudyData read() {
        if (!Files.isDirectory(folder)) {
            throw new ReportException(folder + ": not a study folder (no such directory)");
        }
        List<Trial> trials = readTrials(folder.resolve(TRIALS));
        Map<Integer, NavigableMap<Integer, double[]>> spectra = readSpectra(folder.resolve(SPECTRA));
        Journal journal = readJournal(folder.resolve(JOURNAL));
        Path board = folder.resolve(LEADERBOARD);
        Optional<String> leaderboard = Files.isRegularFile(board) ? Optional.of(String.join("\n", lines(board)))
                : Optional.empty();
        return new StudyData(folder, trials, spectra, journal, leaderboard);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ReportException(file + ": not found");
        } catch (IOException e) {
            throw new ReportException(file + ": cannot read (" + oneLine(e.getMessage()) + ")", e);
        }
    }

    private JsonNode parse(Path file, int line, String text) {
        try {
            JsonNode node = json.readTree(text);
            if (node == null || !node.isObject()) {
                throw new ReportException(file + " line " + line + ": malformed (not a JSON object)");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ReportException(file + " line " + line + ": malformed JSON (" + oneLine(e.getOriginalMessage())
                    + ")", e);
        }
    }

    // ---- trials.jsonl

    private List<Trial> readTrials(Path file) {
        List<Trial> trials = new ArrayList<>();
        List<String> lines = lines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            Fields f = new Fields(file, i + 1, parse(file, i + 1, lines.get(i)));
            List<Round> rounds = new ArrayList<>();
            for (JsonNode r : f.array("rounds")) {
                Fields rf = f.child(r, "rounds");
                rounds.add(new Round(rf.integer("round"), rf.text("phase", "SEARCH"), rf.integer("epoch"),
                        rf.number("objective"), rf.number("ls_distance"), rf.number("val_ppl"),
                        rf.number("sparsity")));
            }
            List<EpochMetric> epochs = new ArrayList<>();
            for (JsonNode m : f.array("epoch_metrics")) {
                Fields mf = f.child(m, "epoch_metrics");
                epochs.add(new EpochMetric(mf.integer("epoch"), mf.number("val_ppl"), mf.number("ls_distance"),
                        mf.number("sparsity"), (long) mf.numberOr("active_parameters", -1),
                        mf.fractions("layer_sparsity")));
            }
            epochs.sort((a, b) -> Integer.compare(a.epoch(), b.epoch()));
            trials.add(new Trial(f.integer("trial"), f.text("state", "UNKNOWN"), f.text("reason", ""),
                    (int) f.numberOr("epochs", 0), pruning(f), f.number("sparsity_target"),
                    List.copyOf(rounds), List.copyOf(epochs)));
        }
        return List.copyOf(trials);
    }

    private static String pruning(Fields f) {
        JsonNode p = f.node.get("pruning");
        if (p == null || !p.isObject()) {
            p = f.node.get("configuration");
        }
        if (p == null || !p.isObject()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (String key : List.of("init", "death", "growth", "redistribution")) {
            if (p.hasNonNull(key)) {
                parts.add(p.get(key).asText());
            }
        }
        JsonNode rate = p.hasNonNull("deathRate") ? p.get("deathRate") : p.get("death-rate");
        if (rate != null && rate.isNumber()) {
            parts.add(String.format(Locale.ROOT, "%.2f", rate.asDouble()));
        }
        return String.join(" ", parts);
    }

    // ---- spectra.csv

    private static Map<Integer, NavigableMap<Integer, double[]>> readSpectra(Path file) {
        List<String> lines = lines(file);
        Map<Integer, NavigableMap<Integer, double[]>> spectra = new HashMap<>();
        if (lines.isEmpty() || !lines.get(0).startsWith("trial,epoch")) {
            throw new ReportException(file + " line 1: malformed (expected the header trial,epoch,le_1,...)");
        }
        int columns = lines.get(0).split(",", -1).length;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",", -1);
            if (cells.length != columns) {
                throw new ReportException(file + " line " + (i + 1) + ": malformed (" + cells.length
                        + " columns, the header has " + columns + ")");
            }
            try {
                int trial = Integer.parseInt(cells[0].trim());
                int epoch = Integer.parseInt(cells[1].trim());
                double[] exponents = new double[columns - 2];
                for (int k = 0; k < exponents.length; k++) {
                    exponents[k] = Double.parseDouble(cells[k + 2].trim());
                }
                // a re-run epoch (work lost and redone) replaces the earlier row
                spectra.computeIfAbsent(trial, t -> new TreeMap<>()).put(epoch, exponents);
            } catch (NumberFormatException e) {
                throw new ReportException(file + " line " + (i + 1) + ": malformed number (" + oneLine(e.getMessage())
                        + ")");
            }
        }
        Map<Integer, NavigableMap<Integer, double[]>> frozen = new HashMap<>();
        spectra.forEach((t, m) -> frozen.put(t, Collections.unmodifiableNavigableMap(m)));
        return Collections.unmodifiableMap(frozen);
    }

    // ---- journal.jsonl

    private Journal readJournal(Path file) {
        List<String> lines = lines(file);
        String name = folder.getFileName() == null ? "study" : folder.getFileName().toString();
        Instant start = null;
        Instant last = null;
        Instant end = null;
        String outcome = "unfinished (the journal has no study_finished event)";
        List<String> workers = new ArrayList<>();
        Map<String, Run> open = new LinkedHashMap<>();
        List<Run> runs = new ArrayList<>();
        List<DecisionEvent> decisions = new ArrayList<>();
        NavigableMap<Integer, Double> referencePpl = new TreeMap<>();
        OptionalInt selected = OptionalInt.empty();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            Fields f = new Fields(file, i + 1, parse(file, i + 1, lines.get(i)));
            Instant time = f.time();
            String event = f.text("event", null);
            if (event == null) {
                throw f.malformed("no \"event\"");
            }
            start = start == null ? time : start;
            last = time;
            switch (event) {
                case "study_started" -> name = f.text("name", name);
                case "worker_registered" -> addWorker(workers, f.text("worker", "?"));
                case "run_assigned" -> {
                    String worker = f.text("worker", "?");
                    addWorker(workers, worker);
                    Run run = new Run(f.integer("trial"), (int) f.numberOr("attempt", 0), worker,
                            f.text("phase", "SEARCH"), (int) f.numberOr("round", 0),
                            (int) f.numberOr("from_epoch", 0), (int) f.numberOr("to_epoch", 0), time, null, null);
                    open.put(runKey(run.trial(), run.attempt()), run);
                }
                case "run_completed", "run_failed" -> {
                    Run run = open.remove(runKey(f.integer("trial"), (int) f.numberOr("attempt", 0)));
                    if (run != null) {
                        runs.add(close(run, time, event.equals("run_completed") ? "completed" : "failed"));
                    }
                    if (event.equals("run_completed") && f.integer("trial") == StudyData.REFERENCE) {
                        recordReference(f, referencePpl);
                    }
                }
                case "epoch_reported" -> {
                    if (f.integer("trial") == StudyData.REFERENCE) {
                        recordReference(f, referencePpl);
                    }
                }
                case "worker_lost" -> {
                    String worker = f.text("worker", "?");
                    for (Iterator<Run> it = open.values().iterator(); it.hasNext(); ) {
                        Run run = it.next();
                        if (run.worker().equals(worker)) {
                            runs.add(close(run, time, "lost"));
                            it.remove();
                        }
                    }
                }
                case "decision" -> {
                    String kind = f.text("decision", "?");
                    if (!kind.equals("wait")) {
                        decisions.add(new DecisionEvent(time, kind, f.integer("trial"), f.text("reason", "")));
                    }
                    if (kind.equals("select")) {
                        selected = OptionalInt.of(f.integer("trial"));
                    }
                }
                case "study_finished" -> {
                    end = time;
                    outcome = "finished";
                    int sel = (int) f.numberOr("selected", -1);
                    if (sel >= 0) {
                        selected = OptionalInt.of(sel);
                    }
                }
                case "study_failed" -> {
                    end = time;
                    outcome = "failed: " + f.text("reason", "no reason given");
                }
                default -> {
                    // other events (future ones too) do not enter the report
                }
            }
        }
        if (start == null) {
            throw new ReportException(file + ": malformed (no events)");
        }
        Instant stop = end != null ? end : last;
        for (Run run : open.values()) {
            runs.add(close(run, stop, "unfinished"));
        }
        runs.sort((a, b) -> a.start().compareTo(b.start()));
        return new Journal(name, start, stop, outcome, List.copyOf(workers), List.copyOf(runs),
                List.copyOf(decisions), Collections.unmodifiableNavigableMap(referencePpl), selected);
    }

    private static void recordReference(Fields f, NavigableMap<Integer, Double> referencePpl) {
        double ppl = f.number("val_ppl");
        if (f.node.has("epoch") && Double.isFinite(ppl)) {
            referencePpl.put(f.integer("epoch"), ppl);
        }
    }

    private static void addWorker(List<String> workers, String worker) {
        if (!workers.contains(worker)) {
            workers.add(worker);
        }
    }

    private static String runKey(int trial, int attempt) {
        return trial + "/" + attempt;
    }

    private static Run close(Run run, Instant end, String outcome) {
        return new Run(run.trial(), run.attempt(), run.worker(), run.phase(), run.round(), run.fromEpoch(),
                run.toEpoch(), run.start(), end, outcome);
    }

    static String oneLine(String message) {
        if (message == null) {
            return "no detail";
        }
        String line = message.replaceAll("\\s+", " ").trim();
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /** Typed access to one JSON object, with errors that name the file and line. */
    private static final class Fields {
        private final Path file;
        private final int line;
        private final JsonNode node;

        Fields(Path file, int line, JsonNode node) {
            this.file = file;
            this.line = line;
            this.node = node;
        }

        Fields child(JsonNode child, String field) {
            if (!child.isObject()) {
                throw malformed("an entry of \"" + field + "\" is not an object");
            }
            return new Fields(file, line, child);
        }

        ReportException malformed(String what) {
            return new ReportException(file + " line " + line + ": malformed (" + what + ")");
        }

        int integer(String field) {
            JsonNode v = node.get(field);
            if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
                throw malformed("\"" + field + "\" is " + (v == null ? "missing" : "not an integer"));
            }
            return v.intValue();
        }

        /** A number; NaN if absent or null. */
        double number(String field) {
            return numberOr(field, Double.NaN);
        }

        double numberOr(String field, double absent) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return absent;
            }
            if (!v.isNumber()) {
                throw malformed("\"" + field + "\" is not a number");
            }
            return v.doubleValue();
        }

        String text(String field, String absent) {
            JsonNode v = node.get(field);
            return v == null || v.isNull() ? absent : v.asText();
        }

        Iterable<JsonNode> array(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return List.of();
            }
            if (!v.isArray()) {
                throw malformed("\"" + field + "\" is not an array");
            }
            return v;
        }

        Map<String, Double> fractions(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return Map.of();
            }
            if (!v.isObject()) {
                throw malformed("\"" + field + "\" is not an object");
            }
            Map<String, Double> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                if (!e.getValue().isNumber()) {
                    throw malformed("\"" + field + "." + e.getKey() + "\" is not a number");
                }
                out.put(e.getKey(), e.getValue().doubleValue());
            }
            return Collections.unmodifiableMap(out);
        }

        Instant time() {
            String t = text("time", null);
            if (t == null) {
                throw malformed("no \"time\"");
            }
            try {
                return Instant.parse(t);
            } catch (DateTimeParseException e) {
                throw malformed("\"time\" is not an ISO-8601 instant: " + t);
            }
        }
    }
}
