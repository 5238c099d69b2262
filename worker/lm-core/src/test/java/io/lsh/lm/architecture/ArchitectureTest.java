package io.lsh.lm.architecture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.model.AwdMosSpec;
import io.lsh.lm.model.LanguageModel;
import io.lsh.lm.model.ModelSpec;
import io.lsh.lm.model.RhnSpec;
import io.lsh.lm.spectrum.Spectrum;
import io.lsh.lm.spectrum.SpectrumSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every architecture builds, measures and describes itself, and comes back from its metadata unchanged. */
class ArchitectureTest {

    private static final List<Architecture> TINY = List.of(
            new Architecture.Lstm(new ModelSpec(30, 6, List.of(5, 4), 0.1, false)),
            new Architecture.Rhn(new RhnSpec(30, 6, 6, 3, 0.1, 0.2, 0.1, 0.2, true)),
            new Architecture.AwdMos(new AwdMosSpec(30, 4, List.of(5, 6, 3), 2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.3, 2, 1)));

    @Test
    void metadataRoundTripsEveryArchitecture() {
        for (Architecture a : TINY) {
            assertEquals(a, Architecture.fromMetadata(a.metadata()), a.type());
        }
    }

    @Test
    void spectraHaveOneExponentPerStateUnitAndAreDeterministic() {
        int[][] sequences = {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}};
        SpectrumSettings d = SpectrumSettings.defaults();
        SpectrumSettings settings = new SpectrumSettings(10, 5, 1, 0, 2.0, false, d.warmupMode(), d.sortDescending());
        for (Architecture a : TINY) {
            LanguageModel model = a.create(11);
            Spectrum s = a.spectrum(model, sequences, settings);
            assertEquals(a.stateSize(), s.exponents().length, a.type());
            assertArrayEquals(s.exponents(), a.spectrum(a.create(11), sequences, settings).exponents(), a.type());
            assertTrue(a.flopsPerToken(null).total() > 0, a.type());
        }
    }

    @Test
    void oldLstmCheckpointsWithoutTypeStillReadAndBadMetadataIsNamed() {
        Map<String, String> old = new HashMap<>(TINY.get(0).metadata());
        old.remove(Architecture.TYPE);
        assertEquals(TINY.get(0), Architecture.fromMetadata(old));
        Map<String, String> bad = new HashMap<>(TINY.get(1).metadata());
        bad.put("model.rhn.depth", "ten");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Architecture.fromMetadata(bad)).getMessage()
                .contains("model.rhn.depth"));
        Map<String, String> unknown = Map.of(Architecture.TYPE, "gru");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Architecture.fromMetadata(unknown))
                .getMessage().contains("gru"));
    }
}
