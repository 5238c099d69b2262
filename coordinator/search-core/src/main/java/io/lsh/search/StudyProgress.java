package io.lsh.search;

import java.util.OptionalDouble;

/**
 * Counts of a study's trials by state, for dashboards and logs.
 *
 * @param trials        trials created so far
 * @param created       queued for their first segment
 * @param running       held by a worker
 * @param waiting       reported, waiting for the round to close
 * @param promoted      queued for a continuation
 * @param stopped       eliminated
 * @param finished      finalists that completed
 * @param failed        failed
 * @param round         the scheduler's current round
 * @param bestObjective lowest search objective reported so far (any round), empty before the first report
 * @param done          true when the study is over (see {@link StudyEngine#isFinished()})
 */
public record StudyProgress(int trials, int created, int running, int waiting, int promoted, int stopped,
                            int finished, int failed, int round, OptionalDouble bestObjective, boolean done) {
}
