package io.lsh.lm.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * An immutable bijection between words and dense integer ids {@code 0 .. size()-1}.
 *
 * <p>Built the way PyTorch's {@code word_language_model} (and the authors' code, method.md section 2) builds it:
 * ids are assigned in order of first occurrence over train, then valid, then test, and the vocabulary always
 * contains {@link #EOS}. See {@link #build(List, int)} for the optional size limit ({@code maxVocab}), which maps
 * rare words to {@link #UNK}. Instances are thread-safe.
 */
public final class Vocabulary {

    /** End-of-sentence token appended to every line. */
    public static final String EOS = "<eos>";
    /** Unknown-word token; PTB and WikiText-2 already contain it, a {@code maxVocab} limit adds it if absent. */
    public static final String UNK = "<unk>";

    private final String[] words;
    private final Map<String, Integer> ids;

    private Vocabulary(String[] words) {
        this.words = words;
        this.ids = new HashMap<>(words.length * 2);
        for (int i = 0; i < words.length; i++) {
            if (ids.putIfAbsent(words[i], i) != null) {
                throw new IllegalArgumentException("duplicate word in vocabulary: " + words[i]);
            }
        }
    }

    /**
     * A vocabulary with exactly these words, id = position in the list. Must contain {@link #EOS}.
     *
     * @throws IllegalArgumentException on duplicates, blank words or a missing {@code <eos>}
     */
    public static Vocabulary of(List<String> wordsInIdOrder) {
        String[] w = wordsInIdOrder.toArray(new String[0]);
        for (String s : w) {
            if (s == null || s.isEmpty()) {
                throw new IllegalArgumentException("vocabulary words must be non-empty");
            }
        }
        Vocabulary v = new Vocabulary(w);
        if (!v.contains(EOS)) {
            throw new IllegalArgumentException("vocabulary must contain " + EOS);
        }
        return v;
    }

    /**
     * Builds a vocabulary from token sequences read in order (train, valid, test).
     *
     * <p>Without an effective limit ({@code maxVocab == 0}, or {@code maxVocab} at least the number of distinct
     * tokens), every distinct token gets an id in order of first occurrence. With an effective limit, the result has
     * exactly {@code maxVocab} words: {@code <eos>} and {@code <unk>} are always kept, the other tokens are ranked
     * by count (descending) then first occurrence (ascending) and the top {@code maxVocab - 2} are kept. Kept words
     * keep their relative first-occurrence order; {@code <unk>} is appended as the last id if it did not occur.
     * Tokens that are not kept map to {@code <unk>} (see {@link #idOrUnk(String)}).
     *
     * @param tokenSequences the token streams in reading order (each already holds its {@code <eos>} tokens)
     * @param maxVocab       0 for unlimited, else the vocabulary size (at least 2)
     */
    public static Vocabulary build(List<? extends Iterable<String>> tokenSequences, int maxVocab) {
        FirstOccurrenceIndex index = new FirstOccurrenceIndex();
        for (Iterable<String> seq : tokenSequences) {
            for (String token : seq) {
                index.add(token);
            }
        }
        return index.limit(maxVocab).vocabulary();
    }

    /** Number of words. */
    public int size() {
        return words.length;
    }

    /** Whether the word has an id. */
    public boolean contains(String word) {
        return ids.containsKey(word);
    }

    /**
     * The id of a word.
     *
     * @throws IllegalArgumentException if the word is not in the vocabulary
     */
    public int id(String word) {
        Integer id = ids.get(word);
        if (id == null) {
            throw new IllegalArgumentException("word not in vocabulary: " + word);
        }
        return id;
    }

    /** The id of a word, or the id of {@code <unk>} if the word is unknown and {@code <unk>} exists. */
    public int idOrUnk(String word) {
        Integer id = ids.get(word);
        if (id != null) {
            return id;
        }
        Integer unk = ids.get(UNK);
        if (unk == null) {
            throw new IllegalArgumentException("word not in vocabulary and no " + UNK + ": " + word);
        }
        return unk;
    }

    /** The id of a word if present. */
    public OptionalInt find(String word) {
        Integer id = ids.get(word);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The word with this id. */
    public String word(int id) {
        Objects.checkIndex(id, words.length);
        return words[id];
    }

    /** The id of {@code <eos>}. */
    public int eosId() {
        return ids.get(EOS);
    }

    /** All words in id order (unmodifiable). */
    public List<String> words() {
        return Collections.unmodifiableList(Arrays.asList(words));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && Arrays.equals(words, v.words);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(words);
    }

    @Override
    public String toString() {
        return "Vocabulary[size=" + words.length + "]";
    }

    /**
     * Assigns ids in order of first occurrence and counts occurrences; the corpus reader uses it to encode streams in
     * one pass, then {@link #limit(int)} to apply a {@code maxVocab} limit to the encoded ids.
     */
    static final class FirstOccurrenceIndex {
        private final Map<String, Integer> ids = new HashMap<>();
        private final List<String> words = new ArrayList<>();
        private int[] counts = new int[1024];

        /** The id of the token (assigned if new), without counting an occurrence. */
        int id(String token) {
            Integer id = ids.get(token);
            if (id == null) {
                id = words.size();
                ids.put(token, id);
                words.add(token);
                if (id == counts.length) {
                    counts = Arrays.copyOf(counts, counts.length * 2);
                }
            }
            return id;
        }

        /** Counts one occurrence and returns the token's id. */
        int add(String token) {
            int id = id(token);
            counts[id]++;
            return id;
        }

        int size() {
            return words.size();
        }

        /**
         * Applies the {@code maxVocab} rule documented on {@link Vocabulary#build(List, int)}.
         *
         * @return the limited vocabulary and, for each first-occurrence id, its id in that vocabulary
         */
        Limited limit(int maxVocab) {
            if (maxVocab < 0 || maxVocab == 1) {
                throw new IllegalArgumentException("maxVocab must be 0 (unlimited) or at least 2, got " + maxVocab);
            }
            id(EOS); // only matters for input without any line: real corpora always contain <eos>
            int n = words.size();
            int[] map = new int[n];
            if (maxVocab == 0 || n <= maxVocab) {
                for (int i = 0; i < n; i++) {
                    map[i] = i;
                }
                return new Limited(new Vocabulary(words.toArray(new String[0])), map);
            }
            int eos = ids.get(EOS);
            int unk = ids.getOrDefault(UNK, -1);
            List<Integer> others = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                if (i != eos && i != unk) {
                    others.add(i);
                }
            }
            final int[] c = counts;
            others.sort((a, b) -> c[a] != c[b] ? Integer.compare(c[b], c[a]) : Integer.compare(a, b));
            boolean[] kept = new boolean[n];
            for (int k = 0; k < maxVocab - 2 && k < others.size(); k++) {
                kept[others.get(k)] = true;
            }
            kept[eos] = true;
            if (unk >= 0) {
                kept[unk] = true;
            }
            List<String> keptWords = new ArrayList<>(maxVocab);
            for (int i = 0; i < n; i++) {
                if (kept[i]) {
                    map[i] = keptWords.size();
                    keptWords.add(words.get(i));
                } else {
                    map[i] = -1;
                }
            }
            int unkId = unk >= 0 ? map[unk] : keptWords.size();
            if (unk < 0) {
                keptWords.add(UNK);
            }
            for (int i = 0; i < n; i++) {
                if (map[i] < 0) {
                    map[i] = unkId;
                }
            }
            return new Limited(new Vocabulary(keptWords.toArray(new String[0])), map);
        }
    }

    /** A vocabulary after the {@code maxVocab} limit and the map from first-occurrence ids to its ids. */
    record Limited(Vocabulary vocabulary, int[] idMap) {
    }
}
