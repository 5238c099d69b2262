package io.lsh.lm.spectrum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lsh.lm.model.RhnWeights;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The RHN spectrum of the Java engine ({@link RhnStep}) against the PyTorch peer {@code bench/lyapunov_rhn_torch.py}
 * on small random RHNs (float64, some weights zero): every exponent to 1e-8 with the peer orthonormalising after every
 * warm-up step (what the engine does). Tagged "slow"; needs /usr/bin/python3 with torch (bench/ensure_torch.sh).
 */
@Tag("slow")
class RhnTorchCrossCheckTest {

    static final String SCRIPT = "lyapunov_rhn_torch.py";

    @TempDir
    Path dir;

    /**
     * Writes an RHN the way the peer reads it: encoder.weight [V, E], rnn.weight_ih_l0 [E, 2H], rnn.weight_hh_l{d}
     * [H, 2H], rnn.bias_l{d} [2H] (the row-vector convention of {@link RhnWeights}), float64, and tokens.npy int64
     * [length, B].
     */
    static void writeModel(Path folder, INDArray embedding, RhnWeights weights, int[][] sequences)
            throws IOException {
        Files.createDirectories(folder);
        TorchPeer.writeNpy(folder.resolve("encoder.weight.npy"), embedding);
        TorchPeer.writeNpy(folder.resolve("rnn.weight_ih_l0.npy"), weights.inputWeights());
        for (int d = 0; d < weights.depth(); d++) {
            TorchPeer.writeNpy(folder.resolve("rnn.weight_hh_l" + d + ".npy"), weights.recurrentWeights().get(d));
            INDArray b = weights.biases().get(d);
            TorchPeer.writeNpy(folder.resolve("rnn.bias_l" + d + ".npy"), b.reshape(b.length()));
        }
        int batch = sequences.length;
        int length = sequences[0].length;
        ByteBuffer tokens = ByteBuffer.allocate(8 * length * batch).order(ByteOrder.LITTLE_ENDIAN);
        for (int t = 0; t < length; t++) {
            for (int[] sequence : sequences) {
                tokens.putLong(sequence[t]);
            }
        }
        TorchPeer.writeNpy(folder.resolve("tokens.npy"), "<i8", new long[] {length, batch}, tokens.array());
    }

    private static double[] peerSpectrum(Path folder, SpectrumSettings s) throws Exception {
        Path out = folder.resolve("torch.npy");
        Process p = new ProcessBuilder(TorchPeer.PYTHON, TorchPeer.script(SCRIPT).toString(), "spectrum",
                folder.toString(), "--steps", String.valueOf(s.steps()), "--warmup", String.valueOf(s.warmup()),
                "--log-base", String.valueOf(s.logBase()), "--warmup-qr", "every", "--out", out.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(SCRIPT + " failed: " + log);
        }
        return TorchPeer.readNpyVector(out);
    }

    @Test
    void javaAndPyTorchSpectraAgree() throws Exception {
        assumeTrue(TorchPeer.available(), "needs /usr/bin/python3 with python3-torch (bench/ensure_torch.sh)");
        for (long seed : new long[] {1, 2}) {
            Random random = new Random(seed);
            int hidden = 7;
            int depth = seed == 1 ? 3 : 5;
            INDArray embedding = TestSystems.gaussian(random, 1.0, DataType.DOUBLE, 11, 6);
            RhnWeights weights = RhnStepTest.randomWeights(random, 6, hidden, depth, 0.9, 0.3);
            SpectrumSettings settings = SpectrumSettings.defaults().withBatch(3);
            int[][] sequences = SpectrumInputs.firstWindows(random.ints(500, 0, 11).toArray(), settings);
            Path folder = dir.resolve("rhn" + seed);
            writeModel(folder, embedding, weights, sequences);
            double[] java = LyapunovSpectrum.ofRhn(embedding, weights, sequences, settings).exponents();
            double[] torch = peerSpectrum(folder, settings);
            assertEquals(hidden, java.length);
            assertArrayEquals(torch, java, 1e-8, "seed " + seed);
        }
    }
}
