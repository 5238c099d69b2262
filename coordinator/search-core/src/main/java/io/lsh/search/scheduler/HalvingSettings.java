package io.lsh.search.scheduler;

import java.util.ArrayList;
import java.util.List;

/**
 * Settings of {@link AsyncSuccessiveHalving} (ASHA and asynchronous Hyperband; Li et al. 2020, "A System for
 * Massively Parallel Hyperparameter Tuning", MLSys). Validated on construction; errors name the field.
 *
 * @param candidates      trials admitted (the optimizer's evaluations), &gt;= 1
 * @param minEpochs       r: epochs of the lowest rung, &gt;= 1
 * @param reductionFactor eta: a rung promotes its top 1/eta, &gt;= 2
 * @param maxEpochs       R: epochs of the top rung (the last search epoch), &gt;= r
 * @param finalists       how many top-rung trials train on to {@code finalEpochs}, &gt;= 1
 * @param finalEpochs     epochs the finalists train to, &gt;= R (= R: they are ranked at R without more training)
 * @param objectiveMetric metric the rungs rank by, lower is better ({@code ls_distance} or {@code val_ppl})
 * @param finalMetric     metric the finalists are ranked by, lower is better ({@code val_ppl})
 */
public record HalvingSettings(int candidates, int minEpochs, int reductionFactor, int maxEpochs, int finalists,
                              int finalEpochs, String objectiveMetric, String finalMetric) {

    /** @throws IllegalArgumentException naming the field that is out of range */
    public HalvingSettings {
        Checks.atLeast("candidates", candidates, 1);
        Checks.atLeast("minEpochs", minEpochs, 1);
        Checks.atLeast("reductionFactor", reductionFactor, 2);
        Checks.atLeast("maxEpochs", maxEpochs, minEpochs);
        Checks.atLeast("finalists", finalists, 1);
        Checks.atLeast("finalEpochs", finalEpochs, maxEpochs);
        Checks.metric("objectiveMetric", objectiveMetric);
        Checks.metric("finalMetric", finalMetric);
    }

    /**
     * The rung epochs: r, r eta, r eta^2, ... while below R, then R (so R is always the top rung even when it is not
     * r times a power of eta).
     *
     * @return the rung epochs, ascending
     */
    public List<Integer> rungEpochs() {
        List<Integer> out = new ArrayList<>();
        long e = minEpochs;
        while (e < maxEpochs) {
            out.add((int) e);
            e *= reductionFactor;
        }
        out.add(maxEpochs);
        return List.copyOf(out);
    }
}
