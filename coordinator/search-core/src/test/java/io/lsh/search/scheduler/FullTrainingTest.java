package io.lsh.search.scheduler;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalInt;

import static io.lsh.search.scheduler.SchedulerScripts.search;
import static io.lsh.search.scheduler.SchedulerScripts.show;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FullTrainingTest {

    @Test
    void everyTrialTrainsFullyAndAllAreRankedByTheFinalMetric() {
        FullTraining s = new FullTraining(3, 4, "ls_distance", "val_ppl");
        assertEquals(4, s.initialEpochs());
        assertEquals(4, s.lastSearchEpoch());
        s.onTrialAdded(1);
        s.onTrialAdded(2);
        s.onTrialAdded(3);
        assertFalse(s.acceptsNewTrials());
        assertThrows(IllegalStateException.class, () -> s.onReport(search(1, 1, 2, 0.5, 100)));
        assertEquals("Wait 1 r1", show(s.onReport(search(1, 1, 4, 0.5, 100))));
        // the better LS distance does not matter: val_ppl ranks
        assertEquals("Wait 2 r1", show(s.onReport(search(2, 1, 4, 0.3, 120))));
        List<Decision> d = s.onFailure(3, "diverged");
        assertEquals("Finish 1; Finish 2; Select 1", show(d));
        assertEquals("final rank 2 of 2 (val_ppl 120)", ((Decision.Finish) d.get(1)).reason());
        assertEquals("selected: lowest val_ppl 100 among 2 finalists", ((Decision.Select) d.get(2)).reason());
        assertTrue(s.isDone());
        assertEquals(OptionalInt.of(1), s.selected());
    }

    @Test
    void admissionClosedEarlyClosesTheStudyOnceAllReported() {
        FullTraining s = new FullTraining(5, 3, "val_ppl", "val_ppl");
        s.onTrialAdded(1);
        assertEquals("Wait 1 r1", show(s.onReport(search(1, 1, 3, 0.5, 100))));
        assertEquals("Finish 1; Select 1", show(s.onAdmissionClosed()));
    }
}
