package io.lsh.coordinator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * How a study ended.
 *
 * @param folder           the study folder
 * @param leaderboard      the leaderboard table (also in {@code leaderboard.txt})
 * @param completed        true when a model was selected
 * @param selectedTrial    id of the selected trial
 * @param selectedPerplexity its validation perplexity after full training
 * @param densePerplexity  the dense reference's validation perplexity at its last epoch
 * @param wall             wall time of the study
 * @param summary          one line for the log
 * @param selectedTestPerplexity the selected trial's test perplexity after full training (empty when not measured)
 * @param denseTestPerplexity    the dense reference's test perplexity after full training (empty when not measured)
 */
public record StudyOutcome(Path folder, String leaderboard, boolean completed, OptionalInt selectedTrial,
                           OptionalDouble selectedPerplexity, OptionalDouble densePerplexity, Duration wall,
                           String summary, OptionalDouble selectedTestPerplexity,
                           OptionalDouble denseTestPerplexity) {

    /** An outcome without test perplexities. */
    public StudyOutcome(Path folder, String leaderboard, boolean completed, OptionalInt selectedTrial,
                        OptionalDouble selectedPerplexity, OptionalDouble densePerplexity, Duration wall,
                        String summary) {
        this(folder, leaderboard, completed, selectedTrial, selectedPerplexity, densePerplexity, wall, summary,
                OptionalDouble.empty(), OptionalDouble.empty());
    }
}
