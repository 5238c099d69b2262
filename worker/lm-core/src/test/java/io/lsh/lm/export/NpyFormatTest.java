package io.lsh.lm.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/** The .npy / .npz writer and reader: numpy's exact bytes, lossless round trips, one-line errors. */
class NpyFormatTest {

    @TempDir
    Path dir;

    /** What numpy 1.24 {@code np.save} writes for {@code np.arange(6, dtype='<f4').reshape(2, 3)}: header + data. */
    private static byte[] numpyArange6Float32() {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0x76, 0});
        b.writeBytes((dict + " ".repeat(0x76 - dict.length() - 1) + "\n").getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(HexFormat.of().parseHex(
                "00000000" + "0000803f" + "00000040" + "00004040" + "00008040" + "0000a040"));
        return b.toByteArray();
    }

    @Test
    void aSmallFloat32ArrayIsByteForByteWhatNumpyWrites() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NpyWriter.write(NpyArray.ofFloats(new float[] {0, 1, 2, 3, 4, 5}, 2, 3), out);
        byte[] expected = numpyArange6Float32();
        assertEquals(152, expected.length);
        assertArrayEquals(expected, out.toByteArray());
    }

    @Test
    void headersOfScalarsAndVectorsFollowNumpysTupleSyntax() {
        // numpy: shape () for a 0-d array, (2,) with the trailing comma for a vector; 128 bytes each, data aligned to 64
        String scalar = header(NpyDtype.FLOAT64);
        String vector = header(NpyDtype.INT64, 2);
        assertTrue(scalar.startsWith("{'descr': '<f8', 'fortran_order': False, 'shape': (), }  "), scalar);
        assertTrue(vector.startsWith("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }  "), vector);
        for (long[] shape : List.of(new long[0], new long[] {7}, new long[] {33278, 1500},
                new long[] {1, 2, 3, 4, 5, 6, 7, 8})) {
            byte[] h = NpyWriter.header(NpyDtype.FLOAT32, shape);
            assertEquals(0, h.length % 64, "data starts at a multiple of 64");
            assertEquals(h.length - 10, (h[8] & 0xFF) | (h[9] & 0xFF) << 8, "header length field");
            assertEquals('\n', h[h.length - 1]);
        }
    }

    private static String header(NpyDtype dtype, long... shape) {
        byte[] h = NpyWriter.header(dtype, shape);
        assertEquals(128, h.length);
        return new String(h, 10, h.length - 10, StandardCharsets.US_ASCII);
    }

    @Test
    void npyRoundTripKeepsTypeShapeAndBits() throws IOException {
        NpyArray[] arrays = {
            NpyArray.ofFloats(new float[] {Float.NaN, -0.0f, Float.MIN_VALUE, Float.NEGATIVE_INFINITY, 1e38f, -3.25f},
                    3, 2),
            NpyArray.ofDoubles(new double[] {Math.PI}),
            NpyArray.ofLongs(new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}, 4),
            NpyArray.ofDoubles(new double[0], 0, 5),
        };
        for (NpyArray a : arrays) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            NpyWriter.write(a, out);
            assertEquals(NpyWriter.size(a), out.size());
            NpyArray back = NpyReader.read(new ByteArrayInputStream(out.toByteArray()), "test");
            assertEquals(a, back, a.toString());
        }
        float[] f = arrays[0].floats();
        assertTrue(Float.isNaN(f[0]));
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(f[1]));
        assertArrayEquals(new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}, arrays[2].longs());
    }

    @Test
    void ndArraysAreExportedInCOrderWhateverTheirLayout() {
        double[] values = {1, 2, 3, 4, 5, 6};
        NpyArray fromC = NpyArray.of(Nd4j.create(values, new long[] {2, 3}, 'c'));
        NpyArray fromF = NpyArray.of(Nd4j.create(values, new long[] {2, 3}, 'c').dup('f'));
        NpyArray transposed = NpyArray.of(Nd4j.create(values, new long[] {3, 2}, 'c').transpose());
        assertEquals(fromC, fromF);
        assertArrayEquals(new long[] {2, 3}, transposed.shape());
        assertArrayEquals(new double[] {1, 3, 5, 2, 4, 6}, transposed.doubles());
        assertEquals(NpyDtype.FLOAT32, NpyArray.of(Nd4j.create(new float[] {1f}, new long[] {1}, 'c')).dtype());
    }

    @Test
    void npzRoundTripKeepsNamesOrderAndArraysAndLeavesNoTemporaryFile() throws IOException {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("encoder.weight", NpyArray.ofFloats(new float[] {1.5f, -2f, 3f, 0f, 5f, 6f}, 3, 2));
        arrays.put("rnn.bias_hh_l0", NpyArray.ofFloats(new float[8], 8));
        arrays.put("window", NpyArray.ofLongs(new long[] {4, 9, 2, 7, 1, 0}, 3, 2));
        arrays.put("reference.loss", NpyArray.ofDoubles(new double[] {6.25}));
        Path file = dir.resolve("sub/model.npz");
        NpzWriter.write(file, arrays);
        Map<String, NpyArray> back = NpzReader.read(file);
        assertEquals(List.copyOf(arrays.keySet()), List.copyOf(back.keySet()));
        assertEquals(arrays, back);
        byte[] first = Files.readAllBytes(file);
        NpzWriter.write(file, arrays);
        assertArrayEquals(first, Files.readAllBytes(file), "same arrays, same bytes");
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void corruptOrForeignFilesGiveOneLineErrorsNamingTheFile() throws IOException {
        Path missing = dir.resolve("missing.npz");
        assertMessage(assertThrows(ExportException.class, () -> NpzReader.read(missing)), missing.toString());
        Path text = Files.writeString(dir.resolve("text.npz"), "not a zip");
        assertMessage(assertThrows(ExportException.class, () -> NpzReader.read(text)), text.toString());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NpyWriter.write(NpyArray.ofDoubles(new double[] {1, 2, 3}, 3), out);
        byte[] truncated = java.util.Arrays.copyOf(out.toByteArray(), out.size() - 1);
        assertMessage(assertThrows(ExportException.class,
                () -> NpyReader.read(new ByteArrayInputStream(truncated), "t.npy")), "truncated");
        byte[] bigEndian = out.toByteArray();
        bigEndian[21] = '>';
        assertEquals("'>f8'", new String(bigEndian, 20, 5, StandardCharsets.US_ASCII));
        assertMessage(assertThrows(ExportException.class,
                () -> NpyReader.read(new ByteArrayInputStream(bigEndian), "b.npy")), ">f8");
        byte[] noMagic = out.toByteArray();
        noMagic[1] = 'X';
        assertMessage(assertThrows(ExportException.class,
                () -> NpyReader.read(new ByteArrayInputStream(noMagic), "m.npy")), "m.npy");
    }

    private static void assertMessage(ExportException e, String expected) {
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
