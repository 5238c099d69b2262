package io.lsh.lm.checkpoint;

/**
 * A checkpoint cannot be written, read or applied: I/O failure, corrupt, truncated or wrong-version file, or a tensor
 * that does not fit the model. The message is one line and names the file (or the tensor).
 */
public class CheckpointException extends RuntimeException {

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
