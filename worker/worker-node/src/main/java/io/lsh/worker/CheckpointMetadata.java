package io.lsh.worker;

import io.lsh.lm.checkpoint.CheckpointException;
import io.lsh.lm.model.ModelSpec;
import io.lsh.protocol.StudyRecipe;
import io.lsh.protocol.WorkerCommand.RunTrial;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a trial checkpoint records besides the weights and masks, so that the model can be rebuilt from the file
 * alone (e.g. by {@code lsh spectrum}): the trial, its epoch and seed, the model's architecture and the corpus it was
 * trained on.
 */
public final class CheckpointMetadata {

    private static final String EMBEDDING = "model.embedding_size";
    private static final String HIDDEN = "model.hidden_sizes";
    private static final String DROPOUT = "model.dropout";
    private static final String TIED = "model.tied";
    private static final String VOCABULARY = "model.vocabulary";
    private static final String CORPUS = "corpus.dir";
    private static final String MAX_VOCAB = "corpus.max_vocab";

    private CheckpointMetadata() {
    }

    /** The metadata of a trial's checkpoint at {@code work.toEpoch()}. */
    static Map<String, String> of(RunTrial work, ModelSpec spec) {
        StudyRecipe r = work.recipe();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("trial", String.valueOf(work.trialId()));
        m.put("epoch", String.valueOf(work.toEpoch()));
        m.put("seed", String.valueOf(work.seed()));
        m.put("pruning", work.pruning() == null ? "dense" : work.pruning().toString());
        m.put(EMBEDDING, String.valueOf(spec.embeddingSize()));
        m.put(HIDDEN, spec.hiddenSizes().toString().replaceAll("[\\[\\] ]", ""));
        m.put(DROPOUT, String.valueOf(spec.dropout()));
        m.put(TIED, String.valueOf(spec.tiedWeights()));
        m.put(VOCABULARY, String.valueOf(spec.vocabSize()));
        m.put(CORPUS, r.corpusDir());
        m.put(MAX_VOCAB, String.valueOf(r.maxVocab()));
        return m;
    }

    /** The architecture recorded in a checkpoint. */
    public static ModelSpec modelSpec(Path file, Map<String, String> metadata) {
        List<Integer> hidden = Arrays.stream(require(file, metadata, HIDDEN).split(","))
                .map(Integer::parseInt).toList();
        return new ModelSpec(Integer.parseInt(require(file, metadata, VOCABULARY)),
                Integer.parseInt(require(file, metadata, EMBEDDING)), hidden,
                Double.parseDouble(require(file, metadata, DROPOUT)),
                Boolean.parseBoolean(require(file, metadata, TIED)));
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
