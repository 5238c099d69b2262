package io.lsh.launcher;

import io.lsh.lm.checkpoint.Checkpoint;
import io.lsh.lm.data.Corpus;
import io.lsh.lm.data.CorpusReader;
import io.lsh.lm.model.LstmLanguageModel;
import io.lsh.lm.model.LstmLayerWeights;
import io.lsh.lm.model.ModelSpec;
import io.lsh.lm.spectrum.LyapunovSpectrum;
import io.lsh.lm.spectrum.Spectrum;
import io.lsh.lm.spectrum.SpectrumInputs;
import io.lsh.lm.spectrum.SpectrumSettings;
import io.lsh.lm.spectrum.WarmupMode;
import io.lsh.worker.CheckpointMetadata;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lsh spectrum}: the Lyapunov spectrum of a checkpointed model on its validation text. */
@Command(name = "spectrum", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Computes the Lyapunov spectrum of a trial checkpoint (method.md section 4: QR iteration over "
                + "the stacked hidden state, the first window of the validation stream, eval mode) and prints one "
                + "exponent per line (QR order), or writes them as CSV with --out.")
final class SpectrumCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "A trial checkpoint "
            + "(.lshc), e.g. a study's selected-model.lshc.")
    Path checkpoint;

    @Option(names = "--corpus", paramLabel = "DIR", description = "Corpus folder (default: the one the model was "
            + "trained on, from the checkpoint).")
    Path corpus;

    @Option(names = "--steps", paramLabel = "T", description = "Measured steps (default ${DEFAULT-VALUE}).")
    int steps = 35;

    @Option(names = "--warmup", paramLabel = "W", description = "Warm-up steps (default ${DEFAULT-VALUE}).")
    int warmup = 10;

    @Option(names = "--batch", paramLabel = "B", description = "Sequences averaged over (default ${DEFAULT-VALUE}).")
    int batch = 2;

    @Option(names = "--exponents", paramLabel = "K", description = "Exponents, 0 = all (default ${DEFAULT-VALUE}).")
    int exponents;

    @Option(names = "--log-base", paramLabel = "BASE", description = "Logarithm base (default ${DEFAULT-VALUE}).")
    double logBase = 2.0;

    @Option(names = "--authors", description = "Reproduce the authors' code: multiply by the transposed LSTM "
            + "Jacobian.")
    boolean authors;

    @Option(names = "--out", paramLabel = "FILE", description = "Write index,exponent as CSV instead of printing.")
    Path out;

    @Override
    public Integer call() throws Exception {
        SpectrumSettings settings;
        try {
            settings = new SpectrumSettings(steps, warmup, batch, exponents, logBase, authors,
                    WarmupMode.REPLAY_WINDOW, false);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
        if (!java.nio.file.Files.isRegularFile(checkpoint)) {
            throw new UserInputException("checkpoint " + checkpoint + " does not exist");
        }
        Checkpoint saved = Checkpoint.read(checkpoint);
        ModelSpec modelSpec = CheckpointMetadata.modelSpec(checkpoint, saved.metadata());
        Path corpusDir = corpus != null ? corpus : CheckpointMetadata.corpusDir(checkpoint, saved.metadata());
        Corpus text = CorpusReader.read(corpusDir, CheckpointMetadata.maxVocab(checkpoint, saved.metadata()));
        if (text.vocabulary().size() != modelSpec.vocabSize()) {
            throw new UserInputException(corpusDir + " has a vocabulary of " + text.vocabulary().size()
                    + " words, the model in " + checkpoint + " was trained with " + modelSpec.vocabSize());
        }
        LstmLanguageModel model = new LstmLanguageModel(modelSpec, 0L);
        saved.restoreInto(model);
        List<LstmLayerWeights> layers = IntStream.range(0, model.layerCount()).mapToObj(model::layer).toList();
        Spectrum spectrum = LyapunovSpectrum.ofLstm(model.embedding(), layers,
                SpectrumInputs.firstWindows(text.valid(), settings), settings);
        StringBuilder lines = new StringBuilder(out == null ? "" : "index,exponent\n");
        double[] e = spectrum.exponents();
        for (int i = 0; i < e.length; i++) {
            lines.append(out == null ? String.valueOf(e[i]) : (i + 1) + "," + e[i]).append('\n');
        }
        PrintWriter stdout = spec.commandLine().getOut();
        if (out == null) {
            stdout.print(lines);
        } else {
            io.lsh.coordinator.StudyFolder.writeAtomically(out, lines.toString());
            stdout.printf(Locale.ROOT, "%d exponents (max %.6g, sum %.6g) in %.2f s written to %s%n", e.length,
                    spectrum.max(), spectrum.sum(), spectrum.seconds(), out);
        }
        stdout.flush();
        return LshMain.OK;
    }
}
