package io.lsh.lm.spectrum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpectrumSettingsTest {

    @Test
    void defaultsAreTheAuthors() {
        SpectrumSettings s = SpectrumSettings.defaults();
        assertEquals(35, s.steps());
        assertEquals(10, s.warmup());
        assertEquals(2, s.batch());
        assertEquals(0, s.exponents());
        assertEquals(2.0, s.logBase());
        assertEquals(WarmupMode.REPLAY_WINDOW, s.warmupMode());
        assertEquals(35, s.requiredSequenceLength());
        assertEquals(45, s.withWarmupMode(WarmupMode.PRECEDING_TOKENS).requiredSequenceLength());
        assertTrue(SpectrumSettings.authorsLstm().jacobianTransposed());
    }

    @Test
    void validationNamesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpectrumSettings.defaults().withSteps(0));
        assertTrue(e.getMessage().contains("steps") && e.getMessage().contains("0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SpectrumSettings.defaults().withLogBase(1.0));
        assertTrue(e.getMessage().contains("logBase"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SpectrumSettings.defaults().withBatch(0));
        assertTrue(e.getMessage().contains("batch"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SpectrumSettings.defaults().withWarmup(-1));
        assertTrue(e.getMessage().contains("warmup"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SpectrumSettings.defaults().withExponents(-2));
        assertTrue(e.getMessage().contains("exponents"), e.getMessage());
    }

    @Test
    void firstWindowsCutTheBatchifiedStream() {
        int[] stream = new int[23];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = i;
        }
        int[][] w = SpectrumInputs.firstWindows(stream, 2, 4);
        assertArrayEquals(new int[] {0, 1, 2, 3}, w[0]);
        assertArrayEquals(new int[] {11, 12, 13, 14}, w[1]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpectrumInputs.firstWindows(stream, 3, 8));
        assertTrue(e.getMessage().contains("7 tokens per column"), e.getMessage());
    }

    @Test
    void facadeChecksBatchAndLengths() {
        DynamicalStep d = TestSystems.diagonal(1, 2);
        SpectrumSettings s = SpectrumSettings.defaults();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LyapunovSpectrum.of(d, new int[][] {new int[35]}, s));
        assertTrue(e.getMessage().contains("batch"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LyapunovSpectrum.of(d, new int[][] {new int[35], new int[34]}, s));
        assertTrue(e.getMessage().contains("34"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> LyapunovSpectrum.of(d, new int[][] {new int[35], new int[35]}, s.withExponents(3)));
    }

    @Test
    void warmUpModesAreNamedAsInReferenceConf() {
        for (WarmupMode m : WarmupMode.values()) {
            assertEquals(m, WarmupMode.fromName(m.configName()));
        }
        assertEquals(WarmupMode.REPLAY_WINDOW, WarmupMode.fromName("replay-window"));
        assertEquals(WarmupMode.PRECEDING_TOKENS, WarmupMode.fromName("preceding-tokens"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WarmupMode.fromName("shift"));
        assertTrue(e.getMessage().contains("'shift'"), e.getMessage());
    }
}
