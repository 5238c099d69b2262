package io.lsh.launcher;

import io.lsh.lm.data.Corpus;
import io.lsh.lm.spectrum.Spectrum;
import io.lsh.lm.spectrum.SpectrumInputs;
import io.lsh.lm.spectrum.SpectrumSettings;
import io.lsh.lm.spectrum.WarmupMode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
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

    @Option(names = "--warmup-mode", paramLabel = "MODE", description = "replay-window (the authors': warm up on the "
            + "window's first W tokens, then measure the same window) or preceding-tokens (warm up on W tokens, "
            + "measure the next T) (default ${DEFAULT-VALUE}).")
    String warmupMode = "replay-window";

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
        io.lsh.lm.spectrum.OpenBlasSelfCheck.require();
        SpectrumSettings settings;
        try {
            settings = new SpectrumSettings(steps, warmup, batch, exponents, logBase, authors,
                    WarmupMode.fromName(warmupMode), false);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
        CheckpointedModel saved = CheckpointedModel.load(checkpoint);
        Corpus text = saved.corpus(corpus);
        Spectrum spectrum = saved.architecture().spectrum(saved.model(),
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
