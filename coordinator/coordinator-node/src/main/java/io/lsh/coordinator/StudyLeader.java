package io.lsh.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import io.lsh.config.StudySettings;
import io.lsh.metrics.CoordinatorMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster singleton of an LSH cluster ({@link CoordinatorNode}): on whichever coordinator node holds the
 * singleton, it takes the {@link StudyLock} (waiting, retrying every second, while another process still holds it),
 * then runs the {@link Coordinator}: a new study when the folder has no journal yet, otherwise the study its journal
 * records, resumed ({@link JournalReplay}). A study that the journal says has ended already (finished by the
 * coordinator this node stood by for) ends here too, with the leaderboard in the folder. It stops when the
 * coordinator stops; the study's outcome is completed either way.
 */
public final class StudyLeader {

    private static final Logger PROGRESS = LoggerFactory.getLogger("io.lsh.study");

    /** How often a waiting leader tries the study lock again. */
    static final Duration LOCK_RETRY = Duration.ofSeconds(1);

    /** The leader's messages: only its own timer; nothing else sends to it. */
    public sealed interface Command {
    }

    private record RetryLock() implements Command, NoSerializationVerificationNeeded {
    }

    /** Where the folder's journal says the study stands. */
    enum JournalState { NONE, RUNNING, FINISHED, FAILED }

    private StudyLeader() {
    }

    /**
     * @param settings  the study's settings (those of the folder's study.conf when it exists)
     * @param folder    the study folder
     * @param lock      this JVM's lock on the folder (taken here, released by whoever created it)
     * @param outcome   completed when the study ends here (exceptionally if it fails or the coordinator stops early)
     * @param metrics   the coordinator's metrics
     * @param resume    the journal must be resumed (lsh coordinator --resume): a folder without one is refused
     * @param artifacts starts (once) the artifact store checkpoints travel through; empty when the folder is shared
     */
    public static Behavior<Command> create(StudySettings settings, StudyFolder folder, StudyLock lock,
                                           CompletableFuture<StudyOutcome> outcome, CoordinatorMetrics metrics,
                                           boolean resume, Supplier<Optional<ArtifactServer>> artifacts) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            boolean heldElsewhere;
            try {
                heldElsewhere = !lock.heldHereOrFree();
            } catch (java.io.UncheckedIOException e) {
                heldElsewhere = false; // attempt() reports it
            }
            if (heldElsewhere) {
                PROGRESS.info("Standing by: the study lock {} is held by another coordinator ({}); taking over when "
                        + "it is released", lock.file(), lock.lastHolder());
            }
            return attempt(context, timers, settings, folder, lock, outcome, metrics, resume, artifacts);
        }));
    }

    private static Behavior<Command> attempt(ActorContext<Command> context, TimerScheduler<Command> timers,
                                             StudySettings settings, StudyFolder folder, StudyLock lock,
                                             CompletableFuture<StudyOutcome> outcome, CoordinatorMetrics metrics,
                                             boolean resume, Supplier<Optional<ArtifactServer>> artifacts) {
        boolean acquired;
        try {
            acquired = lock.tryAcquire();
        } catch (java.io.UncheckedIOException e) {
            outcome.completeExceptionally(new StudyResumeException(e.getMessage()
                    + " (the study folder must be on a filesystem with file locks)"));
            return Behaviors.stopped();
        }
        if (acquired) {
            return lead(context, settings, folder, outcome, metrics, resume, artifacts);
        }
        timers.startSingleTimer(new RetryLock(), LOCK_RETRY);
        return Behaviors.receive(Command.class)
                .onMessage(RetryLock.class, m -> attempt(context, timers, settings, folder, lock, outcome, metrics,
                        resume, artifacts))
                .build();
    }

    private static Behavior<Command> lead(ActorContext<Command> context,
                                          StudySettings settings, StudyFolder folder,
                                          CompletableFuture<StudyOutcome> outcome, CoordinatorMetrics metrics,
                                          boolean resume, Supplier<Optional<ArtifactServer>> artifacts) {
        JournalState state = journalState(folder);
        if (state == JournalState.FINISHED) {
            PROGRESS.info("The study in {} was finished by the coordinator this one stood by for", folder.path());
            outcome.complete(finishedElsewhere(folder));
            return Behaviors.stopped();
        }
        if (state == JournalState.FAILED) {
            outcome.completeExceptionally(new StudyResumeException(folder.path()
                    + ": the study failed on the coordinator this one stood by for (see its journal)"));
            return Behaviors.stopped();
        }
        boolean resuming = resume || state == JournalState.RUNNING;
        if (!resuming) {
            StudyFolder.writeAtomically(folder.settingsFile(), settings.rendered());
        } else {
            PROGRESS.info("Continuing the study in {} from its journal on this node ({})", folder.path(),
                    context.getSystem().address());
        }
        ActorRef<Coordinator.Message> coordinator = context.spawn(Coordinator.create(StudyPlan.of(settings), folder,
                outcome, metrics, resuming, artifacts.get()), "coordinator");
        context.watch(coordinator);
        return Behaviors.receive(Command.class)
                .onSignal(org.apache.pekko.actor.typed.ChildFailed.class, f -> {
                    // e.g. a journal that does not replay: its one-line reason is the study's outcome
                    outcome.completeExceptionally(f.cause() instanceof RuntimeException r ? r
                            : new IllegalStateException("the coordinator failed: " + f.cause(), f.cause()));
                    return Behaviors.stopped();
                })
                .onSignal(Terminated.class, t -> {
                    outcome.completeExceptionally(new IllegalStateException(
                            "the coordinator stopped before the study ended (see lsh.log)"));
                    return Behaviors.stopped();
                })
                .build();
    }

    /** Reads the folder's journal: no journal (or no study_started event yet), running, finished or failed. */
    static JournalState journalState(StudyFolder folder) {
        if (!Files.isRegularFile(folder.journalFile())) {
            return JournalState.NONE;
        }
        List<JsonNode> events = StudyJournal.read(folder.journalFile());
        JournalState state = JournalState.NONE;
        for (JsonNode e : events) {
            switch (e.path("event").asText()) {
                case "study_started" -> state = state == JournalState.NONE ? JournalState.RUNNING : state;
                case "study_finished" -> state = JournalState.FINISHED;
                case "study_failed" -> state = JournalState.FAILED;
                default -> {
                }
            }
        }
        return state;
    }

    private static StudyOutcome finishedElsewhere(StudyFolder folder) {
        String leaderboard;
        try {
            leaderboard = Files.readString(folder.leaderboardFile());
        } catch (IOException e) {
            leaderboard = "(no leaderboard.txt in " + folder.path() + ")";
        }
        return new StudyOutcome(folder.path(), leaderboard, true, OptionalInt.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), Duration.ZERO, "finished by another coordinator");
    }
}
