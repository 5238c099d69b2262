package io.lsh.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.lsh.config.StudySettings;
import io.lsh.config.StudySettingsLoader;
import io.lsh.protocol.WorkerCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wall-time budget: the coordinator raises it, the study closes cleanly with a selection, and it replays. */
class CoordinatorBudgetTest {

    private final ActorTestKit testKit = ScriptedWorkers.serializingTestKit();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        testKit.shutdownTestKit();
    }

    @Test
    void aSpentWallTimeBudgetEndsTheStudyWithTheBestTrialSoFar() throws Exception {
        StudySettings settings = StudySettingsLoader.load(Optional.empty(), Map.of(
                "search.candidates", 40, "search.first-round-epochs", 1, "search.round-epochs", 1,
                "search.final-epochs", 8, "search.budget.wall-time", "3s", "study.out", dir.toString()));
        StudyPlan plan = StudyPlan.of(settings);
        StudyFolder folder = StudyFolder.create(dir, "budget", LocalDateTime.now());
        CompletableFuture<StudyOutcome> outcome = new CompletableFuture<>();
        testKit.spawn(Coordinator.create(plan, folder, outcome));
        var wire = ScriptedWorkers.coordinator(testKit);
        List<WorkerCommand.RunTrial> seen = new CopyOnWriteArrayList<>();
        testKit.spawn(ScriptedWorkers.worker("w1", wire, seen, Duration.ofMillis(200)));
        testKit.spawn(ScriptedWorkers.worker("w2", wire, seen, Duration.ofMillis(200)));

        StudyOutcome result = outcome.get(60, TimeUnit.SECONDS);
        assertTrue(result.wall().compareTo(Duration.ofSeconds(10)) < 0, "ended soon after the budget: " + result.wall());
        assertTrue(result.completed(), result.summary());
        assertTrue(result.selectedTrial().isPresent(), "a trial is selected: " + result.summary());
        List<JsonNode> events = StudyJournal.read(folder.journalFile());
        long wallTimeEvents = events.stream().filter(e -> e.get("event").asText().equals(JournalReplay.WALL_TIME_UP))
                .count();
        assertEquals(1, wallTimeEvents);
        int budgetAt = indexOf(events, JournalReplay.WALL_TIME_UP);
        assertTrue(events.subList(budgetAt, events.size()).stream()
                .noneMatch(e -> e.get("event").asText().equals("run_assigned")), "nothing handed out after it");
        assertTrue(seen.stream().filter(r -> r.pruning() != null).map(WorkerCommand.RunTrial::trialId).distinct()
                .count() < 40, "the budget cut the search short");

        // the journal up to the end replays to the same decisions, wall-time event included
        List<JsonNode> beforeEnd = events.subList(0, indexOf(events, "study_finished"));
        JournalReplay.Recovered replayed = JournalReplay.replay(plan, folder, beforeEnd);
        assertEquals(replayed.engine().selectedId(), result.selectedTrial());
        assertEquals(replayed.engine().decisionLog().size(),
                events.stream().filter(e -> e.get("event").asText().equals("decision")).count());
    }

    private static int indexOf(List<JsonNode> events, String event) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).get("event").asText().equals(event)) {
                return i;
            }
        }
        throw new AssertionError("no " + event);
    }
}
