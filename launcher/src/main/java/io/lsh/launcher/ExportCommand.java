package io.lsh.launcher;

import io.lsh.lm.export.ExportException;
import io.lsh.lm.export.NpyArray;
import io.lsh.lm.export.NpzWriter;
import io.lsh.lm.export.TorchExport;
import io.lsh.lm.spectrum.SpectrumInputs;
import io.lsh.lm.spectrum.SpectrumSettings;
import io.lsh.lm.spectrum.WarmupMode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lsh export}: a checkpointed model's weights with PyTorch names, and its spectrum window, as NumPy .npz. */
@Command(name = "export", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Writes a trial checkpoint's model as a NumPy .npz loadable into PyTorch's word_language_model "
                + "(nn.Embedding + nn.LSTM + nn.Linear) with load_state_dict(strict=True): encoder.weight, "
                + "rnn.weight_ih_l<l>, rnn.weight_hh_l<l>, rnn.bias_ih_l<l> (our single bias), rnn.bias_hh_l<l> "
                + "(zeros), decoder.weight, decoder.bias; plus 'window', the int64 [T, B] token window lsh spectrum "
                + "measures on (the first window of the validation stream). bench/check_export.py checks a file.")
final class ExportCommand implements Callable<Integer> {

    /** Supported output formats. */
    enum Format { npz }

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "A trial checkpoint "
            + "(.lshc), e.g. a study's selected-model.lshc.")
    Path checkpoint;

    @Option(names = "--format", paramLabel = "FORMAT", description = "Output format: ${COMPLETION-CANDIDATES} "
            + "(default ${DEFAULT-VALUE}).")
    Format format = Format.npz;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The .npz to write (replaced "
            + "atomically if it exists).")
    Path out;

    @Option(names = "--corpus", paramLabel = "DIR", description = "Corpus folder of the window (default: the one the "
            + "model was trained on, from the checkpoint).")
    Path corpus;

    @Option(names = "--steps", paramLabel = "T", description = "Spectrum steps, as lsh spectrum (default "
            + "${DEFAULT-VALUE}); the window has max(T, W) rows.")
    int steps = 35;

    @Option(names = "--warmup", paramLabel = "W", description = "Spectrum warm-up steps, as lsh spectrum (default "
            + "${DEFAULT-VALUE}).")
    int warmup = 10;

    @Option(names = "--batch", paramLabel = "B", description = "Sequences in the window, as lsh spectrum (default "
            + "${DEFAULT-VALUE}).")
    int batch = 2;

    @Option(names = "--no-window", description = "Write the weights only (no corpus needed).")
    boolean noWindow;

    @Option(names = "--reference", description = "Also write this model's logits ('reference.logits', [T-1, B, V]) "
            + "and mean loss ('reference.loss', nats per token) on the window, predicting row t+1 from rows <= t, "
            + "and its Lyapunov spectrum ('reference.spectrum', what lsh spectrum prints with the same options; "
            + "'reference.spectrum_settings' = [T, W, authors]), for bench/check_export.py.")
    boolean reference;

    @Option(names = "--authors", description = "With --reference: the spectrum with the authors' transposed LSTM "
            + "Jacobian, as lsh spectrum --authors.")
    boolean authors;

    @Override
    public Integer call() {
        if (noWindow && reference) {
            throw new UserInputException("--reference needs the window: drop --no-window");
        }
        if (authors && !reference) {
            throw new UserInputException("--authors applies to the reference spectrum: add --reference");
        }
        SpectrumSettings settings;
        try {
            settings = new SpectrumSettings(steps, warmup, batch, 0, 2.0, authors, WarmupMode.REPLAY_WINDOW, false);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
        CheckpointedModel saved = CheckpointedModel.load(checkpoint);
        Map<String, NpyArray> arrays = new LinkedHashMap<>(TorchExport.stateDict(saved.model()));
        long parameters = arrays.values().stream().mapToLong(NpyArray::elementCount).sum();
        String windowShape = "";
        if (!noWindow) {
            int[] valid = saved.corpus(corpus).valid();
            int[][] sequences;
            try {
                sequences = SpectrumInputs.firstWindows(valid, settings);
            } catch (IllegalArgumentException e) {
                throw new UserInputException("the validation text is too short for the window: " + e.getMessage());
            }
            NpyArray window = TorchExport.tokenWindow(sequences);
            arrays.put(TorchExport.WINDOW, window);
            windowShape = " and the token window " + Arrays.toString(window.shape());
            if (reference) {
                arrays.putAll(TorchExport.referenceOutputs(saved.model(), sequences));
                arrays.putAll(TorchExport.referenceSpectrum(saved.model(), sequences, settings));
            }
        }
        try {
            NpzWriter.write(out, arrays);
        } catch (ExportException e) {
            throw new UserInputException(e.getMessage());
        }
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println("Wrote " + format + " with " + saved.model().layerCount() + "-layer LSTM weights (" + parameters
                + " numbers)" + windowShape + (reference ? ", reference logits, loss and spectrum" : "") + " to " + out);
        stdout.flush();
        return LshMain.OK;
    }
}
