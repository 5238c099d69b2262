package io.lsh.lm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class VocabularyTest {

    private static List<String> tokens(String text) {
        return List.of(text.trim().split("\\s+"));
    }

    @Test
    void idsFollowFirstOccurrenceAcrossSplitsInOrder() {
        Vocabulary v = Vocabulary.build(List.of(tokens("b a <eos> a c <eos>"), tokens("d b <eos>"), tokens("e <eos>")),
                0);
        assertEquals(List.of("b", "a", "<eos>", "c", "d", "e"), v.words());
        assertEquals(2, v.eosId());
        assertEquals(4, v.id("d"));
        assertEquals("e", v.word(5));
        assertFalse(v.contains("<unk>"));
        assertThrows(IllegalArgumentException.class, () -> v.id("zzz"));
        assertThrows(IllegalArgumentException.class, () -> v.idOrUnk("zzz"));
    }

    @Test
    void maxVocabKeepsMostFrequentWithTiesByFirstOccurrenceAndAddsUnk() {
        // counts: x 1, y 3, z 2, w 2, v 1, <eos> 3
        Vocabulary v = Vocabulary.build(List.of(tokens("x y z <eos> w y <eos> z w y v <eos>")), 4);
        // <eos> and <unk> reserved; 2 slots: y (3), then z and w tie at 2 -> z (earlier first occurrence)
        assertEquals(List.of("y", "z", "<eos>", "<unk>"), v.words());
        assertEquals(v.id("<unk>"), v.idOrUnk("w"));
        assertEquals(v.id("<unk>"), v.idOrUnk("x"));
        assertEquals(4, v.size());
    }

    @Test
    void maxVocabKeepsAnExistingUnkInPlace() {
        Vocabulary v = Vocabulary.build(List.of(tokens("a <unk> b b c c c <eos>")), 3);
        assertEquals(List.of("<unk>", "c", "<eos>"), v.words());
        assertEquals(0, v.idOrUnk("a"));
    }

    @Test
    void maxVocabAtLeastTheFullSizeChangesNothing() {
        List<List<String>> streams = List.of(tokens("a b <eos> c <eos>"));
        assertEquals(Vocabulary.build(streams, 0), Vocabulary.build(streams, 4));
        assertEquals(Vocabulary.build(streams, 0), Vocabulary.build(streams, 100));
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.build(streams, 1));
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.build(streams, -1));
    }

    @Test
    void ofValidatesItsWords() {
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of("a", "b")));
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of("a", "<eos>", "a")));
        assertTrue(Vocabulary.of(List.of("<eos>", "a")).contains("a"));
    }
}
