package io.lsh.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a small study folder by hand, in the formats the coordinator writes (StudyResults, StudyJournal):
 * candidates 1..n with given first-rung LS distances, first-rung and final perplexities; the first
 * {@code finalists} trials reach the final round, trial 1 is selected; an optional failed trial.
 */
final class SyntheticStudy {

    static final int EXPONENTS = 6;

    double[] distance = {2.0, 3.0, 2.5, 4.0, 3.5};
    double[] earlyPpl = {60, 55, 58, 70, 52};
    double[] finalPpl = {40, 47, 44, 52, 45};
    /** Trials (1-based ids) that reach the final round; trial 1 is selected. */
    List<Integer> finalists = List.of(1, 3);
    boolean failedTrial = true;
    String layerSparsity = null;

    private final StringBuilder journal = new StringBuilder();
    private Instant clock = Instant.parse("2026-01-02T10:00:00Z");

    void writeTo(Path folder) throws IOException {
        Files.createDirectories(folder);
        int n = distance.length;
        StringBuilder trials = new StringBuilder();
        StringBuilder spectra = new StringBuilder("trial,epoch");
        for (int k = 1; k <= EXPONENTS; k++) {
            spectra.append(",le_").append(k);
        }
        spectra.append('\n');
        for (int e = 1; e <= 3; e++) {
            spectra.append(spectrumRow(0, e, 0));
        }
        event("study_started", "\"seed\":42,\"name\":\"synthetic\",\"folder\":\"" + folder + "\"");
        event("worker_registered", "\"device\":\"cpu\",\"worker\":\"w/cpu-0\"");
        event("worker_registered", "\"device\":\"cpu\",\"worker\":\"w/cpu-1\"");
        run(0, "REFERENCE", 0, 0, 3, "w/cpu-0", "completed");
        event("epoch_reported", "\"trial\":0,\"attempt\":1,\"worker\":\"w/cpu-0\",\"epoch\":3,\"val_ppl\":38.5,"
                + "\"ls_distance\":null");
        for (int i = 0; i < n; i++) {
            int id = i + 1;
            boolean fin = finalists.contains(id);
            int epochs = fin ? 3 : 2;
            StringBuilder rounds = new StringBuilder();
            StringBuilder metrics = new StringBuilder();
            for (int e = 1; e <= epochs; e++) {
                double ppl = e == epochs ? finalPpl[i] : e == 1 ? earlyPpl[i] : (earlyPpl[i] + finalPpl[i]) / 2;
                double d = e == 1 ? distance[i] : distance[i] + e;
                String phase = e == 3 ? "FINAL" : "SEARCH";
                if (rounds.length() > 0) {
                    rounds.append(',');
                    metrics.append(',');
                }
                rounds.append(String.format(Locale.ROOT, "{\"round\":%d,\"phase\":\"%s\",\"epoch\":%d,\"objective\":%s,"
                        + "\"active_parameters\":330.0,\"ls_distance\":%s,\"sparsity\":0.67,\"train_loss\":4.0,"
                        + "\"val_ppl\":%s}", e, phase, e, e == 3 ? ppl : d, d, ppl));
                String layers = layerSparsity != null && id == 1 && e == epochs
                        ? ",\"layer_sparsity\":" + layerSparsity : "";
                metrics.append(String.format(Locale.ROOT, "{\"trial\":%d,\"attempt\":0,\"worker\":\"\",\"epoch\":%d,"
                        + "\"train_loss\":4.0,\"val_ppl\":%s,\"ls_distance\":%s,\"sparsity\":0.67,"
                        + "\"active_parameters\":330,\"train_seconds\":0.1,\"spectrum_seconds\":0.01,"
                        + "\"tokens_per_second\":1000.0%s}", id, e, ppl, d, layers));
                spectra.append(spectrumRow(id, e, d));
                run(id, phase, e, e - 1, e, "w/cpu-" + (id % 2), "completed");
                if (e < epochs) {
                    decision("promote", id, "survived round " + e);
                } else if (fin) {
                    decision("finish", id, "final rank");
                } else {
                    decision("stop", id, "eliminated after round " + e);
                }
            }
            String state = fin ? "FINISHED" : "STOPPED";
            trials.append(String.format(Locale.ROOT, "{\"trial\":%d,\"configuration\":{\"death\":\"SET\","
                    + "\"death-rate\":0.5,\"growth\":\"random\",\"init\":\"ER\",\"redistribution\":\"none\"},"
                    + "\"pruning\":{\"init\":\"ER\",\"death\":\"SET\",\"growth\":\"random\","
                    + "\"redistribution\":\"none\",\"deathRate\":0.5},\"sparsity_target\":0.67,\"seed\":%d,"
                    + "\"state\":\"%s\",\"reason\":\"r%d\","
                    + "\"epochs\":%d,\"rounds\":[%s],\"epoch_metrics\":[%s],\"checkpoint\":null,"
                    + "\"code_version\":\"dev\",\"backend\":\"nd4j-cpu\"}%n", id, 1000 + id, state, id, epochs, rounds,
                    metrics));
        }
        if (failedTrial) {
            int id = n + 1;
            run(id, "SEARCH", 1, 0, 1, "w/cpu-1", "failed");
            trials.append(String.format(Locale.ROOT, "{\"trial\":%d,\"pruning\":{\"init\":\"uniform\",\"death\":"
                    + "\"magnitude\",\"growth\":\"random\",\"redistribution\":\"none\",\"deathRate\":0.3},"
                    + "\"sparsity_target\":0.67,\"seed\":7,\"state\":\"FAILED\",\"reason\":\"diverged: NaN loss\","
                    + "\"epochs\":0,\"rounds\":[],\"epoch_metrics\":[]}%n", id));
        }
        decision("select", 1, "lowest val_ppl among finalists");
        event("study_finished", "\"selected\":1,\"wall_seconds\":12.5");
        Files.writeString(folder.resolve("trials.jsonl"), trials, StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("spectra.csv"), spectra, StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("journal.jsonl"), journal, StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("leaderboard.txt"),
                "Leaderboard: synthetic\nrank trial\n   1     1 SELECTED\n", StandardCharsets.UTF_8);
    }

    /** The first-rung values of the trials that have a final perplexity: the pairs the report correlates. */
    double[][] pairs(boolean byDistance) {
        return new double[][] {byDistance ? distance : earlyPpl, finalPpl};
    }

    private String spectrumRow(int trial, int epoch, double offset) {
        List<String> cells = new ArrayList<>();
        cells.add(String.valueOf(trial));
        cells.add(String.valueOf(epoch));
        for (int k = 0; k < EXPONENTS; k++) {
            cells.add(String.valueOf(-0.5 * k - 0.1 * epoch - offset / 10.0));
        }
        return String.join(",", cells) + "\n";
    }

    private void run(int trial, String phase, int round, int from, int to, String worker, String outcome) {
        String common = String.format(Locale.ROOT, "\"trial\":%d,\"attempt\":1,\"worker\":\"%s\"", trial, worker);
        event("run_assigned", common + String.format(Locale.ROOT,
                ",\"phase\":\"%s\",\"round\":%d,\"from_epoch\":%d,\"to_epoch\":%d", phase, round, from, to));
        clock = clock.plusMillis(700);
        event("epoch_reported", common + ",\"epoch\":" + to + ",\"val_ppl\":50.0,\"ls_distance\":1.0");
        if (outcome.equals("completed")) {
            event("run_completed", common + ",\"epoch\":" + to + ",\"val_ppl\":50.0");
        } else {
            event("run_failed", common + ",\"reason\":\"NaN loss\",\"diverged\":true");
        }
    }

    private void decision(String kind, int trial, String reason) {
        event("decision", "\"decision\":\"" + kind + "\",\"trial\":" + trial + ",\"reason\":\"" + reason + "\"");
    }

    private void event(String name, String fields) {
        clock = clock.plusMillis(50);
        journal.append("{\"time\":\"").append(clock).append("\",\"event\":\"").append(name).append("\",")
                .append(fields).append("}\n");
    }
}
