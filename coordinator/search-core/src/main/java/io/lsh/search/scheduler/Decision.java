package io.lsh.search.scheduler;

import io.lsh.search.trial.Phase;

import java.util.Objects;

/**
 * What a {@link Scheduler} decides after an event. Decisions come in a deterministic order (see
 * {@link EliminationRounds}) and are meant to be journaled and logged; the study engine applies them to the
 * trials' states.
 */
public sealed interface Decision {

    /** @return the trial the decision is about */
    int trialId();

    /**
     * The trial has reported and waits for its round to close (state WAITING).
     *
     * @param trialId the trial
     * @param round   its round
     */
    record Wait(int trialId, int round) implements Decision {
    }

    /**
     * The trial survived its round and should train further (state PROMOTED, queued for a worker).
     *
     * @param trialId   the trial
     * @param round     the round it is promoted into
     * @param phase     SEARCH for another elimination round, FINAL for full training
     * @param fromEpoch epochs already trained (the checkpoint to resume from)
     * @param toEpoch   epoch to train to, &gt; fromEpoch
     * @param reason    its rank in the round that closed, e.g. "rank 1 of 6 in round 2 (ls_distance 0.5)"
     */
    record Promote(int trialId, int round, Phase phase, int fromEpoch, int toEpoch, String reason)
            implements Decision {
        /** Checks the fields. */
        public Promote {
            Objects.requireNonNull(phase, "phase");
            Objects.requireNonNull(reason, "reason");
            if (toEpoch <= fromEpoch) {
                throw new IllegalArgumentException("toEpoch " + toEpoch + " <= fromEpoch " + fromEpoch);
            }
        }
    }

    /**
     * The trial is eliminated (state STOPPED).
     *
     * @param trialId the trial
     * @param reason  e.g. "eliminated after round 2 (rank 5 of 6, ls_distance 1.234)"
     */
    record Stop(int trialId, String reason) implements Decision {
        /** Checks the fields. */
        public Stop {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A finalist completed the final phase (state FINISHED).
     *
     * @param trialId the trial
     * @param reason  its final rank, e.g. "final rank 2 of 2 (val_ppl 81.3)"
     */
    record Finish(int trialId, String reason) implements Decision {
        /** Checks the fields. */
        public Finish {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The study's winner: the finalist with the best final metric. Always follows the finalists' Finish.
     *
     * @param trialId the selected trial
     * @param reason  e.g. "selected: lowest val_ppl 75.31 among 2 finalists"
     */
    record Select(int trialId, String reason) implements Decision {
        /** Checks the fields. */
        public Select {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
