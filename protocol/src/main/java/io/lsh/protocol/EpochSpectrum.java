package io.lsh.protocol;

import java.util.List;

/**
 * The Lyapunov spectrum of a model after a given training epoch (exponents in QR order).
 *
 * @param epoch     completed training epochs (1-based)
 * @param exponents the exponents
 */
public record EpochSpectrum(int epoch, List<Double> exponents) implements CborSerializable {

    public EpochSpectrum {
        exponents = List.copyOf(exponents);
    }
}
