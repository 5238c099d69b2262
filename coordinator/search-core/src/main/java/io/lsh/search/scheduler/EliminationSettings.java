package io.lsh.search.scheduler;

/**
 * Settings of {@link EliminationRounds}, the authors' elimination procedure (Zheng &amp; Shlizerman 2025,
 * arXiv 2506.07975; {@code docs/method.md} section 6). Validated on construction; errors name the field.
 *
 * @param candidates      n: trials created for round 1 (the optimizer's evaluations), &gt;= 1
 * @param initialEpochs   e0: epochs each candidate trains in round 1, &gt;= 1
 * @param epochsPerRound  ei: further epochs per later elimination round, &gt;= 1
 * @param finalists       m: elimination stops when at most this many remain, &gt;= 1
 * @param finalEpochs     total epochs a finalist trains to, &gt; the last elimination round's epoch
 * @param objectiveMetric metric the elimination rounds rank by, lower is better (default {@code ls_distance})
 * @param finalMetric     metric the finalists are ranked by, lower is better (default {@code val_ppl})
 */
public record EliminationSettings(int candidates, int initialEpochs, int epochsPerRound, int finalists,
                                  int finalEpochs, String objectiveMetric, String finalMetric) {

    /** Default search objective: LS distance to the dense reference at the same epoch. */
    public static final String LS_DISTANCE = "ls_distance";
    /** Default final metric: validation perplexity. */
    public static final String VAL_PPL = "val_ppl";

    /** @throws IllegalArgumentException naming the field that is out of range */
    public EliminationSettings {
        requireAtLeast1("candidates", candidates);
        requireAtLeast1("initialEpochs", initialEpochs);
        requireAtLeast1("epochsPerRound", epochsPerRound);
        requireAtLeast1("finalists", finalists);
        if (objectiveMetric == null || objectiveMetric.isBlank()) {
            throw new IllegalArgumentException("objectiveMetric must be a metric name, got '" + objectiveMetric + "'");
        }
        if (finalMetric == null || finalMetric.isBlank()) {
            throw new IllegalArgumentException("finalMetric must be a metric name, got '" + finalMetric + "'");
        }
        int lastSearchEpoch = lastSearchEpoch(candidates, initialEpochs, epochsPerRound, finalists);
        if (finalEpochs <= lastSearchEpoch) {
            throw new IllegalArgumentException("finalEpochs must be > " + lastSearchEpoch
                    + " (the epoch the last elimination round reaches with " + candidates + " candidates), got "
                    + finalEpochs);
        }
    }

    /**
     * The authors' setting A: 40 candidates, e0 = ei = 3, 2 finalists trained to 100 epochs, ranked by
     * {@code ls_distance} then {@code val_ppl}.
     *
     * @return the defaults
     */
    public static EliminationSettings defaults() {
        return new EliminationSettings(40, 3, 3, 2, 100, LS_DISTANCE, VAL_PPL);
    }

    /** @return a copy with another number of candidates */
    public EliminationSettings withCandidates(int n) {
        return new EliminationSettings(n, initialEpochs, epochsPerRound, finalists, finalEpochs, objectiveMetric,
                finalMetric);
    }

    /** @return a copy with another number of finalists */
    public EliminationSettings withFinalists(int m) {
        return new EliminationSettings(candidates, initialEpochs, epochsPerRound, m, finalEpochs, objectiveMetric,
                finalMetric);
    }

    /** @return a copy with other epoch counts (e0, ei, final) */
    public EliminationSettings withEpochs(int e0, int ei, int fin) {
        return new EliminationSettings(candidates, e0, ei, finalists, fin, objectiveMetric, finalMetric);
    }

    /** @return a copy with other metric names */
    public EliminationSettings withMetrics(String objective, String fin) {
        return new EliminationSettings(candidates, initialEpochs, epochsPerRound, finalists, finalEpochs, objective,
                fin);
    }

    /**
     * How many of the {@code k} trials of a closing elimination round go on: all of them when
     * {@code k <= m}; otherwise floor(k/2)+1, or m when that would not eliminate anyone (k &lt;= 2), and
     * never fewer than m. The survivors become finalists exactly when the result is &lt;= m.
     *
     * @param k trials that reported in the round, &gt;= 0
     * @param m finalists, &gt;= 1
     * @return the number kept, &lt; k whenever k &gt; m
     */
    public static int survivors(int k, int m) {
        if (k <= m) {
            return k;
        }
        int keep = k / 2 + 1;
        if (keep >= k) {
            keep = m;
        }
        return Math.max(keep, m);
    }

    /** @return the planned schedule when all {@link #candidates()} report */
    public EliminationPlan plan() {
        return plan(candidates);
    }

    /**
     * @param n candidates that actually report in round 1 (fewer when the optimizer runs out or trials fail)
     * @return the planned schedule for {@code n} candidates
     */
    public EliminationPlan plan(int n) {
        return EliminationPlan.of(n, initialEpochs, epochsPerRound, finalists, finalEpochs);
    }

    private static int lastSearchEpoch(int n, int e0, int ei, int m) {
        int k = n;
        int epoch = e0;
        while (survivors(k, m) > m) {
            k = survivors(k, m);
            epoch += ei;
        }
        return epoch;
    }

    private static void requireAtLeast1(String field, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(field + " must be >= 1, got " + value);
        }
    }
}
