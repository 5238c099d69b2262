package io.lsh.lm.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.model.AwdMosLanguageModel;
import io.lsh.lm.model.AwdMosSpec;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AwdMosFlopsTest {

    @Test
    void denseCountOfThePaperPresetByHand() {
        AwdMosSpec spec = AwdMosSpec.paperPreset(33_278);
        ParameterCounting.FlopCount f = AwdMosFlops.perToken(spec, null);
        long v = 33_278;
        long lstm = 2L * ((300 + 1150) * 4600L + (1150 + 1150) * 4600L + (1150 + 650) * 2600L);
        long head = 2L * (650 * 15 + 650 * 4500) + 2L * 15 * v * 300;
        assertEquals(lstm + head, f.matmul());
        assertEquals(13L * (1150 + 1150 + 650) + 2 * 4500 + 3 * 15 + 6L * 15 * v, f.elementwise());
        assertTrue(2L * 15 * v * 300 > f.matmul() / 2, "the K decoder products dominate");
    }

    @Test
    void prunedCountUsesTheActiveWeightsAndTheDecoderKTimes() {
        AwdMosSpec spec = new AwdMosSpec(20, 4, List.of(6, 5), 3, 0, 0, 0, 0, 0, 0, 0, 0);
        AwdMosLanguageModel model = new AwdMosLanguageModel(spec, 1L);
        MaskSet masks = MaskSet.create(model, PruningConfig.of(0.6, "ER", "magnitude", "random", "none", 0.5),
                new SplittableRandom(2));
        ParameterCounting.FlopCount dense = AwdMosFlops.perToken(spec, null);
        ParameterCounting.FlopCount sparse = AwdMosFlops.perToken(spec, masks);
        long expected = ParameterCounting.sparseMatmulFlopsPerToken(masks, "encoder.weight"::equals)
                + 2L * spec.experts() * masks.activeCount("encoder.weight");
        assertEquals(expected, sparse.matmul());
        assertEquals(dense.elementwise(), sparse.elementwise());
        assertTrue(sparse.matmul() < dense.matmul());
        AwdMosSpec other = new AwdMosSpec(21, 4, List.of(6, 5), 3, 0, 0, 0, 0, 0, 0, 0, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AwdMosFlops.perToken(other, masks));
        assertTrue(e.getMessage().contains("encoder.weight"), e.getMessage());
    }
}
