package io.lsh.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.config.SettingsException;
import io.lsh.config.StudySettings;
import io.lsh.config.StudySettingsLoader;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** lsh.spectrum.window-offset is checked against the validation split before a study starts. */
class SpectrumWindowCheckTest {

    private static StudySettings settings(Map<String, Object> overrides) {
        return StudySettingsLoader.load(Optional.empty(), overrides);
    }

    @Test
    void theLastOffsetThatFitsIsAcceptedAndTheNextOneNamed() {
        // 1000 tokens in B = 2 columns of 500; the replayed window needs max(T, W) = 35 tokens: offsets 0..465 fit
        StudyOptions.checkSpectrumWindow(settings(Map.of("spectrum.window-offset", 465)), 1000);
        SettingsException e = assertThrows(SettingsException.class,
                () -> StudyOptions.checkSpectrumWindow(settings(Map.of("spectrum.window-offset", 466)), 1000));
        assertTrue(e.getMessage().startsWith("lsh.spectrum.window-offset = 466 is too large"), e.getMessage());
        assertTrue(e.getMessage().contains("(at most 465)"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void theLargestBatchAndTheWarmUpModeSetTheRoom() {
        // later-batch 5: columns of 200 tokens; the replayed window needs 35 (offsets 0..165), preceding tokens
        // W + T = 45 (offsets 0..155)
        StudyOptions.checkSpectrumWindow(settings(Map.of("spectrum.window-offset", 165, "spectrum.later-batch", 5)),
                1000);
        Map<String, Object> later = Map.of("spectrum.window-offset", 166, "spectrum.later-batch", 5);
        SettingsException e = assertThrows(SettingsException.class,
                () -> StudyOptions.checkSpectrumWindow(settings(later), 1000));
        assertTrue(e.getMessage().contains("B = 5 columns give 200 tokens per column"), e.getMessage());
        StudyOptions.checkSpectrumWindow(settings(Map.of("spectrum.window-offset", 155, "spectrum.later-batch", 5,
                "spectrum.warmup-mode", "preceding-tokens")), 1000);
        assertThrows(SettingsException.class, () -> StudyOptions.checkSpectrumWindow(settings(Map.of(
                "spectrum.window-offset", 156, "spectrum.later-batch", 5, "spectrum.warmup-mode",
                "preceding-tokens")), 1000));
    }
}
