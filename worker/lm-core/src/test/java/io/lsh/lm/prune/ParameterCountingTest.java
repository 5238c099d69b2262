package io.lsh.lm.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lsh.lm.model.LstmLanguageModel;
import io.lsh.lm.model.ModelSpec;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ParameterCountingTest {

    // V=7, E=3, H=(4, 5), untied. Entries: encoder 7x3=21; l0: W_ih 3x16=48, W_hh 4x16=64, bias 16; l1: W_ih 4x20=80,
    // W_hh 5x20=100, bias 20; decoder 5x7=35, bias 7. Total 391, prunable 348.
    private static final ModelSpec SPEC = new ModelSpec(7, 3, List.of(4, 5), 0.0, false);

    @Test
    void denseFlopsMatchAHandCount() {
        LstmLanguageModel model = new LstmLanguageModel(SPEC, 1L);
        assertEquals(391, model.parameterCount());
        ParameterCounting.FlopCount f = ParameterCounting.lstmFlopsPerToken(SPEC, null);
        assertEquals(2 * (48 + 64 + 80 + 100 + 35), f.matmul()); // 654
        assertEquals(13 * 4 + 13 * 5 + 4 * 7, f.elementwise()); // 145
        assertEquals(799, f.total());
        // the 2x1500 model of setting A: 2 (9M + 9M + 9M + 9M + 15M) + 13 * 3000 + 40000
        ModelSpec a = new ModelSpec(10_000, 1500, List.of(1500, 1500), 0.65, false);
        assertEquals(2L * (4 * 9_000_000 + 15_000_000), ParameterCounting.lstmFlopsPerToken(a, null).matmul());
        assertEquals(13L * 3000 + 40_000, ParameterCounting.lstmFlopsPerToken(a, null).elementwise());
    }

    @Test
    void prunedFlopsAndPerLayerReport() {
        LstmLanguageModel model = new LstmLanguageModel(SPEC, 1L);
        MaskSet masks = MaskSet.create(model, PruningConfig.of(0.5, "uniform", "magnitude", "random", "none", 0.5),
                new SplittableRandom(2));
        // uniform density 174/348 = 0.5 exactly: every tensor half active
        assertEquals(24, masks.activeCount("rnn.weight_ih_l0"));
        ParameterCounting.FlopCount f = ParameterCounting.lstmFlopsPerToken(SPEC, masks);
        assertEquals(2 * (24 + 32 + 40 + 50) + 2 * masks.activeCount("decoder.weight"), f.matmul());
        assertEquals(145, f.elementwise());
        List<ParameterCounting.LayerReport> layers = ParameterCounting.perLayer(model, masks);
        assertEquals(List.of("encoder", "rnn.l0", "rnn.l1", "decoder"),
                layers.stream().map(ParameterCounting.LayerReport::layer).toList());
        ParameterCounting.LayerReport l0 = layers.get(1);
        assertEquals(48 + 64 + 16, l0.parameters());
        assertEquals(48 + 64, l0.prunable());
        assertEquals(24 + 32, l0.activePrunable());
        assertEquals(24 + 32 + 16, l0.active());
        assertEquals(0.5, l0.sparsity(), 1e-15);
        ParameterCounting.LayerReport decoder = layers.get(3);
        assertEquals(42, decoder.parameters());
        assertEquals(masks.activeCount("decoder.weight") + 7, decoder.active());
        assertEquals(ParameterCounting.activeParameters(model, masks),
                layers.stream().mapToLong(ParameterCounting.LayerReport::active).sum());
        List<ParameterCounting.LayerReport> dense = ParameterCounting.perLayer(model, null);
        assertEquals(0.0, dense.get(2).sparsity(), 0);
        assertEquals(180, dense.get(2).prunable());
    }

    @Test
    void tiedWeightsUseTheEmbeddingAsDecoder() {
        ModelSpec tied = new ModelSpec(7, 5, List.of(4, 5), 0.0, true);
        LstmLanguageModel model = new LstmLanguageModel(tied, 1L);
        MaskSet masks = MaskSet.create(model, PruningConfig.of(0.5, "uniform", "magnitude", "random", "none", 0.5),
                new SplittableRandom(2));
        long expected = 2 * (masks.activeCount("rnn.weight_ih_l0") + masks.activeCount("rnn.weight_hh_l0")
                + masks.activeCount("rnn.weight_ih_l1") + masks.activeCount("rnn.weight_hh_l1")
                + masks.activeCount("encoder.weight"));
        assertEquals(expected, ParameterCounting.lstmFlopsPerToken(tied, masks).matmul());
        assertThrows(IllegalArgumentException.class, () -> ParameterCounting.lstmFlopsPerToken(
                new ModelSpec(8, 5, List.of(4, 5), 0.0, true), masks));
    }

    @Test
    void layerNames() {
        assertEquals("rnn.l0", ParameterCounting.layerOf("rnn.weight_ih_l0"));
        assertEquals("rnn.l12", ParameterCounting.layerOf("rnn.bias_l12"));
        assertEquals("decoder", ParameterCounting.layerOf("decoder.bias"));
        assertEquals("encoder", ParameterCounting.layerOf("encoder.weight"));
        assertEquals("plain", ParameterCounting.layerOf("plain"));
    }
}
