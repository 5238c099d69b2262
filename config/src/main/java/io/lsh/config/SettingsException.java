package io.lsh.config;

/** A study setting is missing, malformed or out of range; the message names the key (and file) and is one line. */
public final class SettingsException extends RuntimeException {

    public SettingsException(String message) {
        super(message);
    }
}
