package io.lsh.lm.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a word-level corpus directory in one of the two layouts of method.md section 2:
 * <ul>
 *   <li>PTB (Mikolov's preprocessing): {@code ptb.train.txt}, {@code ptb.valid.txt}, {@code ptb.test.txt};</li>
 *   <li>WikiText-2: {@code wiki.train.tokens}, {@code wiki.valid.tokens}, {@code wiki.test.tokens}.</li>
 * </ul>
 * Every file is decoded as strict UTF-8; each line ({@code \n}, {@code \r\n} or {@code \r} terminated; a last line
 * without terminator counts) is split on Unicode whitespace like Python's {@code str.split()}, and {@code <eos>} is
 * appended to every line, whitespace-only lines included (PyTorch {@code word_language_model}; this reproduces
 * the published counts: PTB 929,589 / 73,760 / 82,430 tokens and 10,000 words, WikiText-2 2,088,628 / 217,646 /
 * 245,569 tokens and 33,278 words). The vocabulary is built over train, valid and test in that order, see
 * {@link Vocabulary#build(java.util.List, int)}.
 */
public final class CorpusReader {

    /** A known directory layout: the three split file names. */
    public enum Layout {
        PTB("ptb.train.txt", "ptb.valid.txt", "ptb.test.txt"),
        WIKITEXT("wiki.train.tokens", "wiki.valid.tokens", "wiki.test.tokens");

        private final List<String> files;

        Layout(String train, String valid, String test) {
            this.files = List.of(train, valid, test);
        }

        /** File names of train, valid, test. */
        public List<String> files() {
            return files;
        }
    }

    private CorpusReader() {
    }

    /**
     * Reads the corpus in {@code dir}.
     *
     * @param dir      a directory holding the three split files of a known layout
     * @param maxVocab 0 for the full vocabulary, else the vocabulary size (rare words become {@code <unk>})
     * @throws CorpusException if the directory is missing, of no known layout, a split file is missing or holds no
     *                         words, a file is not valid UTF-8, or cannot be read
     */
    public static Corpus read(Path dir, int maxVocab) {
        if (maxVocab < 0 || maxVocab == 1) {
            throw new IllegalArgumentException("maxVocab must be 0 (unlimited) or at least 2, got " + maxVocab);
        }
        Layout layout = detect(dir);
        Vocabulary.FirstOccurrenceIndex index = new Vocabulary.FirstOccurrenceIndex();
        int[][] splits = new int[3][];
        for (int s = 0; s < 3; s++) {
            Path file = dir.resolve(layout.files().get(s));
            if (!Files.isRegularFile(file)) {
                throw new CorpusException("corpus split file missing: " + file + " (" + layout + " layout)");
            }
            splits[s] = tokenize(file, index);
        }
        Vocabulary.Limited limited = index.limit(maxVocab);
        int[] map = limited.idMap();
        for (int[] split : splits) {
            for (int i = 0; i < split.length; i++) {
                split[i] = map[split[i]];
            }
        }
        Path fileName = dir.toAbsolutePath().normalize().getFileName();
        String name = fileName == null ? dir.toString() : fileName.toString();
        return new Corpus(name, limited.vocabulary(), splits[0], splits[1], splits[2]);
    }

    /**
     * The layout of {@code dir}: the one whose train file exists (PTB first).
     *
     * @throws CorpusException if the directory is missing or holds no known train file
     */
    public static Layout detect(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CorpusException("corpus directory does not exist: " + dir);
        }
        for (Layout layout : Layout.values()) {
            if (Files.exists(dir.resolve(layout.files().get(0)))) {
                return layout;
            }
        }
        throw new CorpusException("no known corpus layout in " + dir + " (expected ptb.{train,valid,test}.txt or "
                + "wiki.{train,valid,test}.tokens)");
    }

    /** Decodes, tokenizes and encodes one file with first-occurrence ids; appends {@code <eos>} per line. */
    static int[] tokenize(Path file, Vocabulary.FirstOccurrenceIndex index) {
        CharBuffer text = decodeStrictUtf8(file);
        IntList out = new IntList(Math.max(16, text.remaining() / 4));
        char[] chars = text.array(); // decodeStrictUtf8 returns a heap buffer at position 0
        int n = text.limit();
        int tokenStart = -1;
        long words = 0;
        boolean lineOpen = false; // characters seen since the last line end
        for (int i = 0; i < n; i++) {
            char ch = chars[i];
            boolean lineEnd = ch == '\n' || ch == '\r';
            if (lineEnd || isWhitespace(ch)) {
                if (tokenStart >= 0) {
                    out.add(index.add(new String(chars, tokenStart, i - tokenStart)));
                    words++;
                    tokenStart = -1;
                }
                if (lineEnd) {
                    if (ch == '\r' && i + 1 < n && chars[i + 1] == '\n') {
                        i++;
                    }
                    out.add(index.add(Vocabulary.EOS));
                    lineOpen = false;
                } else {
                    lineOpen = true;
                }
            } else {
                if (tokenStart < 0) {
                    tokenStart = i;
                }
                lineOpen = true;
            }
        }
        if (tokenStart >= 0) {
            out.add(index.add(new String(chars, tokenStart, n - tokenStart)));
            words++;
        }
        if (lineOpen || tokenStart >= 0) {
            out.add(index.add(Vocabulary.EOS));
        }
        if (words == 0) {
            throw new CorpusException("corpus file holds no words: " + file);
        }
        return out.toArray();
    }

    /** Whitespace as Python's {@code str.split()} sees it (Unicode whitespace, incl. no-break spaces). */
    static boolean isWhitespace(char ch) {
        return Character.isWhitespace(ch) || Character.isSpaceChar(ch) || ch == '\u0085';
    }

    private static CharBuffer decodeStrictUtf8(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CorpusException("cannot read corpus file " + file + ": " + e.getMessage(), e);
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int offset = in.position();
            long line = 1;
            for (int i = 0; i < offset; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new CorpusException("invalid UTF-8 in corpus file " + file + " at byte " + offset + " (line " + line
                    + ")");
        }
        out.flip();
        return out;
    }

    /** A growable int array. */
    private static final class IntList {
        private int[] data;
        private int size;

        IntList(int capacity) {
            data = new int[capacity];
        }

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, data.length * 2);
            }
            data[size++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
