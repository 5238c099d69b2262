package io.lsh.search.trial;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a trial reported at the end of one segment.
 *
 * @param round     1-based round the segment belonged to
 * @param phase     SEARCH or FINAL
 * @param epoch     training epochs completed
 * @param objective the value the round ranks by: the search objective (e.g. {@code ls_distance}) in SEARCH,
 *                  the final metric (e.g. {@code val_ppl}) in FINAL; NaN when the metric was missing
 * @param metrics   every reported metric by name (e.g. {@code ls_distance}, {@code val_ppl},
 *                  {@code sparsity}), sorted, unmodifiable
 */
public record RoundResult(int round, Phase phase, int epoch, double objective, Map<String, Double> metrics) {

    /** Copies the metrics into a sorted unmodifiable map. */
    public RoundResult {
        Objects.requireNonNull(phase, "phase");
        metrics = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(metrics, "metrics")));
    }
}
