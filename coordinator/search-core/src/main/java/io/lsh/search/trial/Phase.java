package io.lsh.search.trial;

/**
 * What a segment of training is for (method.md section 6). The dense reference run is not a trial and has
 * no phase here.
 */
public enum Phase {
    /** An elimination round: candidates ranked by the search objective (LS distance by default). */
    SEARCH,
    /** The finalists trained to the full budget and ranked by the final metric (validation perplexity). */
    FINAL
}
