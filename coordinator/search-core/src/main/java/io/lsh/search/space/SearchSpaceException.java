package io.lsh.search.space;

/**
 * An invalid search space, parameter, condition or configuration. The message always names the offending
 * parameter (or configuration key) so a study file error can be traced to its key.
 */
public final class SearchSpaceException extends IllegalArgumentException {

    /**
     * @param message what is wrong, naming the parameter
     */
    public SearchSpaceException(String message) {
        super(message);
    }
}
