package io.lsh.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a study's settings: command-line overrides, then the study file, then {@code reference.conf}; validates
 * every key up front so that a bad value is reported before any work starts, with the key (and file) named.
 */
public final class StudySettingsLoader {

    /** Names allowed under {@code lsh.space}: the pruning controls of method.md section 3. */
    public static final List<String> SPACE_NAMES = List.of("init", "death", "growth", "redistribution", "death-rate",
            "method", "schedule");

    private static final Set<String> OBJECTIVES = Set.of("ls_distance", "val_ppl");
    private static final Set<String> OPTIMIZERS = Set.of("random", "grid", "tpe");
    private static final Set<String> SCHEDULERS = Set.of("elimination", "asha", "hyperband", "median", "full");
    private static final Set<String> LIARS = Set.of("worst", "mean", "none");
    private static final Set<String> MODEL_TYPES = Set.of("lstm", "rhn", "awd-mos");
    private static final Set<String> TRAINING_OPTIMIZERS = Set.of("sgd", "adam");
    private static final Set<String> BPTT_JITTERS = Set.of("fixed", "awd");
    private static final Set<String> LSTM_KERNELS = Set.of("auto", "fused-java", "nd4j-ops");
    private static final Set<String> LR_SCHEDULES = Set.of("constant", "plateau", "exponential", "cosine");
    private static final Set<String> SPECTRUM_PRESETS = Set.of("default", "authors");

    /**
     * The {@code lsh.spectrum.preset = authors} values (method.md section 4; Zheng &amp; Shlizerman's code): hidden
     * state only, J transposed, log base 2, T = 35, W = 10, B = 2 in the first round and 5 later
     * ({@code later-batch}), all exponents, the replayed window. The same as {@code SpectrumSettings.authorsLstm()}
     * in lm-core, which this module cannot see (the launcher's SpectrumPresetTest checks they agree). They sit
     * between the user's settings and reference.conf: a {@code lsh.spectrum.*} key set in the study file or on the
     * command line overrides the preset.
     */
    static final String AUTHORS_SPECTRUM = "lsh.spectrum { steps = 35, warmup = 10, batch = 2, exponents = 0, "
            + "log-base = 2.0, jacobian-transposed = true, warmup-mode = replay-window, later-batch = 5 }";

    private StudySettingsLoader() {
    }

    /**
     * Loads and validates the settings.
     *
     * @param studyFile a HOCON study file, or empty for the built-in default
     * @param overrides dotted keys under {@code lsh} (e.g. {@code study.seed}) set from the command line
     * @throws SettingsException naming the file and key on any problem
     */
    public static StudySettings load(Optional<Path> studyFile, Map<String, Object> overrides) {
        Config reference = ConfigFactory.defaultReference(StudySettingsLoader.class.getClassLoader());
        Config file = ConfigFactory.empty();
        String source = "built-in defaults";
        if (studyFile.isPresent()) {
            Path path = studyFile.get();
            source = path.toString();
            if (!Files.isRegularFile(path)) {
                throw new SettingsException("config file " + path + " does not exist or is not a file");
            }
            if (!Files.isReadable(path)) {
                throw new SettingsException("config file " + path + " is not readable");
            }
            try {
                file = ConfigFactory.parseFile(path.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
            } catch (ConfigException e) {
                throw new SettingsException("config file " + path + " is not valid HOCON: " + oneLine(e));
            }
        }
        Config cli = ConfigFactory.empty();
        for (Map.Entry<String, Object> o : overrides.entrySet()) {
            cli = cli.withValue("lsh." + o.getKey(), com.typesafe.config.ConfigValueFactory.fromAnyRef(o.getValue()));
        }
        Config merged;
        try {
            // The study file may replace the whole space: a space given in the file is not merged with the default.
            Config withoutDefaultSpace = file.hasPath("lsh.space") ? reference.withoutPath("lsh.space") : reference;
            Config user = cli.withFallback(file);
            merged = user.withFallback(withoutDefaultSpace)
                    .withFallback(ConfigFactory.systemProperties().withOnlyPath("lsh"))
                    .resolve();
            // A spectrum preset fills the lsh.spectrum keys the user did not set (they override it).
            if (merged.hasPath("lsh.spectrum.preset")
                    && new Reader(merged.getConfig("lsh"), source).oneOf("spectrum.preset", SPECTRUM_PRESETS)
                    .equals("authors")) {
                merged = user.withFallback(ConfigFactory.parseString(AUTHORS_SPECTRUM))
                        .withFallback(withoutDefaultSpace)
                        .withFallback(ConfigFactory.systemProperties().withOnlyPath("lsh"))
                        .resolve();
            }
        } catch (ConfigException e) {
            throw new SettingsException(source + ": " + oneLine(e));
        }
        rejectUnknownKeys(reference.getConfig("lsh"), merged.getConfig("lsh"), "lsh", source);
        return new Reader(merged.getConfig("lsh"), source).read();
    }

    private static void rejectUnknownKeys(Config reference, Config actual, String prefix, String source) {
        for (Map.Entry<String, ConfigValue> e : actual.root().entrySet()) {
            String key = e.getKey();
            String full = prefix + "." + key;
            if (full.equals("lsh.space")) {
                continue;
            }
            if (full.equals("lsh.study.objective")) {
                throw new SettingsException(source + ": lsh.study.objective moved to lsh.search.objective");
            }
            if (!reference.hasPathOrNull(quote(key))) {
                throw new SettingsException(source + ": unknown key " + full);
            }
            if (e.getValue().valueType() == ConfigValueType.OBJECT
                    && reference.getValue(quote(key)).valueType() == ConfigValueType.OBJECT) {
                rejectUnknownKeys(reference.getConfig(quote(key)), actual.getConfig(quote(key)), full, source);
            }
        }
    }

    private static String quote(String key) {
        return com.typesafe.config.ConfigUtil.joinPath(key);
    }

    private static String oneLine(ConfigException e) {
        return e.getMessage().replaceAll("\\s+", " ").trim();
    }

    /** Reads typed values, turning every problem into a {@link SettingsException} naming the key. */
    private static final class Reader {
        private final Config lsh;
        private final String source;

        Reader(Config lsh, String source) {
            this.lsh = lsh;
            this.source = source;
        }

        StudySettings read() {
            var study = new StudySettings.Study(
                    nonBlank("study.name"), getLong("study.seed"), Path.of(nonBlank("study.out")),
                    oneOf("search.objective", OBJECTIVES),
                    optionalPath("study.reference-from"));
            var corpus = new StudySettings.Corpus(Path.of(nonBlank("corpus.dir")), atLeast("corpus.max-vocab", 0));
            var model = new StudySettings.Model(
                    oneOf("model.type", MODEL_TYPES), atLeast("model.embedding-size", 1), hiddenSizes(),
                    fraction("model.dropout"), getBoolean("model.tied-weights"),
                    new StudySettings.Model.Rhn(atLeast("model.rhn.depth", 1),
                            fraction("model.rhn.embedding-dropout"), fraction("model.rhn.input-dropout"),
                            fraction("model.rhn.hidden-dropout"), fraction("model.rhn.output-dropout")),
                    new StudySettings.Model.AwdMos(atLeast("model.awd-mos.experts", 1),
                            fraction("model.awd-mos.embedding-dropout"), fraction("model.awd-mos.input-dropout"),
                            fraction("model.awd-mos.hidden-dropout"), fraction("model.awd-mos.output-dropout"),
                            fraction("model.awd-mos.latent-dropout"), fraction("model.awd-mos.weight-dropout"),
                            nonNegative("model.awd-mos.activation-penalty"),
                            nonNegative("model.awd-mos.temporal-penalty")));
            if (model.type().equals("rhn") && model.hiddenSizes().size() != 1) {
                throw error("model.hidden-sizes", "must hold one width for model.type = rhn (its depth is "
                        + "model.rhn.depth), got " + model.hiddenSizes());
            }
            if (model.tiedWeights() && !model.type().equals("awd-mos")
                    && model.embeddingSize() != model.hiddenSizes().get(model.hiddenSizes().size() - 1)) {
                throw error("model.tied-weights", "needs model.embedding-size == the last of model.hidden-sizes");
            }
            var training = training();
            var pruning = new StudySettings.Pruning(fraction("pruning.sparsity"), fraction("pruning.death-rate-floor"),
                    nonBlank("pruning.init"), nonBlank("pruning.death"), nonBlank("pruning.growth"),
                    nonBlank("pruning.redistribution"), openFraction("pruning.death-rate"), nonBlank("pruning.method"),
                    nonBlank("pruning.schedule"), atLeast("pruning.update-interval", 0));
            var search = search();
            var spectrum = new StudySettings.Spectrum(
                    atLeast("spectrum.steps", 1), atLeast("spectrum.warmup", 0), atLeast("spectrum.batch", 1),
                    atLeast("spectrum.exponents", 0), positive("spectrum.log-base"),
                    getBoolean("spectrum.jacobian-transposed"),
                    oneOf("spectrum.warmup-mode", Set.of("replay-window", "preceding-tokens")),
                    atLeast("spectrum.later-batch", 0), atLeast("spectrum.window-offset", 0));
            oneOf("spectrum.preset", SPECTRUM_PRESETS);
            if (spectrum.logBase() == 1.0) {
                throw error("spectrum.log-base", "must not be 1");
            }
            int stateSize = model.stateSize();
            if (spectrum.exponents() > stateSize) {
                throw error("spectrum.exponents", "is larger than the state size " + stateSize);
            }
            var distance = new StudySettings.Distance(oneOf("distance.reference", Set.of("same-epoch", "final")),
                    oneOf("distance.alignment", Set.of("as-given", "sorted")),
                    oneOf("distance.space", Set.of("spectrum", "pca2")));
            var cluster = new StudySettings.Cluster(
                    atLeast("cluster.workers", 1), nonBlank("cluster.host"), port("cluster.port"),
                    oneOf("cluster.checkpoint-transfer", Set.of(StudySettings.Cluster.SHARED_DIRECTORY,
                            StudySettings.Cluster.THROUGH_COORDINATOR)), port("cluster.artifact-port"));
            var metrics = new StudySettings.Metrics(getBoolean("metrics.enabled"), nonBlank("metrics.host"),
                    port("metrics.coordinator-port"), port("metrics.worker-port"), atLeast("metrics.linger-seconds", 0));
            String rendered = lsh.atPath("lsh").root().render(
                    ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
            return new StudySettings(study, corpus, model, training, pruning, space(), search, spectrum, cluster,
                    metrics, rendered, distance);
        }

        private StudySettings.Search search() {
            var tpe = new StudySettings.Tpe(atLeast("search.tpe.startup-trials", 0), gamma(),
                    atLeast("search.tpe.ei-candidates", 1), positive("search.tpe.prior-weight"),
                    atLeast("search.tpe.linear-forgetting", 1), oneOf("search.tpe.constant-liar", LIARS));
            var asha = new StudySettings.Asha(atLeast("search.asha.min-epochs", 1),
                    atLeast("search.asha.reduction-factor", 2), atLeast("search.asha.max-epochs", 1));
            if (asha.maxEpochs() < asha.minEpochs()) {
                throw error("search.asha.max-epochs", "= " + asha.maxEpochs() + " must be >= search.asha.min-epochs ("
                        + asha.minEpochs() + ")");
            }
            var median = new StudySettings.Median(atLeast("search.median.grace-epochs", 1),
                    atLeast("search.median.epochs-per-report", 1), atLeast("search.median.max-epochs", 1),
                    atLeast("search.median.min-trials", 1));
            if (median.maxEpochs() < median.graceEpochs()) {
                throw error("search.median.max-epochs", "= " + median.maxEpochs()
                        + " must be >= search.median.grace-epochs (" + median.graceEpochs() + ")");
            }
            var budget = new StudySettings.Budget(atLeast("search.budget.max-trials", 0),
                    atLeastLong("search.budget.total-epochs", 0), duration("search.budget.wall-time"));
            var search = new StudySettings.Search(
                    oneOf("search.optimizer", OPTIMIZERS), atLeast("search.candidates", 2),
                    atLeast("search.first-round-epochs", 1), atLeast("search.round-epochs", 1),
                    atLeast("search.finalists", 1), atLeast("search.final-epochs", 1),
                    atLeast("search.max-attempts", 1), oneOf("search.scheduler", SCHEDULERS), tpe, asha, median, budget,
                    oneOf("search.promotion", Set.of("resume", "retrain")));
            if (search.finalists() >= search.candidates()) {
                throw error("search.finalists", "must be smaller than search.candidates (" + search.candidates() + ")");
            }
            switch (search.scheduler()) {
                case "elimination" -> {
                    if (search.finalEpochs() < search.firstRoundEpochs()) {
                        throw error("search.final-epochs", "must be at least search.first-round-epochs");
                    }
                }
                case "asha", "hyperband" -> {
                    if (search.finalEpochs() < asha.maxEpochs()) {
                        throw error("search.final-epochs", "= " + search.finalEpochs()
                                + " must be >= search.asha.max-epochs (" + asha.maxEpochs() + ") for scheduler "
                                + search.scheduler());
                    }
                }
                case "median" -> {
                    if (search.finalEpochs() < median.maxEpochs()) {
                        throw error("search.final-epochs", "= " + search.finalEpochs()
                                + " must be >= search.median.max-epochs (" + median.maxEpochs() + ") for scheduler median");
                    }
                }
                default -> {
                }
            }
            return search;
        }

        private double gamma() {
            double g = getDouble("search.tpe.gamma");
            if (!(g > 0 && g <= 1)) {
                throw error("search.tpe.gamma", "= " + g + " is outside (0, 1]");
            }
            return g;
        }

        private long atLeastLong(String key, long min) {
            long v = getLong(key);
            if (v < min) {
                throw error(key, "= " + v + " must be >= " + min);
            }
            return v;
        }

        private java.time.Duration duration(String key) {
            java.time.Duration d = get(key, lsh::getDuration, "a duration (e.g. 90m, 2h)");
            if (d.isNegative()) {
                throw error(key, "= " + value(key) + " must not be negative");
            }
            return d;
        }

        private StudySettings.Training training() {
            double learningRate = positive("training.learning-rate");
            String optimizer = oneOf("training.optimizer", TRAINING_OPTIMIZERS);
            var adam = new StudySettings.Training.Adam(unitInterval("training.adam.beta1"),
                    unitInterval("training.adam.beta2"), positive("training.adam.epsilon"),
                    getBoolean("training.adam.decoupled-weight-decay"));
            var schedule = new StudySettings.Training.LrSchedule(oneOf("training.lr-schedule.type", LR_SCHEDULES),
                    getDouble("training.lr-schedule.factor"), getDouble("training.lr-schedule.gamma"),
                    atLeast("training.lr-schedule.epochs", 1), nonNegative("training.lr-schedule.min-learning-rate"));
            if (schedule.factor() <= 1) {
                throw error("training.lr-schedule.factor", "= " + schedule.factor() + " must be > 1");
            }
            if (schedule.gamma() <= 0 || schedule.gamma() > 1) {
                throw error("training.lr-schedule.gamma", "= " + schedule.gamma() + " is outside (0, 1]");
            }
            if (schedule.type().equals("cosine") && schedule.minLearningRate() >= learningRate) {
                throw error("training.lr-schedule.min-learning-rate", "= " + schedule.minLearningRate()
                        + " must be below training.learning-rate (" + learningRate + ")");
            }
            var ntAsgd = new StudySettings.Training.NtAsgd(getBoolean("training.nt-asgd.enabled"),
                    atLeast("training.nt-asgd.non-monotone", 1));
            if (ntAsgd.enabled() && !optimizer.equals("sgd")) {
                throw error("training.nt-asgd.enabled", "= true needs training.optimizer = sgd (it averages SGD"
                        + " iterates), not " + optimizer);
            }
            return new StudySettings.Training(
                    atLeast("training.batch-size", 1), atLeast("training.bptt", 1), learningRate,
                    nonNegative("training.clip-norm"), nonNegative("training.weight-decay"),
                    atLeast("training.max-windows-per-epoch", 0), atLeast("training.eval-batch-size", 1),
                    optimizer, adam, schedule, ntAsgd, oneOf("training.bptt-jitter", BPTT_JITTERS),
                    oneOf("training.kernels", LSTM_KERNELS));
        }

        private List<StudySettings.SpaceParameter> space() {
            if (!lsh.hasPath("space")) {
                throw error("space", "is missing: a study needs at least one searched control");
            }
            Config space = lsh.getConfig("space");
            List<StudySettings.SpaceParameter> params = new ArrayList<>();
            // HOCON objects are unordered: parameters come in the canonical order of SPACE_NAMES (parents first).
            List<Map.Entry<String, ConfigValue>> entries = new ArrayList<>(space.root().entrySet());
            entries.sort(java.util.Comparator.comparingInt(e -> SPACE_NAMES.contains(e.getKey())
                    ? SPACE_NAMES.indexOf(e.getKey()) : -1));
            for (Map.Entry<String, ConfigValue> e : entries) {
                String name = e.getKey();
                String key = "space." + name;
                if (!SPACE_NAMES.contains(name)) {
                    throw error(key, "is not a searchable control (allowed: " + String.join(", ", SPACE_NAMES) + ")");
                }
                ConfigValue v = e.getValue();
                if (v.valueType() == ConfigValueType.LIST) {
                    List<Object> choices = new ArrayList<>(((List<?>) v.unwrapped()));
                    if (choices.isEmpty()) {
                        throw error(key, "has no choices");
                    }
                    if (choices.stream().distinct().count() != choices.size()) {
                        throw error(key, "lists a choice twice");
                    }
                    params.add(new StudySettings.SpaceParameter(name, choices, 0, 0, 0, false));
                } else if (v.valueType() == ConfigValueType.OBJECT
                        && space.getConfig(quote(name)).hasPath("choices")) {
                    Config entry = space.getConfig(quote(name));
                    for (String k : entry.root().keySet()) {
                        if (!Set.of("choices", "when").contains(k)) {
                            throw error(key + "." + k, "is unknown (allowed with choices: choices, when)");
                        }
                    }
                    if (entry.getValue("choices").valueType() != ConfigValueType.LIST) {
                        throw error(key + ".choices", "must be a list");
                    }
                    List<Object> choices = new ArrayList<>(((List<?>) entry.getValue("choices").unwrapped()));
                    if (choices.isEmpty()) {
                        throw error(key + ".choices", "has no choices");
                    }
                    if (choices.stream().distinct().count() != choices.size()) {
                        throw error(key + ".choices", "lists a choice twice");
                    }
                    Map.Entry<String, Object> when = when(entry, key);
                    params.add(new StudySettings.SpaceParameter(name, choices, 0, 0, 0, false,
                            when == null ? null : when.getKey(), when == null ? null : when.getValue()));
                } else if (v.valueType() == ConfigValueType.OBJECT) {
                    Config range = space.getConfig(quote(name));
                    for (String k : range.root().keySet()) {
                        if (!Set.of("min", "max", "step", "log", "when").contains(k)) {
                            throw error(key + "." + k, "is unknown (allowed: min, max, step, log, when, or choices)");
                        }
                    }
                    double min = getDouble(key + ".min");
                    double max = getDouble(key + ".max");
                    double step = range.hasPath("step") ? getDouble(key + ".step") : 0;
                    boolean log = range.hasPath("log") && getBoolean(key + ".log");
                    if (min > max) {
                        throw error(key, "has min " + min + " > max " + max);
                    }
                    if (step < 0) {
                        throw error(key + ".step", "must be >= 0");
                    }
                    if (log && min <= 0) {
                        throw error(key + ".min", "must be > 0 for a log range");
                    }
                    Map.Entry<String, Object> when = when(range, key);
                    params.add(new StudySettings.SpaceParameter(name, List.of(), min, max, step, log,
                            when == null ? null : when.getKey(), when == null ? null : when.getValue()));
                } else {
                    throw error(key, "must be a list of choices or an object { min, max, step } or { choices }");
                }
            }
            if (params.isEmpty()) {
                throw error("space", "is empty: a study needs at least one searched control");
            }
            return parentsFirst(params);
        }

        /** The {@code when { PARENT = VALUE }} of a space entry, or null. */
        private Map.Entry<String, Object> when(Config entry, String key) {
            if (!entry.hasPath("when")) {
                return null;
            }
            if (entry.getValue("when").valueType() != ConfigValueType.OBJECT) {
                throw error(key + ".when", "must be an object { CONTROL = VALUE }");
            }
            Config when = entry.getConfig("when");
            if (when.root().size() != 1) {
                throw error(key + ".when", "must name exactly one control, got " + when.root().keySet());
            }
            String parent = when.root().keySet().iterator().next();
            ConfigValue value = when.root().get(parent);
            if (value.valueType() == ConfigValueType.OBJECT || value.valueType() == ConfigValueType.LIST
                    || value.valueType() == ConfigValueType.NULL) {
                throw error(key + ".when." + parent, "must be a single value");
            }
            return Map.entry(parent, value.unwrapped());
        }

        /** Checks every condition's parent and orders conditional entries after their parents. */
        private List<StudySettings.SpaceParameter> parentsFirst(List<StudySettings.SpaceParameter> params) {
            Map<String, StudySettings.SpaceParameter> byName = new java.util.LinkedHashMap<>();
            params.forEach(p -> byName.put(p.name(), p));
            for (StudySettings.SpaceParameter p : params) {
                if (!p.conditional()) {
                    continue;
                }
                String key = "space." + p.name() + ".when." + p.whenParent();
                StudySettings.SpaceParameter parent = byName.get(p.whenParent());
                if (parent == null || parent == p) {
                    throw error(key, "names " + p.whenParent() + ", which is not another searched control (searched: "
                            + String.join(", ", byName.keySet()) + ")");
                }
                if (parent.categorical() && parent.choices().stream().noneMatch(c -> sameValue(c, p.whenValue()))) {
                    throw error(key, "= " + p.whenValue() + " is not one of the choices of space." + parent.name()
                            + " " + parent.choices());
                }
            }
            List<StudySettings.SpaceParameter> ordered = new ArrayList<>();
            java.util.Set<String> placed = new java.util.HashSet<>();
            while (ordered.size() < params.size()) {
                boolean progress = false;
                for (StudySettings.SpaceParameter p : params) {
                    if (!placed.contains(p.name()) && (!p.conditional() || placed.contains(p.whenParent()))) {
                        ordered.add(p);
                        placed.add(p.name());
                        progress = true;
                        break; // restart: keep the canonical order among the placeable ones
                    }
                }
                if (!progress) {
                    throw error("space", "has a cycle of when conditions among "
                            + params.stream().filter(p -> !placed.contains(p.name())).map(p -> p.name()).toList());
                }
            }
            return ordered;
        }

        private static boolean sameValue(Object a, Object b) {
            if (a instanceof Number x && b instanceof Number y) {
                return x.doubleValue() == y.doubleValue();
            }
            return a.equals(b);
        }

        private List<Integer> hiddenSizes() {
            List<Integer> sizes;
            try {
                sizes = lsh.getIntList("model.hidden-sizes");
            } catch (ConfigException e) {
                throw error("model.hidden-sizes", "must be a list of integers");
            }
            if (sizes.isEmpty()) {
                throw error("model.hidden-sizes", "must name at least one layer");
            }
            for (int s : sizes) {
                if (s < 1) {
                    throw error("model.hidden-sizes", "has a layer of size " + s + " (must be >= 1)");
                }
            }
            return sizes;
        }

        private SettingsException error(String key, String problem) {
            return new SettingsException(source + ": lsh." + key + " " + problem);
        }

        private String value(String key) {
            return lsh.hasPath(key) ? lsh.getValue(key).render(ConfigRenderOptions.concise()) : "(missing)";
        }

        private <T> T get(String key, java.util.function.Function<String, T> getter, String type) {
            try {
                return getter.apply(key);
            } catch (ConfigException.Missing e) {
                throw error(key, "is missing");
            } catch (ConfigException e) {
                throw error(key, "= " + value(key) + " is not " + type);
            }
        }

        private Optional<Path> optionalPath(String key) {
            String s = get(key, lsh::getString, "a string");
            return s.isBlank() ? Optional.empty() : Optional.of(Path.of(s));
        }

        private String nonBlank(String key) {
            String s = get(key, lsh::getString, "a string");
            if (s.isBlank()) {
                throw error(key, "must not be empty");
            }
            return s;
        }

        private String oneOf(String key, Set<String> allowed) {
            String s = nonBlank(key);
            if (!allowed.contains(s)) {
                throw error(key, "= " + s + " is not one of " + String.join(", ", allowed.stream().sorted().toList()));
            }
            return s;
        }

        private long getLong(String key) {
            return get(key, lsh::getLong, "an integer");
        }

        private boolean getBoolean(String key) {
            return get(key, lsh::getBoolean, "true or false");
        }

        private double getDouble(String key) {
            double d = get(key, lsh::getDouble, "a number");
            if (!Double.isFinite(d)) {
                throw error(key, "= " + d + " is not finite");
            }
            return d;
        }

        private int atLeast(String key, int min) {
            int v = get(key, lsh::getInt, "an integer");
            if (v < min) {
                throw error(key, "= " + v + " must be >= " + min);
            }
            return v;
        }

        private int port(String key) {
            int v = atLeast(key, 0);
            if (v > 65535) {
                throw error(key, "= " + v + " is not a port number (0-65535)");
            }
            return v;
        }

        private double positive(String key) {
            double v = getDouble(key);
            if (v <= 0) {
                throw error(key, "= " + v + " must be > 0");
            }
            return v;
        }

        private double nonNegative(String key) {
            double v = getDouble(key);
            if (v < 0) {
                throw error(key, "= " + v + " must be >= 0");
            }
            return v;
        }

        private double openFraction(String key) {
            double v = getDouble(key);
            if (v <= 0 || v >= 1) {
                throw error(key, "= " + v + " is outside (0, 1)");
            }
            return v;
        }

        private double unitInterval(String key) {
            double v = getDouble(key);
            if (v < 0 || v >= 1) {
                throw error(key, "= " + v + " is outside [0, 1)");
            }
            return v;
        }

        private double fraction(String key) {
            double v = getDouble(key);
            if (v < 0 || v >= 1) {
                throw error(key, "= " + v + " is outside [0, 1)");
            }
            return v;
        }
    }
}
