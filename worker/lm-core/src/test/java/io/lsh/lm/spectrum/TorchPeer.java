package io.lsh.lm.spectrum;

import io.lsh.lm.model.LstmLayerWeights;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The PyTorch peer in {@code bench/lyapunov_torch.py}: writes a stacked LSTM and its token windows as .npy files with
 * PyTorch names, runs the script with Debian's system python3 and reads its spectrum back. For the slow cross-check
 * and benchmark tests; needs {@code /usr/bin/python3} with python3-torch (bench/ensure_torch.sh).
 */
final class TorchPeer implements AutoCloseable {

    static final String PYTHON = "/usr/bin/python3";

    private final Process process;
    private final BufferedWriter toPeer;
    private final BufferedReader fromPeer;

    private TorchPeer(Process process) {
        this.process = process;
        this.toPeer = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.fromPeer = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** bench/lyapunov_torch.py, found from the working directory (the module or the repository root). */
    static Path script() {
        return script("lyapunov_torch.py");
    }

    /** bench/{@code fileName}, found from the working directory (the module or the repository root). */
    static Path script(String fileName) {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            Path candidate = p.resolve("bench").resolve(fileName);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("bench/" + fileName + " not found above " + here);
    }

    /** Whether /usr/bin/python3 can import torch and numpy. */
    static boolean available() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import torch, numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Writes the model the way the peer reads it: encoder.weight [V, E], rnn.weight_ih_l{l} [4H, in] (= the
     * transpose of {@link LstmLayerWeights#inputWeights()}), rnn.weight_hh_l{l} [4H, H], rnn.bias_ih_l{l} (the
     * bias) and rnn.bias_hh_l{l} (zeros), all float64, and tokens.npy int64 [length, B].
     */
    static void writeModel(Path dir, INDArray embedding, List<LstmLayerWeights> layers, int[][] sequences)
            throws IOException {
        Files.createDirectories(dir);
        writeNpy(dir.resolve("encoder.weight.npy"), embedding);
        for (int l = 0; l < layers.size(); l++) {
            LstmLayerWeights w = layers.get(l);
            writeNpy(dir.resolve("rnn.weight_ih_l" + l + ".npy"), w.inputWeights().transpose());
            writeNpy(dir.resolve("rnn.weight_hh_l" + l + ".npy"), w.recurrentWeights().transpose());
            writeNpy(dir.resolve("rnn.bias_ih_l" + l + ".npy"), w.bias().reshape(w.bias().length()));
            writeNpy(dir.resolve("rnn.bias_hh_l" + l + ".npy"), new double[(int) w.bias().length()],
                    new long[] {w.bias().length()});
        }
        int batch = sequences.length;
        int length = sequences[0].length;
        ByteBuffer tokens = ByteBuffer.allocate(8 * length * batch).order(ByteOrder.LITTLE_ENDIAN);
        for (int t = 0; t < length; t++) {
            for (int[] sequence : sequences) {
                tokens.putLong(sequence[t]);
            }
        }
        writeNpy(dir.resolve("tokens.npy"), "<i8", new long[] {length, batch}, tokens.array());
    }

    static void writeNpy(Path file, INDArray a) throws IOException {
        INDArray d = a.castTo(DataType.DOUBLE).dup('c');
        writeNpy(file, d.data().asDouble(), d.shape());
    }

    private static void writeNpy(Path file, double[] values, long[] shape) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            data.putDouble(v);
        }
        writeNpy(file, "<f8", shape, data.array());
    }

    static void writeNpy(Path file, String dtype, long[] shape, byte[] data) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (long s : shape) {
            dims.append(s).append(", ");
        }
        if (shape.length > 1) {
            dims.setLength(dims.length() - 2);
        }
        String header = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        int total = 10 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        ByteBuffer head = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        head.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0)
                .putShort((short) header.length());
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[10 + h.length + data.length];
        System.arraycopy(head.array(), 0, out, 0, 10);
        System.arraycopy(h, 0, out, 10, h.length);
        System.arraycopy(data, 0, out, 10 + h.length, data.length);
        Files.write(file, out);
    }

    /** Reads a 1-D little-endian float64 .npy. */
    static double[] readNpyVector(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int major = b.get(6);
        int headerLength = major == 1 ? Short.toUnsignedInt(b.getShort(8)) : b.getInt(8);
        int start = (major == 1 ? 10 : 12) + headerLength;
        String header = new String(b.array(), 0, start, StandardCharsets.US_ASCII);
        if (!header.contains("'<f8'") || header.contains("'fortran_order': True")) {
            throw new IOException("expected a C-order <f8 array: " + header);
        }
        int count = (b.capacity() - start) / 8;
        double[] v = new double[count];
        b.position(start);
        b.asDoubleBuffer().get(v);
        return v;
    }

    /**
     * Runs {@code lyapunov_torch.py spectrum DIR} and returns the spectrum (QR order, log base 2).
     *
     * @param warmupQr "end" (the authors' warm-up: one QR after the W products) or "every" (a QR after each)
     */
    static double[] spectrum(Path dir, boolean transposed, SpectrumSettings s, String warmupQr) throws IOException,
            InterruptedException {
        Path out = dir.resolve("torch-" + (transposed ? "transposed" : "correct") + "-" + warmupQr + ".npy");
        List<String> command = new ArrayList<>(List.of(PYTHON, script().toString(), "spectrum", dir.toString(),
                "--steps", String.valueOf(s.steps()), "--warmup", String.valueOf(s.warmup()),
                "--log-base", String.valueOf(s.logBase()), "--exponents", String.valueOf(s.exponents()),
                "--warmup-qr", warmupQr, "--out", out.toString()));
        if (transposed) {
            command.add("--transposed");
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("lyapunov_torch.py failed: " + log);
        }
        return readNpyVector(out);
    }

    /**
     * Starts {@code lyapunov_torch.py serve}. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed from its
     * environment so OpenBLAS picks its kernel for this CPU, unless {@code -Dlsh.bench.peerKernel=same}: then the peer
     * keeps the JVM's environment, i.e. the same OpenBLAS kernel class as the Java side (a like-for-like comparison
     * of the algorithms where the JVM must pin OPENBLAS_CORETYPE, see bench/README.md).
     */
    static TorchPeer serve() throws IOException {
        return serve(script());
    }

    /** {@link #serve()} with another peer script speaking the same line protocol. */
    static TorchPeer serve(Path peerScript) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(PYTHON, peerScript.toString(), "serve");
        if (!"same".equals(System.getProperty("lsh.bench.peerKernel", "own"))) {
            pb.environment().remove("OPENBLAS_CORETYPE");
            pb.environment().remove("OPENBLAS_L2_SIZE");
        }
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        return new TorchPeer(pb.start());
    }

    /** Sends one JSON request line and returns the JSON reply line. */
    String request(String json) throws IOException {
        toPeer.write(json);
        toPeer.newLine();
        toPeer.flush();
        String reply = fromPeer.readLine();
        if (reply == null) {
            throw new IOException("the peer exited");
        }
        return reply;
    }

    /** Times one spectrum in the peer (weights loaded once per folder and not timed). */
    String time(Path dir, boolean transposed, int steps, int warmup, int batch) throws IOException {
        return request(String.format(Locale.ROOT,
                "{\"dir\": \"%s\", \"transposed\": %b, \"steps\": %d, \"warmup\": %d, \"batch\": %d}",
                dir.toString().replace("\\", "\\\\"), transposed, steps, warmup, batch));
    }

    /** A number field of a flat JSON reply. */
    static double field(String json, String name) {
        int i = json.indexOf("\"" + name + "\"");
        if (i < 0) {
            throw new IllegalArgumentException(name + " not in " + json);
        }
        int start = json.indexOf(':', i) + 1;
        int end = start;
        while (end < json.length() && ",}".indexOf(json.charAt(end)) < 0) {
            end++;
        }
        return Double.parseDouble(json.substring(start, end).trim());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        toPeer.close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroy();
        }
    }
}
