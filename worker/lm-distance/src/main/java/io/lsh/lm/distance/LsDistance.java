package io.lsh.lm.distance;

import java.util.Arrays;
import java.util.Objects;

/**
 * The LS distance of method.md section 5 (Zheng &amp; Shlizerman 2025, "Hyperpruning", arXiv 2506.07975): the
 * Euclidean distance between the Lyapunov spectrum of a pruned candidate and that of the dense reference at the same
 * epoch, index by index. Smaller predicts better final perplexity. Stateless and thread-safe.
 */
public final class LsDistance {

    /** How the two spectra are aligned before comparing ({@code lsh.distance.alignment}). */
    public enum Alignment {
        /** Index by index in the order given (the QR order; the authors' choice). */
        AS_GIVEN("as-given"),
        /** Both sorted in descending order first. */
        SORTED("sorted");

        private final String configName;

        Alignment(String configName) {
            this.configName = configName;
        }

        /** @return the name in reference.conf ({@code as-given}, {@code sorted}) */
        public String configName() {
            return configName;
        }

        /**
         * @return the alignment named {@code name} in reference.conf
         * @throws IllegalArgumentException naming the value and the known names
         */
        public static Alignment fromName(String name) {
            for (Alignment a : values()) {
                if (a.configName.equals(name)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("unknown LS-distance alignment '" + name
                    + "' (known: as-given, sorted)");
        }

        /** @return the spectrum in this alignment (a sorted copy, or {@code spectrum} itself) */
        double[] apply(double[] spectrum) {
            return this == SORTED ? sortedDescending(spectrum) : spectrum;
        }
    }

    private LsDistance() {
    }

    /**
     * {@code ||a - b||_2}, index by index.
     *
     * @throws IllegalArgumentException if the lengths differ (the message names both)
     */
    public static double euclidean(double[] a, double[] b) {
        return euclidean(a, b, Alignment.AS_GIVEN);
    }

    /**
     * {@code ||a - b||_2} after the given alignment. Non-finite exponents give a non-finite distance.
     *
     * @throws IllegalArgumentException if the lengths differ (the message names both)
     */
    public static double euclidean(double[] a, double[] b, Alignment alignment) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        Objects.requireNonNull(alignment, "alignment");
        if (a.length != b.length) {
            throw new IllegalArgumentException("spectra differ in length: " + a.length + " vs " + b.length);
        }
        double[] x = a;
        double[] y = b;
        if (alignment == Alignment.SORTED) {
            x = sortedDescending(a);
            y = sortedDescending(b);
        }
        double sum = 0.0;
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - y[i];
            sum += d * d;
        }
        return Math.sqrt(sum);
    }

    /** A descending-sorted copy. */
    static double[] sortedDescending(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        for (int i = 0, j = s.length - 1; i < j; i++, j--) {
            double t = s[i];
            s[i] = s[j];
            s[j] = t;
        }
        return s;
    }
}
