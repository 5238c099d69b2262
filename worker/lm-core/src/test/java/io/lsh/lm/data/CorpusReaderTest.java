package io.lsh.lm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusReaderTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private int[] ids(Vocabulary v, String... words) {
        int[] out = new int[words.length];
        for (int i = 0; i < words.length; i++) {
            out[i] = v.id(words[i]);
        }
        return out;
    }

    @Test
    void readsPtbLayoutWithEosPerLine() throws IOException {
        write("ptb.train.txt", " the cat sat \n a dog \n");
        write("ptb.valid.txt", " the dog \n");
        write("ptb.test.txt", " a cat ran"); // no final newline: the last line still gets <eos>
        Corpus c = CorpusReader.read(dir, 0);
        Vocabulary v = c.vocabulary();
        assertEquals(List.of("the", "cat", "sat", "<eos>", "a", "dog", "ran"), v.words());
        assertArrayEquals(ids(v, "the", "cat", "sat", "<eos>", "a", "dog", "<eos>"), c.train());
        assertArrayEquals(ids(v, "the", "dog", "<eos>"), c.valid());
        assertArrayEquals(ids(v, "a", "cat", "ran", "<eos>"), c.test());
        assertEquals(dir.getFileName().toString(), c.name());
        assertEquals(CorpusReader.Layout.PTB, CorpusReader.detect(dir));
    }

    @Test
    void readsWikiTextLayoutWithBlankLinesUnicodeAndCrLf() throws IOException {
        write("wiki.train.tokens", " \n = Title = \n \n Tōkyō – city @-@ state \r\n");
        write("wiki.valid.tokens", " city\u00a0state \n");
        write("wiki.test.tokens", " = Title = \n");
        Corpus c = CorpusReader.read(dir, 0);
        Vocabulary v = c.vocabulary();
        // whitespace-only lines yield a lone <eos>, like Python's "line.split() + ['<eos>']"
        assertArrayEquals(ids(v, "<eos>", "=", "Title", "=", "<eos>", "<eos>", "Tōkyō", "–", "city", "@-@", "state",
                "<eos>"), c.train());
        assertArrayEquals(ids(v, "city", "state", "<eos>"), c.valid()); // no-break space splits like str.split()
        assertEquals(CorpusReader.Layout.WIKITEXT, CorpusReader.detect(dir));
    }

    @Test
    void maxVocabMapsRareWordsToUnk() throws IOException {
        write("ptb.train.txt", "a a a b b c\n");
        write("ptb.valid.txt", "d a\n");
        write("ptb.test.txt", "b e\n");
        Corpus c = CorpusReader.read(dir, 4);
        Vocabulary v = c.vocabulary();
        // counts a 4, b 3, <eos> 3, c 1, d 1, e 1: keep a, b, <eos> and <unk>
        assertEquals(List.of("a", "b", "<eos>", "<unk>"), v.words());
        assertArrayEquals(ids(v, "a", "a", "a", "b", "b", "<unk>", "<eos>"), c.train());
        assertArrayEquals(ids(v, "<unk>", "a", "<eos>"), c.valid());
        assertArrayEquals(ids(v, "b", "<unk>", "<eos>"), c.test());
    }

    @Test
    void missingDirectory() {
        Path missing = dir.resolve("nope");
        CorpusException e = assertThrows(CorpusException.class, () -> CorpusReader.read(missing, 0));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void unknownLayout() throws IOException {
        write("train.txt", "a b\n");
        CorpusException e = assertThrows(CorpusException.class, () -> CorpusReader.read(dir, 0));
        assertTrue(e.getMessage().contains("no known corpus layout") && e.getMessage().contains(dir.toString()),
                e.getMessage());
    }

    @Test
    void missingSplitFile() throws IOException {
        write("wiki.train.tokens", "a b\n");
        write("wiki.valid.tokens", "a b\n");
        CorpusException e = assertThrows(CorpusException.class, () -> CorpusReader.read(dir, 0));
        assertTrue(e.getMessage().contains(dir.resolve("wiki.test.tokens").toString()), e.getMessage());
    }

    @Test
    void emptyOrWhitespaceOnlyFile() throws IOException {
        write("ptb.train.txt", "a b\n");
        write("ptb.valid.txt", "");
        write("ptb.test.txt", "a\n");
        CorpusException e = assertThrows(CorpusException.class, () -> CorpusReader.read(dir, 0));
        assertTrue(e.getMessage().contains(dir.resolve("ptb.valid.txt").toString()), e.getMessage());
        write("ptb.valid.txt", " \n\n \n");
        e = assertThrows(CorpusException.class, () -> CorpusReader.read(dir, 0));
        assertTrue(e.getMessage().contains("no words"), e.getMessage());
    }

    @Test
    void invalidUtf8NamesFileByteAndLine() throws IOException {
        write("ptb.train.txt", "a b\n");
        write("ptb.valid.txt", "a\n");
        Files.write(dir.resolve("ptb.test.txt"), new byte[] {'o', 'k', '\n', 'x', 'y', (byte) 0xC3, '(', '\n'});
        CorpusException e = assertThrows(CorpusException.class, () -> CorpusReader.read(dir, 0));
        String m = e.getMessage();
        assertTrue(m.contains(dir.resolve("ptb.test.txt").toString()) && m.contains("byte 5") && m.contains("line 2"),
                m);
        assertFalse(m.contains("\n"));
    }

    /** The real corpora of /work/shared/data (method.md section 2): published token counts and vocabulary sizes. */
    @Test
    void realCorporaHavePublishedCounts() {
        Path shared = Paths.get(System.getProperty("lsh.shared.dir", "../../../shared"));
        Path ptb = shared.resolve("data/ptb");
        Path wiki = shared.resolve("data/wikitext-2");
        Assumptions.assumeTrue(Files.isDirectory(ptb) && Files.isDirectory(wiki),
                "real corpora not found under " + shared.toAbsolutePath() + " (set -Dlsh.shared.dir); skipping");
        Corpus p = CorpusReader.read(ptb, 0);
        assertEquals(929_589, p.train().length);
        assertEquals(73_760, p.valid().length);
        assertEquals(82_430, p.test().length);
        assertEquals(10_000, p.vocabulary().size());
        Corpus w = CorpusReader.read(wiki, 0);
        assertEquals(2_088_628, w.train().length);
        assertEquals(217_646, w.valid().length);
        assertEquals(245_569, w.test().length);
        assertEquals(33_278, w.vocabulary().size());
    }
}
