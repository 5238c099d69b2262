package io.lsh.lm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LearningRateSchedulerTest {

    @Test
    void constantKeepsTheBaseRateWhateverTheValidationLoss() {
        LearningRateScheduler s = new LearningRateScheduler(new LearningRateSchedule.Constant(), 20);
        for (int epoch = 1; epoch <= 5; epoch++) {
            assertEquals(20.0, s.rateForEpoch(epoch));
            s.recordValidation(10 + epoch); // getting worse every epoch
        }
    }

    @Test
    void plateauDividesByTheFactorWhenValidationDoesNotImprove() {
        // PyTorch word_language_model: if val_loss < best: best = val_loss else: lr /= 4
        LearningRateScheduler s = new LearningRateScheduler(new LearningRateSchedule.DecayOnPlateau(4), 20);
        double[] losses = {5.0, 4.0, 4.0, 4.5, 3.0, 3.5};
        double[] expectedRates = {20, 20, 20, 5, 1.25, 1.25, 0.3125};
        for (int e = 0; e < losses.length; e++) {
            assertEquals(expectedRates[e], s.rateForEpoch(e + 1), 0.0, "epoch " + (e + 1));
            s.recordValidation(losses[e]);
        }
        assertEquals(expectedRates[losses.length], s.rateForEpoch(losses.length + 1), 0.0);
        assertEquals(3.0, s.bestValidLoss());
    }

    @Test
    void exponentialAndCosineFollowTheirFormulas() {
        LearningRateScheduler x = new LearningRateScheduler(new LearningRateSchedule.Exponential(0.5), 8);
        assertEquals(List.of(8.0, 4.0, 2.0, 1.0), List.of(x.rateForEpoch(1), x.rateForEpoch(2), x.rateForEpoch(3),
                x.rateForEpoch(4)));
        LearningRateScheduler c = new LearningRateScheduler(new LearningRateSchedule.Cosine(4, 1.0), 3.0);
        assertEquals(3.0, c.rateForEpoch(1), 1e-15);
        assertEquals(1.0 + (1 + Math.cos(Math.PI / 4)), c.rateForEpoch(2), 1e-15);
        assertEquals(2.0, c.rateForEpoch(3), 1e-15); // half way: the mean of base and floor
        assertEquals(1.0, c.rateForEpoch(5), 1e-15);
        assertEquals(1.0, c.rateForEpoch(50), 1e-15); // stays at the floor
        for (int e = 1; e < 6; e++) {
            assertTrue(c.rateForEpoch(e + 1) <= c.rateForEpoch(e));
        }
    }

    @Test
    void invalidSchedulesAreRejectedWithTheirValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LearningRateSchedule.DecayOnPlateau(1.0));
        assertTrue(e.getMessage().contains("1.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule.Exponential(1.5));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule.Cosine(0, 0));
        e = assertThrows(IllegalArgumentException.class,
                () -> new LearningRateScheduler(new LearningRateSchedule.Cosine(3, 5.0), 5.0));
        assertTrue(e.getMessage().contains("below the base rate"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new LearningRateScheduler(new LearningRateSchedule.Constant(), 0));
    }

    @Test
    void nonMonotoneTriggerFiresWhenWorseThanTheBestOfAllButTheLastN() {
        NonMonotoneTrigger t = new NonMonotoneTrigger(2);
        // AWD-LSTM: len(logs) > n and v > min(logs[:-n]), logs = the losses before v
        assertFalse(t.record(5.0)); // logs []
        assertFalse(t.record(9.0)); // logs [5]: too few
        assertFalse(t.record(9.5)); // logs [5, 9]: too few (needs more than n)
        assertFalse(t.record(4.0)); // logs [5, 9, 9.5]: min(logs[:-2]) = 5, 4 < 5
        assertFalse(t.record(5.0)); // min([5, 9]) = 5: equal is not worse
        assertFalse(t.fired());
        assertTrue(t.record(5.5)); // min([5, 9, 9.5]) = 5 < 5.5: switch
        assertTrue(t.fired());
        assertFalse(t.record(100.0)); // fires once
        assertEquals(List.of(5.0, 9.0, 9.5, 4.0, 5.0, 5.5, 100.0), t.history());

        NonMonotoneTrigger restored = new NonMonotoneTrigger(2);
        restored.restore(List.of(5.0, 9.0, 9.5), false);
        assertFalse(restored.record(4.0));
        assertFalse(restored.record(5.0));
        assertTrue(restored.record(5.5));
    }

    @Test
    void nonMonotoneTriggerNeverFiresOnImprovingLosses() {
        NonMonotoneTrigger t = new NonMonotoneTrigger(1);
        for (int i = 0; i < 50; i++) {
            assertFalse(t.record(100.0 - i));
        }
    }
}
