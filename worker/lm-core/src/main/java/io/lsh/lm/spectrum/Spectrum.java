package io.lsh.lm.spectrum;

import java.util.Arrays;
import java.util.Objects;

/**
 * An estimated Lyapunov spectrum with its provenance.
 *
 * @param exponents  the k exponents per step in {@code settings.logBase()} units, averaged over the batch, in QR order
 *                   unless {@link SpectrumSettings#sortDescending()}; may contain -Infinity when the tangent map is
 *                   singular. Treat as read-only.
 * @param settings   how it was computed
 * @param stateSize  dimension of the state
 * @param seconds    wall-clock time of the computation
 */
public record Spectrum(double[] exponents, SpectrumSettings settings, int stateSize, double seconds) {

    public Spectrum {
        Objects.requireNonNull(exponents, "exponents");
        Objects.requireNonNull(settings, "settings");
    }

    /** Largest exponent. */
    public double max() {
        return Arrays.stream(exponents).max().orElse(Double.NaN);
    }

    /** Sum of the exponents. */
    public double sum() {
        return Arrays.stream(exponents).sum();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Spectrum s && Arrays.equals(exponents, s.exponents) && settings.equals(s.settings)
                && stateSize == s.stateSize && Double.compare(seconds, s.seconds) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(exponents), settings, stateSize, seconds);
    }

    @Override
    public String toString() {
        int shown = Math.min(exponents.length, 5);
        return "Spectrum[k=" + exponents.length + ", n=" + stateSize + ", first=" + Arrays.toString(
                Arrays.copyOf(exponents, shown)) + ", " + String.format("%.3f s", seconds) + ", " + settings + "]";
    }
}
