package io.lsh.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.config.StudySettings;
import io.lsh.config.StudySettingsLoader;
import io.lsh.protocol.TrialPhase;
import io.lsh.protocol.WorkerCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The coordinator runs a study with every scheduler and optimizer of lsh.search (scripted workers, no training): the
 * reference first to the scheduler's last search epoch, then the search, a selected trial and the study folder; with
 * an epoch budget, no more candidate epochs than allowed.
 */
class CoordinatorSchedulersTest {

    private final ActorTestKit testKit = ScriptedWorkers.serializingTestKit();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        testKit.shutdownTestKit();
    }

    @ParameterizedTest
    @CsvSource({
        "asha,        tpe,    ls_distance, 0",
        "hyperband,   random, ls_distance, 0",
        "median,      tpe,    val_ppl,     0",
        "full,        grid,   ls_distance, 0",
        "elimination, tpe,    ls_distance, 0",
        "asha,        random, ls_distance, 11",
        "elimination, random, ls_distance, 14",
    })
    void runsAStudyWithEachScheduler(String scheduler, String optimizer, String objective, int epochBudget)
            throws Exception {
        Map<String, Object> overrides = new HashMap<>(Map.of("search.budget.total-epochs", epochBudget));
        overrides.putAll(Map.of(
                "search.scheduler", scheduler, "search.optimizer", optimizer, "search.objective", objective,
                "search.candidates", 8, "search.final-epochs", 5, "search.asha.max-epochs", 4,
                "search.median.max-epochs", 3, "search.median.min-trials", 2, "search.tpe.startup-trials", 4,
                "study.out", dir.toString()));
        StudySettings settings = StudySettingsLoader.load(Optional.empty(), overrides);
        StudyPlan plan = StudyPlan.of(settings);
        StudyFolder folder = StudyFolder.create(dir, "test", LocalDateTime.now());
        CompletableFuture<StudyOutcome> outcome = new CompletableFuture<>();
        testKit.spawn(Coordinator.create(plan, folder, outcome));
        var wire = ScriptedWorkers.coordinator(testKit);
        List<WorkerCommand.RunTrial> seen = new CopyOnWriteArrayList<>();
        testKit.spawn(ScriptedWorkers.worker("w1", wire, seen, Duration.ZERO));
        testKit.spawn(ScriptedWorkers.worker("w2", wire, seen, Duration.ZERO));

        StudyOutcome result = outcome.get(60, TimeUnit.SECONDS);
        assertTrue(result.completed(), result.summary());
        WorkerCommand.RunTrial first = seen.get(0);
        assertEquals(TrialPhase.REFERENCE, first.phase());
        assertEquals(plan.lastSearchEpoch(), first.toEpoch());
        // every search report happens at an epoch the reference reaches first
        assertTrue(seen.stream().filter(r -> r.phase() == TrialPhase.SEARCH)
                .allMatch(r -> r.toEpoch() <= plan.lastSearchEpoch()));
        assertTrue(result.leaderboard().contains("SELECTED"), result.leaderboard());
        assertTrue(Files.size(folder.selectedModel()) > 0);
        String journal = Files.readString(folder.journalFile());
        assertTrue(journal.contains("\"decision\":\"select\""), journal);
        if (epochBudget > 0) {
            // the budget ends the search: no more candidate epochs than allowed, and the close-out selects a trial
            assertTrue(seen.stream().filter(r -> r.phase() != TrialPhase.REFERENCE)
                    .mapToInt(r -> r.toEpoch() - r.fromEpoch()).sum() <= epochBudget);
            assertTrue(journal.contains("epoch budget of " + epochBudget + " spent"), journal);
        }
        // the journal records every engine input: replaying it (as lsh search --resume does) gives the same study
        var events = StudyJournal.read(folder.journalFile());
        var beforeEnd = events.stream().takeWhile(e -> !e.get("event").asText().equals("study_finished")).toList();
        JournalReplay.Recovered replayed = JournalReplay.replay(plan, folder, beforeEnd);
        assertEquals(result.selectedTrial(), replayed.engine().selectedId());
        assertEquals(events.stream().filter(e -> e.get("event").asText().equals("decision")).count(),
                replayed.engine().decisionCount());
    }
}
