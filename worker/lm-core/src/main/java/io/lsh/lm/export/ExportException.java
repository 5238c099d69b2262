package io.lsh.lm.export;

/**
 * An export file cannot be written or read: I/O failure, or a file that is not a well-formed {@code .npy} /
 * {@code .npz} of the supported kinds. The message is one line and names the file (or the array).
 */
public class ExportException extends RuntimeException {

    public ExportException(String message) {
        super(message);
    }

    public ExportException(String message, Throwable cause) {
        super(message, cause);
    }
}
