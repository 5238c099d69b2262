package io.lsh.lm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelSpecTest {

    private static void rejects(String field, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(field), "message should name " + field + ": " + e.getMessage());
    }

    @Test
    void validationNamesTheField() {
        rejects("vocabSize", () -> new ModelSpec(1, 4, List.of(5), 0, false));
        rejects("embeddingSize", () -> new ModelSpec(10, 0, List.of(5), 0, false));
        rejects("hiddenSizes", () -> new ModelSpec(10, 4, List.of(), 0, false));
        rejects("hiddenSizes[1]", () -> new ModelSpec(10, 4, List.of(5, 0), 0, false));
        rejects("hiddenSizes[0]", () -> new ModelSpec(10, 4, Arrays.asList((Integer) null), 0, false));
        rejects("dropout", () -> new ModelSpec(10, 4, List.of(5), 1.0, false));
        rejects("dropout", () -> new ModelSpec(10, 4, List.of(5), -0.1, false));
        rejects("dropout", () -> new ModelSpec(10, 4, List.of(5), Double.NaN, false));
        rejects("tiedWeights", () -> new ModelSpec(10, 4, List.of(5), 0, true));
        rejects("layers", () -> ModelSpec.uniform(10, 4, 4, 0, 0, false));
    }

    @Test
    void hiddenSizesAreCopiedAndDerivedSizesAreRight() {
        List<Integer> sizes = new ArrayList<>(List.of(6, 3));
        ModelSpec s = new ModelSpec(10, 4, sizes, 0.5, false);
        sizes.set(0, 99);
        assertEquals(List.of(6, 3), s.hiddenSizes());
        assertEquals(2, s.layerCount());
        assertEquals(4, s.inputSize(0));
        assertEquals(6, s.inputSize(1));
        assertEquals(3, s.outputHiddenSize());
        assertEquals(new ModelSpec(10, 4, List.of(4, 4), 0, true), ModelSpec.uniform(10, 4, 4, 2, 0, true));
    }
}
