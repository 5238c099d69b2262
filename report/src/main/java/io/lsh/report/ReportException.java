package io.lsh.report;

/**
 * A study report could not be written: an input file of the study folder is missing or malformed, or the
 * report could not be written to disk. The message is one line and names the file concerned.
 */
public final class ReportException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message one line, naming the file concerned
     */
    public ReportException(String message) {
        super(message);
    }

    /**
     * @param message one line, naming the file concerned
     * @param cause   the underlying error
     */
    public ReportException(String message, Throwable cause) {
        super(message, cause);
    }
}
