package io.lsh.search.scheduler;

import io.lsh.search.trial.Phase;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A trial's result at the end of a segment, as the scheduler sees it.
 *
 * @param trialId the trial
 * @param round   the round the segment belonged to
 * @param phase   SEARCH or FINAL
 * @param epoch   epochs completed
 * @param metrics reported metrics by name, sorted, unmodifiable
 */
public record Report(int trialId, int round, Phase phase, int epoch, Map<String, Double> metrics) {

    /** Copies the metrics. */
    public Report {
        Objects.requireNonNull(phase, "phase");
        metrics = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(metrics, "metrics")));
    }

    /** @return the named metric, or NaN when it was not reported */
    public double metric(String name) {
        Double v = metrics.get(name);
        return v == null ? Double.NaN : v;
    }
}
