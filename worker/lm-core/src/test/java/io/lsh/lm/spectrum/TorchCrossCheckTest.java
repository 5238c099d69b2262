package io.lsh.lm.spectrum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lsh.lm.model.LstmLayerWeights;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Cross-check against the PyTorch peer {@code bench/lyapunov_torch.py} (the authors' algorithm): small random 2-layer
 * LSTMs (E=6, H=5 and 7, V=11, float64, three seeds, B=2 and 5) are generated here, written as .npy files and read by
 * the script. The {@code authors} preset must match the peer with J transposed, and the default preset the peer with
 * the true J, to 1e-8 (log base 2), with the peer orthonormalising after every warm-up step as the engine does
 * ({@code --warmup-qr every}). Against the authors' literal warm-up ({@code --warmup-qr end}: W products, one QR)
 * only the leading exponents are checked to 1e-8: the product of W Jacobians is so ill-conditioned that the QR of it
 * loses the strongly contracting directions in float64, which moves the trailing exponents by up to ~1e-6.
 * Tagged "slow" (needs Debian's /usr/bin/python3 with python3-torch, see bench/README.md):
 * {@code mvn -pl worker/lm-core test -Dtest=TorchCrossCheckTest -Dlsh.test.excludedGroups=}.
 */
@Tag("slow")
class TorchCrossCheckTest {

    private static final double TOLERANCE = 1e-8;
    /** Leading exponents compared with the authors' literal warm-up. */
    private static final int LEADING = 6;

    @TempDir
    Path dir;

    @Test
    void authorsPresetAndDefaultMatchThePyTorchPeer() throws Exception {
        assumeTrue(TorchPeer.available(), "needs /usr/bin/python3 with python3-torch (bench/ensure_torch.sh)");
        for (int seed = 1; seed <= 3; seed++) {
            Random random = new Random(seed);
            int vocabulary = 11;
            INDArray embedding = TestSystems.gaussian(random, 1.0, DataType.DOUBLE, vocabulary, 6);
            List<LstmLayerWeights> layers = TestSystems.randomLayers(random, 6, new int[] {5, 7}, 0.8, 0.0,
                    DataType.DOUBLE);
            int[] stream = random.ints(400, 0, vocabulary).toArray();
            SpectrumSettings authors = SpectrumSettings.authorsLstm().withBatch(seed == 1 ? 2 : 5);
            int[][] sequences = SpectrumInputs.firstWindows(stream, authors);
            Path model = dir.resolve("seed" + seed);
            TorchPeer.writeModel(model, embedding, layers, sequences);
            SpectrumSettings correct = SpectrumSettings.defaults().withBatch(authors.batch());

            double[] javaAuthors = LyapunovSpectrum.ofLstm(embedding, layers, sequences, authors).exponents();
            double[] javaCorrect = LyapunovSpectrum.ofLstm(embedding, layers, sequences, correct).exponents();
            double authorsDiff = maxDiff("authors (J^T), seed " + seed, javaAuthors,
                    TorchPeer.spectrum(model, true, authors, "every"), javaAuthors.length);
            double correctDiff = maxDiff("default (J), seed " + seed, javaCorrect,
                    TorchPeer.spectrum(model, false, correct, "every"), javaCorrect.length);
            double[] literalAuthors = TorchPeer.spectrum(model, true, authors, "end");
            double[] literalCorrect = TorchPeer.spectrum(model, false, correct, "end");
            double literalAuthorsLeading = maxDiff("authors (J^T), literal warm-up, seed " + seed, javaAuthors,
                    literalAuthors, LEADING);
            double literalCorrectLeading = maxDiff("default (J), literal warm-up, seed " + seed, javaCorrect,
                    literalCorrect, LEADING);
            System.out.printf("seed %d, B=%d, n=12: max |Java - PyTorch|: authors %.2g, default %.2g; against the "
                            + "literal warm-up: leading %d %.2g / %.2g, all %.2g / %.2g%n", seed, authors.batch(),
                    authorsDiff, correctDiff, LEADING, literalAuthorsLeading, literalCorrectLeading,
                    diff(javaAuthors, literalAuthors), diff(javaCorrect, literalCorrect));
        }
    }

    private static double diff(double[] a, double[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    /** Asserts the first {@code count} exponents agree to 1e-8 and returns their max difference. */
    private static double maxDiff(String what, double[] java, double[] torch, int count) {
        assertEquals(java.length, torch.length, what + ": number of exponents");
        double max = 0;
        for (int i = 0; i < count; i++) {
            max = Math.max(max, Math.abs(java[i] - torch[i]));
        }
        for (int i = 0; i < count; i++) {
            assertEquals(torch[i], java[i], TOLERANCE, what + ": exponent " + i + " (max diff " + max + ")");
        }
        return max;
    }
}
