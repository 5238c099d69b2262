package io.lsh.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.config.StudySettingsLoader;
import io.lsh.search.WorkItem;
import io.lsh.search.scheduler.Decision;
import io.lsh.search.trial.TrialState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal as the study's durable record: torn last lines, replay of engine inputs, refusal of what cannot replay. */
class JournalReplayTest {

    @TempDir
    Path dir;

    private StudyPlan plan() {
        return StudyPlan.of(StudySettingsLoader.load(Optional.empty(), Map.of("search.candidates", 3,
                "search.finalists", 1, "search.final-epochs", 4)));
    }

    @Test
    void aTornLastLineIsIgnoredWhenReadAndCutWhenReopened() throws Exception {
        Path file = dir.resolve("journal.jsonl");
        try (StudyJournal journal = new StudyJournal(file)) {
            journal.append("study_started", Map.of("seed", 42));
            journal.append("worker_registered", Map.of("worker", "w1"));
        }
        Files.writeString(file, "{\"time\":\"2026-11-28T00:00:00Z\",\"event\":\"run_ass", StandardOpenOption.APPEND);
        assertEquals(2, StudyJournal.read(file).size());
        try (StudyJournal journal = new StudyJournal(file)) {
            journal.append("worker_lost", Map.of("worker", "w1"));
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(3, lines.size());
        assertTrue(lines.get(2).contains("\"event\":\"worker_lost\""), lines.get(2));
        assertEquals(List.of("study_started", "worker_registered", "worker_lost"),
                StudyJournal.read(file).stream().map(e -> e.get("event").asText()).toList());
    }

    @Test
    void aCorruptCompleteLineIsRefusedWithItsLineNumber() throws Exception {
        Path file = dir.resolve("journal.jsonl");
        Files.writeString(file, "{\"event\":\"study_started\"}\nnot json\n");
        StudyResumeException e = assertThrows(StudyResumeException.class, () -> StudyJournal.read(file));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    /** Drives a fresh engine like the coordinator does, journaling its inputs, then replays the journal. */
    @Test
    void replayingTheEngineInputsRebuildsTheEngine() {
        StudyPlan plan = plan();
        StudyFolder folder = new StudyFolder(dir);
        var live = plan.newEngine();
        try (StudyJournal journal = new StudyJournal(folder.journalFile())) {
            journal.append("study_started", Map.of("seed", plan.settings().study().seed()));
            int resultsGiven = 0;
            int journaled = 0;
            for (int step = 0; step < 40 && !live.isFinished(); step++) {
                Optional<WorkItem> item = live.nextWork();
                if (item.isEmpty()) {
                    break;
                }
                WorkItem w = item.get();
                journal.append(JournalReplay.NEXT_WORK, Map.of("trial", w.trialId(), "attempt", w.attempt()));
                if (step == 1) { // one segment is lost and handed out again
                    journal.append(JournalReplay.WORK_LOST, Map.of("trial", w.trialId(), "reason", "test"));
                    live.onWorkLost(w.trialId());
                    continue;
                }
                Map<String, Double> metrics = new LinkedHashMap<>();
                metrics.put("ls_distance", 1.0 + (w.trialId() * 7919 % 13) / 10.0 + w.toEpoch());
                metrics.put("val_ppl", 100.0 - w.trialId() - w.toEpoch());
                metrics.put("train_loss", Double.NaN);
                journal.append(JournalReplay.RESULT, Map.of("trial", w.trialId(), "epoch", w.toEpoch(),
                        "metrics", JournalReplay.metricFields(metrics)));
                live.onResult(w.trialId(), w.toEpoch(), metrics);
                resultsGiven++;
                List<Decision> log = live.decisionLog();
                for (Decision d : log.subList(journaled, log.size())) {
                    journal.append("decision", StudyResults.decisionFields(d));
                }
                journaled = log.size();
            }
            assertTrue(resultsGiven >= 4, "the scripted study got going");
            // hand out one more segment and "crash" while it runs
            live.nextWork().ifPresent(w -> journal.append(JournalReplay.NEXT_WORK,
                    Map.of("trial", w.trialId(), "attempt", w.attempt())));
        }
        JournalReplay.Recovered r = JournalReplay.replay(plan, folder);
        assertEquals(live.decisionLog(), r.engine().decisionLog());
        assertEquals(live.trials(), r.engine().trials());
        assertEquals(live.trials().stream().filter(t -> t.state() == TrialState.RUNNING).map(t -> t.id()).toList(),
                r.interrupted());
    }

    @Test
    void aJournalThatDoesNotReplayIsRefused() throws Exception {
        StudyFolder folder = new StudyFolder(dir);
        try (StudyJournal journal = new StudyJournal(folder.journalFile())) {
            journal.append("study_started", Map.of("seed", 42));
            journal.append(JournalReplay.NEXT_WORK, Map.of("trial", 2, "attempt", 1));
        }
        StudyResumeException e = assertThrows(StudyResumeException.class, () -> JournalReplay.replay(plan(), folder));
        assertTrue(e.getMessage().contains("the journal says trial 2 attempt 1 but replaying it gives trial 1"),
                e.getMessage());
    }

    @Test
    void aFinishedStudyOrAnotherSeedIsRefused() throws Exception {
        StudyFolder folder = new StudyFolder(dir);
        try (StudyJournal journal = new StudyJournal(folder.journalFile())) {
            journal.append("study_started", Map.of("seed", 7));
        }
        assertTrue(assertThrows(StudyResumeException.class, () -> JournalReplay.replay(plan(), folder))
                .getMessage().contains("seed 7 differs"));
        Files.writeString(folder.journalFile(), "{\"event\":\"study_started\",\"seed\":42}\n"
                + "{\"event\":\"study_finished\"}\n");
        assertTrue(assertThrows(StudyResumeException.class, () -> JournalReplay.replay(plan(), folder))
                .getMessage().contains("already finished"));
        Files.delete(folder.journalFile());
        assertTrue(assertThrows(StudyResumeException.class, () -> JournalReplay.replay(plan(), folder))
                .getMessage().contains("not a study folder"));
    }
}
