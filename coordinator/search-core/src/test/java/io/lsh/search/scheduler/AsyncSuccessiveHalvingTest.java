package io.lsh.search.scheduler;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalInt;

import static io.lsh.search.scheduler.SchedulerScripts.finalReport;
import static io.lsh.search.scheduler.SchedulerScripts.search;
import static io.lsh.search.scheduler.SchedulerScripts.show;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AsyncSuccessiveHalvingTest {

    /** 6 candidates, r = 1, eta = 2, R = 4 (rungs 1, 2, 4), 1 finalist trained to 6 epochs. */
    private static final HalvingSettings SIX = new HalvingSettings(6, 1, 2, 4, 1, 6, "ls_distance", "val_ppl");

    @Test
    void rungsAreGeometricUpToTheMaximum() {
        assertEquals(List.of(1, 2, 4), SIX.rungEpochs());
        assertEquals(List.of(1, 3, 9, 20), new HalvingSettings(4, 1, 3, 20, 1, 20, "a", "b").rungEpochs());
        assertEquals(List.of(5), new HalvingSettings(4, 5, 3, 5, 1, 5, "a", "b").rungEpochs());
        var e = assertThrows(IllegalArgumentException.class, () -> new HalvingSettings(4, 2, 1, 8, 1, 8, "a", "b"));
        assertEquals("reductionFactor must be >= 2, got 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new HalvingSettings(4, 1, 2, 8, 1, 6, "a", "b"));
        assertEquals("finalEpochs must be >= 8, got 6", e.getMessage());
    }

    /** The hand-computed script of the class Javadoc's rule (see the comments for each step's arithmetic). */
    @Test
    void ashaDecisionsOnAScriptedSequenceEqualTheHandComputedOnes() {
        AsyncSuccessiveHalving s = AsyncSuccessiveHalving.asha(SIX);
        assertEquals(1, s.initialEpochs());
        assertEquals(4, s.lastSearchEpoch());
        for (int id = 1; id <= 6; id++) {
            assertTrue(s.acceptsNewTrials());
            s.onTrialAdded(id);
            assertEquals(1, s.firstTargetEpoch(id));
        }
        assertFalse(s.acceptsNewTrials());
        // rung 0: n = 1, floor(1/2) = 0 promotable; at most 6 reports -> 3 ever promotable: wait
        assertEquals("Wait 1 r1", show(s.onReport(search(1, 1, 1, 0.5))));
        // n = 2: trial 2 ranks first of 2, in the top 1
        assertEquals("Wait 2 r1; Promote 2 r2 SEARCH 1->2", show(s.onReport(search(2, 1, 1, 0.3))));
        // n = 3: top 1 is trial 2 (promoted); 1 and 3 (ranks 2, 3) can still reach the top 3 of 6
        assertEquals("Wait 3 r1", show(s.onReport(search(3, 1, 1, 0.9))));
        // n = 4: top 2 = {2, 1}: trial 1 is promoted late; trial 3 ranks 4th, but at most 6 reports give a top 3
        List<Decision> d = s.onReport(search(4, 1, 1, 0.8));
        assertEquals("Wait 4 r1; Promote 1 r2 SEARCH 1->2; Stop 3", show(d));
        assertEquals("stopped at rung 0 (epoch 1): rank 4 of 4, cannot reach the top 1/2 of at most 6 reports "
                + "(ls_distance 0.9)", ((Decision.Stop) d.get(2)).reason());
        assertEquals("promoted from rung 0 (epoch 1): rank 2 of 4, in the top 1/2 (ls_distance 0.5)",
                ((Decision.Promote) d.get(1)).reason());
        // rung 1: n = 1, at most 1 + (trials 5, 6 training, 4 waiting below, 1 training) = 5 -> 2
        assertEquals("Wait 2 r2", show(s.onReport(search(2, 2, 2, 0.2))));
        assertEquals(2, s.currentRound());
        // trial 5 fails: rung 0 can now reach only 5 reports -> top 2; trial 4 (rank 3) can never be promoted
        assertEquals("Stop 4", show(s.onFailure(5, "diverged")));
        // trial 6 ranks first of 5 at rung 0
        assertEquals("Wait 6 r1; Promote 6 r2 SEARCH 1->2", show(s.onReport(search(6, 1, 1, 0.1))));
        // rung 1: n = 2, trial 2 first; trial 1 second of at most 3 reports -> top 1: stopped
        assertEquals("Wait 1 r2; Promote 2 r3 SEARCH 2->4; Stop 1", show(s.onReport(search(1, 2, 2, 0.4))));
        // rung 1: n = 3 and complete: trial 6 ranks 2nd, the top 1 is taken
        assertEquals("Wait 6 r2; Stop 6", show(s.onReport(search(6, 2, 2, 0.3))));
        assertFalse(s.isDone());
        // top rung: the search has settled; the finalist trains 4 -> 6 in round 4
        assertEquals("Wait 2 r3; Promote 2 r4 FINAL 4->6", show(s.onReport(search(2, 3, 4, 0.15))));
        assertEquals("Wait 2 r4; Finish 2; Select 2", show(s.onReport(finalReport(2, 4, 6, 80))));
        assertTrue(s.isDone());
        assertEquals(OptionalInt.of(2), s.selected());
    }

    @Test
    void aReportForTheWrongRungIsRejected() {
        AsyncSuccessiveHalving s = AsyncSuccessiveHalving.asha(SIX);
        s.onTrialAdded(1);
        assertThrows(IllegalStateException.class, () -> s.onReport(search(1, 1, 2, 0.5)));
        assertThrows(IllegalStateException.class, () -> s.onReport(search(9, 1, 1, 0.5)));
        assertEquals("Wait 1 r1", show(s.onReport(search(1, 1, 1, 0.5))));
        assertThrows(IllegalStateException.class, () -> s.onReport(search(1, 1, 1, 0.5)));
    }

    @Test
    void admissionClosedEarlyLetsTheRungsSettle() {
        AsyncSuccessiveHalving s = AsyncSuccessiveHalving.asha(new HalvingSettings(10, 1, 3, 3, 2, 3, "ls_distance",
                "val_ppl"));
        for (int id = 1; id <= 4; id++) {
            s.onTrialAdded(id);
        }
        assertEquals("Wait 1 r1", show(s.onReport(search(1, 1, 1, 0.4, 90))));
        assertEquals("Wait 2 r1", show(s.onReport(search(2, 1, 1, 0.2, 95))));
        assertEquals("Wait 3 r1; Promote 2 r2 SEARCH 1->3", show(s.onReport(search(3, 1, 1, 0.6, 99))));
        // admission closes at 4 trials: rung 0 can reach 4 reports -> top 1: trials 1 and 3 can never be promoted
        assertEquals("Stop 1; Stop 3", show(s.onAdmissionClosed()));
        assertEquals("", show(s.onAdmissionClosed()));
        assertEquals("Wait 4 r1; Stop 4", show(s.onReport(search(4, 1, 1, 0.3, 91))));
        // final epochs = R: the top-rung trial is ranked on its val_ppl at R, no more training
        assertEquals("Wait 2 r2; Finish 2; Select 2", show(s.onReport(search(2, 2, 3, 0.1, 85))));
        assertTrue(s.isDone());
    }

    @Test
    void hyperbandAssignsBracketsInProportionToTheirSizes() {
        // K = 2, eta = 2: bracket sizes ceil(3/3 * 4) = 4, ceil(3/2 * 2) = 3, ceil(3/1 * 1) = 3
        assertArrayEquals(new long[] {4, 3, 3}, AsyncSuccessiveHalving.bracketWeights(3, 2, 2));
        assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0},
                AsyncSuccessiveHalving.assignBrackets(10, new long[] {4, 3, 3}));
        assertArrayEquals(new int[] {0, 1, 0, 0, 1, 0}, AsyncSuccessiveHalving.assignBrackets(6, new long[] {2, 1}));
    }

    @Test
    void hyperbandDecisionsOnAScriptedSequenceEqualTheHandComputedOnes() {
        AsyncSuccessiveHalving s = AsyncSuccessiveHalving.hyperband(new HalvingSettings(3, 1, 2, 4, 1, 6,
                "ls_distance", "val_ppl"));
        assertEquals(3, s.brackets());
        for (int id = 1; id <= 3; id++) {
            s.onTrialAdded(id);
        }
        // brackets 0, 1, 2 start at rungs 1, 2, 4
        assertEquals(List.of(1, 2, 4), List.of(s.firstTargetEpoch(1), s.firstTargetEpoch(2), s.firstTargetEpoch(3)));
        assertEquals(OptionalInt.of(2), s.bracketOf(3));
        assertEquals(List.of(1, 2, 3), List.of(s.firstRound(1), s.firstRound(2), s.firstRound(3)));
        // bracket 2 starts at the top rung: it waits for the final phase
        assertEquals("Wait 3 r3", show(s.onReport(search(3, 3, 4, 0.5))));
        // bracket 1 has one trial: floor(1/2) = 0 can ever be promoted from its rung 1
        assertEquals("Wait 2 r2; Stop 2", show(s.onReport(search(2, 2, 2, 0.4))));
        // same in bracket 0; then the search has settled and trial 3 is the finalist
        assertEquals("Wait 1 r1; Stop 1; Promote 3 r4 FINAL 4->6", show(s.onReport(search(1, 1, 1, 0.3))));
        assertEquals("Wait 3 r4; Finish 3; Select 3", show(s.onReport(finalReport(3, 4, 6, 77))));
    }

    @Test
    void failedFinalistsLeaveAndTheRestAreRanked() {
        AsyncSuccessiveHalving s = AsyncSuccessiveHalving.asha(new HalvingSettings(2, 2, 2, 2, 2, 5, "ls_distance",
                "val_ppl"));
        s.onTrialAdded(1);
        s.onTrialAdded(2);
        assertEquals("Wait 1 r1", show(s.onReport(search(1, 1, 2, 0.4))));
        assertEquals("Wait 2 r1; Promote 2 r2 FINAL 2->5; Promote 1 r2 FINAL 2->5",
                show(s.onReport(search(2, 1, 2, 0.3))));
        assertEquals("", show(s.onFailure(2, "diverged")));
        assertEquals("Wait 1 r2; Finish 1; Select 1", show(s.onReport(finalReport(1, 2, 5, 90))));
    }
}
