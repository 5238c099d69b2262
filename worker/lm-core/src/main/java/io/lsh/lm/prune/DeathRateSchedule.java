package io.lsh.lm.prune;

/**
 * The death rate used at each prune/regrow update (method.md section 3, "death-rate schedule").
 *
 * <p>Call {@link #rate(double)} with the training progress in epochs at the moment of the update: with one update at
 * the end of each epoch (the authors' choice) that is the number of epochs completed, 1, 2, ...; with an update every
 * N steps, {@code steps / stepsPerEpoch} ({@link UpdateInterval#progress}). Shapes: cosine (the paper's, Zheng &amp;
 * Shlizerman 2025, arXiv 2506.07975), linear and constant ({@link Kind}). Implementations are immutable and
 * thread-safe.
 */
public sealed interface DeathRateSchedule
        permits DeathRateSchedule.Cosine, DeathRateSchedule.Linear, DeathRateSchedule.Constant {

    /** The death rate at {@code epoch} (progress in epochs, {@code >= 0}). */
    double rate(double epoch);

    /**
     * Cosine annealing from {@code initialRate} to {@code floor} over {@code plannedEpochs} (Selfish-RNN / In-Time
     * Over-Parameterization, the authors' {@code CosineDecay}): {@code floor + 0.5 (initial - floor)(1 + cos(pi e /
     * E))} for {@code e <= E}, {@code floor} afterwards.
     */
    static DeathRateSchedule cosine(double initialRate, double floor, double plannedEpochs) {
        return new Cosine(initialRate, floor, plannedEpochs);
    }

    /** The schedule of a configuration: cosine from its initial rate to its floor over {@code plannedEpochs}. */
    static DeathRateSchedule of(PruningConfig config, double plannedEpochs) {
        return new Cosine(config.initialDeathRate(), config.deathRateFloor(), plannedEpochs);
    }

    /**
     * The schedule of a configuration with the given shape: from its initial death rate to its floor over
     * {@code plannedEpochs} ({@link Kind#COSINE}, {@link Kind#LINEAR}), or its initial rate throughout
     * ({@link Kind#CONSTANT}).
     */
    static DeathRateSchedule of(Kind kind, PruningConfig config, double plannedEpochs) {
        java.util.Objects.requireNonNull(kind, "kind must not be null");
        return switch (kind) {
            case COSINE -> new Cosine(config.initialDeathRate(), config.deathRateFloor(), plannedEpochs);
            case LINEAR -> new Linear(config.initialDeathRate(), config.deathRateFloor(), plannedEpochs);
            case CONSTANT -> new Constant(config.initialDeathRate());
        };
    }

    /**
     * Linear decay from {@code initialRate} to {@code floor} over {@code plannedEpochs}: {@code initial - (initial -
     * floor) e / E} for {@code e <= E}, {@code floor} afterwards.
     */
    static DeathRateSchedule linear(double initialRate, double floor, double plannedEpochs) {
        return new Linear(initialRate, floor, plannedEpochs);
    }

    /** The same rate at every update. */
    static DeathRateSchedule constant(double rate) {
        return new Constant(rate);
    }

    /** Shape of a schedule, by study-file name: {@code cosine} (the paper's), {@code linear}, {@code constant}. */
    enum Kind {
        COSINE("cosine"),
        LINEAR("linear"),
        CONSTANT("constant");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        /** The name used in study files and on the wire. */
        public String wireName() {
            return wireName;
        }

        /**
         * Parses a study-file name (exact, else case-insensitive).
         *
         * @throws IllegalArgumentException naming the bad value and the allowed names
         */
        public static Kind fromName(String name) {
            return WireNames.parse("death-rate schedule", name, values(), Kind::wireName);
        }

        @Override
        public String toString() {
            return wireName;
        }
    }

    /** Validates the arguments of an annealing schedule (cosine or linear); messages name the argument. */
    private static void checkAnnealing(double initialRate, double floor, double plannedEpochs) {
        if (!(initialRate > 0.0 && initialRate < 1.0)) {
            throw new IllegalArgumentException("initialRate must be in (0, 1), got " + initialRate);
        }
        if (!(floor >= 0.0 && floor <= initialRate)) {
            throw new IllegalArgumentException("floor must be in [0, initialRate=" + initialRate + "], got "
                    + floor);
        }
        if (!(plannedEpochs > 0.0) || Double.isInfinite(plannedEpochs)) {
            throw new IllegalArgumentException("plannedEpochs must be positive and finite, got " + plannedEpochs);
        }
    }

    /** Fraction of the planned epochs done, clamped to [0, 1]. */
    private static double progress(double epoch, double plannedEpochs) {
        if (!(epoch >= 0.0)) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        return Math.min(epoch, plannedEpochs) / plannedEpochs;
    }

    /** Cosine annealing; see {@link DeathRateSchedule#cosine(double, double, double)}. */
    record Cosine(double initialRate, double floor, double plannedEpochs) implements DeathRateSchedule {
        public Cosine {
            checkAnnealing(initialRate, floor, plannedEpochs);
        }

        @Override
        public double rate(double epoch) {
            double progress = progress(epoch, plannedEpochs);
            return floor + 0.5 * (initialRate - floor) * (1.0 + Math.cos(Math.PI * progress));
        }
    }

    /** Linear decay; see {@link DeathRateSchedule#linear(double, double, double)}. */
    record Linear(double initialRate, double floor, double plannedEpochs) implements DeathRateSchedule {
        public Linear {
            checkAnnealing(initialRate, floor, plannedEpochs);
        }

        @Override
        public double rate(double epoch) {
            double progress = progress(epoch, plannedEpochs);
            return initialRate - (initialRate - floor) * progress;
        }
    }

    /** A constant rate. */
    record Constant(double rate) implements DeathRateSchedule {
        public Constant {
            if (!(rate >= 0.0 && rate < 1.0)) {
                throw new IllegalArgumentException("rate must be in [0, 1), got " + rate);
            }
        }

        @Override
        public double rate(double epoch) {
            if (!(epoch >= 0.0)) {
                throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
            }
            return rate;
        }
    }
}
