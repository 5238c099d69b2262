package io.lsh.coordinator;

/**
 * Where the dense reference run is: it trains to the last search epoch first (its spectra rank the candidates), then,
 * in idle moments, on to the final epoch (for the leaderboard's comparison).
 */
enum ReferenceStage {
    /** Not started, or its first part was lost with its worker. */
    PENDING,
    /** Training epochs 0 to the last search epoch. */
    SEARCH_PART_RUNNING,
    /** Spectra up to the last search epoch are in; the rest waits for an idle worker. */
    SEARCH_PART_DONE,
    /** Training on to the final epoch. */
    REST_RUNNING,
    /** Trained to the final epoch. */
    DONE;

    /** @return the stage after the run in progress was lost (worker gone, coordinator restarted) */
    ReferenceStage afterLoss() {
        if (this == SEARCH_PART_RUNNING) {
            return PENDING;
        }
        return this == REST_RUNNING ? SEARCH_PART_DONE : this;
    }

    /** @return the stage after a run ended at {@code toEpoch} */
    ReferenceStage afterCompleted(int toEpoch, int finalEpochs) {
        return toEpoch >= finalEpochs ? DONE : SEARCH_PART_DONE;
    }
}
