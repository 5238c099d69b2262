package io.lsh.lm.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes the NumPy {@code .npy} format, version 1.0 (numpy/lib/format.py): the magic {@code \x93NUMPY}, bytes 1 and
 * 0, a little-endian uint16 header length, an ASCII header {@code {'descr': '<f4', 'fortran_order': False,
 * 'shape': (2, 3), }} padded with spaces and ended by a newline so that the data starts at a multiple of 64 bytes,
 * then the elements in C order. Byte for byte what {@code numpy.save} writes for the same array.
 */
public final class NpyWriter {

    /** The six magic bytes every .npy file starts with. */
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** The data offset is a multiple of this (numpy >= 1.14 aligns to 64). */
    static final int ALIGNMENT = 64;
    private static final int PREAMBLE_BYTES = MAGIC.length + 2 + 2;

    private NpyWriter() {
    }

    /** The complete header (magic, version, length, padded dict) of an array of this type and shape. */
    public static byte[] header(NpyDtype dtype, long[] shape) {
        StringBuilder dict = new StringBuilder("{'descr': '").append(dtype.descr())
                .append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            dict.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        dict.append(shape.length == 1 ? ",), }" : "), }");
        int unpadded = PREAMBLE_BYTES + dict.length() + 1;
        int total = (unpadded + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        int dictBytes = total - PREAMBLE_BYTES;
        if (dictBytes > 0xFFFF) {
            throw new IllegalArgumentException("shape too long for a version 1.0 header: " + shape.length + " dims");
        }
        dict.append(" ".repeat(dictBytes - dict.length() - 1)).append('\n');
        byte[] out = new byte[total];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        out[6] = 1;
        out[7] = 0;
        out[8] = (byte) (dictBytes & 0xFF);
        out[9] = (byte) (dictBytes >>> 8);
        byte[] ascii = dict.toString().getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(ascii, 0, out, PREAMBLE_BYTES, ascii.length);
        return out;
    }

    /** Number of bytes {@link #write} produces for the array. */
    public static long size(NpyArray array) {
        return header(array.dtype(), array.shape()).length + array.elementCount() * array.dtype().bytes();
    }

    /** Writes the array as a .npy stream (header and data; the stream is not closed). */
    public static void write(NpyArray array, OutputStream out) throws IOException {
        out.write(header(array.dtype(), array.shape()));
        out.write(array.rawData());
    }
}
