package io.lsh.search;

/**
 * Seed derivation (design.md convention 9: per-trial seeds derive from the study seed and the trial id).
 * Uses the SplitMix64 finaliser, so nearby inputs give unrelated seeds. Pure functions, thread-safe.
 */
public final class Seeds {

    private Seeds() {
    }

    /**
     * @param seed   a parent seed
     * @param stream a stream index (e.g. 0 for the optimizer)
     * @return a seed for that stream, stable across JVMs and releases
     */
    public static long derive(long seed, long stream) {
        long z = seed + (stream + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * @param studySeed the study seed
     * @param trialId   1-based trial id
     * @return the trial's seed (what workers seed initialisation, dropout and pruning with)
     */
    public static long trialSeed(long studySeed, int trialId) {
        return derive(studySeed, 1_000_000L + trialId);
    }

    /**
     * @param studySeed the study seed
     * @return the seed of the study's optimizer
     */
    public static long optimizerSeed(long studySeed) {
        return derive(studySeed, 0);
    }
}
