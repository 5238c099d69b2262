package io.lsh.search;

import io.lsh.search.optimizer.Observation;
import io.lsh.search.scheduler.Decision;
import io.lsh.search.scheduler.EliminationSettings;
import io.lsh.search.space.Configuration;
import io.lsh.search.space.Parameter;
import io.lsh.search.space.SearchSpace;
import io.lsh.search.space.SearchSpaces;
import io.lsh.search.trial.Phase;
import io.lsh.search.trial.RoundResult;
import io.lsh.search.trial.TrialRecord;
import io.lsh.search.trial.TrialState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StudyEngineTest {

    private static final SearchSpace SPACE = SearchSpaces.authorsSettingA();
    private static final EliminationSettings SETTINGS = EliminationSettings.defaults();

    /** Synthetic quality of a configuration: 0 at ER/global_magnitude/nonzeros/0.7, larger is worse. */
    static double quality(Configuration c) {
        double v = c.getString("init").equals("ER") ? 0 : 0.3;
        v += Map.of("magnitude", 0.2, "SET", 0.1, "threshold", 0.4, "global_magnitude", 0.0).get(c.getString("death"));
        v += Map.of("magnitude", 0.15, "nonzeros", 0.0, "none", 0.3).get(c.getString("redistribution"));
        double dr = c.getDouble("death_rate");
        return v + 4 * (dr - 0.7) * (dr - 0.7);
    }

    /** A fake worker's measurement: known function of (config, epoch) plus noise seeded by the trial seed. */
    static Map<String, Double> measure(WorkItem w, double noise) {
        double q = quality(w.configuration());
        Random r = new Random(w.seed() * 31 + w.toEpoch());
        double ls = q + noise * r.nextGaussian() / Math.sqrt(w.toEpoch());
        double ppl = 70 + 20 * q + 30.0 / w.toEpoch() + noise * 5 * r.nextGaussian();
        return Map.of("ls_distance", ls, "val_ppl", ppl, "sparsity", 0.67);
    }

    record Run(StudyEngine engine, List<Decision> returned, List<WorkItem> dispatched) {
    }

    /**
     * Drives an engine with {@code workers} concurrent fake workers; completes in-flight items in a shuffled
     * order; with probability {@code loss} a completion is a lost worker instead.
     */
    static Run simulate(StudyEngine engine, long seed, int workers, double noise, double loss) {
        Random order = new Random(seed * 1_000 + workers);
        List<WorkItem> inFlight = new ArrayList<>();
        List<Decision> returned = new ArrayList<>();
        List<WorkItem> dispatched = new ArrayList<>();
        Set<String> handedOut = new HashSet<>();
        for (int steps = 0; ; steps++) {
            assertTrue(steps < 10_000, "simulation does not terminate");
            while (inFlight.size() < workers) {
                Optional<WorkItem> w = engine.nextWork();
                if (w.isEmpty()) {
                    break;
                }
                WorkItem item = w.get();
                assertTrue(inFlight.stream().noneMatch(i -> i.trialId() == item.trialId()),
                        "trial handed to two workers at once: " + item);
                assertTrue(handedOut.add(item.trialId() + ":" + item.fromEpoch() + ":" + item.toEpoch() + ":"
                        + item.attempt()), "same work handed out twice: " + item);
                assertEquals(TrialState.RUNNING, engine.trial(item.trialId()).orElseThrow().state());
                dispatched.add(item);
                inFlight.add(item);
            }
            if (inFlight.isEmpty()) {
                break;
            }
            WorkItem w = inFlight.remove(order.nextInt(inFlight.size()));
            if (loss > 0 && order.nextDouble() < loss) {
                returned.addAll(engine.onWorkLost(w.trialId()));
            } else {
                List<Decision> d = engine.onResult(w.trialId(), w.toEpoch(), measure(w, noise));
                assertFalse(d.isEmpty(), "a valid result always yields decisions");
                returned.addAll(d);
            }
            assertProgressCountsTrials(engine);
        }
        assertTrue(engine.isFinished());
        assertTrue(engine.nextWork().isEmpty());
        return new Run(engine, returned, dispatched);
    }

    /** The engine's O(1) per-state counts equal a recount of its trials. */
    static void assertProgressCountsTrials(StudyEngine engine) {
        StudyProgress p = engine.progress();
        Map<TrialState, Long> n = new java.util.EnumMap<>(TrialState.class);
        engine.trials().forEach(t -> n.merge(t.state(), 1L, Long::sum));
        assertEquals(List.of(n.getOrDefault(TrialState.CREATED, 0L), n.getOrDefault(TrialState.RUNNING, 0L),
                        n.getOrDefault(TrialState.WAITING, 0L), n.getOrDefault(TrialState.PROMOTED, 0L),
                        n.getOrDefault(TrialState.STOPPED, 0L), n.getOrDefault(TrialState.FINISHED, 0L),
                        n.getOrDefault(TrialState.FAILED, 0L), (long) engine.trials().size()),
                List.of((long) p.created(), (long) p.running(), (long) p.waiting(), (long) p.promoted(),
                        (long) p.stopped(), (long) p.finished(), (long) p.failed(), (long) p.trials()));
    }

    static Run simulate(long seed, int workers) {
        return simulate(StudyEngine.withRandomSearch(SPACE, SETTINGS, seed), seed, workers, 0.05, 0);
    }

    @ParameterizedTest(name = "{0} worker(s)")
    @ValueSource(ints = {1, 3})
    void finishesAndSelectsTheBestFinalist(int workers) {
        Run run = simulate(17, workers);
        StudyEngine e = run.engine();
        List<TrialRecord> trials = e.trials();
        assertEquals(40, trials.size());
        List<TrialRecord> finalists = trials.stream().filter(t -> t.lastResult(Phase.FINAL).isPresent()).toList();
        assertEquals(2, finalists.size());
        TrialRecord best = finalists.stream()
                .min(Comparator.comparingDouble(t -> t.lastResult(Phase.FINAL).orElseThrow().metrics().get("val_ppl")))
                .orElseThrow();
        TrialRecord selected = e.selected().orElseThrow();
        assertEquals(best.id(), selected.id());
        assertEquals(TrialState.FINISHED, selected.state());
        assertEquals(100, selected.epoch());
        assertTrue(selected.stopReason().startsWith("final rank 1 of 2"), selected.stopReason());

        StudyProgress p = e.progress();
        assertEquals(new StudyProgress(40, 0, 0, 0, 0, 38, 2, 0, 7, e.bestObjective(), true), p);
        trials.stream().filter(t -> t.state() == TrialState.STOPPED)
                .forEach(t -> assertTrue(t.stopReason().matches("eliminated after round \\d \\(rank \\d+ of \\d+, "
                        + "ls_distance -?[0-9.]+\\)"), t.stopReason()));
        // the epochs handed out are exactly the planned budget (resume mode)
        assertEquals(SETTINGS.plan().epochs(), run.dispatched().stream().mapToLong(WorkItem::epochs).sum());
        // what the events returned is the decision log
        assertEquals(e.decisionLog(), run.returned());
        // the optimizer was told each trial's round-1 objective once
        List<Observation> history = e.optimizer().history();
        assertEquals(40, history.size());
        for (TrialRecord t : trials) {
            RoundResult first = t.results().get(0);
            assertEquals(1, first.round());
            assertEquals(3, first.epoch());
            assertTrue(history.contains(new Observation(t.configuration(), first.objective())));
        }
        assertEquals(trials.stream().mapToDouble(t -> t.results().stream().filter(r -> r.phase() == Phase.SEARCH)
                .mapToDouble(RoundResult::objective).min().orElseThrow()).min().orElseThrow(),
                e.bestObjective().orElseThrow());
    }

    @Test
    void replaysToIdenticalDecisionsUnderTheSameSeed() {
        Run a = simulate(5, 3);
        Run b = simulate(5, 3);
        assertEquals(a.engine().decisionLog(), b.engine().decisionLog());
        assertEquals(a.engine().trials(), b.engine().trials());
        assertEquals(a.dispatched(), b.dispatched());
        Run c = simulate(6, 3);
        assertNotEquals(a.engine().decisionLog(), c.engine().decisionLog());
    }

    @Test
    void concurrencyChangesOnlyTheInterleavingOfWaits() {
        Run one = simulate(23, 1);
        Run three = simulate(23, 3);
        assertEquals(withoutWaits(one.engine().decisionLog()), withoutWaits(three.engine().decisionLog()));
        assertNotEquals(one.engine().decisionLog(), three.engine().decisionLog());
        assertEquals(one.engine().selected().orElseThrow().configuration(),
                three.engine().selected().orElseThrow().configuration());
    }

    private static List<Decision> withoutWaits(List<Decision> log) {
        return log.stream().filter(d -> !(d instanceof Decision.Wait)).toList();
    }

    @Test
    void selectsTheGlobalOptimumWhenEveryPointIsACandidateAndTheObjectiveIsExact() {
        EliminationSettings all = SETTINGS.withCandidates(144);
        Run run = simulate(StudyEngine.withRandomSearch(SPACE, all, 3), 3, 3, 0.0, 0);
        assertEquals(144, run.engine().trials().size());
        assertEquals("death=global_magnitude death_rate=0.7 growth=random init=ER redistribution=nonzeros",
                run.engine().selected().orElseThrow().configuration().toString());
        assertEquals(all.plan().epochs(), run.dispatched().stream().mapToLong(WorkItem::epochs).sum());
    }

    @Test
    void roundOneUsesWhatTheOptimizerHasWhenItRunsOut() {
        SearchSpace six = SearchSpace.of(Parameter.categorical("init", "uniform", "ER"),
                Parameter.quantized("death_rate", 0.6, 0.8, 0.1));
        SearchSpace space = new SearchSpace(List.of(six.parameters().get(0), six.parameters().get(1),
                Parameter.categorical("death", "global_magnitude"), Parameter.categorical("redistribution", "nonzeros")));
        assertEquals(6, space.size().orElseThrow());
        StudyEngine e = StudyEngine.withRandomSearch(space, SETTINGS.withCandidates(10), 1);
        Run run = simulate(e, 1, 2, 0.0, 0);
        assertEquals(6, e.trials().size());
        // 6 -> 4 -> 3 -> 2 finalists
        assertEquals(List.of(6, 4, 3, 2), List.of(
                run.dispatched().stream().filter(w -> w.round() == 1).count(),
                run.dispatched().stream().filter(w -> w.round() == 2).count(),
                run.dispatched().stream().filter(w -> w.round() == 3).count(),
                run.dispatched().stream().filter(w -> w.round() == 4 && w.phase() == Phase.FINAL).count())
                .stream().map(Long::intValue).toList());
        assertEquals("death=global_magnitude death_rate=0.7 init=ER redistribution=nonzeros",
                e.selected().orElseThrow().configuration().toString());
        // with 2 workers, the empty ask happened while round 1 was running: the last report closed it
        assertEquals(e.decisionLog(), run.returned());
        // with 1 worker, all 6 reported before the 7th ask: closing admission inside nextWork closed round 1,
        // so those decisions are in the log but were not returned by an event
        StudyEngine single = StudyEngine.withRandomSearch(space, SETTINGS.withCandidates(10), 1);
        Run one = simulate(single, 1, 1, 0.0, 0);
        List<Decision> log = single.decisionLog();
        // waits (6 + 4 + 3 + 2) + closings (6 + 4 + 3 + 2 finishes + 1 select)
        assertEquals(15 + 16, log.size());
        assertEquals(log.size() - 6, one.returned().size());
        assertEquals(e.selected().orElseThrow().configuration(), single.selected().orElseThrow().configuration());
    }

    @Test
    void lostWorkIsRequeuedAtTheFrontThenFailsAfterMaxAttempts() {
        StudyEngine e = StudyEngine.withRandomSearch(SPACE, SETTINGS.withCandidates(3), 9);
        WorkItem a1 = e.nextWork().orElseThrow();
        WorkItem b1 = e.nextWork().orElseThrow();
        assertEquals(List.of(1, 2), List.of(a1.trialId(), b1.trialId()));
        assertEquals(List.of(), e.onWorkLost(1));
        assertEquals(TrialState.CREATED, e.trial(1).orElseThrow().state());
        WorkItem a2 = e.nextWork().orElseThrow();
        assertEquals(1, a2.trialId());
        assertEquals(2, a2.attempt());
        assertEquals(a1.seed(), a2.seed());
        assertEquals(a1.configuration(), a2.configuration());
        e.onWorkLost(1);
        WorkItem a3 = e.nextWork().orElseThrow();
        assertEquals(3, a3.attempt());
        assertEquals(List.of(), e.onWorkLost(1)); // fails; round 1 not closable yet
        TrialRecord t1 = e.trial(1).orElseThrow();
        assertEquals(TrialState.FAILED, t1.state());
        assertEquals("work lost 3 times (max attempts 3)", t1.stopReason());
        Observation told = e.optimizer().history().get(0);
        assertTrue(told.failed());
        assertEquals(t1.configuration(), told.configuration());

        // a late result from a lost attempt is still accepted while the segment waits for a worker
        WorkItem c1 = e.nextWork().orElseThrow();
        assertEquals(3, c1.trialId());
        e.onWorkLost(3);
        assertEquals(TrialState.CREATED, e.trial(3).orElseThrow().state());
        assertFalse(e.onResult(3, 3, measure(c1, 0)).isEmpty());
        assertEquals(TrialState.WAITING, e.trial(3).orElseThrow().state());
        // 2 reports and the failure close round 1: both go to the final
        List<Decision> d = e.onResult(2, 3, measure(b1, 0));
        assertEquals(3, d.size());
        assertTrue(d.stream().skip(1).allMatch(x -> x instanceof Decision.Promote p && p.phase() == Phase.FINAL));
        assertEquals(2, e.progress().promoted());
        assertEquals(1, e.progress().failed());
    }

    @Test
    void simulationWithLostWorkersStillFinishes() {
        StudyEngine e = new StudyEngine(SPACE, new io.lsh.search.optimizer.RandomSearch(SPACE, new Random(4)),
                new io.lsh.search.scheduler.EliminationRounds(SETTINGS.withCandidates(12)), 4, 2);
        Run run = simulate(e, 4, 3, 0.05, 0.2);
        assertTrue(e.isFinished());
        for (TrialRecord t : e.trials()) {
            assertTrue(t.state().isTerminal(), t.toString());
            if (t.state() == TrialState.FAILED) {
                assertEquals("work lost 2 times (max attempts 2)", t.stopReason());
            }
        }
        assertTrue(run.dispatched().stream().anyMatch(w -> w.attempt() == 2), "the test should lose some work");
        assertEquals(e.decisionLog(), run.returned());
    }

    @Test
    void staleEventsAreIgnoredAndUnknownTrialsRejected() {
        StudyEngine e = StudyEngine.withRandomSearch(SPACE, SETTINGS.withCandidates(3), 2);
        WorkItem w = e.nextWork().orElseThrow();
        assertEquals(List.of(), e.onResult(1, 2, measure(w, 0))); // wrong epoch
        assertEquals(TrialState.RUNNING, e.trial(1).orElseThrow().state());
        assertEquals(List.of(new Decision.Wait(1, 1)), e.onResult(1, 3, measure(w, 0)));
        assertEquals(List.of(), e.onResult(1, 3, measure(w, 0))); // duplicate
        assertEquals(List.of(), e.onWorkLost(1));                 // not running
        assertEquals(List.of(), e.onFailure(1, "late"));          // already reported
        assertEquals(TrialState.WAITING, e.trial(1).orElseThrow().state());
        assertThrows(IllegalArgumentException.class, () -> e.onResult(42, 3, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> e.onFailure(0, "x"));
        assertTrue(e.trial(42).isEmpty());
        assertEquals(1, e.optimizer().history().size());
    }

    @Test
    void aFailureInRoundOneLetsTheRoundClose() {
        StudyEngine e = StudyEngine.withRandomSearch(SPACE, SETTINGS.withCandidates(4), 8);
        List<WorkItem> items = List.of(e.nextWork().orElseThrow(), e.nextWork().orElseThrow(),
                e.nextWork().orElseThrow(), e.nextWork().orElseThrow());
        assertTrue(e.nextWork().isEmpty());
        assertEquals(4, e.progress().running());
        for (int i = 0; i < 3; i++) {
            e.onResult(items.get(i).trialId(), 3, measure(items.get(i), 0.05));
        }
        assertTrue(e.nextWork().isEmpty());
        assertFalse(e.isFinished());
        List<Decision> d = e.onFailure(4, "NaN loss");
        assertEquals(3, d.size()); // k = 3: 2 finalists promoted, 1 stopped
        assertEquals(2, d.stream().filter(x -> x instanceof Decision.Promote).count());
        assertEquals("NaN loss", e.trial(4).orElseThrow().stopReason());
        WorkItem f = e.nextWork().orElseThrow();
        assertEquals(Phase.FINAL, f.phase());
        assertEquals(3, f.fromEpoch());
        assertEquals(100, f.toEpoch());
        assertEquals(2, f.round());
    }

    @Test
    void trialSeedsDeriveFromStudySeedAndId() {
        assertEquals(Seeds.trialSeed(7, 3), Seeds.trialSeed(7, 3));
        assertNotEquals(Seeds.trialSeed(7, 3), Seeds.trialSeed(7, 4));
        assertNotEquals(Seeds.trialSeed(7, 3), Seeds.trialSeed(8, 3));
        StudyEngine e = StudyEngine.withRandomSearch(SPACE, SETTINGS, 7);
        assertEquals(Seeds.trialSeed(7, 1), e.nextWork().orElseThrow().seed());
    }
}
