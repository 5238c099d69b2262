package io.lsh.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lsh.config.StudySettings;
import io.lsh.config.StudySettingsLoader;
import io.lsh.lm.spectrum.SpectrumSettings;
import io.lsh.lm.spectrum.WarmupMode;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** lsh.spectrum.preset = authors is the same as `lsh spectrum --authors` (SpectrumSettings.authorsLstm()). */
class SpectrumPresetTest {

    @Test
    void theAuthorsPresetMatchesTheLauncherAuthorsSettings() {
        StudySettings.Spectrum s = StudySettingsLoader.load(Optional.empty(), Map.of("spectrum.preset", "authors"))
                .spectrum();
        SpectrumSettings first = new SpectrumSettings(s.steps(), s.warmup(), s.batch(), s.exponents(), s.logBase(),
                s.jacobianTransposed(), WarmupMode.fromName(s.warmupMode()), false);
        assertEquals(SpectrumSettings.authorsLstm(), first);
        assertEquals(5, s.laterBatch(), "the authors' B after the first round");
        assertEquals(0, s.windowOffset());
    }
}
