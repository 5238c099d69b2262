package io.lsh.launcher;

/** A mistake in what the user gave (file, flag, value): reported as one line, exit code 2, no stack trace. */
public final class UserInputException extends RuntimeException {

    public UserInputException(String message) {
        super(message);
    }
}
