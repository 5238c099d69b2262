package io.lsh.lm.export;

import io.lsh.lm.data.BpttWindow;
import io.lsh.lm.model.LstmLanguageModel;
import io.lsh.lm.model.LstmLayerWeights;
import io.lsh.lm.model.ModelSpec;
import io.lsh.lm.model.RecurrentState;
import io.lsh.lm.spectrum.LyapunovSpectrum;
import io.lsh.lm.spectrum.SpectrumSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An {@link LstmLanguageModel} as a PyTorch {@code state_dict} of the {@code word_language_model} {@code RNNModel}
 * (method.md section 2: {@code encoder = nn.Embedding(V, E)}, {@code rnn = nn.LSTM(E, H, L)},
 * {@code decoder = nn.Linear(H, V)}), plus the token window of the Lyapunov spectrum (method.md section 4) and, for
 * checking, this model's logits and loss on it.
 *
 * <h2>Layout conversion</h2>
 * Our LSTM computes {@code y = x W + h U + b} with row vectors, W in x 4H and U H x 4H, gate column blocks i, f, g, o;
 * {@code torch.nn.LSTM} computes {@code y = W_ih x + b_ih + W_hh h + b_hh} with {@code weight_ih_l<l>} 4H x in and
 * {@code weight_hh_l<l>} 4H x H, gate row blocks i, f, g, o. The gate order is the same, so
 * {@code weight_ih_l<l> = W^T} and {@code weight_hh_l<l> = U^T} with no permutation. Our single bias is PyTorch's
 * sum {@code b_ih + b_hh} (only the sum enters the forward pass and its gradient); it is exported as
 * {@code bias_ih_l<l> = b} and {@code bias_hh_l<l> = 0}, which gives the identical model. The decoder weight
 * (H x V, {@code logits = h W + b}) is exported transposed as {@code decoder.weight} V x H; with tied weights it
 * is the embedding matrix, as in PyTorch's tied state_dict. Values keep the model's precision (FLOAT as
 * {@code <f4}, DOUBLE as {@code <f8}); pruned weights are the zeros the model holds.
 *
 * <p>The names fit {@code nn.LSTM(E, H, L)} when every layer has the same width H (the paper's settings); for
 * layers of different widths the same names describe one single-layer LSTM per layer.
 */
public final class TorchExport {

    /** Name of the token window: int64 {@code [T, B]}, column b is input sequence b (PyTorch's batchify layout). */
    public static final String WINDOW = "window";
    /** Name of this model's logits on the window: {@code [T-1, B, V]}, step t predicts {@code window[t+1]}. */
    public static final String REFERENCE_LOGITS = "reference.logits";
    /** Name of this model's mean cross-entropy (nats per token) on the window: a float64 scalar. */
    public static final String REFERENCE_LOSS = "reference.loss";
    /** Name of this model's Lyapunov spectrum on the window: float64 {@code [k]}, QR order. */
    public static final String REFERENCE_SPECTRUM = "reference.spectrum";
    /** Name of the spectrum's settings: int64 {@code [T, W, transposed (0 or 1)]}; log base 2, replay warm-up. */
    public static final String REFERENCE_SPECTRUM_SETTINGS = "reference.spectrum_settings";

    private TorchExport() {
    }

    /** The model's parameters under PyTorch names and layouts, in {@code RNNModel.state_dict()} order. */
    public static Map<String, NpyArray> stateDict(LstmLanguageModel model) {
        ModelSpec spec = model.spec();
        Map<String, NpyArray> out = new LinkedHashMap<>();
        out.put("encoder.weight", NpyArray.of(model.embedding()));
        for (int l = 0; l < model.layerCount(); l++) {
            LstmLayerWeights w = model.layer(l);
            INDArray bias = w.bias();
            out.put("rnn.weight_ih_l" + l, NpyArray.of(w.inputWeights().transpose().dup('c')));
            out.put("rnn.weight_hh_l" + l, NpyArray.of(w.recurrentWeights().transpose().dup('c')));
            out.put("rnn.bias_ih_l" + l, NpyArray.of(bias.reshape(bias.length()).dup('c')));
            out.put("rnn.bias_hh_l" + l, NpyArray.of(org.nd4j.linalg.factory.Nd4j.zeros(bias.dataType(), bias.length())));
        }
        INDArray decoder = model.decoderWeight(); // H x V (for tied weights the embedding's transpose view)
        out.put("decoder.weight", NpyArray.of(decoder.transpose().dup('c')));
        INDArray decoderBias = model.decoderBias();
        out.put("decoder.bias", NpyArray.of(decoderBias.reshape(spec.vocabSize()).dup('c')));
        return out;
    }

    /**
     * The token window as int64 {@code [T, B]}: element {@code [t, b] = sequences[b][t]}.
     *
     * @param sequences B sequences of T token ids each (e.g. {@code SpectrumInputs.firstWindows})
     */
    public static NpyArray tokenWindow(int[][] sequences) {
        int b = checkRectangular(sequences, 1);
        int t = sequences[0].length;
        long[] ids = new long[t * b];
        for (int s = 0; s < t; s++) {
            for (int c = 0; c < b; c++) {
                ids[s * b + c] = sequences[c][s];
            }
        }
        return NpyArray.ofLongs(ids, t, b);
    }

    /**
     * The next-token prediction task on the window: inputs are steps 0..T-2, targets steps 1..T-1 of every
     * sequence, time-major.
     *
     * @param sequences B sequences of T &gt;= 2 token ids each
     */
    public static BpttWindow nextTokenWindow(int[][] sequences) {
        int b = checkRectangular(sequences, 2);
        int steps = sequences[0].length - 1;
        int[] inputs = new int[steps * b];
        int[] targets = new int[steps * b];
        for (int s = 0; s < steps; s++) {
            for (int c = 0; c < b; c++) {
                inputs[s * b + c] = sequences[c][s];
                targets[s * b + c] = sequences[c][s + 1];
            }
        }
        return new BpttWindow(inputs, targets, steps, b);
    }

    /**
     * This model's evaluation-mode logits ({@link #REFERENCE_LOGITS}) and mean loss ({@link #REFERENCE_LOSS}) on
     * {@link #nextTokenWindow}, each from a zero initial state: what a PyTorch model loaded from
     * {@link #stateDict} must reproduce.
     */
    public static Map<String, NpyArray> referenceOutputs(LstmLanguageModel model, int[][] sequences) {
        BpttWindow window = nextTokenWindow(sequences);
        RecurrentState forLogits = model.initialState(window.batchSize());
        INDArray logits = model.logits(window, forLogits);
        double loss = model.loss(window, model.initialState(window.batchSize()));
        Map<String, NpyArray> out = new LinkedHashMap<>();
        out.put(REFERENCE_LOGITS, NpyArray.of(logits.reshape('c', window.length(), window.batchSize(),
                model.spec().vocabSize())));
        out.put(REFERENCE_LOSS, NpyArray.ofDoubles(new double[] {loss}));
        return out;
    }

    /**
     * This model's Lyapunov spectrum on the window (method.md section 4, {@link LyapunovSpectrum#ofLstm}: what
     * {@code lsh spectrum} prints with the same settings) as {@link #REFERENCE_SPECTRUM}, and the settings a peer
     * needs to reproduce it as {@link #REFERENCE_SPECTRUM_SETTINGS}.
     *
     * @param settings log base 2, the replay-window warm-up and QR order (the defaults), any T, W, B, k and Jacobian
     *                 convention
     * @throws IllegalArgumentException for another log base, warm-up mode or order, which the settings array cannot
     *                                  say
     */
    public static Map<String, NpyArray> referenceSpectrum(LstmLanguageModel model, int[][] sequences,
                                                          SpectrumSettings settings) {
        SpectrumSettings defaults = SpectrumSettings.defaults();
        if (settings.logBase() != defaults.logBase() || settings.warmupMode() != defaults.warmupMode()
                || settings.sortDescending()) {
            throw new IllegalArgumentException("reference spectra are exported with log base 2, the "
                    + defaults.warmupMode() + " warm-up and in QR order only");
        }
        List<LstmLayerWeights> layers = IntStream.range(0, model.layerCount()).mapToObj(model::layer).toList();
        double[] exponents = LyapunovSpectrum.ofLstm(model.embedding(), layers, sequences, settings).exponents();
        Map<String, NpyArray> out = new LinkedHashMap<>();
        out.put(REFERENCE_SPECTRUM, NpyArray.ofDoubles(exponents, exponents.length));
        out.put(REFERENCE_SPECTRUM_SETTINGS, NpyArray.ofLongs(new long[] {settings.steps(), settings.warmup(),
            settings.jacobianTransposed() ? 1 : 0}, 3));
        return out;
    }

    private static int checkRectangular(int[][] sequences, int minLength) {
        if (sequences.length == 0) {
            throw new IllegalArgumentException("need at least one sequence");
        }
        int t = sequences[0].length;
        if (t < minLength) {
            throw new IllegalArgumentException("sequences need at least " + minLength + " tokens, got " + t);
        }
        for (int[] s : sequences) {
            if (s.length != t) {
                throw new IllegalArgumentException("sequences differ in length: " + t + " and " + s.length);
            }
        }
        return sequences.length;
    }
}
