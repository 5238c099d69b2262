package io.lsh.search.scheduler;

import io.lsh.search.trial.Phase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EliminationRoundsTest {

    private static final EliminationSettings BASE = EliminationSettings.defaults();

    private static Report report(EliminationRounds s, int id, double value) {
        String metric = s.currentPhase() == Phase.FINAL ? "val_ppl" : "ls_distance";
        return new Report(id, s.currentRound(), s.currentPhase(), s.currentTargetEpoch(), Map.of(metric, value));
    }

    private static EliminationRounds started(int n) {
        EliminationRounds s = new EliminationRounds(BASE.withCandidates(n));
        for (int id = 1; id <= n; id++) {
            assertTrue(s.acceptsNewTrials());
            s.onTrialAdded(id);
        }
        assertFalse(s.acceptsNewTrials());
        return s;
    }

    @ParameterizedTest(name = "n = {0}")
    @CsvSource({"10, '10,6,4,3,2'", "7, '7,4,3,2'", "5, '5,3,2'", "3, '3,2'", "2, '2,2'", "40, '40,21,11,6,4,3,2'"})
    void roundsKeepFloorHalfPlusOneOfTheBestUntilTheFinalists(int n, String expectedSizes) {
        EliminationRounds s = started(n);
        Random rng = new Random(n);
        List<Integer> sizes = new ArrayList<>();
        List<Integer> live = IntStream.rangeClosed(1, n).boxed().collect(Collectors.toList());
        int expectedEpoch = 3;
        while (!s.isDone()) {
            sizes.add(live.size());
            Phase phase = s.currentPhase();
            int round = s.currentRound();
            assertEquals(expectedEpoch, s.currentTargetEpoch());
            Map<Integer, Double> value = new HashMap<>();
            live.forEach(id -> value.put(id, Math.round(rng.nextDouble() * 10) / 10.0)); // ties happen
            List<Integer> order = new ArrayList<>(live);
            Collections.shuffle(order, rng);
            List<Decision> closing = null;
            for (int i = 0; i < order.size(); i++) {
                List<Decision> d = s.onReport(report(s, order.get(i), value.get(order.get(i))));
                assertEquals(new Decision.Wait(order.get(i), round), d.get(0));
                if (i < order.size() - 1) {
                    assertEquals(1, d.size(), "round closed early: " + d);
                } else {
                    closing = d.subList(1, d.size());
                }
            }
            List<Integer> ranked = new ArrayList<>(live);
            ranked.sort(Comparator.<Integer>comparingDouble(value::get).thenComparingInt(id -> id));
            int k = ranked.size();
            if (phase == Phase.FINAL) {
                assertEquals(k + 1, closing.size());
                for (int i = 0; i < k; i++) {
                    Decision.Finish f = assertInstanceOf(Decision.Finish.class, closing.get(i));
                    assertEquals(ranked.get(i), f.trialId());
                    assertTrue(f.reason().contains("rank " + (i + 1) + " of " + k), f.reason());
                }
                Decision.Select sel = assertInstanceOf(Decision.Select.class, closing.get(k));
                assertEquals(ranked.get(0), sel.trialId());
                assertTrue(sel.reason().contains("val_ppl"), sel.reason());
                assertEquals(ranked.get(0), s.selected().orElseThrow());
                break;
            }
            int keep = k <= 2 ? k : k / 2 + 1;
            boolean toFinal = keep <= 2;
            assertEquals(k, closing.size());
            for (int i = 0; i < k; i++) {
                Decision d = closing.get(i);
                assertEquals(ranked.get(i), d.trialId(), "rank order");
                if (i < keep) {
                    Decision.Promote p = assertInstanceOf(Decision.Promote.class, d);
                    assertEquals(round + 1, p.round());
                    assertEquals(toFinal ? Phase.FINAL : Phase.SEARCH, p.phase());
                    assertEquals(expectedEpoch, p.fromEpoch());
                    assertEquals(toFinal ? 100 : expectedEpoch + 3, p.toEpoch());
                } else {
                    Decision.Stop st = assertInstanceOf(Decision.Stop.class, d);
                    assertEquals("eliminated after round " + round + " (rank " + (i + 1) + " of " + k
                            + ", ls_distance " + EliminationRounds.format(value.get(st.trialId())) + ")", st.reason());
                }
            }
            live = new ArrayList<>(ranked.subList(0, keep));
            expectedEpoch = toFinal ? 100 : expectedEpoch + 3;
        }
        assertTrue(s.isDone());
        String got = sizes.stream().map(String::valueOf).collect(Collectors.joining(","));
        assertEquals(expectedSizes, got);
        assertEquals(expectedSizes, BASE.plan(n).trialsPerRound().stream().map(String::valueOf)
                .collect(Collectors.joining(",")));
    }

    @Test
    void tiesAreBrokenByTrialId() {
        EliminationRounds s = started(6);
        List<Decision> last = List.of();
        for (int id = 6; id >= 1; id--) {
            last = s.onReport(report(s, id, 1.0));
        }
        List<Integer> promoted = last.stream().filter(d -> d instanceof Decision.Promote).map(Decision::trialId).toList();
        assertEquals(List.of(1, 2, 3, 4), promoted);
        assertTrue(last.get(last.size() - 1) instanceof Decision.Stop s6 && s6.trialId() == 6
                && s6.reason().contains("rank 6 of 6"), last.toString());
    }

    @Test
    void missingOrNaNObjectivesRankLast() {
        EliminationRounds s = started(3);
        s.onReport(new Report(1, 1, Phase.SEARCH, 3, Map.of("val_ppl", 10.0))); // no ls_distance
        s.onReport(report(s, 2, Double.NaN));
        List<Decision> d = s.onReport(report(s, 3, 50.0));
        assertEquals(List.of(3, 1, 2), d.subList(1, 4).stream().map(Decision::trialId).toList());
        assertTrue(((Decision.Stop) d.get(3)).reason().contains("ls_distance NaN"), d.toString());
    }

    @Test
    void aFailureInsideARoundStillClosesIt() {
        EliminationRounds s = started(5);
        for (int id = 1; id <= 4; id++) {
            assertEquals(1, s.onReport(report(s, id, id)).size());
        }
        List<Decision> d = s.onFailure(5, "diverged");
        // k = 4 reported: keep 3, stop 1
        assertEquals(List.of(1, 2, 3, 4), d.stream().map(Decision::trialId).toList());
        assertEquals(3, d.stream().filter(x -> x instanceof Decision.Promote).count());
        assertTrue(((Decision.Stop) d.get(3)).reason().contains("rank 4 of 4"));
        // a failure in the final phase: the other finalist still finishes and is selected
        for (int id = 1; id <= 3; id++) {
            s.onReport(report(s, id, 10 - id));
        }
        assertEquals(Phase.FINAL, s.currentPhase());
        assertEquals(List.of(2, 3), s.liveTrials()); // ranks 1, 2 by objective 8, 7 -> trials 3, 2
        assertEquals(List.of(), s.onFailure(99, "unknown trial is ignored"));
        assertEquals(1, s.onReport(report(s, 3, 80.0)).size());
        d = s.onFailure(2, "out of memory");
        assertEquals(List.of(new Decision.Finish(3, "final rank 1 of 1 (val_ppl 80)"),
                new Decision.Select(3, "selected: lowest val_ppl 80 among 1 finalist")), d);
        assertTrue(s.isDone());
    }

    @Test
    void everyTrialFailingEndsWithoutSelection() {
        EliminationRounds s = started(2);
        s.onReport(report(s, 1, 1.0));
        List<Decision> d = s.onFailure(2, "x"); // closes round 1: trial 1 alone goes to the final
        assertEquals(1, d.size());
        assertEquals(Phase.FINAL, ((Decision.Promote) d.get(0)).phase());
        assertFalse(s.isDone());
        assertEquals(Phase.FINAL, s.currentPhase());
        assertEquals(List.of(), s.onFailure(1, "y"));
        assertTrue(s.isDone());
        assertTrue(s.selected().isEmpty());
    }

    @Test
    void closingAdmissionEarlyRunsRoundOneWithTheTrialsItHas() {
        EliminationRounds s = new EliminationRounds(BASE.withCandidates(10));
        for (int id = 1; id <= 3; id++) {
            s.onTrialAdded(id);
        }
        assertTrue(s.acceptsNewTrials());
        s.onReport(report(s, 1, 0.3));
        s.onReport(report(s, 2, 0.1));
        assertEquals(1, s.onReport(report(s, 3, 0.2)).size()); // admission still open: no closure
        List<Decision> d = s.onAdmissionClosed();
        assertEquals(List.of(2, 3, 1), d.stream().map(Decision::trialId).toList());
        assertEquals(Phase.FINAL, ((Decision.Promote) d.get(0)).phase());
        assertFalse(s.acceptsNewTrials());
        assertThrows(IllegalStateException.class, () -> s.onTrialAdded(4));
        assertEquals(List.of(), s.onAdmissionClosed());
    }

    @Test
    void noTrialsAtAllIsDoneAtOnce() {
        EliminationRounds s = new EliminationRounds(BASE);
        assertEquals(List.of(), s.onAdmissionClosed());
        assertTrue(s.isDone());
    }

    @Test
    void reportsThatDoNotFitTheRoundAreRejected() {
        EliminationRounds s = started(3);
        assertThrows(IllegalStateException.class,
                () -> s.onReport(new Report(1, 1, Phase.SEARCH, 4, Map.of("ls_distance", 1.0))));
        assertThrows(IllegalStateException.class, () -> s.onReport(report(s, 7, 1.0)));
        s.onReport(report(s, 1, 1.0));
        assertThrows(IllegalStateException.class, () -> s.onReport(report(s, 1, 1.0)));
        assertThrows(IllegalStateException.class, () -> s.onTrialAdded(4));
    }

    @Test
    void budgetOfTheAuthorsSchedule() {
        EliminationPlan plan = EliminationSettings.defaults().plan();
        assertEquals(List.of(40, 21, 11, 6, 4, 3, 2), plan.trialsPerRound());
        assertEquals(Phase.FINAL, plan.rounds().get(6).phase());
        assertEquals(18, plan.rounds().get(6).fromEpoch());
        assertEquals(419, plan.epochs());                       // resuming from checkpoints
        assertEquals(731, plan.epochsRetrainingFromScratch());  // the authors' code retrains every round
        assertEquals(4000, plan.fullTrainingEpochs());
        assertEquals(List.of(), EliminationSettings.defaults().plan(0).rounds());
        assertEquals(List.of(1, 1), EliminationSettings.defaults().plan(1).trialsPerRound());
    }

    @Test
    void survivorRule() {
        assertEquals(21, EliminationSettings.survivors(40, 2));
        assertEquals(2, EliminationSettings.survivors(3, 2));
        assertEquals(2, EliminationSettings.survivors(2, 2));
        assertEquals(1, EliminationSettings.survivors(2, 1));
        assertEquals(4, EliminationSettings.survivors(5, 4)); // never below m
        assertEquals(1, EliminationSettings.survivors(1, 2));
    }

    @Test
    void settingsErrorsNameTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BASE.withCandidates(0));
        assertTrue(e.getMessage().startsWith("candidates"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BASE.withEpochs(3, 3, 18));
        assertTrue(e.getMessage().startsWith("finalEpochs must be > 18"), e.getMessage());
        BASE.withEpochs(3, 3, 19);
        e = assertThrows(IllegalArgumentException.class, () -> BASE.withMetrics(" ", "val_ppl"));
        assertTrue(e.getMessage().startsWith("objectiveMetric"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BASE.withFinalists(0));
        assertTrue(e.getMessage().startsWith("finalists"), e.getMessage());
    }
}
