package io.lsh.search.trial;

import io.lsh.search.space.Configuration;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable snapshot of one trial.
 *
 * @param id            1-based trial id, in creation order
 * @param configuration the configuration evaluated
 * @param seed          the trial's seed, derived from the study seed and the id (design.md convention 9)
 * @param state         lifecycle state
 * @param phase         phase of the current (or last) segment
 * @param round         round of the current (or last) segment, 1-based
 * @param epoch         training epochs completed and reported
 * @param targetEpoch   epoch the current (or last) segment trains to
 * @param results       reported results, oldest first
 * @param stopReason    why the trial left the study: the elimination reason (STOPPED), the failure reason
 *                      (FAILED) or its final rank (FINISHED); {@code null} while it is live
 * @param attempts      times the current segment has been handed out (0 while freshly queued)
 */
public record TrialRecord(int id, Configuration configuration, long seed, TrialState state, Phase phase,
                          int round, int epoch, int targetEpoch, List<RoundResult> results, String stopReason,
                          int attempts) {

    /** Copies the results list. */
    public TrialRecord {
        Objects.requireNonNull(configuration, "configuration");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(phase, "phase");
        results = List.copyOf(results);
    }

    /** @return the latest result, if any */
    public Optional<RoundResult> lastResult() {
        return results.isEmpty() ? Optional.empty() : Optional.of(results.get(results.size() - 1));
    }

    /** @return the latest result of the given phase, if any */
    public Optional<RoundResult> lastResult(Phase phase) {
        for (int i = results.size() - 1; i >= 0; i--) {
            if (results.get(i).phase() == phase) {
                return Optional.of(results.get(i));
            }
        }
        return Optional.empty();
    }

    /** @return the stop reason, if the trial has left the study */
    public Optional<String> reason() {
        return Optional.ofNullable(stopReason);
    }
}
