package io.lsh.lm.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.model.Parameter;
import io.lsh.lm.model.RhnLanguageModel;
import io.lsh.lm.model.RhnSpec;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RhnFlopCountingTest {

    @Test
    void densePaperModelCount() {
        ParameterCounting.FlopCount f = RhnFlopCounting.flopsPerToken(RhnSpec.paperPreset(10_000), null);
        assertEquals(2L * (830 * 1660 + 10 * 830 * 1660 + 10_000 * 830), f.matmul());
        assertEquals(2L * 830 + 70 * 830 + 40_000, f.elementwise());
        assertEquals(47_011_360L, f.total());
    }

    @Test
    void prunedCountIsTwicePerActiveMatmulWeight() {
        RhnSpec tied = new RhnSpec(20, 6, 6, 3, 0, 0, 0, 0, true);
        RhnLanguageModel model = new RhnLanguageModel(tied, 1L);
        MaskSet masks = MaskSet.create(model, PruningConfig.of(0.5, "uniform", "magnitude", "random", "none", 0.5),
                new SplittableRandom(2));
        // RHN prunable tensors: the embedding (also the tied decoder), the input transforms and the D recurrent
        assertEquals(List.of("encoder.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.weight_hh_l1",
                "rnn.weight_hh_l2"), masks.tensorNames());
        assertEquals(model.parameters().stream().filter(Parameter::prunable).mapToLong(Parameter::size).sum(),
                masks.totalEntries());
        ParameterCounting.FlopCount f = RhnFlopCounting.flopsPerToken(tied, masks);
        assertEquals(2 * masks.activeCount(), f.matmul());
        assertTrue(f.matmul() < RhnFlopCounting.flopsPerToken(tied, null).matmul());
        assertEquals(2 * 6 + 7 * 6 * 3 + 4 * 20, f.elementwise());

        RhnSpec wider = new RhnSpec(20, 6, 7, 3, 0, 0, 0, 0, false);
        assertThrows(IllegalArgumentException.class, () -> RhnFlopCounting.flopsPerToken(wider, masks));
    }
}
