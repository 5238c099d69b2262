package io.lsh.lm.prune;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Parsing of the study-file names of the pruning controls (shared by the control enums). */
final class WireNames {

    private WireNames() {
    }

    /**
     * Returns the constant whose wire name equals {@code name} (exact match first, then case-insensitive).
     *
     * @throws IllegalArgumentException naming the bad value and the allowed ones
     */
    static <E extends Enum<E>> E parse(String what, String name, E[] values, Function<E, String> wireName) {
        if (name != null) {
            for (E e : values) {
                if (wireName.apply(e).equals(name)) {
                    return e;
                }
            }
            for (E e : values) {
                if (wireName.apply(e).equalsIgnoreCase(name.trim())) {
                    return e;
                }
            }
        }
        String allowed = Arrays.stream(values).map(wireName).collect(Collectors.joining(", "));
        throw new IllegalArgumentException("unknown " + what + " '" + name + "'; allowed: " + allowed);
    }
}
