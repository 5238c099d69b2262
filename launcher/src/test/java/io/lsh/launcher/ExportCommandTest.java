package io.lsh.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.checkpoint.Checkpoint;
import io.lsh.lm.data.Corpus;
import io.lsh.lm.data.CorpusReader;
import io.lsh.lm.export.NpyArray;
import io.lsh.lm.export.NpyDtype;
import io.lsh.lm.export.NpzReader;
import io.lsh.lm.export.TorchExport;
import io.lsh.lm.model.LstmLanguageModel;
import io.lsh.lm.model.ModelSpec;
import io.lsh.lm.spectrum.SpectrumInputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `lsh export`: a checkpoint on the built-in corpus to .npz, its contents, and bad input. */
class ExportCommandTest {

    private static final int MAX_VOCAB = 500;

    @TempDir
    Path dir;

    /** A checkpoint as a study writes it (the metadata keys of io.lsh.worker.CheckpointMetadata), of a 2x8 LSTM. */
    private Path checkpoint(LstmLanguageModel model) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("trial", "3");
        meta.put("epoch", "1");
        meta.put("model.embedding_size", String.valueOf(model.spec().embeddingSize()));
        meta.put("model.hidden_sizes", "8,8");
        meta.put("model.dropout", "0.2");
        meta.put("model.tied", "false");
        meta.put("model.vocabulary", String.valueOf(model.spec().vocabSize()));
        meta.put("corpus.dir", RepoPaths.builtInCorpus().toString());
        meta.put("corpus.max_vocab", String.valueOf(MAX_VOCAB));
        Path file = dir.resolve("trial-3.lshc");
        Checkpoint.capture(model, meta, Map.of()).write(file);
        return file;
    }

    private static Corpus corpus() {
        return CorpusReader.read(RepoPaths.builtInCorpus(), MAX_VOCAB);
    }

    private static LstmLanguageModel model(Corpus corpus) {
        return new LstmLanguageModel(new ModelSpec(corpus.vocabulary().size(), 6, List.of(8, 8), 0.2, false), 17L);
    }

    @Test
    void exportsTheStateDictTheSpectrumWindowAndTheReferenceOutputs() {
        Corpus corpus = corpus();
        LstmLanguageModel model = model(corpus);
        Path file = checkpoint(model);
        Path out = dir.resolve("export/model.npz");
        LshCommandLineTest.Result r = LshCommandLineTest.run("export", "--checkpoint", file.toString(), "--out",
                out.toString(), "--batch", "3", "--steps", "12", "--reference");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("token window [12, 3]") && r.out().contains(out.toString()), r.out());

        Map<String, NpyArray> arrays = NpzReader.read(out);
        Map<String, NpyArray> expectedWeights = TorchExport.stateDict(model);
        List<String> names = List.copyOf(arrays.keySet());
        assertEquals(List.copyOf(expectedWeights.keySet()), names.subList(0, expectedWeights.size()));
        assertEquals(List.of("window", "reference.logits", "reference.loss", "reference.spectrum",
                "reference.spectrum_settings"),
                names.subList(expectedWeights.size(), names.size()));
        expectedWeights.forEach((name, a) -> assertEquals(a, arrays.get(name), name + ": bitwise the checkpoint's"));

        int[][] sequences = SpectrumInputs.firstWindows(corpus.valid(), 3, 12);
        NpyArray window = arrays.get("window");
        assertEquals(NpyDtype.INT64, window.dtype());
        assertArrayEquals(new long[] {12, 3}, window.shape());
        assertEquals(TorchExport.tokenWindow(sequences), window, "the window lsh spectrum measures on");
        assertEquals(sequences[2][11], window.longs()[11 * 3 + 2]);

        NpyArray logits = arrays.get("reference.logits");
        assertArrayEquals(new long[] {11, 3, model.spec().vocabSize()}, logits.shape());
        double loss = arrays.get("reference.loss").doubles()[0];
        double expected = model.loss(TorchExport.nextTokenWindow(sequences), model.initialState(3));
        assertEquals(expected, loss, 0.0);
        assertTrue(loss > 0.5 * Math.log(model.spec().vocabSize()), "an untrained model is near uniform: " + loss);

        LshCommandLineTest.Result spectrum = LshCommandLineTest.run("spectrum", "--checkpoint", file.toString(),
                "--batch", "3", "--steps", "12");
        assertEquals(0, spectrum.code(), spectrum.err());
        double[] printed = spectrum.out().lines().mapToDouble(Double::parseDouble).toArray();
        assertEquals(16, printed.length);
        assertArrayEquals(printed, arrays.get("reference.spectrum").doubles(), 0.0,
                "bitwise what lsh spectrum prints for the same window");
        assertArrayEquals(new long[] {12, 10, 0}, arrays.get("reference.spectrum_settings").longs());
    }

    @Test
    void weightsOnlyNeedNoCorpus() {
        Path file = checkpoint(model(corpus()));
        Path out = dir.resolve("weights.npz");
        LshCommandLineTest.Result r = LshCommandLineTest.run("export", "--checkpoint", file.toString(), "--format",
                "npz", "--out", out.toString(), "--no-window", "--corpus", dir.resolve("no-corpus").toString());
        assertEquals(0, r.code(), r.err());
        assertFalse(NpzReader.read(out).containsKey("window"));
    }

    @Test
    void badInputIsOneLineAndWritesNothing() throws IOException {
        Path out = dir.resolve("out.npz");
        Path missing = dir.resolve("none.lshc");
        assertFails(out, missing.toString(), "export", "--checkpoint", missing.toString(), "--out", out.toString());
        Path corrupt = Files.writeString(dir.resolve("corrupt.lshc"), "not a checkpoint");
        assertFails(out, corrupt.toString(), "export", "--checkpoint", corrupt.toString(), "--out", out.toString());
        Path file = checkpoint(model(corpus()));
        Path truncated = dir.resolve("truncated.lshc");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertFails(out, truncated.toString(), "export", "--checkpoint", truncated.toString(), "--out",
                out.toString());
        assertFails(out, "csv", "export", "--checkpoint", file.toString(), "--out", out.toString(), "--format", "csv");
        assertFails(out, "steps", "export", "--checkpoint", file.toString(), "--out", out.toString(), "--steps", "0");
        assertFails(out, "--out", "export", "--checkpoint", file.toString());
        assertFails(out, "--reference", "export", "--checkpoint", file.toString(), "--out", out.toString(),
                "--authors");
        assertFails(out, "too short", "export", "--checkpoint", file.toString(), "--out", out.toString(),
                "--steps", "100000");
        Path blocked = Files.writeString(dir.resolve("a-file"), "x").resolve("out.npz");
        assertFails(out, blocked.toString(), "export", "--checkpoint", file.toString(), "--out", blocked.toString());
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(".npz")), "no file, no temporary");
        }
    }

    private static void assertFails(Path out, String expected, String... args) {
        LshCommandLineTest.Result r = LshCommandLineTest.run(args);
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertFalse(Files.exists(out), "nothing written for bad input");
    }

    /** bench/check_export.py loads the file into torch.nn modules with strict=True and reproduces logits and loss. */
    @Test
    @Tag("slow")
    void pytorchReproducesTheExportedModel() throws Exception {
        Assumptions.assumeTrue(pythonHasTorch(), "skipped: /usr/bin/python3 cannot import torch (bench/ensure_torch.sh)");
        Path file = checkpoint(model(corpus()));
        Path out = dir.resolve("model.npz");
        assertEquals(0, LshCommandLineTest.run("export", "--checkpoint", file.toString(), "--out", out.toString(),
                "--reference").code());
        Process p = new ProcessBuilder("/usr/bin/python3", RepoPaths.root().resolve("bench/check_export.py").toString(),
                out.toString(), "--tolerance", "1e-5").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("strict=True) ok") && output.contains("OK"), output);
    }

    private static boolean pythonHasTorch() {
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch, numpy").redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
