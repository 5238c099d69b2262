package io.lsh.lm.data;

/**
 * A corpus directory or file cannot be used: missing, of unknown layout, empty or not valid UTF-8. The message is
 * one line and names the offending path.
 */
public class CorpusException extends RuntimeException {

    public CorpusException(String message) {
        super(message);
    }

    public CorpusException(String message, Throwable cause) {
        super(message, cause);
    }
}
