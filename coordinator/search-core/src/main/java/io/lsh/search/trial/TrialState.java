package io.lsh.search.trial;

/**
 * Lifecycle of a trial in a study.
 *
 * <pre>
 * CREATED -&gt; RUNNING -&gt; WAITING -&gt; PROMOTED -&gt; RUNNING -&gt; WAITING -&gt; ... -&gt; FINISHED
 *                                 \-&gt; STOPPED
 * any non-terminal state except WAITING -&gt; FAILED;  RUNNING -&gt; CREATED / PROMOTED when its work is lost
 * </pre>
 */
public enum TrialState {
    /** Has a configuration; its first segment is queued and not handed out (again, after a lost attempt). */
    CREATED,
    /** A worker holds its current segment. */
    RUNNING,
    /** Reported its segment; waits for the other trials of its round to report. */
    WAITING,
    /** Survived its round; the continuation segment is queued (again, after a lost attempt). */
    PROMOTED,
    /** Eliminated by the scheduler. Terminal. */
    STOPPED,
    /** Completed the final phase. Terminal. */
    FINISHED,
    /** Failed, or its work was lost more often than allowed. Terminal. */
    FAILED;

    /** @return true for STOPPED, FINISHED and FAILED */
    public boolean isTerminal() {
        return this == STOPPED || this == FINISHED || this == FAILED;
    }

    /** @return true for CREATED and PROMOTED: the trial's next segment waits for a worker */
    public boolean isQueued() {
        return this == CREATED || this == PROMOTED;
    }
}
