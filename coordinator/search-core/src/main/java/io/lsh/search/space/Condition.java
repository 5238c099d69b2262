package io.lsh.search.space;

/**
 * Makes a parameter exist only when an earlier parameter of the space takes a given value (for example a
 * growth control that only applies to one pruning method). When the parent is itself absent the child is
 * absent too.
 *
 * @param parent name of the parent parameter, which must be declared before the conditional parameter
 * @param value  the parent value for which the conditional parameter exists (normalised like any value)
 */
public record Condition(String parent, Object value) {

    /**
     * Validates the names and normalises the value.
     *
     * @throws SearchSpaceException when the parent name is invalid or the value unsupported
     */
    public Condition {
        Values.checkName(parent, "condition parent");
        value = Values.normalize(value, parent);
    }

    /**
     * @param parentValue the parent's value in a (partial) configuration, or null when the parent is absent
     * @return true when the condition holds
     */
    public boolean matches(Object parentValue) {
        return parentValue != null && value.equals(parentValue);
    }

    @Override
    public String toString() {
        return parent + "==" + Values.display(value);
    }
}
