package io.lsh.lm.export;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code .npy} files {@link NpyWriter} and {@code numpy.save} write: versions 1.0 and 2.0, dtypes
 * {@code <f4}, {@code <f8}, {@code <i8}, C order. Anything else is an {@link ExportException} naming the source.
 */
public final class NpyReader {

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyReader() {
    }

    /**
     * Reads one array from the stream (exactly its bytes; the stream is not closed).
     *
     * @param source names the file or entry in error messages
     */
    public static NpyArray read(InputStream in, String source) throws IOException {
        DataInputStream data = new DataInputStream(in);
        try {
            byte[] magic = new byte[NpyWriter.MAGIC.length];
            data.readFully(magic);
            if (!Arrays.equals(magic, NpyWriter.MAGIC)) {
                throw new ExportException("not a .npy file (bad magic bytes): " + source);
            }
            int major = data.readUnsignedByte();
            data.readUnsignedByte();
            long headerLength;
            if (major == 1) {
                headerLength = data.readUnsignedByte() | (long) data.readUnsignedByte() << 8;
            } else if (major == 2) {
                headerLength = data.readUnsignedByte() | (long) data.readUnsignedByte() << 8
                        | (long) data.readUnsignedByte() << 16 | (long) data.readUnsignedByte() << 24;
            } else {
                throw new ExportException(".npy format version " + major + " is not supported: " + source);
            }
            if (headerLength > 1 << 20) {
                throw new ExportException(".npy header of " + headerLength + " bytes is implausible: " + source);
            }
            byte[] headerBytes = new byte[(int) headerLength];
            data.readFully(headerBytes);
            String header = new String(headerBytes, StandardCharsets.ISO_8859_1);
            NpyDtype dtype = NpyDtype.ofDescr(find(DESCR, header, "descr", source));
            if (!"False".equals(find(FORTRAN, header, "fortran_order", source))) {
                throw new ExportException("Fortran-order .npy arrays are not supported: " + source);
            }
            long[] shape = parseShape(find(SHAPE, header, "shape", source), source);
            long bytes = NpyArray.elementCount(shape) * dtype.bytes();
            if (bytes > Integer.MAX_VALUE - 8) {
                throw new ExportException(".npy array of " + bytes + " bytes is too large: " + source);
            }
            byte[] values = new byte[(int) bytes];
            data.readFully(values);
            return NpyArray.wrap(dtype, shape, values);
        } catch (EOFException e) {
            throw new ExportException(".npy file is truncated: " + source, e);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ExportException(".npy header is malformed (" + e.getMessage() + "): " + source, e);
        }
    }

    private static String find(Pattern pattern, String header, String key, String source) {
        Matcher m = pattern.matcher(header);
        if (!m.find()) {
            throw new ExportException(".npy header has no valid '" + key + "': " + source);
        }
        return m.group(1);
    }

    private static long[] parseShape(String tuple, String source) {
        List<Long> dims = new ArrayList<>();
        for (String part : tuple.split(",")) {
            String d = part.trim();
            if (!d.isEmpty()) {
                try {
                    dims.add(Long.parseLong(d.endsWith("L") ? d.substring(0, d.length() - 1) : d));
                } catch (NumberFormatException e) {
                    throw new ExportException(".npy header has a bad shape (" + tuple + "): " + source);
                }
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }
}
