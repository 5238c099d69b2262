package io.lsh.search;

import io.lsh.search.optimizer.RandomSearch;
import io.lsh.search.optimizer.TpeSettings;
import io.lsh.search.optimizer.TreeParzenEstimator;
import io.lsh.search.scheduler.AsyncSuccessiveHalving;
import io.lsh.search.scheduler.EliminationRounds;
import io.lsh.search.scheduler.EliminationSettings;
import io.lsh.search.scheduler.FullTraining;
import io.lsh.search.scheduler.HalvingSettings;
import io.lsh.search.scheduler.MedianStopping;
import io.lsh.search.scheduler.MedianStoppingSettings;
import io.lsh.search.scheduler.Scheduler;
import io.lsh.search.space.SearchSpace;
import io.lsh.search.space.SearchSpaces;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash-resume rests on this: the coordinator journals every engine input and, after a crash, replays the journal
 * into a fresh engine built from the same settings. Here a simulated study with interleaved workers, failures, lost
 * work, stale results and (for some) a budget is recorded call by call and replayed; every call must return the
 * same value and the replayed engine must end in the same state.
 */
class StudyEngineReplayTest {

    private static final SearchSpace SPACE = SearchSpaces.authorsSettingA();

    /** One engine input, as a journal would hold it. */
    sealed interface Call permits NextWork, Result, Failure, Lost, WallTime {
    }

    record NextWork() implements Call {
    }

    record Result(int trialId, int epoch, Map<String, Double> metrics) implements Call {
    }

    record Failure(int trialId, String reason) implements Call {
    }

    record Lost(int trialId) implements Call {
    }

    record WallTime() implements Call {
    }

    record Recorded(Call call, Object returned) {
    }

    static Object apply(StudyEngine e, Call c) {
        if (c instanceof NextWork) {
            return e.nextWork();
        }
        if (c instanceof Result r) {
            return e.onResult(r.trialId(), r.epoch(), r.metrics());
        }
        if (c instanceof Failure f) {
            return e.onFailure(f.trialId(), f.reason());
        }
        if (c instanceof Lost l) {
            return e.onWorkLost(l.trialId());
        }
        return e.onWallTimeExhausted();
    }

    enum Study {
        RANDOM_ELIMINATION(() -> engine(false, new EliminationRounds(EliminationSettings.defaults()
                .withEpochs(2, 1, 8)), StudyBudget.unlimited()), -1),
        TPE_ASHA(() -> engine(true, AsyncSuccessiveHalving.asha(halving()), StudyBudget.unlimited()), -1),
        TPE_HYPERBAND(() -> engine(true, AsyncSuccessiveHalving.hyperband(halving()), new StudyBudget(35, 0)), -1),
        TPE_MEDIAN(() -> engine(true, new MedianStopping(new MedianStoppingSettings(30, 2, 2, 8, 3, 2, 10,
                "ls_distance", "val_ppl")), StudyBudget.unlimited()), -1),
        TPE_ASHA_EPOCH_BUDGET(() -> engine(true, AsyncSuccessiveHalving.asha(halving()), new StudyBudget(0, 60)), -1),
        RANDOM_FULL_WALL_TIME(() -> engine(false, new FullTraining(40, 5, "val_ppl", "val_ppl"),
                StudyBudget.unlimited()), 15);

        final Supplier<StudyEngine> factory;
        final int wallTimeAtStep;

        Study(Supplier<StudyEngine> factory, int wallTimeAtStep) {
            this.factory = factory;
            this.wallTimeAtStep = wallTimeAtStep;
        }
    }

    private static HalvingSettings halving() {
        return new HalvingSettings(40, 1, 3, 9, 2, 12, "ls_distance", "val_ppl");
    }

    private static StudyEngine engine(boolean tpe, Scheduler scheduler, StudyBudget budget) {
        long seed = 99;
        Random optimizerRandom = new Random(Seeds.optimizerSeed(seed));
        var optimizer = tpe ? new TreeParzenEstimator(SPACE, optimizerRandom, TpeSettings.defaults())
                : new RandomSearch(SPACE, optimizerRandom);
        return new StudyEngine(SPACE, optimizer, scheduler, seed, 2, budget);
    }

    /** Drives the engine like 3 workers would, recording every call; returns the journal. */
    static List<Recorded> record(StudyEngine engine, long seed, int wallTimeAtStep) {
        Random world = new Random(seed);
        List<Recorded> journal = new ArrayList<>();
        List<WorkItem> inFlight = new ArrayList<>();
        List<WorkItem> lostItems = new ArrayList<>();
        for (int step = 0; step < 20_000; step++) {
            if (step == wallTimeAtStep) {
                call(engine, new WallTime(), journal);
            }
            while (inFlight.size() < 3) {
                @SuppressWarnings("unchecked")
                Optional<WorkItem> w = (Optional<WorkItem>) call(engine, new NextWork(), journal);
                if (w.isEmpty()) {
                    break;
                }
                inFlight.add(w.get());
            }
            if (inFlight.isEmpty()) {
                break;
            }
            WorkItem w = inFlight.remove(world.nextInt(inFlight.size()));
            double u = world.nextDouble();
            if (u < 0.04) {
                call(engine, new Failure(w.trialId(), "diverged"), journal);
            } else if (u < 0.12) {
                call(engine, new Lost(w.trialId()), journal);
                lostItems.add(w);
            } else {
                call(engine, new Result(w.trialId(), w.toEpoch(), StudyEngineTest.measure(w, 0.1)), journal);
            }
            if (!lostItems.isEmpty() && world.nextDouble() < 0.1) { // a late result of a lost attempt
                WorkItem late = lostItems.remove(0);
                call(engine, new Result(late.trialId(), late.toEpoch(), StudyEngineTest.measure(late, 0.1)), journal);
            }
        }
        assertTrue(engine.isFinished(), "the simulated study must finish");
        return journal;
    }

    private static Object call(StudyEngine engine, Call c, List<Recorded> journal) {
        Object returned = apply(engine, c);
        journal.add(new Recorded(c, returned));
        return returned;
    }

    @ParameterizedTest
    @EnumSource(Study.class)
    void aRecordedStudyReplaysToIdenticalDecisionsAndState(Study study) {
        StudyEngine original = study.factory.get();
        List<Recorded> journal = record(original, 7, study.wallTimeAtStep);
        assertTrue(journal.size() > 30, "a real study: " + journal.size() + " calls");
        assertTrue(original.selectedId().isPresent(), "the study selects a winner");
        assertEquals(study.wallTimeAtStep >= 0 || study == Study.TPE_ASHA_EPOCH_BUDGET,
                original.budgetSpent().isPresent(), "budget spent: " + original.budgetSpent());

        StudyEngine replayed = study.factory.get();
        for (int i = 0; i < journal.size(); i++) {
            Recorded r = journal.get(i);
            assertEquals(r.returned(), apply(replayed, r.call()), "call " + i + ": " + r.call());
        }
        assertEquals(original.decisionLog(), replayed.decisionLog());
        assertEquals(original.trials(), replayed.trials());
        assertEquals(original.progress(), replayed.progress());
        assertEquals(original.optimizer().history(), replayed.optimizer().history());
        assertEquals(original.selectedId(), replayed.selectedId());
        assertEquals(original.handedOutEpochs(), replayed.handedOutEpochs());
        assertEquals(original.budgetSpent(), replayed.budgetSpent());
        assertEquals(original.isFinished(), replayed.isFinished());

        // a crash half-way: replaying the first half gives the state the original had then
        StudyEngine half = study.factory.get();
        StudyEngine reference = study.factory.get();
        for (int i = 0; i < journal.size() / 2; i++) {
            apply(half, journal.get(i).call());
            apply(reference, journal.get(i).call());
        }
        assertEquals(reference.decisionLog(), half.decisionLog());
        assertEquals(reference.trials(), half.trials());
    }
}
