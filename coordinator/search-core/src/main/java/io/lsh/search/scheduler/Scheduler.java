package io.lsh.search.scheduler;

import java.util.List;
import java.util.OptionalInt;

/**
 * Decides which trials continue, given reports: a report in, decisions out (design.md convention 2, like
 * Ray Tune's schedulers). A scheduler never acts itself, holds no clock and no random source, and is a
 * deterministic function of the events it is given. Not thread-safe: one owner (the study engine) calls it.
 *
 * <p>Event protocol: the owner adds trials with {@link #onTrialAdded} while {@link #acceptsNewTrials()};
 * each new trial first trains 0 to {@link #firstTargetEpoch(int)} epochs in round 1, phase SEARCH. The owner
 * calls {@link #onAdmissionClosed()} if it cannot supply more trials (the optimizer ran out, or a budget is
 * spent). Each finished segment is given to {@link #onReport}, each failure to {@link #onFailure}. Decisions
 * reference only trials the scheduler was told about; Promote/Stop/Finish only concern trials that have
 * reported and wait (a Wait for the reporter always comes first in the decisions of its report).
 *
 * <p>Implementations: {@link EliminationRounds} (the authors' synchronous rounds), {@link AsyncSuccessiveHalving}
 * (ASHA and asynchronous Hyperband), {@link MedianStopping}, {@link FullTraining} (no early stopping).
 */
public interface Scheduler {

    /** @return the metric name the search rounds rank by (lower is better), e.g. {@code ls_distance} */
    String objectiveMetric();

    /** @return the metric name the final phase ranks by (lower is better), e.g. {@code val_ppl} */
    String finalMetric();

    /** @return epochs a new trial trains in its first segment (e0; the lowest, when trials differ) */
    int initialEpochs();

    /**
     * @param trialId a trial just added with {@link #onTrialAdded}
     * @return the epoch its first segment trains to (schedulers with brackets start trials at different rungs)
     */
    default int firstTargetEpoch(int trialId) {
        return initialEpochs();
    }

    /**
     * @param trialId a trial just added with {@link #onTrialAdded}
     * @return the round of its first segment (1, except for schedulers whose brackets start at later rungs)
     */
    default int firstRound(int trialId) {
        return 1;
    }

    /**
     * @return the last epoch at which a SEARCH-phase report can happen (the dense reference's spectrum is needed at
     *         every epoch up to here when the objective is the LS distance)
     */
    int lastSearchEpoch();

    /** @return the current round, 1-based */
    int currentRound();

    /** @return true while the scheduler wants more new trials */
    boolean acceptsNewTrials();

    /**
     * A new trial joined round 1.
     *
     * @param trialId the new trial's id, never used before
     * @throws IllegalStateException when {@link #acceptsNewTrials()} is false or the id was used before
     */
    void onTrialAdded(int trialId);

    /**
     * No more trials will be added (idempotent).
     *
     * @return the decisions this causes (round 1 may close)
     */
    List<Decision> onAdmissionClosed();

    /**
     * A trial finished its segment.
     *
     * @param report the trial's metrics at the round's target epoch
     * @return decisions, in a deterministic order
     * @throws IllegalStateException when the trial is not live in the current round, reported already, or
     *                               the epoch is not the round's target
     */
    List<Decision> onReport(Report report);

    /**
     * A trial failed; it leaves its round (which may then close). Unknown or already finished trials are
     * ignored.
     *
     * @param trialId the failed trial
     * @param reason  why it failed
     * @return decisions, in a deterministic order
     */
    List<Decision> onFailure(int trialId, String reason);

    /** @return true when the schedule is over (winner selected, or no live trial left) */
    boolean isDone();

    /** @return the selected trial, once chosen */
    OptionalInt selected();
}
