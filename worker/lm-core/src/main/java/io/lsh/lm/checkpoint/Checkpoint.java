package io.lsh.lm.checkpoint;

import io.lsh.lm.model.Parameter;
import io.lsh.lm.model.ParameterSet;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An immutable snapshot of named tensors, named boolean masks and string metadata, with a compact binary file format.
 *
 * <h2>File format (version 2, all numbers big-endian)</h2>
 * <pre>
 * header   8 bytes magic "LSHCKPT\0", int format version (2), long payload length in bytes
 * payload  int n; n x (string key, string value)                       metadata
 *          int n; n x (string name, byte dtype, int rank, rank x long   tensors; dtype 1 = FLOAT32, 2 = FLOAT64
 *                      dim, elements in 'c' order)                      (IEEE 754), 3 = INT32
 *          int n; n x (string name, long length, ceil(length/8) bytes)  masks; bit i of the mask = bit (i % 8) of
 *                                                                       byte i / 8 (LSB first)
 * trailer  int CRC32 of the payload bytes
 * string = int byte length + UTF-8 bytes
 * </pre>
 * Writing goes to a temporary file in the target directory which is forced to disk and then moved over the target
 * with {@code ATOMIC_MOVE}, so a reader sees either the old or the new checkpoint. Reading verifies the magic, the
 * version, the exact file length and the CRC before parsing; any failure is a {@link CheckpointException} naming
 * the file. Version 2 added INT32 tensors and the optimizer state of a training run (Adam moments, ASGD averages
 * and their start steps as tensors named {@code optimizer/...}, schedule and trigger state as {@code training.*}
 * metadata; see {@code io.lsh.lm.train.TrainingSession}); version-1 files (weights only, written before optimizer
 * state was saved) are rejected with a message saying so.
 *
 * @param metadata free-form run metadata (epoch, seed, configuration text, code version, ...), insertion-ordered
 * @param tensors  named tensors (copies, detached from any model), insertion-ordered
 * @param masks    named pruning masks (true = weight active, in the 'c' order of the tensor), insertion-ordered;
 *                 copied on construction, but the arrays handed out by {@code masks()} are the record's own: do not
 *                 modify them
 */
public record Checkpoint(Map<String, String> metadata, Map<String, INDArray> tensors, Map<String, boolean[]> masks) {

    /** Current format version. */
    public static final int FORMAT_VERSION = 2;

    private static final byte[] MAGIC = {'L', 'S', 'H', 'C', 'K', 'P', 'T', 0};
    private static final int HEADER_BYTES = MAGIC.length + Integer.BYTES + Long.BYTES;
    private static final int TRAILER_BYTES = Integer.BYTES;
    private static final byte DTYPE_FLOAT32 = 1;
    private static final byte DTYPE_FLOAT64 = 2;
    private static final byte DTYPE_INT32 = 3;
    private static final int MAX_RANK = 8;

    public Checkpoint {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(metadata, "metadata")));
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(tensors, "tensors")));
        Map<String, boolean[]> maskCopies = new LinkedHashMap<>();
        Objects.requireNonNull(masks, "masks").forEach((name, bits) -> maskCopies.put(name, bits.clone()));
        masks = Collections.unmodifiableMap(maskCopies);
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            DataType t = e.getValue().dataType();
            if (t != DataType.FLOAT && t != DataType.DOUBLE && t != DataType.INT) {
                throw new IllegalArgumentException("tensor " + e.getKey()
                        + ": only FLOAT, DOUBLE and INT (INT32) are supported, got " + t);
            }
        }
    }

    /**
     * Snapshot of every parameter's value (copied) under its name, with metadata and masks.
     *
     * @param parameters the model
     * @param metadata   run metadata
     * @param masks      pruning masks by name (may be empty)
     */
    public static Checkpoint capture(ParameterSet parameters, Map<String, String> metadata,
                                     Map<String, boolean[]> masks) {
        Map<String, INDArray> t = new LinkedHashMap<>();
        for (Parameter p : parameters.parameters()) {
            t.put(p.name(), p.value().dup('c'));
        }
        return new Checkpoint(metadata, t, masks);
    }

    /**
     * Snapshot of every parameter's value (copied) plus further tensors (e.g. optimizer state, whose names must not
     * collide with a parameter's) and their metadata.
     *
     * @throws IllegalArgumentException if an extra tensor or metadata key repeats a name
     */
    public static Checkpoint capture(ParameterSet parameters, Map<String, String> metadata,
                                     Map<String, boolean[]> masks, Map<String, String> extraMetadata,
                                     Map<String, INDArray> extraTensors) {
        Checkpoint base = capture(parameters, metadata, masks);
        Map<String, String> m = new LinkedHashMap<>(base.metadata());
        for (Map.Entry<String, String> e : extraMetadata.entrySet()) {
            if (m.putIfAbsent(e.getKey(), e.getValue()) != null) {
                throw new IllegalArgumentException("metadata key " + e.getKey() + " is given twice");
            }
        }
        Map<String, INDArray> t = new LinkedHashMap<>(base.tensors());
        for (Map.Entry<String, INDArray> e : extraTensors.entrySet()) {
            if (t.putIfAbsent(e.getKey(), e.getValue()) != null) {
                throw new IllegalArgumentException("tensor " + e.getKey() + " collides with a parameter's name");
            }
        }
        return new Checkpoint(m, t, masks);
    }

    /**
     * Copies the tensors into the parameters of the same name (converting FLOAT/DOUBLE if the model's type differs).
     * Every parameter must be present with exactly its shape; tensors without a parameter (e.g. optimizer state) are
     * ignored. Nothing is written unless every parameter fits.
     *
     * @throws CheckpointException naming the first missing or mis-shaped tensor
     */
    public void restoreInto(ParameterSet parameters) {
        for (Parameter p : parameters.parameters()) {
            INDArray t = tensors.get(p.name());
            if (t == null) {
                throw new CheckpointException("checkpoint has no tensor " + p.name() + " (it holds " + tensors.keySet()
                        + ")");
            }
            if (!Arrays.equals(t.shape(), p.value().shape())) {
                throw new CheckpointException("tensor " + p.name() + " has shape " + Arrays.toString(t.shape())
                        + " in the checkpoint but " + Arrays.toString(p.value().shape()) + " in the model");
            }
        }
        for (Parameter p : parameters.parameters()) {
            INDArray t = tensors.get(p.name());
            p.value().assign(t.dataType() == p.value().dataType() ? t : t.castTo(p.value().dataType()));
        }
    }

    /** A tensor by name. */
    public INDArray tensor(String name) {
        INDArray t = tensors.get(name);
        if (t == null) {
            throw new CheckpointException("checkpoint has no tensor " + name);
        }
        return t;
    }

    /** Writes this checkpoint to {@code file} atomically (see the class comment). */
    public void write(Path file) {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(ByteBuffer.allocate(HEADER_BYTES)); // placeholder, written last
                CRC32 crc = new CRC32();
                CountingOutputStream counter = new CountingOutputStream(new BufferedOutputStream(
                        Channels.newOutputStream(channel), 1 << 16));
                DataOutputStream out = new DataOutputStream(new CheckedOutputStream(counter, crc));
                writePayload(out);
                out.flush();
                long payloadLength = counter.count;
                ByteBuffer trailer = ByteBuffer.allocate(TRAILER_BYTES).putInt((int) crc.getValue()).flip();
                while (trailer.hasRemaining()) {
                    channel.write(trailer);
                }
                ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).put(MAGIC).putInt(FORMAT_VERSION)
                        .putLong(payloadLength).flip();
                channel.position(0);
                while (header.hasRemaining()) {
                    channel.write(header);
                }
                channel.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new CheckpointException("cannot write checkpoint " + target
                        + ": the file system does not support atomic moves");
            }
            tmp = null;
        } catch (IOException e) {
            throw new CheckpointException("cannot write checkpoint " + target + ": " + e, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is hidden and recognisable by its name
                }
            }
        }
    }

    private void writePayload(DataOutputStream out) throws IOException {
        out.writeInt(metadata.size());
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
        out.writeInt(tensors.size());
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            INDArray t = e.getValue();
            writeString(out, e.getKey());
            boolean isDouble = t.dataType() == DataType.DOUBLE;
            boolean isInt = t.dataType() == DataType.INT;
            out.writeByte(isInt ? DTYPE_INT32 : isDouble ? DTYPE_FLOAT64 : DTYPE_FLOAT32);
            long[] shape = t.shape();
            out.writeInt(shape.length);
            for (long d : shape) {
                out.writeLong(d);
            }
            INDArray c = t.isView() || t.ordering() != 'c' ? t.dup('c') : t;
            int n = (int) c.length();
            int chunk = 1 << 14;
            ByteBuffer bytes = ByteBuffer.allocate(chunk * Double.BYTES);
            if (isInt) {
                int[] data = c.data().asInt();
                for (int from = 0; from < n; from += chunk) {
                    int len = Math.min(chunk, n - from);
                    bytes.clear();
                    bytes.asIntBuffer().put(data, from, len);
                    out.write(bytes.array(), 0, len * Integer.BYTES);
                }
            } else if (isDouble) {
                double[] data = c.data().asDouble();
                for (int from = 0; from < n; from += chunk) {
                    int len = Math.min(chunk, n - from);
                    bytes.clear();
                    bytes.asDoubleBuffer().put(data, from, len);
                    out.write(bytes.array(), 0, len * Double.BYTES);
                }
            } else {
                float[] data = c.data().asFloat();
                for (int from = 0; from < n; from += chunk) {
                    int len = Math.min(chunk, n - from);
                    bytes.clear();
                    bytes.asFloatBuffer().put(data, from, len);
                    out.write(bytes.array(), 0, len * Float.BYTES);
                }
            }
        }
        out.writeInt(masks.size());
        for (Map.Entry<String, boolean[]> e : masks.entrySet()) {
            boolean[] bits = e.getValue();
            writeString(out, e.getKey());
            out.writeLong(bits.length);
            byte[] packed = new byte[(bits.length + 7) / 8];
            for (int i = 0; i < bits.length; i++) {
                if (bits[i]) {
                    packed[i >>> 3] |= (byte) (1 << (i & 7));
                }
            }
            out.write(packed);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    /**
     * Reads a checkpoint.
     *
     * @throws CheckpointException if the file is missing, unreadable, not a checkpoint, of another format version,
     *                             truncated or extended, or fails the CRC
     */
    public static Checkpoint read(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + e, e);
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            DataInputStream in = new DataInputStream(raw);
            if (size < HEADER_BYTES + TRAILER_BYTES) {
                throw new CheckpointException("not a checkpoint (only " + size + " bytes): " + file);
            }
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new CheckpointException("not a checkpoint (bad magic bytes): " + file);
            }
            int version = in.readInt();
            if (version == 1) {
                throw new CheckpointException("checkpoint format version 1 is not supported (expected "
                        + FORMAT_VERSION + "): " + file + " was written by an older LSH without optimizer state;"
                        + " retrain the trial");
            }
            if (version != FORMAT_VERSION) {
                throw new CheckpointException("checkpoint format version " + version + " is not supported (expected "
                        + FORMAT_VERSION + "): " + file);
            }
            long payloadLength = in.readLong();
            if (payloadLength < 0 || HEADER_BYTES + payloadLength + TRAILER_BYTES != size) {
                throw new CheckpointException("checkpoint is truncated or corrupt (header says " + payloadLength
                        + " payload bytes, file has " + size + " bytes in all): " + file);
            }
            // verify the CRC in a first pass, so that parsing only ever sees intact bytes
            CRC32 crc = new CRC32();
            byte[] buffer = new byte[1 << 16];
            long remaining = payloadLength;
            while (remaining > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                if (n < 0) {
                    throw new EOFException();
                }
                crc.update(buffer, 0, n);
                remaining -= n;
            }
            int stored = in.readInt();
            if (stored != (int) crc.getValue()) {
                throw new CheckpointException("checkpoint is corrupt (CRC mismatch): " + file);
            }
        } catch (EOFException e) {
            throw new CheckpointException("checkpoint is truncated: " + file, e);
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + e, e);
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            DataInputStream in = new DataInputStream(raw);
            in.skipNBytes(HEADER_BYTES);
            return readPayload(in, size - HEADER_BYTES - TRAILER_BYTES, file);
        } catch (EOFException e) {
            throw new CheckpointException("checkpoint is corrupt (payload ends early): " + file, e);
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + e, e);
        }
    }

    private static Checkpoint readPayload(DataInputStream in, long payloadLength, Path file) throws IOException {
        Budget budget = new Budget(payloadLength, file);
        Map<String, String> metadata = new LinkedHashMap<>();
        int n = budget.count(in.readInt(), 8);
        for (int i = 0; i < n; i++) {
            metadata.put(readString(in, budget), readString(in, budget));
        }
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        n = budget.count(in.readInt(), 9);
        for (int i = 0; i < n; i++) {
            String name = readString(in, budget);
            byte dtype = in.readByte();
            int rank = in.readInt();
            budget.take(5);
            if (dtype != DTYPE_FLOAT32 && dtype != DTYPE_FLOAT64 && dtype != DTYPE_INT32 || rank < 0
                    || rank > MAX_RANK) {
                throw new CheckpointException("checkpoint is corrupt (tensor " + name + ": dtype " + dtype + ", rank "
                        + rank + "): " + file);
            }
            long[] shape = new long[rank];
            long length = 1;
            for (int d = 0; d < rank; d++) {
                shape[d] = in.readLong();
                budget.take(8);
                if (shape[d] < 0 || shape[d] > Integer.MAX_VALUE) {
                    throw new CheckpointException("checkpoint is corrupt (tensor " + name + " dimension " + shape[d]
                            + "): " + file);
                }
                length *= shape[d];
                if (length > Integer.MAX_VALUE) {
                    throw new CheckpointException("checkpoint tensor " + name + " is too large: " + file);
                }
            }
            int elementBytes = dtype == DTYPE_FLOAT64 ? Double.BYTES : Float.BYTES; // INT32: 4 bytes too
            budget.take(length * elementBytes);
            byte[] bytes = new byte[(int) length * elementBytes];
            in.readFully(bytes);
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            INDArray t;
            if (dtype == DTYPE_INT32) {
                int[] data = new int[(int) length];
                buf.asIntBuffer().get(data);
                t = Nd4j.createFromArray(data).reshape('c', shape);
            } else if (dtype == DTYPE_FLOAT64) {
                double[] data = new double[(int) length];
                buf.asDoubleBuffer().get(data);
                t = Nd4j.create(data, shape, 'c');
            } else {
                float[] data = new float[(int) length];
                buf.asFloatBuffer().get(data);
                t = Nd4j.create(data, shape, 'c');
            }
            tensors.put(name, t);
        }
        Map<String, boolean[]> masks = new LinkedHashMap<>();
        n = budget.count(in.readInt(), 12);
        for (int i = 0; i < n; i++) {
            String name = readString(in, budget);
            long length = in.readLong();
            budget.take(8);
            if (length < 0 || length > Integer.MAX_VALUE) {
                throw new CheckpointException("checkpoint is corrupt (mask " + name + " length " + length + "): "
                        + file);
            }
            int packedLength = (int) ((length + 7) / 8);
            budget.take(packedLength);
            byte[] packed = new byte[packedLength];
            in.readFully(packed);
            boolean[] bits = new boolean[(int) length];
            for (int k = 0; k < bits.length; k++) {
                bits[k] = (packed[k >>> 3] & (1 << (k & 7))) != 0;
            }
            masks.put(name, bits);
        }
        if (budget.remaining != 0) {
            throw new CheckpointException("checkpoint is corrupt (" + budget.remaining
                    + " unexplained payload bytes): " + file);
        }
        return new Checkpoint(metadata, tensors, masks);
    }

    private static String readString(DataInputStream in, Budget budget) throws IOException {
        int length = in.readInt();
        budget.take(4);
        if (length < 0) {
            throw budget.corrupt("negative string length");
        }
        budget.take(length);
        byte[] b = new byte[length];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Tracks the payload bytes left so that no length field can make the reader allocate past the file. */
    private static final class Budget {
        private long remaining;
        private final Path file;

        Budget(long remaining, Path file) {
            this.remaining = remaining;
            this.file = file;
        }

        void take(long bytes) {
            if (bytes < 0 || bytes > remaining) {
                throw corrupt("a length field points past the end of the payload");
            }
            remaining -= bytes;
        }

        int count(int value, int minBytesEach) {
            take(4);
            if (value < 0 || (long) value * minBytesEach > remaining) {
                throw corrupt("implausible entry count " + value);
            }
            return value;
        }

        CheckpointException corrupt(String why) {
            return new CheckpointException("checkpoint is corrupt (" + why + "): " + file);
        }
    }

    /** Counts the bytes written through it. */
    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
