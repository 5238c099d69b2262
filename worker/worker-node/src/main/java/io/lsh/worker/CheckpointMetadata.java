package io.lsh.worker;

import io.lsh.lm.checkpoint.CheckpointException;
import io.lsh.lm.architecture.Architecture;
import io.lsh.protocol.StudyRecipe;
import io.lsh.protocol.WorkerCommand.RunTrial;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a trial checkpoint records besides the weights and masks, so that the model can be rebuilt from the file
 * alone (e.g. by {@code lsh spectrum}): the trial, its epoch and seed, the model's architecture and the corpus it was
 * trained on.
 */
public final class CheckpointMetadata {

    private static final String CORPUS = "corpus.dir";
    private static final String MAX_VOCAB = "corpus.max_vocab";

    private CheckpointMetadata() {
    }

    /** The metadata of a trial's checkpoint at {@code work.toEpoch()}. */
    static Map<String, String> of(RunTrial work, Architecture architecture) {
        StudyRecipe r = work.recipe();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("trial", String.valueOf(work.trialId()));
        m.put("epoch", String.valueOf(work.toEpoch()));
        m.put("seed", String.valueOf(work.seed()));
        m.put("pruning", work.pruning() == null ? "dense" : work.pruning().toString());
        m.putAll(architecture.metadata());
        m.put(CORPUS, r.corpusDir());
        m.put(MAX_VOCAB, String.valueOf(r.maxVocab()));
        return m;
    }

    /**
     * The architecture recorded in a checkpoint.
     *
     * @throws CheckpointException naming the file when the metadata does not describe a model
     */
    public static Architecture architecture(Path file, Map<String, String> metadata) {
        try {
            return Architecture.fromMetadata(metadata);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file + ": not a trial checkpoint (" + e.getMessage() + ")");
        }
    }

    /** The corpus directory the checkpoint's model was trained on. */
    public static Path corpusDir(Path file, Map<String, String> metadata) {
        return Path.of(require(file, metadata, CORPUS));
    }

    /** The vocabulary cap the corpus was read with. */
    public static int maxVocab(Path file, Map<String, String> metadata) {
        return Integer.parseInt(require(file, metadata, MAX_VOCAB));
    }

    private static String require(Path file, Map<String, String> metadata, String key) {
        String value = metadata.get(key);
        if (value == null) {
            throw new CheckpointException(file + ": not a trial checkpoint (no " + key + " in its metadata)");
        }
        return value;
    }
}
