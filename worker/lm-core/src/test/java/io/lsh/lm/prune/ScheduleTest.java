package io.lsh.lm.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScheduleTest {

    @Test
    void linearDecaysToTheFloorAndStays() {
        DeathRateSchedule s = DeathRateSchedule.linear(0.6, 0.0, 10);
        assertEquals(0.6, s.rate(0), 1e-15);
        assertEquals(0.3, s.rate(5), 1e-15);
        assertEquals(0.06, s.rate(9), 1e-15);
        assertEquals(0.0, s.rate(10), 1e-15);
        assertEquals(0.0, s.rate(40), 1e-15);
        DeathRateSchedule f = DeathRateSchedule.linear(0.5, 0.1, 4);
        assertEquals(0.4, f.rate(1), 1e-15);
        assertEquals(0.2, f.rate(3), 1e-15);
        assertEquals(0.1, f.rate(4.5), 1e-15);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeathRateSchedule.linear(0.5, 0.6, 10));
        assertTrue(e.getMessage().contains("floor") && e.getMessage().contains("0.6"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DeathRateSchedule.linear(1.0, 0.0, 10));
        assertTrue(e.getMessage().contains("initialRate"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DeathRateSchedule.linear(0.5, 0.0, 0));
        assertTrue(e.getMessage().contains("plannedEpochs"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.rate(-0.5));
    }

    @Test
    void kindsByNameFromAConfiguration() {
        PruningConfig c = PruningConfig.of(0.67, "ER", "SET", "random", "none", 0.6).withDeathRateFloor(0.1);
        assertEquals(DeathRateSchedule.of(c, 20), DeathRateSchedule.of(DeathRateSchedule.Kind.COSINE, c, 20));
        DeathRateSchedule linear = DeathRateSchedule.of(DeathRateSchedule.Kind.fromName("linear"), c, 20);
        assertEquals(0.35, linear.rate(10), 1e-15);
        DeathRateSchedule constant = DeathRateSchedule.of(DeathRateSchedule.Kind.fromName("CONSTANT"), c, 20);
        assertEquals(0.6, constant.rate(19), 0);
        for (DeathRateSchedule.Kind k : DeathRateSchedule.Kind.values()) {
            assertEquals(k, DeathRateSchedule.Kind.fromName(k.wireName()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeathRateSchedule.Kind.fromName("exponential"));
        assertTrue(e.getMessage().contains("death-rate schedule") && e.getMessage().contains("cosine, linear, constant"),
                e.getMessage());
    }

    @Test
    void perEpochIntervalIsDueAtEpochEnds() {
        UpdateInterval i = UpdateInterval.perEpoch();
        assertFalse(i.isDue(1, false));
        assertFalse(i.isDue(1327, false));
        assertTrue(i.isDue(1327, true));
        assertEquals(3.0, i.progress(3 * 1327, 3, 1327), 0);
        assertEquals("epoch", i.wireName());
        assertEquals(i, UpdateInterval.fromName(" Epoch "));
        assertThrows(IllegalArgumentException.class, () -> i.isDue(0, true));
    }

    @Test
    void everyStepsIntervalRunsAtAFixedCadenceAcrossEpochs() {
        UpdateInterval i = UpdateInterval.everySteps(3);
        StringBuilder due = new StringBuilder();
        for (long step = 1; step <= 10; step++) {
            if (i.isDue(step, step % 4 == 0)) { // epochs of 4 steps: the epoch end does not matter
                due.append(step).append(' ');
            }
        }
        assertEquals("3 6 9 ", due.toString());
        assertEquals(1.5, i.progress(6, 1, 4), 1e-15);
        assertEquals("steps:3", i.wireName());
        assertEquals(i, UpdateInterval.fromName("steps:3"));
        assertEquals(UpdateInterval.everySteps(100), UpdateInterval.fromName(UpdateInterval.everySteps(100).wireName()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UpdateInterval.everySteps(0));
        assertTrue(e.getMessage().contains("steps") && e.getMessage().contains("0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> UpdateInterval.fromName("steps:x"));
        assertTrue(e.getMessage().contains("update interval") && e.getMessage().contains("steps:x"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> UpdateInterval.fromName(null));
        assertTrue(e.getMessage().contains("epoch, steps:N"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> i.progress(5, 1, 0));
        assertTrue(e.getMessage().contains("stepsPerEpoch"), e.getMessage());
    }
}
