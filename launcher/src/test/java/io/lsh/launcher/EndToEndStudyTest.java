package io.lsh.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lsh.lm.checkpoint.Checkpoint;
import io.lsh.lm.distance.DistanceSettings;
import io.lsh.lm.distance.ReferenceSpectra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny but complete study through the real system: `lsh search` in this JVM, a coordinator and two workers in
 * two actor systems forming a Pekko cluster on loopback (CBOR on the wire), real training on the built-in WikiText-2
 * excerpt, real masks, spectra and distances. Checks the study folder's contents.
 */
class EndToEndStudyTest {

    @TempDir
    Path out;

    @Test
    void tinyStudyProducesACompleteStudyFolder() throws Exception {
        Path config = RepoPaths.tinyStudy();
        Path corpus = RepoPaths.builtInCorpus();
        LshCommandLineTest.Result r = LshCommandLineTest.run("search", "--config", config.toString(),
                "--out", out.toString(), "--workers", "2", "--seed", "7", "--set", "corpus.dir=" + corpus);
        assertEquals(0, r.code(), r.err() + r.out());

        Path folder;
        try (Stream<Path> studies = Files.list(out)) {
            folder = studies.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        String log = Files.readString(folder.resolve("lsh.log"));
        assertTrue(log.matches("(?s).*selected trial \\d+, valid ppl [0-9.]+, test ppl [0-9.]+ .*"),
                "the end-of-study summary shows the selected trial's test perplexity");
        assertTrue(r.out().contains("Study folder: " + folder), r.out());
        assertTrue(r.out().contains("SELECTED"), r.out());
        assertTrue(r.out().contains("test ppl"), "the leaderboard has a test perplexity column: " + r.out());
        for (String name : List.of("study.conf", "lsh.log", "journal.jsonl", "trials.csv", "trials.jsonl",
                "spectra.csv", "leaderboard.txt", "selected-model.lshc")) {
            assertTrue(Files.size(folder.resolve(name)) > 0, name);
        }
        // 4 candidates, header + 4 rows; every candidate reached the exact target sparsity.
        List<String> csv = Files.readAllLines(folder.resolve("trials.csv"));
        assertEquals(5, csv.size(), String.join("\n", csv));
        ObjectMapper json = new ObjectMapper();
        int finished = 0;
        for (String line : Files.readAllLines(folder.resolve("trials.jsonl"))) {
            JsonNode trial = json.readTree(line);
            JsonNode rounds = trial.get("rounds");
            assertTrue(rounds.size() >= 1);
            JsonNode first = rounds.get(0);
            assertEquals(0.67, first.get("sparsity").asDouble(), 0.001);
            assertTrue(first.get("ls_distance").asDouble() > 0, "a real distance: " + first);
            assertTrue(first.get("val_ppl").asDouble() > 1, "a real perplexity: " + first);
            JsonNode layers = trial.get("epoch_metrics").get(0).get("layer_sparsity");
            assertEquals(List.of("decoder", "encoder", "rnn.l0", "rnn.l1"),
                    java.util.stream.StreamSupport.stream(((Iterable<String>) layers::fieldNames).spliterator(), false)
                            .sorted().toList(), "per-layer sparsity of " + trial);
            if (trial.get("state").asText().equals("FINISHED")) {
                finished++;
                assertEquals(3, trial.get("epochs").asInt());
                double test = trial.get("final_test_ppl").asDouble();
                assertTrue(test > 1 && test < 2000, "a finalist's test perplexity: " + trial);
            } else {
                assertTrue(trial.get("final_test_ppl") == null, "stopped early: no test perplexity: " + trial);
            }
        }
        assertEquals(2, finished, "two finalists trained to the final epoch");
        // The reference's spectrum at every epoch, then one per candidate work item.
        List<String> spectra = Files.readAllLines(folder.resolve("spectra.csv"));
        assertEquals(3, spectra.stream().filter(l -> l.startsWith("0,")).count(), "reference epochs 1..3");
        assertEquals("trial,epoch," + String.join(",", java.util.stream.IntStream.rangeClosed(1, 32)
                .mapToObj(i -> "le_" + i).toList()), spectra.get(0), "k = 16 + 16 exponents");
        // `lsh spectrum` on the selected model's checkpoint gives exactly the spectrum the study measured for it.
        int selectedTrial = Integer.parseInt(Checkpoint.read(folder.resolve("selected-model.lshc")).metadata()
                .get("trial"));
        String measured = spectra.stream().filter(l -> l.startsWith(selectedTrial + ",3,")).findFirst().orElseThrow();
        LshCommandLineTest.Result again = LshCommandLineTest.run("spectrum", "--checkpoint",
                folder.resolve("selected-model.lshc").toString(), "--steps", "10", "--warmup", "5");
        assertEquals(0, again.code(), again.err());
        assertEquals(measured.substring((selectedTrial + ",3,").length()),
                String.join(",", again.out().lines().toList()), "bit-identical spectrum from the checkpoint");
        LshCommandLineTest.Result preceding = LshCommandLineTest.run("spectrum", "--checkpoint",
                folder.resolve("selected-model.lshc").toString(), "--steps", "10", "--warmup", "5",
                "--warmup-mode", "preceding-tokens");
        assertEquals(0, preceding.code(), preceding.err());
        assertEquals(32, preceding.out().lines().count());
        assertTrue(!preceding.out().equals(again.out()), "other measured tokens, other exponents");
        // The selected model's checkpoint loads.
        Checkpoint selected = Checkpoint.read(folder.resolve("selected-model.lshc"));
        assertEquals("3", selected.metadata().get("epoch"));
        String journal = Files.readString(folder.resolve("journal.jsonl"));
        assertTrue(journal.contains("\"event\":\"study_finished\""), journal);
        assertTrue(Files.readString(folder.resolve("lsh.log")).contains("Dense reference: epoch 1/3"));
        // The report is written at the end, and `lsh report` writes it again.
        assertTrue(r.out().contains("Report: " + folder.resolve("report/index.html")), r.out());
        String html = Files.readString(folder.resolve("report/index.html"));
        assertTrue(html.contains("Spearman"), "rank correlations in the report");
        assertTrue(Files.exists(folder.resolve("report/layer-sparsity.png")), "per-layer sparsity chart");
        LshCommandLineTest.Result report = LshCommandLineTest.run("report", folder.toString());
        assertEquals(0, report.code(), report.err());
    }

    /**
     * The RHN (setting B) and AWD-LSTM-MoS (setting C) architectures through the same machinery; the RHN study ranks
     * with the LS-distance variants (final dense epoch, sorted spectra, 2-D PCA).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"tiny-rhn.conf, 16, final sorted pca2",
        "tiny-awd-mos.conf, 44, same-epoch as-given spectrum"})
    void theOtherArchitecturesRunAStudyAndTheirCheckpointsMeasure(String example, int stateSize, String distance)
            throws Exception {
        Path config = RepoPaths.tinyStudy().resolveSibling(example);
        Path parent = out.resolve(example);
        String[] variant = distance.split(" ");
        LshCommandLineTest.Result r = LshCommandLineTest.run("search", "--config", config.toString(),
                "--out", parent.toString(), "--set", "corpus.dir=" + RepoPaths.builtInCorpus(),
                "--set", "metrics.enabled=false", "--set", "distance.reference=" + variant[0],
                "--set", "distance.alignment=" + variant[1], "--set", "distance.space=" + variant[2]);
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("SELECTED"), r.out());
        Path folder;
        try (Stream<Path> studies = Files.list(parent)) {
            folder = studies.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        String log = Files.readString(folder.resolve("lsh.log"));
        assertTrue(log.matches("(?s).*selected trial \\d+, valid ppl [0-9.]+, test ppl [0-9.]+ .*"),
                "the end-of-study summary shows the selected trial's test perplexity");
        for (String line : Files.readAllLines(folder.resolve("trials.jsonl"))) {
            JsonNode trial = new ObjectMapper().readTree(line);
            JsonNode first = trial.get("rounds").get(0);
            assertEquals(0.67, first.get("sparsity").asDouble(), 0.001, line);
            assertTrue(trial.get("epoch_metrics").get(0).get("flops_per_token").asLong() > 0, "pruned FLOPs: " + line);
            assertTrue(first.get("ls_distance").asDouble() > 0, "a real distance: " + first);
        }
        LshCommandLineTest.Result spectrum = LshCommandLineTest.run("spectrum", "--checkpoint",
                folder.resolve("selected-model.lshc").toString());
        assertEquals(0, spectrum.code(), spectrum.err());
        assertEquals(stateSize, spectrum.out().strip().lines().count(), spectrum.out());
        assertDistancesFollowTheVariant(folder, DistanceSettings.of(variant[0], variant[1], variant[2]));
    }

    /**
     * Every search round's LS distance in trials.jsonl equals the variant's distance recomputed from the spectra in
     * the journal, whether the worker or the coordinator computed it. The tiny studies search epochs 1-2 of 3, so the
     * dense trajectory is epochs 1-2 (same-epoch) or 1-3 (final; the reference then trains its 3 epochs at once).
     */
    private static void assertDistancesFollowTheVariant(Path folder, DistanceSettings settings) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<Integer, double[]> dense = new TreeMap<>();
        Map<List<Integer>, double[]> candidates = new HashMap<>();
        List<Integer> referenceRuns = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(folder.resolve("journal.jsonl"))) {
            JsonNode e = json.readTree(line);
            if (e.path("event").asText().equals("run_assigned") && e.path("trial").asInt() == 0) {
                referenceRuns.add(e.path("to_epoch").asInt());
            }
            if (e.path("event").asText().equals("epoch_reported") && e.has("spectrum")) {
                double[] s = new double[e.get("spectrum").size()];
                for (int i = 0; i < s.length; i++) {
                    s[i] = e.get("spectrum").get(i).asDouble();
                }
                int trial = e.path("trial").asInt();
                if (trial == 0) {
                    dense.put(e.path("spectrum_epoch").asInt(), s);
                } else {
                    candidates.put(List.of(trial, e.path("spectrum_epoch").asInt()), s);
                }
            }
        }
        boolean toFinal = settings.reference() == DistanceSettings.ReferenceEpoch.FINAL;
        assertEquals(toFinal ? List.of(3) : List.of(2, 3), referenceRuns, "the dense reference's runs");
        ReferenceSpectra reference = new ReferenceSpectra(settings, toFinal ? 3 : 2, dense);
        int checked = 0;
        for (String line : Files.readAllLines(folder.resolve("trials.jsonl"))) {
            JsonNode trial = json.readTree(line);
            for (JsonNode round : trial.get("rounds")) {
                if (round.get("phase").asText().equals("SEARCH")) {
                    double[] candidate = candidates.get(List.of(trial.get("trial").asInt(),
                            round.get("epoch").asInt()));
                    double expected = reference.distance(round.get("epoch").asInt(), candidate).getAsDouble();
                    assertEquals(expected, round.get("ls_distance").asDouble(), 1e-12 * expected, line);
                    checked++;
                }
            }
        }
        assertEquals(4 + 3, checked, "rounds of 4 and 3 candidates");
    }
}
