package io.lsh.protocol;

/**
 * The pruning controls of one candidate, by their study-file names (method.md section 3). Validated on the
 * worker by the pruning library; the coordinator builds it from a sampled configuration.
 *
 * @param init            sparse initialisation: uniform | ER | ERK
 * @param death           death criterion: magnitude | SET | threshold | global_magnitude
 * @param growth          growth criterion: random | momentum | gradient
 * @param redistribution  none | magnitude | nonzeros | momentum
 * @param deathRate       initial death rate in (0, 1)
 * @param method          {@code dst} (dynamic sparse training with the controls above) or a static baseline:
 *                        {@code one_shot_magnitude}, {@code random}, {@code gradual_magnitude}
 * @param updateInterval  DST prune/regrow interval in optimizer steps; 0 = once per epoch, before it (authors)
 * @param schedule        death-rate schedule of DST: {@code cosine}, {@code linear} or {@code constant}
 */
public record PruningSpec(String init, String death, String growth, String redistribution, double deathRate,
                          String method, String schedule, int updateInterval) implements CborSerializable {

    /** Dynamic sparse training (the default method). */
    public static final String DST = "dst";

    /** Defaults: {@code dst} with the cosine death-rate schedule. */
    public PruningSpec {
        method = method == null ? DST : method;
        schedule = schedule == null ? "cosine" : schedule;
        if (updateInterval < 0) {
            throw new IllegalArgumentException("updateInterval must be >= 0, got " + updateInterval);
        }
    }

    /** A method and schedule, updating once per epoch. */
    public PruningSpec(String init, String death, String growth, String redistribution, double deathRate,
                       String method, String schedule) {
        this(init, death, growth, redistribution, deathRate, method, schedule, 0);
    }

    /** Dynamic sparse training with the cosine death-rate schedule. */
    public PruningSpec(String init, String death, String growth, String redistribution, double deathRate) {
        this(init, death, growth, redistribution, deathRate, DST, "cosine");
    }
}
