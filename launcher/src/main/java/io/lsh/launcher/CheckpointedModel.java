package io.lsh.launcher;

import io.lsh.lm.checkpoint.Checkpoint;
import io.lsh.lm.data.Corpus;
import io.lsh.lm.data.CorpusReader;
import io.lsh.lm.architecture.Architecture;
import io.lsh.lm.model.LanguageModel;
import io.lsh.lm.model.LstmLanguageModel;
import io.lsh.worker.CheckpointMetadata;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A trial checkpoint's model rebuilt from the file alone (architecture and corpus from {@link CheckpointMetadata}),
 * for the commands that read one ({@code lsh spectrum}, {@code lsh export}).
 *
 * @param file         the checkpoint file
 * @param checkpoint   its contents
 * @param architecture the model's architecture, from the checkpoint's metadata
 * @param model        the restored FLOAT model
 */
record CheckpointedModel(Path file, Checkpoint checkpoint, Architecture architecture, LanguageModel model) {

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
        Architecture architecture = CheckpointMetadata.architecture(file, saved.metadata());
        LanguageModel model = architecture.create(0L);
        saved.restoreInto(model);
        return new CheckpointedModel(file, saved, architecture, model);
    }

    /**
     * @return the model as a stacked LSTM
     * @throws UserInputException naming the file when it holds another architecture
     */
    LstmLanguageModel lstm(String purpose) {
        if (model instanceof LstmLanguageModel lstm) {
            return lstm;
        }
        throw new UserInputException(purpose + " needs a stacked LSTM; " + file + " holds a "
                + architecture.type() + " model");
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
        int modelVocabulary = architecture.vocabSize();
        if (text.vocabulary().size() != modelVocabulary) {
            throw new UserInputException(dir + " has a vocabulary of " + text.vocabulary().size()
                    + " words, the model in " + file + " was trained with " + modelVocabulary);
        }
        return text;
    }
}
