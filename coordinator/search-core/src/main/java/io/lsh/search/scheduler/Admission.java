package io.lsh.search.scheduler;

import java.util.HashSet;
import java.util.Set;

/** The admission of new trials into a schedule: at most {@code limit}, until closed. Not thread-safe. */
final class Admission {

    private final int limit;
    private final Set<Integer> known = new HashSet<>();
    private boolean open = true;

    Admission(int limit) {
        this.limit = limit;
    }

    boolean isOpen() {
        return open;
    }

    /** @return trials added so far */
    int added() {
        return known.size();
    }

    /** @return trials that may still be added (0 once closed) */
    int remaining() {
        return open ? limit - known.size() : 0;
    }

    /**
     * @return the 0-based admission index of the trial
     * @throws IllegalStateException when closed or the id was added before
     */
    int add(int trialId) {
        if (!open) {
            throw new IllegalStateException("the schedule admits no more trials (" + known.size() + " added)");
        }
        if (!known.add(trialId)) {
            throw new IllegalStateException("trial " + trialId + " was added before");
        }
        if (known.size() >= limit) {
            open = false;
        }
        return known.size() - 1;
    }

    /** @return true when this call closed admission */
    boolean close() {
        boolean was = open;
        open = false;
        return was;
    }
}
