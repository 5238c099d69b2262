package io.lsh.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import io.lsh.config.SettingsException;
import io.lsh.config.StudySettings;
import io.lsh.config.StudySettingsLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reuse of a dense reference trained by an earlier study ({@code lsh.study.reference-from}, method.md section 6:
 * "trained once, its spectrum per epoch cached and reused"): the earlier study must have trained the same dense model
 * (same seed, corpus, model, training and spectrum settings, with the same B at each epoch up to this study's last
 * search epoch), and its reference must have reached this study's last
 * search epoch ({@link StudyPlan#referenceSearchEpochs()}: the final epoch with {@code lsh.distance.reference =
 * final}; the {@code lsh.distance} keys themselves need not match). The coordinator copies its per-epoch metrics and
 * spectra into this study's journal and its last checkpoint into this study's folder, as if its own reference had
 * produced them.
 *
 * @param from           the earlier study's folder
 * @param epochs         the reference's epoch_reported events by epoch (the last report of each epoch)
 * @param lastCompleted  the reference's last run_completed event
 * @param lastCheckpoint the checkpoint file of that run
 */
public record ReferenceAdoption(Path from, TreeMap<Integer, JsonNode> epochs, JsonNode lastCompleted, Path lastCheckpoint) {

    private static final String KEY = "lsh.study.reference-from";

    /** @return the epochs the adopted reference reached */
    int epoch() {
        return lastCompleted.path("epoch").asInt();
    }

    /**
     * Checks and reads the reference a study's settings point at.
     *
     * @return empty when the study trains its own reference
     * @throws SettingsException naming {@code lsh.study.reference-from} and what does not fit
     */
    public static Optional<ReferenceAdoption> of(StudyPlan plan) {
        Optional<Path> configured = plan.settings().study().referenceFrom();
        if (configured.isEmpty()) {
            return Optional.empty();
        }
        Path from = configured.get().toAbsolutePath().normalize();
        Path conf = from.resolve("study.conf");
        Path journal = from.resolve("journal.jsonl");
        if (!Files.isRegularFile(conf) || !Files.isRegularFile(journal)) {
            throw new SettingsException(KEY + " = " + from + " is not a study folder (no study.conf or journal.jsonl)");
        }
        StudySettings other;
        try {
            other = StudySettingsLoader.load(Optional.of(conf), Map.of());
        } catch (SettingsException e) {
            throw new SettingsException(KEY + " = " + from + ": its study.conf does not load (" + e.getMessage() + ")");
        }
        StudySettings mine = plan.settings();
        mismatch(other.study().seed() != mine.study().seed(), from, "lsh.study.seed");
        mismatch(!other.corpus().dir().toAbsolutePath().normalize().equals(mine.corpus().dir().toAbsolutePath()
                .normalize()) || other.corpus().maxVocab() != mine.corpus().maxVocab(), from, "lsh.corpus");
        mismatch(!other.model().equals(mine.model()), from, "lsh.model");
        mismatch(!other.training().equals(mine.training()), from, "lsh.training");
        // B may differ in how it is written (batch, later-batch, first-round-epochs): checked per epoch below
        mismatch(!withoutBatch(other.spectrum()).equals(withoutBatch(mine.spectrum())), from, "lsh.spectrum");
        List<JsonNode> events;
        try {
            events = StudyJournal.read(journal);
        } catch (StudyResumeException e) {
            throw new SettingsException(KEY + " = " + from + ": " + e.getMessage());
        }
        TreeMap<Integer, JsonNode> epochs = new TreeMap<>();
        JsonNode last = null;
        for (JsonNode e : events) {
            if (e.path("trial").asInt(-1) != StudyPlan.REFERENCE_TRIAL) {
                continue;
            }
            String event = e.path("event").asText();
            if (event.equals("epoch_reported") && e.has("spectrum")) {
                epochs.put(e.path("epoch").asInt(), e);
            } else if (event.equals("run_completed")
                    && (last == null || e.path("epoch").asInt() > last.path("epoch").asInt())) {
                last = e;
            }
        }
        // the last search epoch, or the final epoch with lsh.distance.reference = final; the lsh.distance keys do not
        // change the reference's spectra, so they need not match
        int needed = plan.referenceSearchEpochs();
        if (last == null || last.path("epoch").asInt() < needed) {
            throw new SettingsException(KEY + " = " + from + ": its reference reached epoch "
                    + (last == null ? 0 : last.path("epoch").asInt()) + ", this study needs it at epoch " + needed);
        }
        // the distance compares spectra at the same epoch: the reference's must have used this study's B at each
        for (int epoch = 1; epoch <= needed; epoch++) {
            int theirs = other.spectrum().batchAt(epoch, other.search().firstRoundEpochs());
            int ours = mine.spectrum().batchAt(epoch, mine.search().firstRoundEpochs());
            if (theirs != ours) {
                throw new SettingsException(KEY + " = " + from + " measured its reference spectrum at epoch " + epoch
                        + " with B = " + theirs + " sequences, this study with B = " + ours
                        + " (lsh.spectrum.batch, lsh.spectrum.later-batch, lsh.search.first-round-epochs)");
            }
        }
        int reached = last.path("epoch").asInt();
        for (int epoch = 1; epoch <= reached; epoch++) {
            if (!epochs.containsKey(epoch)) {
                throw new SettingsException(KEY + " = " + from + ": its journal has no reference spectrum at epoch "
                        + epoch + " (written by an older LSH?)");
            }
        }
        epochs.tailMap(reached, false).clear();
        Path checkpoint = Path.of(last.path("checkpoint").asText());
        if (!Files.isRegularFile(checkpoint)) {
            throw new SettingsException(KEY + " = " + from + ": the reference's checkpoint " + checkpoint
                    + " is missing");
        }
        return Optional.of(new ReferenceAdoption(from, epochs, last, checkpoint));
    }

    /** The spectrum settings but B (batch and later-batch), which {@link #of} compares epoch by epoch. */
    private static StudySettings.Spectrum withoutBatch(StudySettings.Spectrum s) {
        return new StudySettings.Spectrum(s.steps(), s.warmup(), 1, s.exponents(), s.logBase(), s.jacobianTransposed(),
                s.warmupMode(), 0);
    }

    private static void mismatch(boolean differs, Path from, String group) {
        if (differs) {
            throw new SettingsException(KEY + " = " + from + " trained its reference with other " + group
                    + " settings; reuse needs the same dense model");
        }
    }
}
