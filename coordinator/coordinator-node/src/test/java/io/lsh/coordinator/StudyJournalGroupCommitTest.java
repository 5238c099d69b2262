package io.lsh.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit ({@link StudyJournal.Sync#GROUP}) keeps "durable before acted on": an action handed to
 * {@code afterDurable} runs only once every event appended before it is in the file, and a crash before the sync
 * (simulated by reading the file without syncing) leaves neither the events nor the actions.
 */
class StudyJournalGroupCommitTest {

    @TempDir
    Path dir;

    private static List<String> events(Path file) {
        return StudyJournal.read(file).stream().map(e -> e.get("event").asText()).toList();
    }

    @Test
    void actionsWaitForTheSyncThatMakesTheirEventsDurable() {
        Path file = dir.resolve("journal.jsonl");
        List<String> sent = new ArrayList<>();
        List<List<String>> onDiskWhenSent = new ArrayList<>();
        try (StudyJournal journal = new StudyJournal(file, StudyJournal.Sync.GROUP)) {
            assertFalse(journal.syncDue());
            journal.afterDurable(() -> sent.add("nothing pending: at once"));
            assertEquals(List.of("nothing pending: at once"), sent);

            journal.append("run_completed", Map.of("trial", 1));
            journal.afterDurable(() -> {
                sent.add("stop 2");
                onDiskWhenSent.add(events(file));
            });
            journal.append("run_assigned", Map.of("trial", 3));
            journal.afterDurable(() -> {
                sent.add("run 3");
                onDiskWhenSent.add(events(file));
            });
            assertTrue(journal.syncDue());
            assertEquals(1, sent.size(), "held until the sync");
            assertEquals(List.of(), events(file), "a crash now loses the events, and nothing was acted on");

            long syncs = journal.syncCount();
            journal.sync();
            assertEquals(syncs + 1, journal.syncCount(), "one fsync for the batch");
            assertEquals(List.of("nothing pending: at once", "stop 2", "run 3"), sent, "in order");
            for (List<String> onDisk : onDiskWhenSent) {
                assertEquals(List.of("run_completed", "run_assigned"), onDisk, "both events durable first");
            }
            assertFalse(journal.syncDue());
            journal.sync();
            assertEquals(syncs + 1, journal.syncCount(), "nothing buffered: no fsync");

            journal.append("study_finished", Map.of());
            journal.afterDurable(() -> sent.add("after close"));
        }
        assertEquals("after close", sent.get(sent.size() - 1), "close syncs and runs what was held");
        assertEquals(List.of("run_completed", "run_assigned", "study_finished"), events(file));
    }

    @Test
    void everyEventModeSyncsEachAppendAndNeverHolds() {
        Path file = dir.resolve("journal.jsonl");
        List<String> sent = new ArrayList<>();
        try (StudyJournal journal = new StudyJournal(file)) {
            journal.append("run_completed", Map.of("trial", 1));
            journal.append("run_assigned", Map.of("trial", 3));
            assertEquals(2, journal.syncCount());
            assertEquals(List.of("run_completed", "run_assigned"), events(file));
            journal.afterDurable(() -> sent.add("run 3"));
            assertEquals(List.of("run 3"), sent);
            assertFalse(journal.syncDue());
        }
    }
}
