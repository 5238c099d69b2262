package io.lsh.lm.spectrum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.model.LstmLayerWeights;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Measures the spectrum time of random 2-layer LSTMs with the authors' settings (T=35, W=10, B=2, k = all). Not a
 * timed unit test: tagged "slow", run with
 * {@code mvn -pl worker/lm-core test -Dtest=SpectrumTimingTest -Dlsh.test.excludedGroups=}.
 */
@Tag("slow")
class SpectrumTimingTest {

    @Test
    void timeTwoLayerLstms() {
        for (int hidden : new int[] {64, 200}) {
            Random random = new Random(hidden);
            int vocabulary = 1000;
            double scale = 1.0 / Math.sqrt(hidden);
            INDArray embedding = TestSystems.gaussian(random, 1.0, DataType.FLOAT, vocabulary, hidden);
            List<LstmLayerWeights> layers = TestSystems.randomLayers(random, hidden, new int[] {hidden, hidden},
                    scale, 0.0, DataType.FLOAT);
            int[] stream = random.ints(5000, 0, vocabulary).toArray();
            SpectrumSettings settings = SpectrumSettings.defaults();
            int[][] sequences = SpectrumInputs.firstWindows(stream, settings);
            Spectrum spectrum = null;
            double[] seconds = new double[4];
            for (int run = 0; run < seconds.length; run++) {
                spectrum = LyapunovSpectrum.ofLstm(embedding, layers, sequences, settings);
                seconds[run] = spectrum.seconds();
            }
            assertEquals(2 * hidden, spectrum.exponents().length);
            assertTrue(Arrays.stream(spectrum.exponents()).allMatch(Double::isFinite));
            System.out.printf("LSTM 2x%d (k=%d, T=35, W=10, B=2): %s s per spectrum (first run includes JIT); "
                    + "max LE %.4f, sum %.2f (log2)%n", hidden, 2 * hidden, Arrays.toString(Arrays.stream(seconds)
                    .map(s -> Math.round(s * 1000) / 1000.0).toArray()), spectrum.max(), spectrum.sum());
        }
    }
}
