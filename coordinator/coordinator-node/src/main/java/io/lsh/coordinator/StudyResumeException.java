package io.lsh.coordinator;

/**
 * A study folder cannot be resumed: no journal, an unreadable journal, a study that already ended, or a journal that
 * does not replay with this version of LSH and the folder's settings. The message names the folder or file and is
 * meant for the user as is.
 */
public final class StudyResumeException extends RuntimeException {

    /** @param message one line naming the offending file and what is wrong */
    public StudyResumeException(String message) {
        super(message);
    }
}
