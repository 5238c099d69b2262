package io.lsh.lm.data;

import java.util.Objects;

/**
 * A word-level corpus encoded with one vocabulary: the three splits as token-id streams, {@code <eos>} included
 * (method.md section 2).
 *
 * <p>The arrays are shared, not copied: treat them as read-only.
 *
 * @param name       a label for reports (the corpus directory's name)
 * @param vocabulary the vocabulary over train+valid+test
 * @param train      training token ids, in file order
 * @param valid      validation token ids
 * @param test       test token ids
 */
public record Corpus(String name, Vocabulary vocabulary, int[] train, int[] valid, int[] test) {

    public Corpus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(vocabulary, "vocabulary");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(valid, "valid");
        Objects.requireNonNull(test, "test");
    }

    /** Total number of tokens over the three splits. */
    public long tokenCount() {
        return (long) train.length + valid.length + test.length;
    }

    @Override
    public String toString() {
        return "Corpus[" + name + ": vocab " + vocabulary.size() + ", train " + train.length + ", valid "
                + valid.length + ", test " + test.length + " tokens]";
    }
}
