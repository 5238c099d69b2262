package io.lsh.lm.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.model.LstmLanguageModel;
import io.lsh.lm.model.ModelSpec;
import io.lsh.lm.model.Parameter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class CheckpointTest {

    @TempDir
    Path dir;

    private static final ModelSpec SPEC = new ModelSpec(13, 6, List.of(5, 4), 0.1, false);

    private Checkpoint sample() {
        LstmLanguageModel model = new LstmLanguageModel(SPEC, 3L);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("epoch", "3");
        meta.put("seed", "3");
        meta.put("config", "lsh {\n  model = \"2x1500\" # ünïcödé\n}\n".repeat(500)); // > 64 KB of UTF-8
        boolean[] mask = new boolean[13 * 6];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = i % 3 != 0;
        }
        Map<String, boolean[]> masks = new LinkedHashMap<>();
        masks.put("encoder.weight", mask);
        masks.put("empty", new boolean[0]);
        masks.put("odd", new boolean[] {true, false, true, true, false, false, true, true, true});
        Checkpoint fromModel = Checkpoint.capture(model, meta, masks);
        Map<String, INDArray> tensors = new LinkedHashMap<>(fromModel.tensors());
        tensors.put("asgd.double", Nd4j.create(new double[] {Math.PI, -0.0, Double.MIN_VALUE, 1e300}, new long[] {2, 2},
                'c'));
        tensors.put("special.float", Nd4j.create(new float[] {Float.NaN, Float.NEGATIVE_INFINITY, 1e-45f},
                new long[] {3}, 'c'));
        tensors.put("optimizer/asgd.start/x", Nd4j.createFromArray(-1, 0, Integer.MAX_VALUE, Integer.MIN_VALUE, 7, 8)
                .reshape('c', 2, 3));
        return new Checkpoint(meta, tensors, masks);
    }

    @Test
    void roundTripIsBitwiseExact() {
        Checkpoint original = sample();
        Path file = dir.resolve("trial-7.ckpt");
        original.write(file);
        Checkpoint read = Checkpoint.read(file);

        assertEquals(original.metadata(), read.metadata());
        assertEquals(List.copyOf(original.metadata().keySet()), List.copyOf(read.metadata().keySet()));
        assertEquals(List.copyOf(original.tensors().keySet()), List.copyOf(read.tensors().keySet()));
        for (String name : original.tensors().keySet()) {
            INDArray a = original.tensors().get(name);
            INDArray b = read.tensors().get(name);
            assertEquals(a.dataType(), b.dataType(), name);
            assertArrayEquals(a.shape(), b.shape(), name);
            if (a.dataType() == DataType.INT) {
                assertArrayEquals(a.data().asInt(), b.data().asInt(), name);
            } else if (a.dataType() == DataType.DOUBLE) {
                double[] x = a.data().asDouble();
                double[] y = b.data().asDouble();
                for (int i = 0; i < x.length; i++) {
                    assertEquals(Double.doubleToRawLongBits(x[i]), Double.doubleToRawLongBits(y[i]), name + "[" + i + "]");
                }
            } else {
                float[] x = a.data().asFloat();
                float[] y = b.data().asFloat();
                for (int i = 0; i < x.length; i++) {
                    assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]), name + "[" + i + "]");
                }
            }
        }
        assertEquals(List.copyOf(original.masks().keySet()), List.copyOf(read.masks().keySet()));
        for (String name : original.masks().keySet()) {
            assertArrayEquals(original.masks().get(name), read.masks().get(name), name);
        }
    }

    @Test
    void captureWithOptimizerStateRejectsNameCollisions() {
        LstmLanguageModel model = new LstmLanguageModel(SPEC, 3L);
        Checkpoint c = Checkpoint.capture(model, Map.of("epoch", "1"), Map.of(), Map.of("training.optimizer", "adam"),
                Map.of("optimizer/adam.m/encoder.weight", Nd4j.ones(DataType.FLOAT, 13, 6)));
        assertEquals("adam", c.metadata().get("training.optimizer"));
        assertEquals(13 * 6, c.tensor("optimizer/adam.m/encoder.weight").sumNumber().intValue());
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.capture(model, Map.of(), Map.of(), Map.of(),
                Map.of("encoder.weight", Nd4j.ones(DataType.FLOAT, 13, 6))));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.capture(model, Map.of("epoch", "1"), Map.of(),
                Map.of("epoch", "2"), Map.of()));
    }

    @Test
    void writeIsAtomicAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("model.ckpt");
        sample().write(file);
        Checkpoint second = new Checkpoint(Map.of("epoch", "4"), Map.of(), Map.of());
        second.write(file); // replaces the existing file
        assertEquals("4", Checkpoint.read(file).metadata().get("epoch"));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void restoreIntoLoadsValuesByName() {
        LstmLanguageModel source = new LstmLanguageModel(SPEC, 1L);
        LstmLanguageModel target = new LstmLanguageModel(SPEC, 2L);
        Path file = dir.resolve("m.ckpt");
        Checkpoint.capture(source, Map.of(), Map.of()).write(file);
        Checkpoint.read(file).restoreInto(target);
        for (int k = 0; k < source.parameters().size(); k++) {
            Parameter a = source.parameters().get(k);
            Parameter b = target.parameters().get(k);
            assertEquals(a.value(), b.value(), a.name());
        }
        // FLOAT checkpoint into a DOUBLE model converts
        LstmLanguageModel doubleModel = new LstmLanguageModel(SPEC, 5L, DataType.DOUBLE);
        Checkpoint.read(file).restoreInto(doubleModel);
        assertEquals(source.embedding().getFloat(3, 2), doubleModel.embedding().getDouble(3, 2), 0.0);
    }

    @Test
    void restoreRefusesShapeMismatchAndMissingTensorsWithoutPartialWrites() {
        LstmLanguageModel source = new LstmLanguageModel(SPEC, 1L);
        Checkpoint checkpoint = Checkpoint.capture(source, Map.of(), Map.of());
        LstmLanguageModel wider = new LstmLanguageModel(new ModelSpec(13, 6, List.of(7, 4), 0.1, false), 2L);
        INDArray before = wider.embedding().dup();
        CheckpointException e = assertThrows(CheckpointException.class, () -> checkpoint.restoreInto(wider));
        assertTrue(e.getMessage().contains("rnn.weight_ih_l0") && e.getMessage().contains("[6, 20]")
                && e.getMessage().contains("[6, 28]"), e.getMessage());
        assertEquals(before, wider.embedding(), "nothing may be written when a tensor does not fit");

        LstmLanguageModel tied = new LstmLanguageModel(new ModelSpec(13, 4, List.of(5, 4), 0.1, true), 2L);
        Checkpoint fromTied = Checkpoint.capture(tied, Map.of(), Map.of());
        LstmLanguageModel untied = new LstmLanguageModel(new ModelSpec(13, 4, List.of(5, 4), 0.1, false), 2L);
        e = assertThrows(CheckpointException.class, () -> fromTied.restoreInto(untied));
        assertTrue(e.getMessage().contains("decoder.weight"), e.getMessage());
    }

    @Test
    void corruptionIsDetected() throws IOException {
        Path file = dir.resolve("c.ckpt");
        sample().write(file);
        long size = Files.size(file);
        for (long position : new long[] {25, size / 2, size - 5}) {
            Path copy = dir.resolve("c-" + position + ".ckpt");
            Files.copy(file, copy);
            try (RandomAccessFile raf = new RandomAccessFile(copy.toFile(), "rw")) {
                raf.seek(position);
                int b = raf.read();
                raf.seek(position);
                raf.write(b ^ 0x10);
            }
            CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.read(copy));
            assertTrue(e.getMessage().contains(copy.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }

    @Test
    void truncationIsDetected() throws IOException {
        Path file = dir.resolve("t.ckpt");
        sample().write(file);
        byte[] bytes = Files.readAllBytes(file);
        for (int keep : new int[] {0, 7, 19, bytes.length / 3, bytes.length - 1}) {
            Path cut = dir.resolve("t-" + keep + ".ckpt");
            Files.write(cut, java.util.Arrays.copyOf(bytes, keep));
            CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.read(cut));
            assertTrue(e.getMessage().contains(cut.toString()), e.getMessage());
        }
        Path longer = dir.resolve("t-longer.ckpt");
        Files.write(longer, java.util.Arrays.copyOf(bytes, bytes.length + 3));
        assertThrows(CheckpointException.class, () -> Checkpoint.read(longer));
    }

    @Test
    void wrongVersionMagicAndMissingFileAreReported() throws IOException {
        Path file = dir.resolve("v.ckpt");
        sample().write(file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[11] = 3; // version int at offset 8..11
        Path v3 = dir.resolve("v3.ckpt");
        Files.write(v3, bytes);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.read(v3));
        assertTrue(e.getMessage().contains("version 3") && e.getMessage().contains("expected 2")
                && e.getMessage().contains(v3.toString()), e.getMessage());

        bytes[11] = 1; // a file of the format before optimizer state
        Path v1 = dir.resolve("v1.ckpt");
        Files.write(v1, bytes);
        e = assertThrows(CheckpointException.class, () -> Checkpoint.read(v1));
        assertTrue(e.getMessage().contains("version 1") && e.getMessage().contains("without optimizer state")
                && e.getMessage().contains(v1.toString()), e.getMessage());

        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "this is not a checkpoint at all, just text");
        e = assertThrows(CheckpointException.class, () -> Checkpoint.read(text));
        assertTrue(e.getMessage().contains("magic") && e.getMessage().contains(text.toString()), e.getMessage());

        Path missing = dir.resolve("missing.ckpt");
        e = assertThrows(CheckpointException.class, () -> Checkpoint.read(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }
}
