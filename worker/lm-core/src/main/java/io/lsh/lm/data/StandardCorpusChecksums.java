package io.lsh.lm.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The SHA-256 checksums of the standard word-level corpora (Mikolov's PTB files, WikiText-2 v1 tokens; the same
 * figures torchtext and the data's provenance notes use), and a check of a corpus directory against them.
 */
public final class StandardCorpusChecksums {

    /** Expected SHA-256 (lower-case hex) by file name. */
    public static final Map<String, String> SHA256 = Map.of(
            "ptb.train.txt", "fcea919f6cf83f35d4d00c6cbf08040d13d4155226340912e2fef9c9c4102cbf",
            "ptb.valid.txt", "c9fe6985fe0d4ccb578183407d7668fc6066c20700cb4cf87d8ff1cc34df1bf2",
            "ptb.test.txt", "dd65dff31e70846b2a6030a87482edcd5d199130cdcfa1f3dccbb033728deee0",
            "wiki.train.tokens", "9e9fa1ad55b1c2c95b08e37dd8e653f638fac2c6de904b79e813611eefbc985f",
            "wiki.valid.tokens", "f0737ed31fc1329026e95cb8b98e19c2a182c39c240ab909dc31abf2f8af58e8",
            "wiki.test.tokens", "d790b833ef8cf03a90db7bf1271b7520b83c45ce07ba3c1a9699df81e239eca0");

    /**
     * The result for one file.
     *
     * @param file     the file checked
     * @param expected the standard checksum
     * @param actual   the file's checksum, or empty when the file is missing
     */
    public record FileCheck(Path file, String expected, String actual) {
        /** True when the file exists and matches. */
        public boolean ok() {
            return expected.equals(actual);
        }
    }

    private StandardCorpusChecksums() {
    }

    /**
     * Checks the three files of the corpus layout found in {@code dir} against the standard checksums.
     *
     * @throws CorpusException when the directory is missing or holds no known layout
     */
    public static List<FileCheck> verify(Path dir) {
        CorpusReader.Layout layout = CorpusReader.detect(dir);
        List<FileCheck> checks = new ArrayList<>();
        for (String name : layout.files()) {
            Path file = dir.resolve(name);
            checks.add(new FileCheck(file, SHA256.get(name), Files.isRegularFile(file) ? sha256(file) : ""));
        }
        return checks;
    }

    /** The SHA-256 of a file as lower-case hex. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
