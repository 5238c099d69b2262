package io.lsh.report;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/** What the report reads from a study folder, immutable once read. Built by {@link StudyReader}. */
record StudyData(Path folder, List<Trial> trials, Map<Integer, NavigableMap<Integer, double[]>> spectra,
                 Journal journal, Optional<String> leaderboard) {

    /** The dense reference's trial id in spectra.csv and the journal. */
    static final int REFERENCE = 0;

    OptionalInt selected() {
        return journal.selected();
    }

    Optional<Trial> trial(int id) {
        return trials.stream().filter(t -> t.id() == id).findFirst();
    }

    /** The spectrum of {@code trial} at {@code epoch}, if measured. */
    Optional<double[]> spectrum(int trial, int epoch) {
        NavigableMap<Integer, double[]> byEpoch = spectra.get(trial);
        return byEpoch == null ? Optional.empty() : Optional.ofNullable(byEpoch.get(epoch));
    }

    /** One line of trials.jsonl. Missing or null numbers are NaN. */
    record Trial(int id, String state, String reason, int epochs, String pruning, double sparsityTarget,
                 List<Round> rounds, List<EpochMetric> epochMetrics) {

        Optional<Round> round(int number) {
            return rounds.stream().filter(r -> r.round() == number).findFirst();
        }

        /** A finite metric of round 1 (the first rung). */
        OptionalDouble firstRung(boolean distance) {
            return round(1).map(r -> finite(distance ? r.lsDistance() : r.valPpl())).orElse(OptionalDouble.empty());
        }

        /** The last validation perplexity the trial reached (its latest epoch with one). */
        OptionalDouble finalPerplexity() {
            for (int i = epochMetrics.size() - 1; i >= 0; i--) {
                if (Double.isFinite(epochMetrics.get(i).valPpl())) {
                    return OptionalDouble.of(epochMetrics.get(i).valPpl());
                }
            }
            for (int i = rounds.size() - 1; i >= 0; i--) {
                if (Double.isFinite(rounds.get(i).valPpl())) {
                    return OptionalDouble.of(rounds.get(i).valPpl());
                }
            }
            return OptionalDouble.empty();
        }

        /** Reached the final phase (trained to the full budget). */
        boolean finalist() {
            return rounds.stream().anyMatch(r -> "FINAL".equals(r.phase())) || "FINISHED".equals(state);
        }

        /** The LS distance recorded at {@code epoch}, NaN if none. */
        double distanceAt(int epoch) {
            for (EpochMetric m : epochMetrics) {
                if (m.epoch() == epoch && Double.isFinite(m.lsDistance())) {
                    return m.lsDistance();
                }
            }
            for (Round r : rounds) {
                if (r.epoch() == epoch && Double.isFinite(r.lsDistance())) {
                    return r.lsDistance();
                }
            }
            return Double.NaN;
        }

        Optional<EpochMetric> lastMetrics() {
            return epochMetrics.isEmpty() ? Optional.empty() : Optional.of(epochMetrics.get(epochMetrics.size() - 1));
        }

        /** The objective of the last round, for ordering; +infinity if none. */
        double lastObjective() {
            return rounds.isEmpty() || !Double.isFinite(rounds.get(rounds.size() - 1).objective())
                    ? Double.POSITIVE_INFINITY : rounds.get(rounds.size() - 1).objective();
        }

        private static OptionalDouble finite(double v) {
            return Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
        }
    }

    /** One entry of a trial's {@code rounds}. */
    record Round(int round, String phase, int epoch, double objective, double lsDistance, double valPpl,
                 double sparsity) {
    }

    /**
     * One entry of a trial's {@code epoch_metrics}. {@code layerSparsity} is empty unless the study recorded
     * a {@code layer_sparsity} object (layer name to fraction of zero weights).
     */
    record EpochMetric(int epoch, double valPpl, double lsDistance, double sparsity, long activeParameters,
                       Map<String, Double> layerSparsity) {
    }

    /** What journal.jsonl tells: the study's name and times, the runs on workers, the decisions. */
    record Journal(String name, Instant start, Instant end, String outcome, List<String> workers, List<Run> runs,
                   List<DecisionEvent> decisions, NavigableMap<Integer, Double> referencePerplexity,
                   OptionalInt selected) {

        Duration wall() {
            return Duration.between(start, end);
        }
    }

    /**
     * One segment of a trial on a worker, from {@code run_assigned} to {@code run_completed} ("completed"),
     * {@code run_failed} ("failed"), {@code worker_lost} ("lost") or the end of the journal ("unfinished").
     */
    record Run(int trial, int attempt, String worker, String phase, int round, int fromEpoch, int toEpoch,
               Instant start, Instant end, String outcome) {
    }

    /** A {@code decision} event other than {@code wait}: promote, stop, finish or select. */
    record DecisionEvent(Instant time, String decision, int trial, String reason) {
    }
}
