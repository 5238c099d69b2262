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
 */
public record PruningSpec(String init, String death, String growth, String redistribution, double deathRate)
        implements CborSerializable {
}
