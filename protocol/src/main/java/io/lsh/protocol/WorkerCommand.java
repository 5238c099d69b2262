package io.lsh.protocol;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/** Messages a worker actor accepts. */
public sealed interface WorkerCommand extends CborSerializable {

    /** The coordinator accepted the worker's registration. */
    record RegistrationAccepted(String studyName) implements WorkerCommand {
    }

    /** The coordinator refused the worker (e.g. protocol version mismatch); the worker stops. */
    record RegistrationRefused(String reason) implements WorkerCommand {
    }

    /**
     * Train one trial from {@code fromEpoch} to {@code toEpoch}, reporting every epoch and at the end.
     *
     * @param trialId           study-wide trial id (0 = the dense reference)
     * @param attempt           1 for the first try of this work item, more after a lost worker
     * @param phase             reference, search round or final training
     * @param round             elimination round (1-based; 0 for the reference)
     * @param pruning           the candidate's controls, null for the dense reference
     * @param seed              the trial's seed, derived from (study seed, trial id)
     * @param fromEpoch         epochs already trained (0 = from scratch)
     * @param toEpoch           train until this many epochs are complete
     * @param spectrumEveryEpoch measure the spectrum after every epoch (the reference), else only at {@code toEpoch}
     * @param resumeCheckpoint  checkpoint to resume from when {@code fromEpoch > 0}, else empty
     * @param checkpointOut     where to write the checkpoint at {@code toEpoch}
     * @param recipe            the study's recipe
     * @param referenceSpectra  the dense reference's spectra by epoch (empty for the reference itself)
     * @param replyTo           where reports go
     */
    record RunTrial(
            int trialId,
            int attempt,
            TrialPhase phase,
            int round,
            PruningSpec pruning,
            long seed,
            int fromEpoch,
            int toEpoch,
            boolean spectrumEveryEpoch,
            String resumeCheckpoint,
            String checkpointOut,
            StudyRecipe recipe,
            List<EpochSpectrum> referenceSpectra,
            ActorRef<CoordinatorCommand> replyTo) implements WorkerCommand {

        public RunTrial {
            referenceSpectra = List.copyOf(referenceSpectra);
        }

        /** The same work with other checkpoint locations (a worker's local copies of transferred checkpoints). */
        public RunTrial withCheckpoints(String resumeFrom, String writeTo) {
            return new RunTrial(trialId, attempt, phase, round, pruning, seed, fromEpoch, toEpoch, spectrumEveryEpoch,
                    resumeFrom, writeTo, recipe, referenceSpectra, replyTo);
        }
    }

    /** Stop the given trial as soon as the current chunk of device work ends; no report follows. */
    record StopTrial(int trialId, String reason) implements WorkerCommand {
    }

    /** The study is over: finish and leave. */
    record StudyEnded(String summary) implements WorkerCommand {
    }
}
