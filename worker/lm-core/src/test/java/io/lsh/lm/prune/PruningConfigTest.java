package io.lsh.lm.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PruningConfigTest {

    @Test
    void parsesWireNames() {
        PruningConfig c = PruningConfig.of(0.67, "ER", "global_magnitude", "random", "nonzeros", 0.7);
        assertEquals(SparseInit.ER, c.init());
        assertEquals(DeathCriterion.GLOBAL_MAGNITUDE, c.death());
        assertEquals(GrowthCriterion.RANDOM, c.growth());
        assertEquals(Redistribution.NONZEROS, c.redistribution());
        assertEquals(PruningConfig.DEFAULT_DEATH_RATE_FLOOR, c.deathRateFloor());
        assertEquals(DeathCriterion.SET, DeathCriterion.fromName("SET"));
        assertEquals(DeathCriterion.SET, DeathCriterion.fromName("set"));
        assertEquals(SparseInit.UNIFORM, SparseInit.fromName("uniform"));
        assertEquals("global_magnitude", DeathCriterion.GLOBAL_MAGNITUDE.wireName());
        for (DeathCriterion d : DeathCriterion.values()) {
            assertEquals(d, DeathCriterion.fromName(d.wireName()));
        }
        for (Redistribution r : Redistribution.values()) {
            assertEquals(r, Redistribution.fromName(r.toString()));
        }
    }

    @Test
    void badNamesAreNamedWithTheAllowedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeathCriterion.fromName("bogus"));
        assertTrue(e.getMessage().contains("'bogus'"), e.getMessage());
        assertTrue(e.getMessage().contains("magnitude, SET, threshold, global_magnitude"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GrowthCriterion.fromName(null));
        assertTrue(e.getMessage().contains("random, momentum, gradient"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SparseInit.fromName("ERX"));
        assertTrue(e.getMessage().contains("uniform, ER, ERK"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Redistribution.fromName(""));
        assertTrue(e.getMessage().contains("none, magnitude, nonzeros, momentum"), e.getMessage());
    }

    @Test
    void validationNamesFieldAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PruningConfig.of(1.0, "ER", "SET", "random", "none", 0.5));
        assertTrue(e.getMessage().contains("sparsity") && e.getMessage().contains("1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> PruningConfig.of(0.5, "ER", "SET", "random", "none", 0.0));
        assertTrue(e.getMessage().contains("initialDeathRate") && e.getMessage().contains("0.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> PruningConfig.of(0.5, "ER", "SET", "random", "none", 0.3).withDeathRateFloor(0.4));
        assertTrue(e.getMessage().contains("deathRateFloor") && e.getMessage().contains("0.4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PruningConfig.of(Double.NaN, "ER", "SET", "random",
                "none", 0.3));
        assertThrows(IllegalArgumentException.class, () -> PruningConfig.of(-0.1, "ER", "SET", "random", "none",
                0.3));
    }

    @Test
    void cosineScheduleAnnealsToTheFloor() {
        DeathRateSchedule s = DeathRateSchedule.of(PruningConfig.of(0.5, "ER", "SET", "random", "none", 0.6), 10);
        assertEquals(0.6, s.rate(0), 1e-15);
        assertEquals(0.005 + 0.5 * (0.6 - 0.005), s.rate(5), 1e-15);
        assertEquals(0.005, s.rate(10), 1e-15);
        assertEquals(0.005, s.rate(25), 1e-15);
        double previous = 1;
        for (int e = 0; e <= 10; e++) {
            assertTrue(s.rate(e) <= previous);
            previous = s.rate(e);
        }
        assertEquals(0.3, DeathRateSchedule.constant(0.3).rate(7), 0);
        assertThrows(IllegalArgumentException.class, () -> DeathRateSchedule.cosine(0.5, 0.6, 10));
        assertThrows(IllegalArgumentException.class, () -> DeathRateSchedule.cosine(0.5, 0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> s.rate(-1));
    }
}
