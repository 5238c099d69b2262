package io.lsh.protocol;

import java.util.Objects;

/**
 * The LS-distance part of a study's recipe ({@code lsh.distance} in reference.conf, method.md section 5): which variant
 * ranks candidates, and how far the dense reference's trajectory reaches. Wire record: strings and numbers only; the
 * worker turns it into {@code io.lsh.lm.distance.DistanceSettings}.
 *
 * @param reference       {@code same-epoch} or {@code final}
 * @param alignment       {@code as-given} or {@code sorted}
 * @param space           {@code spectrum} or {@code pca2}
 * @param referenceEpochs N: the dense reference's trajectory is its spectra at epochs 1..N (the epochs it trains before
 *                        candidates are ranked); {@code final} compares with epoch N, {@code pca2} fits on 1..N; 0 in a
 *                        recipe from before this field (the default variant ignores it)
 */
public record DistanceRecipe(String reference, String alignment, String space, int referenceEpochs)
        implements CborSerializable {

    public DistanceRecipe {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(alignment, "alignment");
        Objects.requireNonNull(space, "space");
    }

    /** The paper's distance (same epoch, QR order, all exponents), what a recipe without this part means. */
    public static DistanceRecipe defaults() {
        return new DistanceRecipe("same-epoch", "as-given", "spectrum", 0);
    }
}
