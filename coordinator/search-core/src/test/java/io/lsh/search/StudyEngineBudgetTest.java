package io.lsh.search;

import io.lsh.search.optimizer.RandomSearch;
import io.lsh.search.scheduler.AsyncSuccessiveHalving;
import io.lsh.search.scheduler.Decision;
import io.lsh.search.scheduler.EliminationRounds;
import io.lsh.search.scheduler.EliminationSettings;
import io.lsh.search.scheduler.HalvingSettings;
import io.lsh.search.space.SearchSpace;
import io.lsh.search.space.SearchSpaces;
import io.lsh.search.trial.TrialRecord;
import io.lsh.search.trial.TrialState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StudyEngineBudgetTest {

    private static final SearchSpace SPACE = SearchSpaces.authorsSettingA();
    /** 4 candidates, e0 = ei = 1, 2 finalists trained to 5 epochs: rounds of 4 and 3 trials, then 2 finalists. */
    private static final EliminationSettings FOUR = new EliminationSettings(4, 1, 1, 2, 5, "ls_distance", "val_ppl");

    private static StudyEngine engine(EliminationSettings s, StudyBudget budget) {
        return new StudyEngine(SPACE, new RandomSearch(SPACE, new Random(1)), new EliminationRounds(s), 1, 3, budget);
    }

    private static Map<String, Double> metrics(double ls, double ppl) {
        return Map.of("ls_distance", ls, "val_ppl", ppl);
    }

    private static String show(List<Decision> d) {
        return d.stream().map(x -> x.getClass().getSimpleName() + " " + x.trialId()).collect(Collectors.joining(", "));
    }

    @Test
    void theEpochBudgetStopsHandingOutAndTheDeepestTrialWithTheLowestPerplexityWins() {
        StudyEngine e = engine(FOUR, new StudyBudget(0, 6));
        double[][] round1 = {{0.3, 120}, {0.1, 130}, {0.2, 110}, {0.4, 100}};
        for (int id = 1; id <= 4; id++) {
            WorkItem w = e.nextWork().orElseThrow();
            assertEquals(id, w.trialId());
            e.onResult(id, 1, metrics(round1[id - 1][0], round1[id - 1][1]));
        }
        assertEquals(4, e.handedOutEpochs());
        // round 1 closed: 2, 3, 1 promoted (1 -> 2), 4 stopped; two of them fit in the 6 epochs
        assertEquals(2, e.nextWork().orElseThrow().trialId());
        assertEquals(3, e.nextWork().orElseThrow().trialId());
        assertTrue(e.nextWork().isEmpty()); // trial 1's segment would be the 7th epoch
        assertEquals("epoch budget of 6 spent", e.budgetSpent().orElseThrow());
        assertFalse(e.isFinished());
        assertEquals("Wait 2", show(e.onResult(2, 2, metrics(0.1, 125))));
        // the last running segment: the study closes; trials 2 and 3 reached epoch 2, trial 3 has the lower ppl
        List<Decision> d = e.onResult(3, 2, metrics(0.2, 105));
        assertEquals("Wait 3, Stop 1, Stop 2, Finish 3, Select 3", show(d));
        assertEquals("selected (epoch budget of 6 spent): lowest val_ppl 105 at epoch 2 among 2 trials at that epoch",
                ((Decision.Select) d.get(4)).reason());
        assertEquals("epoch budget of 6 spent (epoch 1)", e.trial(1).orElseThrow().stopReason());
        assertTrue(e.isFinished());
        assertEquals(3, e.selected().orElseThrow().id());
        assertEquals(6, e.handedOutEpochs());
        assertTrue(e.trials().stream().allMatch(t -> t.state().isTerminal()));
        assertEquals(e.decisionLog().subList(e.decisionLog().size() - 5, e.decisionLog().size()), d);
    }

    @Test
    void theWallTimeEventClosesAtOnceWhenNothingRuns() {
        StudyEngine e = engine(FOUR, StudyBudget.unlimited());
        WorkItem w = e.nextWork().orElseThrow();
        e.nextWork().orElseThrow(); // trial 2 running
        e.onResult(w.trialId(), 1, metrics(0.3, 120));
        assertEquals(List.of(), e.onWallTimeExhausted()); // trial 2 still runs
        assertTrue(e.nextWork().isEmpty());
        e.onWorkLost(2); // lost: nothing runs any more, trial 2 never reported
        assertTrue(e.isFinished());
        assertEquals(List.of("Stop 2", "Finish 1", "Select 1"),
                List.of(show(e.decisionLog().subList(1, 2)), show(e.decisionLog().subList(2, 3)),
                        show(e.decisionLog().subList(3, 4))));
        assertEquals("wall-time budget spent before it ran (epoch 0)", e.trial(2).orElseThrow().stopReason());
        assertEquals(List.of(), e.onWallTimeExhausted()); // idempotent
    }

    @Test
    void maxTrialsClosesAdmissionAndTheScheduleCompletesNormally() {
        StudyEngine e = engine(EliminationSettings.defaults().withCandidates(8).withEpochs(1, 1, 4),
                new StudyBudget(5, 0));
        StudyEngineTest.Run run = StudyEngineTest.simulate(e, 3, 2, 0.05, 0);
        assertEquals(5, e.trials().size());
        assertTrue(e.budgetSpent().isEmpty());
        Decision last = e.decisionLog().get(e.decisionLog().size() - 1);
        assertTrue(((Decision.Select) last).reason().startsWith("selected: lowest val_ppl"), last.toString());
        assertEquals(run.dispatched().stream().mapToLong(WorkItem::epochs).sum(), e.handedOutEpochs());
    }

    @Test
    void anAshaStudyUnderAnEpochBudgetNeverExceedsIt() {
        for (long budget : new long[] {7, 20, 45}) {
            HalvingSettings h = new HalvingSettings(30, 1, 2, 8, 2, 12, "ls_distance", "val_ppl");
            StudyEngine e = new StudyEngine(SPACE, new RandomSearch(SPACE, new Random(2)),
                    AsyncSuccessiveHalving.asha(h), 2, 3, new StudyBudget(0, budget));
            StudyEngineTest.Run run = StudyEngineTest.simulate(e, 2, 3, 0.05, 0);
            long handed = run.dispatched().stream().mapToLong(WorkItem::epochs).sum();
            assertEquals(handed, e.handedOutEpochs());
            assertTrue(handed <= budget, handed + " > " + budget);
            assertTrue(e.isFinished());
            TrialRecord winner = e.selected().orElseThrow();
            assertEquals(TrialState.FINISHED, winner.state());
            assertTrue(e.trials().stream().allMatch(t -> t.state().isTerminal()));
        }
    }

    @Test
    void negativeBudgetsAreRejected() {
        var ex = assertThrows(IllegalArgumentException.class, () -> new StudyBudget(-1, 0));
        assertEquals("maxTrials must be >= 0 (0 = unlimited), got -1", ex.getMessage());
    }
}
