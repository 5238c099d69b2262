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
 */
public record StudyOutcome(Path folder, String leaderboard, boolean completed, OptionalInt selectedTrial,
                           OptionalDouble selectedPerplexity, OptionalDouble densePerplexity, Duration wall,
                           String summary) {
}
