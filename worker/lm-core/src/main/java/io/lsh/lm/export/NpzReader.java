package io.lsh.lm.export;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/** Reads a {@code .npz} archive ({@code numpy.savez} or {@link NpzWriter}): every {@code <name>.npy} entry. */
public final class NpzReader {

    private NpzReader() {
    }

    /**
     * The arrays of an archive by name (entry name without {@code .npy}), in archive order.
     *
     * @throws ExportException naming the file if it is missing, not a zip, or holds a malformed or unsupported array
     */
    public static Map<String, NpyArray> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ExportException("no such file: " + file);
        }
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                if (entry.isDirectory() || !name.endsWith(".npy")) {
                    throw new ExportException("not a .npz file (entry " + name + " is not a .npy): " + file);
                }
                try (InputStream in = new BufferedInputStream(zip.getInputStream(entry), 1 << 16)) {
                    arrays.put(name.substring(0, name.length() - ".npy".length()),
                            NpyReader.read(in, file + "!" + name));
                }
            }
        } catch (ZipException e) {
            throw new ExportException("not a .npz file (" + e.getMessage() + "): " + file, e);
        } catch (NoSuchFileException e) {
            throw new ExportException("no such file: " + file, e);
        } catch (IOException e) {
            throw new ExportException("cannot read " + file + ": " + e, e);
        }
        return arrays;
    }
}
