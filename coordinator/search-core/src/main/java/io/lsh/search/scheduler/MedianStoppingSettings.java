package io.lsh.search.scheduler;

import java.util.ArrayList;
import java.util.List;

/**
 * Settings of {@link MedianStopping} (the median stopping rule of Golovin et al. 2017, "Google Vizier").
 * Validated on construction; errors name the field.
 *
 * @param candidates      trials admitted, &gt;= 1
 * @param graceEpochs     epochs before the first report (no trial is stopped earlier), &gt;= 1
 * @param epochsPerReport epochs between later reports, &gt;= 1
 * @param maxEpochs       the last search epoch, &gt;= graceEpochs
 * @param minTrials       other trials that must have reported at an epoch before the rule applies there, &gt;= 1
 * @param finalists       how many trials that reach maxEpochs train on to {@code finalEpochs}, &gt;= 1
 * @param finalEpochs     epochs the finalists train to, &gt;= maxEpochs
 * @param objectiveMetric metric the rule compares, lower is better
 * @param finalMetric     metric the finalists are ranked by, lower is better
 */
public record MedianStoppingSettings(int candidates, int graceEpochs, int epochsPerReport, int maxEpochs,
                                     int minTrials, int finalists, int finalEpochs, String objectiveMetric,
                                     String finalMetric) {

    /** @throws IllegalArgumentException naming the field that is out of range */
    public MedianStoppingSettings {
        Checks.atLeast("candidates", candidates, 1);
        Checks.atLeast("graceEpochs", graceEpochs, 1);
        Checks.atLeast("epochsPerReport", epochsPerReport, 1);
        Checks.atLeast("maxEpochs", maxEpochs, graceEpochs);
        Checks.atLeast("minTrials", minTrials, 1);
        Checks.atLeast("finalists", finalists, 1);
        Checks.atLeast("finalEpochs", finalEpochs, maxEpochs);
        Checks.metric("objectiveMetric", objectiveMetric);
        Checks.metric("finalMetric", finalMetric);
    }

    /** @return the report epochs: grace, grace + interval, ... while below max, then max */
    public List<Integer> reportEpochs() {
        List<Integer> out = new ArrayList<>();
        for (long e = graceEpochs; e < maxEpochs; e += epochsPerReport) {
            out.add((int) e);
        }
        out.add(maxEpochs);
        return List.copyOf(out);
    }
}
