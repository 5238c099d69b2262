package io.lsh.lm.prune;

/**
 * When the prune/regrow update of dynamic sparse training runs (method.md section 3, "update interval: once per epoch
 * (authors) or every N steps"; Zheng &amp; Shlizerman 2025, arXiv 2506.07975).
 *
 * <p>The training loop asks after every optimizer step: {@code if (interval.isDue(completedSteps, endOfEpoch))
 * masks.pruneAndRegrow(schedule.rate(interval.progress(completedSteps, completedEpochs, stepsPerEpoch)), rng)}.
 * {@code completedSteps} counts optimizer steps since training started (not since the epoch started), so an
 * every-N-steps interval runs across epoch boundaries at a fixed cadence. Immutable and thread-safe.
 *
 * <p>Study-file names: {@code epoch} and {@code steps:N} ({@link #fromName(String)}).
 */
public sealed interface UpdateInterval permits UpdateInterval.PerEpoch, UpdateInterval.EverySteps {

    /**
     * Whether an update is due right after an optimizer step.
     *
     * @param completedSteps optimizer steps completed since training started, {@code >= 1}
     * @param endOfEpoch     whether that step was the last of an epoch
     */
    boolean isDue(long completedSteps, boolean endOfEpoch);

    /**
     * The training progress in epochs to pass to {@link DeathRateSchedule#rate(double)} for an update due now: the
     * completed epochs for {@link PerEpoch}, {@code completedSteps / stepsPerEpoch} for {@link EverySteps}.
     *
     * @param completedSteps  optimizer steps completed since training started, {@code >= 0}
     * @param completedEpochs epochs completed, {@code >= 0}
     * @param stepsPerEpoch   optimizer steps per epoch, {@code >= 1}
     */
    double progress(long completedSteps, int completedEpochs, long stepsPerEpoch);

    /** The study-file name: {@code epoch} or {@code steps:N}. */
    String wireName();

    /** Once per epoch, at its end (the authors' choice). */
    static UpdateInterval perEpoch() {
        return new PerEpoch();
    }

    /** Every {@code steps} optimizer steps. */
    static UpdateInterval everySteps(long steps) {
        return new EverySteps(steps);
    }

    /**
     * Parses {@code epoch} (case-insensitive) or {@code steps:N} with N a positive integer.
     *
     * @throws IllegalArgumentException naming the field and the bad value
     */
    static UpdateInterval fromName(String name) {
        if (name != null) {
            String s = name.trim();
            if (s.equalsIgnoreCase("epoch")) {
                return new PerEpoch();
            }
            if (s.regionMatches(true, 0, "steps:", 0, 6)) {
                try {
                    return new EverySteps(Long.parseLong(s.substring(6).trim()));
                } catch (NumberFormatException e) {
                    // fall through to the error below
                }
            }
        }
        throw new IllegalArgumentException("unknown update interval '" + name + "'; allowed: epoch, steps:N (N >= 1)");
    }

    /** Once per epoch; see {@link UpdateInterval#perEpoch()}. */
    record PerEpoch() implements UpdateInterval {
        @Override
        public boolean isDue(long completedSteps, boolean endOfEpoch) {
            checkSteps(completedSteps);
            return endOfEpoch;
        }

        @Override
        public double progress(long completedSteps, int completedEpochs, long stepsPerEpoch) {
            checkProgressArguments(completedSteps, completedEpochs, stepsPerEpoch);
            return completedEpochs;
        }

        @Override
        public String wireName() {
            return "epoch";
        }
    }

    /**
     * Every {@code steps} optimizer steps.
     *
     * @param steps the interval in optimizer steps, {@code >= 1}
     */
    record EverySteps(long steps) implements UpdateInterval {
        public EverySteps {
            if (steps < 1) {
                throw new IllegalArgumentException("steps (update interval) must be >= 1, got " + steps);
            }
        }

        @Override
        public boolean isDue(long completedSteps, boolean endOfEpoch) {
            checkSteps(completedSteps);
            return completedSteps % steps == 0;
        }

        @Override
        public double progress(long completedSteps, int completedEpochs, long stepsPerEpoch) {
            checkProgressArguments(completedSteps, completedEpochs, stepsPerEpoch);
            return (double) completedSteps / stepsPerEpoch;
        }

        @Override
        public String wireName() {
            return "steps:" + steps;
        }
    }

    private static void checkSteps(long completedSteps) {
        if (completedSteps < 1) {
            throw new IllegalArgumentException("completedSteps must be >= 1, got " + completedSteps);
        }
    }

    private static void checkProgressArguments(long completedSteps, int completedEpochs, long stepsPerEpoch) {
        if (completedSteps < 0) {
            throw new IllegalArgumentException("completedSteps must be >= 0, got " + completedSteps);
        }
        if (completedEpochs < 0) {
            throw new IllegalArgumentException("completedEpochs must be >= 0, got " + completedEpochs);
        }
        if (stepsPerEpoch < 1) {
            throw new IllegalArgumentException("stepsPerEpoch must be >= 1, got " + stepsPerEpoch);
        }
    }
}
