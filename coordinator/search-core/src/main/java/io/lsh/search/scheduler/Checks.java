package io.lsh.search.scheduler;

/** Argument checks of the settings records; messages name the field. */
final class Checks {

    private Checks() {
    }

    static void atLeast(String field, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(field + " must be >= " + min + ", got " + value);
        }
    }

    static void metric(String field, String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(field + " must be a metric name, got '" + name + "'");
        }
    }
}
