package io.lsh.lm.distance;

import java.util.Objects;

/**
 * Which variant of the LS distance ranks candidates (method.md section 5; Zheng &amp; Shlizerman 2025,
 * "Hyperpruning", arXiv 2506.07975): "a fully trained dense reference (last epoch) instead of the same epoch; a
 * distance in the 2-D PCA projection of the spectra's trajectories; sorted spectra". The three choices are
 * independent; the default, {@link #defaults()}, is the paper's distance. Mirrors {@code lsh.distance} in
 * reference.conf.
 *
 * @param reference which epoch of the dense reference a candidate at epoch e is compared with
 * @param alignment how both spectra are ordered before anything else (applied before the PCA too)
 * @param space     where the Euclidean distance is taken: the full spectrum or its 2-D PCA projection
 */
public record DistanceSettings(ReferenceEpoch reference, LsDistance.Alignment alignment, Space space) {

    public DistanceSettings {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(alignment, "alignment");
        Objects.requireNonNull(space, "space");
    }

    /** The paper's distance: the same epoch, index by index in QR order, over all exponents. */
    public static DistanceSettings defaults() {
        return new DistanceSettings(ReferenceEpoch.SAME_EPOCH, LsDistance.Alignment.AS_GIVEN, Space.SPECTRUM);
    }

    /**
     * The settings named as in reference.conf.
     *
     * @throws IllegalArgumentException naming the unknown value and the known ones
     */
    public static DistanceSettings of(String reference, String alignment, String space) {
        return new DistanceSettings(ReferenceEpoch.fromName(reference), LsDistance.Alignment.fromName(alignment),
                Space.fromName(space));
    }

    /** @return true for the paper's distance ({@link #defaults()}) */
    public boolean isDefault() {
        return equals(defaults());
    }

    /** Which dense epoch a candidate is compared with ({@code lsh.distance.reference}). */
    public enum ReferenceEpoch {
        /** The dense reference at the candidate's own epoch (the paper's default). */
        SAME_EPOCH("same-epoch"),
        /**
         * The dense reference at the last epoch of its trajectory, the fully trained dense model, whatever the
         * candidate's epoch.
         */
        FINAL("final");

        private final String configName;

        ReferenceEpoch(String configName) {
            this.configName = configName;
        }

        /** @return the name in reference.conf */
        public String configName() {
            return configName;
        }

        /** @throws IllegalArgumentException naming the value and the known names */
        public static ReferenceEpoch fromName(String name) {
            for (ReferenceEpoch r : values()) {
                if (r.configName.equals(name)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("unknown LS-distance reference '" + name
                    + "' (known: same-epoch, final)");
        }
    }

    /** Where the Euclidean distance is taken ({@code lsh.distance.space}). */
    public enum Space {
        /** All exponents (the paper's default). */
        SPECTRUM("spectrum"),
        /**
         * The plane of the two leading principal components of the dense reference's trajectory (its spectra at
         * epochs 1..N), see {@link SpectrumPca}.
         */
        PCA2("pca2");

        private final String configName;

        Space(String configName) {
            this.configName = configName;
        }

        /** @return the name in reference.conf */
        public String configName() {
            return configName;
        }

        /** @throws IllegalArgumentException naming the value and the known names */
        public static Space fromName(String name) {
            for (Space s : values()) {
                if (s.configName.equals(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown LS-distance space '" + name + "' (known: spectrum, pca2)");
        }
    }
}
