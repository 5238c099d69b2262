package io.lsh.launcher;

import io.lsh.lm.checkpoint.Checkpoint;
import io.lsh.lm.data.Corpus;
import io.lsh.lm.data.CorpusReader;
import io.lsh.lm.model.LstmLanguageModel;
import io.lsh.lm.model.ModelSpec;
import io.lsh.worker.CheckpointMetadata;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A trial checkpoint's model rebuilt from the file alone (architecture and corpus from {@link CheckpointMetadata}),
 * for the commands that read one ({@code lsh export}; {@code lsh spectrum} does the same inline).
 *
 * @param file       the checkpoint file
 * @param checkpoint its contents
 * @param model      the restored FLOAT model
 */
record CheckpointedModel(Path file, Checkpoint checkpoint, LstmLanguageModel model) {

    /**
     * Reads the checkpoint and restores its model.
     *
     * @throws UserInputException if the file does not exist
     * @throws io.lsh.lm.checkpoint.CheckpointException if it is corrupt, not a trial checkpoint or does not fit
     */
    static CheckpointedModel load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserInputException("checkpoint " + file + " does not exist");
        }
        Checkpoint saved = Checkpoint.read(file);
        ModelSpec modelSpec = CheckpointMetadata.modelSpec(file, saved.metadata());
        LstmLanguageModel model = new LstmLanguageModel(modelSpec, 0L);
        saved.restoreInto(model);
        return new CheckpointedModel(file, saved, model);
    }

    /**
     * The corpus the model was trained on (or the one in {@code override}), read with the checkpoint's vocabulary
     * cap.
     *
     * @throws UserInputException if its vocabulary is not the model's
     */
    Corpus corpus(Path override) {
        Path dir = override != null ? override : CheckpointMetadata.corpusDir(file, checkpoint.metadata());
        Corpus text = CorpusReader.read(dir, CheckpointMetadata.maxVocab(file, checkpoint.metadata()));
        int modelVocabulary = model.spec().vocabSize();
        if (text.vocabulary().size() != modelVocabulary) {
            throw new UserInputException(dir + " has a vocabulary of " + text.vocabulary().size()
                    + " words, the model in " + file + " was trained with " + modelVocabulary);
        }
        return text;
    }
}
