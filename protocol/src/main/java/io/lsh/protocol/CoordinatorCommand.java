package io.lsh.protocol;

import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/** Messages the coordinator actor accepts from workers (and from its own node). */
public sealed interface CoordinatorCommand extends CborSerializable {

    /** A worker joins the study. Refused when {@code protocolVersion} differs from {@link ProtocolVersion#CURRENT}. */
    record RegisterWorker(String workerId, String device, int protocolVersion, ActorRef<WorkerCommand> worker)
            implements CoordinatorCommand {
    }

    /** An idle worker asks for work (work is pulled, never pushed into a busy worker). */
    record RequestWork(String workerId, ActorRef<WorkerCommand> worker) implements CoordinatorCommand {
    }

    /** A trial finished an epoch; {@code spectrum} is present when it was measured. */
    record EpochReported(
            int trialId, int attempt, String workerId, TrialMetrics metrics, Optional<EpochSpectrum> spectrum)
            implements CoordinatorCommand {
    }

    /** A work item completed: the trial reached {@code RunTrial.toEpoch} and wrote its checkpoint. */
    record TrialRunCompleted(int trialId, int attempt, String workerId, TrialMetrics metrics, String checkpoint)
            implements CoordinatorCommand {
    }

    /**
     * A work item failed. {@code diverged} marks NaN/Inf loss (a property of the configuration: never retried);
     * other failures may be retried elsewhere.
     */
    record TrialRunFailed(int trialId, int attempt, String workerId, String reason, boolean diverged)
            implements CoordinatorCommand {
    }
}
