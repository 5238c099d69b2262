package io.lsh.lm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lsh.lm.data.BpttWindow;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Cross-check of {@link AwdMosLanguageModel} against an independent PyTorch implementation
 * ({@code bench/awd_mos_torch.py --check}: {@code nn.LSTM}, {@code log_softmax}/{@code logsumexp} mixture, AR/TAR as
 * in the reference {@code main.py}) on the same float64 weights, window and carried state: evaluation loss,
 * training cross-entropy, AR + TAR, and the gradient of every parameter (dropout off), to 1e-9 relative. Tagged
 * "slow" (needs Debian's /usr/bin/python3 with python3-torch, bench/ensure_torch.sh):
 * {@code mvn -B -o -pl worker/lm-core test -Dtest=AwdMosTorchCrossCheckTest -Dlsh.test.excludedGroups=}.
 */
@Tag("slow")
class AwdMosTorchCrossCheckTest {

    /** Parameters stored transposed by PyTorch ({@code out x in}). */
    private static final Set<String> TRANSPOSED_PREFIXES = Set.of("rnn.weight_", "prior.weight", "latent.weight");

    @TempDir
    Path dir;

    @Test
    void lossesPenaltiesAndGradientsMatchPyTorch() throws Exception {
        assumeTrue(torchAvailable(), "needs /usr/bin/python3 with python3-torch (bench/ensure_torch.sh)");
        AwdMosSpec spec = new AwdMosSpec(13, 4, List.of(7, 6, 5), 3, 0, 0, 0, 0, 0, 0, 2.0, 1.0);
        AwdMosLanguageModel model = new AwdMosLanguageModel(spec, 31L, DataType.DOUBLE);
        for (Parameter p : model.parameters()) {
            p.value().muli(3.0);
        }
        int steps = 5;
        int batch = 3;
        LstmState state = model.initialState(batch);
        model.loss(LstmGradientCheckTest.randomWindow(13, steps, batch, 1L), state);
        BpttWindow window = LstmGradientCheckTest.randomWindow(13, steps, batch, 2L);
        write(model, window, state);

        double evalLoss = model.loss(window, state.copy());
        double trainLoss = model.forwardBackward(window, state.copy());
        Process p = new ProcessBuilder("/usr/bin/python3", script().toString(), "--check", dir.toString(), "--alpha",
                "2.0", "--beta", "1.0").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES) && p.exitValue() == 0, out);
        String json = out.substring(out.lastIndexOf('{'));
        assertEquals(number(json, "eval_loss"), evalLoss, 1e-11);
        assertEquals(number(json, "train_loss"), trainLoss, 1e-11);
        assertEquals(number(json, "penalty"), model.lastPenalty(), 1e-11);
        for (Parameter param : model.parameters()) {
            boolean transposed = TRANSPOSED_PREFIXES.stream().anyMatch(param.name()::startsWith);
            INDArray g = transposed ? param.gradient().transpose().dup('c') : param.gradient();
            double[] java = g.data().asDouble();
            double[] torch = readNpy(dir.resolve("grad." + param.name() + ".npy"));
            assertEquals(java.length, torch.length, param.name());
            double scale = 0;
            double diff = 0;
            for (int i = 0; i < java.length; i++) {
                scale = Math.max(scale, Math.abs(torch[i]));
                diff = Math.max(diff, Math.abs(java[i] - torch[i]));
            }
            assertTrue(scale > 0, param.name() + " has a zero gradient");
            assertTrue(diff <= 1e-9 * scale, param.name() + ": max diff " + diff + " vs max |g| " + scale);
        }
    }

    private static double number(String json, String key) {
        return Double.parseDouble(json.replaceAll(".*\"" + key + "\": ([0-9.eE+-]+).*", "$1"));
    }

    /** PyTorch names and layouts: weights out x in, LSTM bias_ih = the bias and bias_hh = 0, inputs [T, B]. */
    private void write(AwdMosLanguageModel model, BpttWindow window, LstmState state) throws IOException {
        writeNpy("encoder.weight", model.embedding());
        for (int l = 0; l < model.layerCount(); l++) {
            LstmLayerWeights w = model.layer(l);
            writeNpy("rnn.weight_ih_l" + l, w.inputWeights().transpose());
            writeNpy("rnn.weight_hh_l" + l, w.recurrentWeights().transpose());
            writeNpy("rnn.bias_ih_l" + l, w.bias().reshape(w.bias().length()));
            writeNpy("rnn.bias_hh_l" + l, w.bias().reshape(w.bias().length()).mul(0));
            writeNpy("h" + l, state.hidden(l));
            writeNpy("c" + l, state.cell(l));
        }
        writeNpy("prior.weight", model.priorWeight().transpose());
        writeNpy("latent.weight", model.latentWeight().transpose());
        writeNpy("latent.bias", model.latentBias().reshape(model.latentBias().length()));
        writeNpy("decoder.bias", model.decoderBias().reshape(model.decoderBias().length()));
        writeTokens("inputs", window.inputs(), window.length(), window.batchSize());
        writeTokens("targets", window.targets(), window.length(), window.batchSize());
    }

    private void writeNpy(String name, INDArray a) throws IOException {
        INDArray d = a.castTo(DataType.DOUBLE).dup('c');
        ByteBuffer data = ByteBuffer.allocate(8 * (int) d.length()).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : d.data().asDouble()) {
            data.putDouble(v);
        }
        writeNpy(name, "<f8", d.shape(), data.array());
    }

    private void writeTokens(String name, int[] ids, int steps, int batch) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(8 * ids.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int id : ids) {
            data.putLong(id); // time-major: row t * B + b
        }
        writeNpy(name, "<i8", new long[] {steps, batch}, data.array());
    }

    private void writeNpy(String name, String dtype, long[] shape, byte[] data) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (long s : shape) {
            dims.append(s).append(", ");
        }
        if (shape.length > 1) {
            dims.setLength(dims.length() - 2);
        }
        String header = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        int pad = (64 - (10 + header.length() + 1) % 64) % 64;
        byte[] h = (header + " ".repeat(pad) + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(10 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0)
                .putShort((short) h.length).put(h).put(data);
        Files.write(dir.resolve(name + ".npy"), out.array());
    }

    /** A little-endian float64 .npy (version 1), flattened. */
    private static double[] readNpy(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = b.getShort(8) & 0xffff;
        b.position(10 + headerLength);
        double[] out = new double[b.remaining() / 8];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getDouble();
        }
        return out;
    }

    private static Path script() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("bench").resolve("awd_mos_torch.py");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("bench/awd_mos_torch.py not found");
    }

    private static boolean torchAvailable() {
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch, numpy").redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
