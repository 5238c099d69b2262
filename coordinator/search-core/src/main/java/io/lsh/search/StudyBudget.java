package io.lsh.search;

/**
 * Limits on a study's cost, enforced by the {@link StudyEngine} (0 = unlimited). Wall time is not here: the engine
 * holds no clock, its owner calls {@link StudyEngine#onWallTimeExhausted()} when the time is up (so the event can be
 * journaled and replayed).
 *
 * @param maxTrials trials created at most; when reached, admission closes and the schedule completes with the
 *                  trials it has, &gt;= 0
 * @param maxEpochs training epochs handed out at most, summed over every work item (retries of lost work count
 *                  again, they train again); a segment that does not fit is not handed out and spends the budget,
 *                  &gt;= 0
 */
public record StudyBudget(int maxTrials, long maxEpochs) {

    /** @throws IllegalArgumentException naming the field that is negative */
    public StudyBudget {
        if (maxTrials < 0) {
            throw new IllegalArgumentException("maxTrials must be >= 0 (0 = unlimited), got " + maxTrials);
        }
        if (maxEpochs < 0) {
            throw new IllegalArgumentException("maxEpochs must be >= 0 (0 = unlimited), got " + maxEpochs);
        }
    }

    /** @return no limit on trials or epochs */
    public static StudyBudget unlimited() {
        return new StudyBudget(0, 0);
    }
}
