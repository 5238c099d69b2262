package io.lsh.lm.model;

import java.util.List;

/** Anything with trainable parameters in a stable order (a model). */
public interface ParameterSet {

    /** All parameters, in a stable order that never changes for the lifetime of the object. */
    List<Parameter> parameters();

    /** Total number of scalar parameters. */
    default long parameterCount() {
        return parameters().stream().mapToLong(Parameter::size).sum();
    }
}
