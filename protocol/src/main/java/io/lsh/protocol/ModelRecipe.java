package io.lsh.protocol;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The architecture part of a study's recipe ({@code lsh.model} in reference.conf, method.md section 2) beyond the
 * widths the recipe carries itself: which architecture, and its own numeric options. Wire record: strings and
 * numbers only.
 *
 * @param type    {@code lstm}, {@code rhn} or {@code awd-mos}
 * @param options the architecture's options by reference.conf key under {@code lsh.model.<type>} (e.g. {@code depth},
 *                {@code experts}, {@code weight-dropout}); empty for {@code lstm}
 */
public record ModelRecipe(String type, Map<String, Double> options) implements CborSerializable {

    /** Copies the options (sorted). */
    public ModelRecipe {
        Objects.requireNonNull(type, "type");
        options = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(options == null ? Map.of() : options));
    }

    /** The stacked LSTM of setting A (everything it needs is in the recipe itself). */
    public static ModelRecipe lstm() {
        return new ModelRecipe("lstm", Map.of());
    }

    /**
     * @return the named option
     * @throws IllegalArgumentException when the recipe does not carry it
     */
    public double option(String key) {
        Double v = options.get(key);
        if (v == null) {
            throw new IllegalArgumentException("model recipe " + type + " has no option " + key);
        }
        return v;
    }
}
