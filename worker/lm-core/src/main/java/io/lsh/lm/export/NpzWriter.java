package io.lsh.lm.export;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a NumPy {@code .npz} archive the way {@code numpy.savez} does: a zip file with one uncompressed (STORED)
 * entry {@code <name>.npy} per array, in the map's order, readable by {@code numpy.load}. Entry times are fixed
 * (1980-01-01), so the same arrays give the same bytes.
 *
 * <p>The archive is written to a temporary file next to the target, forced to disk and moved over the target with
 * {@code ATOMIC_MOVE}: a reader sees the old file or the complete new one, never a partial one, and a failed write
 * leaves no file behind.
 */
public final class NpzWriter {

    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    private NpzWriter() {
    }

    /**
     * Writes the arrays to {@code file} atomically.
     *
     * @param arrays arrays by name (the entry is {@code name + ".npy"}); names must be non-empty
     * @throws ExportException naming the file if it cannot be written
     */
    public static void write(Path file, Map<String, NpyArray> arrays) {
        Path target = file.toAbsolutePath();
        Path tmp = null;
        try {
            Path dir = target.getParent();
            Files.createDirectories(dir);
            tmp = newHiddenFile(dir, target.getFileName() + ".tmp");
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream raw = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                ZipOutputStream zip = new ZipOutputStream(raw);
                for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
                    writeEntry(zip, e.getKey(), e.getValue());
                }
                zip.finish();
                zip.flush();
                channel.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new ExportException("cannot write " + target + ": the file system does not support atomic moves");
            }
            tmp = null;
        } catch (IOException e) {
            throw new ExportException("cannot write " + target + ": " + describe(e), e);
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

    /**
     * Creates a new empty file {@code .NAME.<random>} in {@code dir} with the default permissions (umask), unlike
     * {@code Files.createTempFile}, which makes it readable by the owner only: the exported file is meant to be
     * shared.
     */
    public static Path newHiddenFile(Path dir, String name) throws IOException {
        java.util.SplittableRandom random = new java.util.SplittableRandom();
        for (int attempt = 0; ; attempt++) {
            Path candidate = dir.resolve("." + name + "." + Long.toUnsignedString(random.nextLong(), 36));
            try {
                Files.newByteChannel(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return candidate;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    /** An I/O failure in words, without the exception's class name. */
    static String describe(IOException e) {
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return e.getMessage() + " exists and is not a folder";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied on " + e.getMessage();
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or folder " + e.getMessage();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static void writeEntry(ZipOutputStream zip, String name, NpyArray array) throws IOException {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("array names must be non-empty");
        }
        byte[] header = NpyWriter.header(array.dtype(), array.shape());
        byte[] data = array.rawData();
        CRC32 crc = new CRC32();
        crc.update(header);
        crc.update(data);
        ZipEntry entry = new ZipEntry(name + ".npy");
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(header.length + (long) data.length);
        entry.setCompressedSize(header.length + (long) data.length);
        entry.setCrc(crc.getValue());
        entry.setTimeLocal(ENTRY_TIME);
        zip.putNextEntry(entry);
        zip.write(header);
        zip.write(data);
        zip.closeEntry();
    }
}
