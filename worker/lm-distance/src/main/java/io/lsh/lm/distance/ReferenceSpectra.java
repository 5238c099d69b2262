package io.lsh.lm.distance;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The dense reference's Lyapunov spectra by epoch, and the LS distance of a candidate to them in the variant that
 * {@link DistanceSettings} names (method.md section 5; Zheng &amp; Shlizerman 2025, "Hyperpruning", arXiv 2506.07975).
 *
 * <p>The reference's <em>trajectory</em> is its spectra at epochs 1..N, N = {@code trajectoryEpochs}: the epochs it
 * trains before candidates are ranked (the study's last search epoch, or its final epoch with
 * {@link DistanceSettings.ReferenceEpoch#FINAL}). For a candidate spectrum c at epoch e, with A the alignment
 * (identity or descending sort) applied to every spectrum first:
 * <ul>
 *   <li>reference epoch r = e ({@code same-epoch}) or N ({@code final}, the fully trained dense model);</li>
 *   <li>{@code spectrum}: {@code ||A(dense_r) - A(c)||_2} over all exponents;</li>
 *   <li>{@code pca2}: the same in the plane of the two leading principal components of the aligned trajectory
 *       {@code A(dense_1..N)} ({@link SpectrumPca}), which needs N &gt;= 3.</li>
 * </ul>
 * The distance is known once every epoch it needs ({@link #requiredEpochs(int)}) is in; before, {@link #distance}
 * is empty and the caller waits for the reference. The worker and the coordinator compute it with this class from the
 * same exponents, so its value does not depend on which of them was first. Immutable and thread-safe.
 */
public final class ReferenceSpectra {

    private final DistanceSettings settings;
    private final int trajectoryEpochs;
    private final TreeMap<Integer, double[]> aligned;
    private final SpectrumPca pca;
    /** {@code pca2}: the trajectory is complete but has a non-finite exponent, so no plane (distances are NaN). */
    private final boolean trajectoryNotFinite;

    /**
     * @param settings         the distance variant
     * @param trajectoryEpochs N, the last epoch of the reference's trajectory (&gt;= 1; &gt;= 3 for {@code pca2})
     * @param spectraByEpoch   the reference's spectra received so far, by epoch (copied)
     * @throws IllegalArgumentException if N is too small for the variant
     */
    public ReferenceSpectra(DistanceSettings settings, int trajectoryEpochs, Map<Integer, double[]> spectraByEpoch) {
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(spectraByEpoch, "spectraByEpoch");
        int minimum = settings.space() == DistanceSettings.Space.PCA2 ? SpectrumPca.MIN_SPECTRA : 1;
        if (trajectoryEpochs < minimum) {
            throw new IllegalArgumentException("the " + settings.space().configName() + " LS distance needs a reference"
                    + " trajectory of at least " + minimum + " epochs, got " + trajectoryEpochs);
        }
        this.trajectoryEpochs = trajectoryEpochs;
        this.aligned = new TreeMap<>();
        spectraByEpoch.forEach((epoch, s) -> aligned.put(epoch, settings.alignment().apply(s.clone())));
        SpectrumPca fitted = null;
        boolean notFinite = false;
        if (settings.space() == DistanceSettings.Space.PCA2) {
            List<double[]> trajectory = new ArrayList<>(trajectoryEpochs);
            for (int epoch = 1; epoch <= trajectoryEpochs && aligned.containsKey(epoch); epoch++) {
                trajectory.add(aligned.get(epoch));
            }
            if (trajectory.size() == trajectoryEpochs) {
                notFinite = trajectory.stream().flatMapToDouble(java.util.Arrays::stream)
                        .anyMatch(v -> !Double.isFinite(v));
                fitted = notFinite ? null : SpectrumPca.fit(trajectory);
            }
        }
        this.pca = fitted;
        this.trajectoryNotFinite = notFinite;
    }

    /** @return the variant */
    public DistanceSettings settings() {
        return settings;
    }

    /** @return N, the last epoch of the reference's trajectory */
    public int trajectoryEpochs() {
        return trajectoryEpochs;
    }

    /** @return the dense epoch a candidate at {@code candidateEpoch} is compared with */
    public int referenceEpoch(int candidateEpoch) {
        return settings.reference() == DistanceSettings.ReferenceEpoch.FINAL ? trajectoryEpochs : candidateEpoch;
    }

    /** @return the dense epochs whose spectra the distance of a candidate at {@code candidateEpoch} needs */
    public SortedSet<Integer> requiredEpochs(int candidateEpoch) {
        TreeSet<Integer> epochs = new TreeSet<>();
        epochs.add(referenceEpoch(candidateEpoch));
        if (settings.space() == DistanceSettings.Space.PCA2) {
            for (int epoch = 1; epoch <= trajectoryEpochs; epoch++) {
                epochs.add(epoch);
            }
        }
        return Collections.unmodifiableSortedSet(epochs);
    }

    /** @return the PCA of the trajectory, once every epoch of it is in ({@code pca2} only) */
    public java.util.Optional<SpectrumPca> pca() {
        return java.util.Optional.ofNullable(pca);
    }

    /**
     * The LS distance of a candidate's spectrum at an epoch to the reference, in this variant. Non-finite exponents
     * (of the candidate, or of the reference's trajectory with {@code pca2}) give a non-finite distance.
     *
     * @return empty while a spectrum it needs ({@link #requiredEpochs}) has not arrived
     * @throws IllegalArgumentException if the spectra differ in length (the message names both)
     */
    public OptionalDouble distance(int candidateEpoch, double[] candidate) {
        Objects.requireNonNull(candidate, "candidate");
        double[] dense = aligned.get(referenceEpoch(candidateEpoch));
        if (dense == null) {
            return OptionalDouble.empty();
        }
        double[] c = settings.alignment().apply(candidate);
        if (settings.space() == DistanceSettings.Space.SPECTRUM) {
            return OptionalDouble.of(LsDistance.euclidean(dense, c));
        }
        if (trajectoryNotFinite) {
            return OptionalDouble.of(Double.NaN);
        }
        if (pca == null) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(LsDistance.euclidean(pca.project(dense), pca.project(c)));
    }
}
