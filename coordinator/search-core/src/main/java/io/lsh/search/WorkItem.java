package io.lsh.search;

import io.lsh.search.space.Configuration;
import io.lsh.search.trial.Phase;

import java.util.Objects;

/**
 * One segment of training an idle worker should do: train {@code trialId}'s configuration from
 * {@code fromEpoch} (0 = fresh; otherwise resume from that epoch's checkpoint) to {@code toEpoch}, then
 * report the metrics at {@code toEpoch} (the LS distance in SEARCH, the validation perplexity in FINAL).
 *
 * @param trialId       the trial
 * @param configuration its configuration
 * @param fromEpoch     epochs already trained
 * @param toEpoch       epoch to train to, &gt; fromEpoch
 * @param round         1-based round
 * @param phase         SEARCH or FINAL
 * @param attempt       1 for the first hand-out of this segment, 2 after one lost attempt, ...
 * @param seed          the trial's seed ({@link Seeds#trialSeed}), the same for every segment and attempt
 */
public record WorkItem(int trialId, Configuration configuration, int fromEpoch, int toEpoch, int round,
                       Phase phase, int attempt, long seed) {

    /** Checks the fields. */
    public WorkItem {
        Objects.requireNonNull(configuration, "configuration");
        Objects.requireNonNull(phase, "phase");
        if (toEpoch <= fromEpoch || fromEpoch < 0) {
            throw new IllegalArgumentException("bad epochs " + fromEpoch + " -> " + toEpoch);
        }
    }

    /** @return epochs to train */
    public int epochs() {
        return toEpoch - fromEpoch;
    }
}
