package io.lsh.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `lsh data verify DIR` on the real corpora (when ../shared/data is there) and on altered copies. */
class DataVerifyTest {

    @TempDir
    Path dir;

    private static Path sharedData() {
        Path shared = Path.of(System.getProperty("lsh.shared.dir", RepoPaths.root().resolve("../shared").toString()))
                .resolve("data");
        Assumptions.assumeTrue(Files.isDirectory(shared.resolve("ptb")),
                "skipped: the real corpora are not in " + shared);
        return shared;
    }

    @Test
    void theStandardFilesVerify() {
        Path data = sharedData();
        for (String corpus : new String[] {"ptb", "wikitext-2"}) {
            LshCommandLineTest.Result r = LshCommandLineTest.run("data", "verify", data.resolve(corpus).toString());
            assertEquals(0, r.code(), r.out() + r.err());
            assertEquals(3, r.out().lines().filter(l -> l.startsWith("ok ")).count(), r.out());
        }
    }

    @Test
    void anAlteredOrMissingFileFails() throws Exception {
        Path wiki = sharedData().resolve("wikitext-2");
        Files.copy(wiki.resolve("wiki.train.tokens"), dir.resolve("wiki.train.tokens"));
        Files.writeString(dir.resolve("wiki.valid.tokens"), Files.readString(wiki.resolve("wiki.valid.tokens")) + " ");
        LshCommandLineTest.Result r = LshCommandLineTest.run("data", "verify", dir.toString());
        assertEquals(1, r.code());
        assertTrue(r.out().contains("ok       " + dir.resolve("wiki.train.tokens")), r.out());
        assertTrue(r.out().contains("MISMATCH " + dir.resolve("wiki.valid.tokens")), r.out());
        assertTrue(r.out().contains("missing  " + dir.resolve("wiki.test.tokens")), r.out());
    }

    @Test
    void aFolderWithoutACorpusIsAUsageError() {
        LshCommandLineTest.Result r = LshCommandLineTest.run("data", "verify", dir.resolve("nothing").toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }
}
