package io.lsh.search.optimizer;

import io.lsh.search.space.Configuration;

import java.util.Objects;

/**
 * One tell: a configuration and the objective it reached (lower is better).
 *
 * @param configuration the evaluated configuration
 * @param objective     its objective, or NaN when the evaluation failed
 */
public record Observation(Configuration configuration, double objective) {

    /** @throws NullPointerException when the configuration is null */
    public Observation {
        Objects.requireNonNull(configuration, "configuration");
    }

    /** @return true when the evaluation failed (objective NaN) */
    public boolean failed() {
        return Double.isNaN(objective);
    }
}
