package io.lsh.lm.architecture;

import io.lsh.lm.model.AwdMosLanguageModel;
import io.lsh.lm.model.AwdMosSpec;
import io.lsh.lm.model.LanguageModel;
import io.lsh.lm.model.LstmKernelBackend;
import io.lsh.lm.model.LstmLanguageModel;
import io.lsh.lm.model.LstmLayerWeights;
import io.lsh.lm.model.ModelSpec;
import io.lsh.lm.model.RhnLanguageModel;
import io.lsh.lm.model.RhnSpec;
import io.lsh.lm.prune.AwdMosFlops;
import io.lsh.lm.prune.MaskSet;
import io.lsh.lm.prune.ParameterCounting;
import io.lsh.lm.prune.RhnFlopCounting;
import io.lsh.lm.spectrum.AwdMosSpectrum;
import io.lsh.lm.spectrum.LyapunovSpectrum;
import io.lsh.lm.spectrum.Spectrum;
import io.lsh.lm.spectrum.SpectrumSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * One of the paper's three language-model architectures (method.md section 2: setting A, the stacked LSTM; setting B,
 * the Recurrent Highway Network; setting C, AWD-LSTM-MoS) with everything the rest of LSH needs to handle it without
 * knowing which it is: build a model, measure its Lyapunov spectrum (sections 4 and 5: the spectrum of its recurrent
 * core), count its pruned FLOPs, and describe it in a checkpoint's metadata so that the model can be rebuilt from the
 * checkpoint alone.
 */
public sealed interface Architecture {

    /** Metadata key of the architecture's name. */
    String TYPE = "model.type";

    /** @return the name used in study files and checkpoints: {@code lstm}, {@code rhn} or {@code awd-mos} */
    String type();

    /** @return the vocabulary size V */
    int vocabSize();

    /** @return the size of the recurrent state whose Lyapunov exponents are measured (the maximum k) */
    int stateSize();

    /** @return a freshly initialised model, reproducibly from {@code seed} */
    LanguageModel create(long seed);

    /**
     * The Lyapunov spectrum of {@code model}'s recurrent core on {@code sequences} (method.md section 4).
     *
     * @param model a model built by {@link #create}
     */
    Spectrum spectrum(LanguageModel model, int[][] sequences, SpectrumSettings settings);

    /** @return FLOPs per token of the forward pass with {@code masks} applied (null: dense) */
    ParameterCounting.FlopCount flopsPerToken(MaskSet masks);

    /** @return string metadata describing the architecture completely ({@link #fromMetadata} reads it back) */
    Map<String, String> metadata();

    /**
     * Rebuilds an architecture from {@link #metadata()}.
     *
     * @throws IllegalArgumentException naming the missing or malformed key
     */
    static Architecture fromMetadata(Map<String, String> metadata) {
        String type = metadata.getOrDefault(TYPE, Lstm.NAME); // checkpoints before model.type held LSTMs
        Fields f = new Fields(metadata);
        switch (type) {
            case Lstm.NAME -> {
                return new Lstm(new ModelSpec(f.integer("model.vocabulary"), f.integer("model.embedding_size"),
                        f.integers("model.hidden_sizes"), f.real("model.dropout"), f.bool("model.tied")));
            }
            case Rhn.NAME -> {
                return new Rhn(new RhnSpec(f.integer("model.vocabulary"), f.integer("model.embedding_size"),
                        f.integer("model.rhn.hidden_size"), f.integer("model.rhn.depth"),
                        f.real("model.rhn.embedding_dropout"), f.real("model.rhn.input_dropout"),
                        f.real("model.rhn.hidden_dropout"), f.real("model.rhn.output_dropout"),
                        f.bool("model.tied")));
            }
            case AwdMos.NAME -> {
                return new AwdMos(new AwdMosSpec(f.integer("model.vocabulary"), f.integer("model.embedding_size"),
                        f.integers("model.hidden_sizes"), f.integer("model.mos.experts"),
                        f.real("model.mos.embedding_dropout"), f.real("model.mos.input_dropout"),
                        f.real("model.mos.hidden_dropout"), f.real("model.mos.output_dropout"),
                        f.real("model.mos.latent_dropout"), f.real("model.mos.weight_dropout"),
                        f.real("model.mos.activation_penalty"), f.real("model.mos.temporal_penalty")));
            }
            default -> throw new IllegalArgumentException("unknown " + TYPE + " '" + type
                    + "' (expected lstm, rhn or awd-mos)");
        }
    }

    /**
     * Setting A: a stacked LSTM language model whose element-wise kernels come from {@code kernels}
     * ({@code lsh.training.kernels}; the weights and numbers do not depend on it beyond rounding).
     */
    record Lstm(ModelSpec spec, LstmKernelBackend kernels) implements Architecture {
        /** The architecture's name. */
        public static final String NAME = "lstm";

        public Lstm {
            Objects.requireNonNull(spec, "spec");
            Objects.requireNonNull(kernels, "kernels");
        }

        /** An LSTM with {@link LstmKernelBackend#AUTO} kernels. */
        public Lstm(ModelSpec spec) {
            this(spec, LstmKernelBackend.AUTO);
        }

        @Override
        public String type() {
            return NAME;
        }

        @Override
        public int vocabSize() {
            return spec.vocabSize();
        }

        @Override
        public int stateSize() {
            return spec.hiddenSizes().stream().mapToInt(Integer::intValue).sum();
        }

        @Override
        public LanguageModel create(long seed) {
            return new LstmLanguageModel(spec, seed, org.nd4j.linalg.api.buffer.DataType.FLOAT, kernels);
        }

        @Override
        public Spectrum spectrum(LanguageModel model, int[][] sequences, SpectrumSettings settings) {
            LstmLanguageModel lstm = cast(model, LstmLanguageModel.class, NAME);
            List<LstmLayerWeights> layers = new ArrayList<>();
            for (int l = 0; l < lstm.layerCount(); l++) {
                layers.add(lstm.layer(l));
            }
            return LyapunovSpectrum.ofLstm(lstm.embedding(), layers, sequences, settings);
        }

        @Override
        public ParameterCounting.FlopCount flopsPerToken(MaskSet masks) {
            return ParameterCounting.lstmFlopsPerToken(spec, masks);
        }

        @Override
        public Map<String, String> metadata() {
            Map<String, String> m = common(NAME, spec.vocabSize(), spec.embeddingSize(), spec.tiedWeights());
            m.put("model.hidden_sizes", join(spec.hiddenSizes()));
            m.put("model.dropout", Double.toString(spec.dropout()));
            return m;
        }
    }

    /** Setting B: a Recurrent Highway Network language model (coupled carry gate). */
    record Rhn(RhnSpec spec) implements Architecture {
        /** The architecture's name. */
        public static final String NAME = "rhn";

        public Rhn {
            Objects.requireNonNull(spec, "spec");
        }

        @Override
        public String type() {
            return NAME;
        }

        @Override
        public int vocabSize() {
            return spec.vocabSize();
        }

        @Override
        public int stateSize() {
            return spec.hiddenSize();
        }

        @Override
        public LanguageModel create(long seed) {
            return new RhnLanguageModel(spec, seed);
        }

        @Override
        public Spectrum spectrum(LanguageModel model, int[][] sequences, SpectrumSettings settings) {
            RhnLanguageModel rhn = cast(model, RhnLanguageModel.class, NAME);
            return LyapunovSpectrum.ofRhn(rhn.embedding(), rhn.weights(), sequences, settings);
        }

        @Override
        public ParameterCounting.FlopCount flopsPerToken(MaskSet masks) {
            return RhnFlopCounting.flopsPerToken(spec, masks);
        }

        @Override
        public Map<String, String> metadata() {
            Map<String, String> m = common(NAME, spec.vocabSize(), spec.embeddingSize(), spec.tiedWeights());
            m.put("model.rhn.hidden_size", Integer.toString(spec.hiddenSize()));
            m.put("model.rhn.depth", Integer.toString(spec.depth()));
            m.put("model.rhn.embedding_dropout", Double.toString(spec.embeddingDropout()));
            m.put("model.rhn.input_dropout", Double.toString(spec.inputDropout()));
            m.put("model.rhn.hidden_dropout", Double.toString(spec.hiddenDropout()));
            m.put("model.rhn.output_dropout", Double.toString(spec.outputDropout()));
            return m;
        }
    }

    /** Setting C: AWD-LSTM with a Mixture-of-Softmaxes head (tied embedding). */
    record AwdMos(AwdMosSpec spec) implements Architecture {
        /** The architecture's name. */
        public static final String NAME = "awd-mos";

        public AwdMos {
            Objects.requireNonNull(spec, "spec");
        }

        @Override
        public String type() {
            return NAME;
        }

        @Override
        public int vocabSize() {
            return spec.vocabSize();
        }

        @Override
        public int stateSize() {
            return AwdMosSpectrum.stateSize(spec);
        }

        @Override
        public LanguageModel create(long seed) {
            return new AwdMosLanguageModel(spec, seed);
        }

        @Override
        public Spectrum spectrum(LanguageModel model, int[][] sequences, SpectrumSettings settings) {
            return AwdMosSpectrum.of(cast(model, AwdMosLanguageModel.class, NAME), sequences, settings);
        }

        @Override
        public ParameterCounting.FlopCount flopsPerToken(MaskSet masks) {
            return AwdMosFlops.perToken(spec, masks);
        }

        @Override
        public Map<String, String> metadata() {
            Map<String, String> m = common(NAME, spec.vocabSize(), spec.embeddingSize(), true);
            m.put("model.hidden_sizes", join(spec.hiddenSizes()));
            m.put("model.mos.experts", Integer.toString(spec.experts()));
            m.put("model.mos.embedding_dropout", Double.toString(spec.embeddingDropout()));
            m.put("model.mos.input_dropout", Double.toString(spec.inputDropout()));
            m.put("model.mos.hidden_dropout", Double.toString(spec.hiddenDropout()));
            m.put("model.mos.output_dropout", Double.toString(spec.outputDropout()));
            m.put("model.mos.latent_dropout", Double.toString(spec.latentDropout()));
            m.put("model.mos.weight_dropout", Double.toString(spec.weightDropout()));
            m.put("model.mos.activation_penalty", Double.toString(spec.activationPenalty()));
            m.put("model.mos.temporal_penalty", Double.toString(spec.temporalPenalty()));
            return m;
        }
    }

    private static Map<String, String> common(String type, int vocab, int embedding, boolean tied) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(TYPE, type);
        m.put("model.vocabulary", Integer.toString(vocab));
        m.put("model.embedding_size", Integer.toString(embedding));
        m.put("model.tied", Boolean.toString(tied));
        return m;
    }

    private static String join(List<Integer> sizes) {
        return String.join(",", sizes.stream().map(String::valueOf).toList());
    }

    private static <T extends LanguageModel> T cast(LanguageModel model, Class<T> type, String name) {
        if (!type.isInstance(model)) {
            throw new IllegalArgumentException("a " + name + " architecture cannot measure a "
                    + model.getClass().getSimpleName());
        }
        return type.cast(model);
    }

    /** Typed reads of metadata values, naming the key when it is missing or malformed. */
    final class Fields {
        private final Map<String, String> metadata;

        Fields(Map<String, String> metadata) {
            this.metadata = metadata;
        }

        private <T> T parse(String key, Function<String, T> parser) {
            String v = metadata.get(key);
            if (v == null) {
                throw new IllegalArgumentException("missing metadata key " + key);
            }
            try {
                return parser.apply(v.trim());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("metadata key " + key + " has a malformed value '" + v + "'");
            }
        }

        int integer(String key) {
            return parse(key, Integer::parseInt);
        }

        double real(String key) {
            return parse(key, Double::parseDouble);
        }

        boolean bool(String key) {
            return parse(key, v -> {
                if (!v.equals("true") && !v.equals("false")) {
                    throw new IllegalArgumentException(v);
                }
                return Boolean.parseBoolean(v);
            });
        }

        List<Integer> integers(String key) {
            return parse(key, v -> Arrays.stream(v.split(",")).map(String::trim).map(Integer::parseInt).toList());
        }
    }
}
