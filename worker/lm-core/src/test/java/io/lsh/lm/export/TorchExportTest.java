package io.lsh.lm.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.lm.data.BpttWindow;
import io.lsh.lm.model.LstmLanguageModel;
import io.lsh.lm.model.ModelSpec;
import io.lsh.lm.spectrum.LyapunovSpectrum;
import io.lsh.lm.spectrum.SpectrumSettings;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The PyTorch state_dict of our LSTM LM: names, shapes, and an independent forward pass in PyTorch's convention
 * ({@code y = W_ih x + b_ih + W_hh h + b_hh}, gate rows i, f, g, o) over the exported arrays that must reproduce the
 * model's own logits and loss.
 */
class TorchExportTest {

    private static final ModelSpec SPEC = new ModelSpec(11, 6, List.of(5, 5), 0.3, false);

    private static int[][] sequences(int batch, int length, int vocab, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[][] s = new int[batch][length];
        for (int[] row : s) {
            for (int t = 0; t < length; t++) {
                row[t] = r.nextInt(vocab);
            }
        }
        return s;
    }

    @Test
    void namesOrderShapesAndTypesAreThoseOfPytorchsRnnModel() {
        Map<String, NpyArray> sd = TorchExport.stateDict(new LstmLanguageModel(SPEC, 5L));
        assertEquals(List.of("encoder.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0",
                "rnn.bias_hh_l0", "rnn.weight_ih_l1", "rnn.weight_hh_l1", "rnn.bias_ih_l1", "rnn.bias_hh_l1",
                "decoder.weight", "decoder.bias"), List.copyOf(sd.keySet()));
        assertArrayEquals(new long[] {11, 6}, sd.get("encoder.weight").shape());
        assertArrayEquals(new long[] {20, 6}, sd.get("rnn.weight_ih_l0").shape());
        assertArrayEquals(new long[] {20, 5}, sd.get("rnn.weight_hh_l0").shape());
        assertArrayEquals(new long[] {20, 5}, sd.get("rnn.weight_ih_l1").shape());
        assertArrayEquals(new long[] {20}, sd.get("rnn.bias_ih_l1").shape());
        assertArrayEquals(new long[] {11, 5}, sd.get("decoder.weight").shape());
        assertArrayEquals(new long[] {11}, sd.get("decoder.bias").shape());
        assertTrue(sd.values().stream().allMatch(a -> a.dtype() == NpyDtype.FLOAT32));
        assertArrayEquals(new float[20], sd.get("rnn.bias_hh_l0").floats(), "the summed bias goes to bias_ih");
    }

    @Test
    void weightsAreTransposedWithoutPermutingGates() {
        LstmLanguageModel model = new LstmLanguageModel(SPEC, 9L, DataType.DOUBLE);
        Map<String, NpyArray> sd = TorchExport.stateDict(model);
        INDArray w = model.layer(1).inputWeights(); // in x 4H, column g*H + j
        double[] torchW = sd.get("rnn.weight_ih_l1").doubles(); // 4H x in, row g*H + j
        for (int row = 0; row < 20; row++) {
            for (int k = 0; k < 5; k++) {
                assertEquals(w.getDouble(k, row), torchW[row * 5 + k], 0.0);
            }
        }
        assertArrayEquals(model.layer(1).bias().toDoubleVector(), sd.get("rnn.bias_ih_l1").doubles(), 0.0);
        assertEquals(model.decoderWeight().getDouble(3, 7), sd.get("decoder.weight").doubles()[7 * 5 + 3], 0.0);
    }

    @Test
    void tiedWeightsExportTheEmbeddingAsTheDecoder() {
        LstmLanguageModel tied = new LstmLanguageModel(new ModelSpec(9, 4, List.of(4), 0.0, true), 2L);
        Map<String, NpyArray> sd = TorchExport.stateDict(tied);
        assertEquals(sd.get("encoder.weight"), sd.get("decoder.weight"));
    }

    @Test
    void tokenWindowIsTimeMajorInt64() {
        NpyArray w = TorchExport.tokenWindow(new int[][] {{1, 2, 3}, {7, 8, 9}});
        assertEquals(NpyDtype.INT64, w.dtype());
        assertArrayEquals(new long[] {3, 2}, w.shape());
        assertArrayEquals(new long[] {1, 7, 2, 8, 3, 9}, w.longs());
        BpttWindow next = TorchExport.nextTokenWindow(new int[][] {{1, 2, 3}, {7, 8, 9}});
        assertArrayEquals(new int[] {1, 7, 2, 8}, next.inputs());
        assertArrayEquals(new int[] {2, 8, 3, 9}, next.targets());
    }

    @Test
    void aPytorchConventionForwardOverTheExportedArraysReproducesTheModel() {
        LstmLanguageModel model = new LstmLanguageModel(SPEC, 21L, DataType.DOUBLE);
        int[][] seqs = sequences(3, 8, SPEC.vocabSize(), 4L);
        Map<String, NpyArray> sd = TorchExport.stateDict(model);
        Map<String, NpyArray> ref = TorchExport.referenceOutputs(model, seqs);
        NpyArray logits = ref.get(TorchExport.REFERENCE_LOGITS);
        assertArrayEquals(new long[] {7, 3, 11}, logits.shape());
        double[] ours = logits.doubles();
        double[] theirs = torchForward(sd, TorchExport.tokenWindow(seqs), 2);
        assertEquals(ours.length, theirs.length);
        double maxDiff = 0;
        for (int i = 0; i < ours.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(ours[i] - theirs[i]));
        }
        assertTrue(maxDiff < 1e-12, "max |logit difference| " + maxDiff);

        double loss = 0;
        long[] window = TorchExport.tokenWindow(seqs).longs();
        for (int row = 0; row < 7 * 3; row++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < 11; v++) {
                max = Math.max(max, theirs[row * 11 + v]);
            }
            double sum = 0;
            for (int v = 0; v < 11; v++) {
                sum += Math.exp(theirs[row * 11 + v] - max);
            }
            loss += max + Math.log(sum) - theirs[row * 11 + (int) window[row + 3]];
        }
        assertEquals(loss / 21, ref.get(TorchExport.REFERENCE_LOSS).doubles()[0], 1e-9);
    }

    @Test
    void referenceSpectrumIsTheEnginesWithSettingsAPeerCanReproduce() {
        LstmLanguageModel model = new LstmLanguageModel(SPEC, 8L);
        SpectrumSettings settings = SpectrumSettings.authorsLstm().withSteps(6).withWarmup(4).withBatch(2)
                .withExponents(7);
        int[][] seqs = sequences(2, 6, SPEC.vocabSize(), 1L);
        Map<String, NpyArray> ref = TorchExport.referenceSpectrum(model, seqs, settings);
        double[] expected = LyapunovSpectrum.ofLstm(model.embedding(), List.of(model.layer(0), model.layer(1)), seqs,
                settings).exponents();
        assertArrayEquals(expected, ref.get(TorchExport.REFERENCE_SPECTRUM).doubles(), 0.0);
        assertEquals(7, expected.length);
        assertArrayEquals(new long[] {6, 4, 1}, ref.get(TorchExport.REFERENCE_SPECTRUM_SETTINGS).longs());
        assertThrows(IllegalArgumentException.class,
                () -> TorchExport.referenceSpectrum(model, seqs, settings.withLogBase(Math.E)));
    }

    /** torch.nn.Embedding + nn.LSTM + nn.Linear in eval mode, from zero state, written from PyTorch's equations. */
    private static double[] torchForward(Map<String, NpyArray> sd, NpyArray window, int layers) {
        long[] shape = window.shape();
        int steps = (int) shape[0] - 1;
        int batch = (int) shape[1];
        long[] ids = window.longs();
        double[] emb = sd.get("encoder.weight").doubles();
        int e = (int) sd.get("encoder.weight").shape()[1];
        double[] decW = sd.get("decoder.weight").doubles();
        double[] decB = sd.get("decoder.bias").doubles();
        int vocab = decB.length;
        double[] out = new double[steps * batch * vocab];
        for (int b = 0; b < batch; b++) {
            double[][] h = new double[layers][];
            double[][] c = new double[layers][];
            for (int t = 0; t < steps; t++) {
                int token = (int) ids[t * batch + b];
                double[] x = java.util.Arrays.copyOfRange(emb, token * e, token * e + e);
                for (int l = 0; l < layers; l++) {
                    double[] wih = sd.get("rnn.weight_ih_l" + l).doubles();
                    double[] whh = sd.get("rnn.weight_hh_l" + l).doubles();
                    double[] bih = sd.get("rnn.bias_ih_l" + l).doubles();
                    double[] bhh = sd.get("rnn.bias_hh_l" + l).doubles();
                    int hs = bih.length / 4;
                    if (h[l] == null) {
                        h[l] = new double[hs];
                        c[l] = new double[hs];
                    }
                    double[] gates = new double[4 * hs];
                    for (int r = 0; r < 4 * hs; r++) {
                        double y = bih[r] + bhh[r];
                        for (int k = 0; k < x.length; k++) {
                            y += wih[r * x.length + k] * x[k];
                        }
                        for (int k = 0; k < hs; k++) {
                            y += whh[r * hs + k] * h[l][k];
                        }
                        gates[r] = y;
                    }
                    double[] hNew = new double[hs];
                    for (int j = 0; j < hs; j++) {
                        double i = sigmoid(gates[j]);
                        double f = sigmoid(gates[hs + j]);
                        double g = Math.tanh(gates[2 * hs + j]);
                        double o = sigmoid(gates[3 * hs + j]);
                        c[l][j] = f * c[l][j] + i * g;
                        hNew[j] = o * Math.tanh(c[l][j]);
                    }
                    h[l] = hNew;
                    x = hNew;
                }
                int base = (t * batch + b) * vocab;
                for (int v = 0; v < vocab; v++) {
                    double y = decB[v];
                    for (int k = 0; k < x.length; k++) {
                        y += decW[v * x.length + k] * x[k];
                    }
                    out[base + v] = y;
                }
            }
        }
        return out;
    }

    private static double sigmoid(double z) {
        return 1.0 / (1.0 + Math.exp(-z));
    }
}
