package io.lsh.search.scheduler;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalInt;

import static io.lsh.search.scheduler.SchedulerScripts.finalReport;
import static io.lsh.search.scheduler.SchedulerScripts.search;
import static io.lsh.search.scheduler.SchedulerScripts.show;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MedianStoppingTest {

    @Test
    void decisionsOnAScriptedSequenceEqualTheHandComputedOnes() {
        // reports at epochs 1, 2, 3 (rounds 1-3); the rule needs 2 other trials; 1 finalist trains to 5 (round 4)
        MedianStopping s = new MedianStopping(new MedianStoppingSettings(4, 1, 1, 3, 2, 1, 5, "ls_distance",
                "val_ppl"));
        assertEquals(List.of(1, 2, 3), s.settings().reportEpochs());
        assertEquals(3, s.lastSearchEpoch());
        for (int id = 1; id <= 4; id++) {
            s.onTrialAdded(id);
        }
        // epoch 1: no other trial yet, then one: fewer than 2, the trial continues
        assertEquals("Wait 1 r1; Promote 1 r2 SEARCH 1->2", show(s.onReport(search(1, 1, 1, 1.0))));
        assertEquals("Wait 2 r1; Promote 2 r2 SEARCH 1->2", show(s.onReport(search(2, 1, 1, 2.0))));
        // trial 3: best 3.0 > median(1.0, 2.0) = 1.5
        List<Decision> d = s.onReport(search(3, 1, 1, 3.0));
        assertEquals("Wait 3 r1; Stop 3", show(d));
        assertEquals("median rule at epoch 1: best ls_distance 3, median of 2 running averages 1.5",
                ((Decision.Stop) d.get(1)).reason());
        // trial 4: 1.2 <= median(1.0, 2.0, 3.0) = 2.0 (the stopped trial's report counts)
        assertEquals("Wait 4 r1; Promote 4 r2 SEARCH 1->2", show(s.onReport(search(4, 1, 1, 1.2))));
        // epoch 2: trial 1 is first there, trial 2 has one peer
        assertEquals("Wait 1 r2; Promote 1 r3 SEARCH 2->3", show(s.onReport(search(1, 2, 2, 0.8))));
        assertEquals("Wait 2 r2; Promote 2 r3 SEARCH 2->3", show(s.onReport(search(2, 2, 2, 1.9))));
        // trial 4 reports 1.5 but its best is 1.2 <= median(avg(1.0, 0.8) = 0.9, avg(2.0, 1.9) = 1.95) = 1.425
        assertEquals("Wait 4 r2; Promote 4 r3 SEARCH 2->3", show(s.onReport(search(4, 2, 2, 1.5))));
        // the last search epoch: trials wait for the final phase
        assertEquals("Wait 2 r3", show(s.onReport(search(2, 3, 3, 1.85))));
        assertEquals("Wait 1 r3", show(s.onReport(search(1, 3, 3, 0.7))));
        // trial 4 fails: the search has settled; trial 1 ranks first at epoch 3
        assertEquals("Promote 1 r4 FINAL 3->5; Stop 2", show(s.onFailure(4, "diverged")));
        assertEquals("Wait 1 r4; Finish 1; Select 1", show(s.onReport(finalReport(1, 4, 5, 90))));
        assertTrue(s.isDone());
        assertEquals(OptionalInt.of(1), s.selected());
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(2.5, MedianStopping.median(List.of(4.0, 1.0, 2.0, 3.0)));
        assertEquals(2.0, MedianStopping.median(List.of(3.0, 1.0, 2.0)));
    }

    @Test
    void aMissingObjectiveIsStoppedOnceTheRuleApplies() {
        MedianStopping s = new MedianStopping(new MedianStoppingSettings(3, 2, 2, 6, 1, 1, 6, "ls_distance",
                "val_ppl"));
        assertEquals(List.of(2, 4, 6), s.settings().reportEpochs());
        s.onTrialAdded(1);
        s.onTrialAdded(2);
        assertEquals("Wait 1 r1; Promote 1 r2 SEARCH 2->4", show(s.onReport(search(1, 1, 2, 1.0))));
        assertEquals("Wait 2 r1; Stop 2", show(s.onReport(search(2, 1, 2, Double.NaN))));
    }
}
