package io.lsh.protocol;

/** What a unit of work is for. */
public enum TrialPhase {
    /** The dense reference model: trained with the same recipe, its spectrum recorded at every epoch. */
    REFERENCE,
    /** A candidate in an elimination round: ranked by its objective (LS distance by default). */
    SEARCH,
    /** A finalist trained to the full budget: ranked by validation perplexity. */
    FINAL
}
