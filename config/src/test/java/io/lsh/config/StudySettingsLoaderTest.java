package io.lsh.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StudySettingsLoaderTest {

    @TempDir
    Path dir;

    @Test
    void defaultsDescribeTheBuiltInStudy() {
        StudySettings s = StudySettingsLoader.load(Optional.empty(), Map.of());
        assertEquals(0.67, s.pruning().sparsity());
        assertEquals(List.of("init", "death", "growth", "redistribution", "death-rate"),
                s.space().stream().map(StudySettings.SpaceParameter::name).toList());
        assertEquals(List.of("uniform", "ER"), s.space().get(0).choices());
        StudySettings.SpaceParameter rate = s.space().get(4);
        assertEquals(0.4, rate.min());
        assertEquals(0.9, rate.max());
        assertTrue(s.corpus().dir().toString().endsWith("data/wikitext-2-excerpt"));
        assertTrue(s.rendered().contains("sparsity"), s.rendered());
    }

    @Test
    void theDistanceDefaultsToThePapersAndReadsItsVariants() throws IOException {
        assertEquals(StudySettings.Distance.defaults(),
                StudySettingsLoader.load(Optional.empty(), Map.of()).distance());
        Path file = write("lsh.distance { reference = final, alignment = sorted, space = pca2 }\n");
        StudySettings s = StudySettingsLoader.load(Optional.of(file), Map.of());
        assertEquals(new StudySettings.Distance("final", "sorted", "pca2"), s.distance());
        assertTrue(s.distance().comparesWithFinalEpoch());
        assertTrue(s.rendered().contains("pca2"), s.rendered());
        assertEquals("same-epoch", StudySettingsLoader.load(Optional.of(file), Map.of("distance.reference",
                "same-epoch")).distance().reference());
    }

    @Test
    void theSpectrumWarmUpModeDefaultsToTheAuthorsReplayedWindow() throws IOException {
        assertEquals("replay-window", StudySettingsLoader.load(Optional.empty(), Map.of()).spectrum().warmupMode());
        Path file = write("lsh.spectrum.warmup-mode = preceding-tokens\n");
        assertEquals(new StudySettings.Spectrum(35, 10, 2, 0, 2.0, false, "preceding-tokens"),
                StudySettingsLoader.load(Optional.of(file), Map.of()).spectrum());
    }

    @Test
    void theAuthorsSpectrumPresetSetsTheirValuesAndExplicitKeysOverrideIt() throws IOException {
        // the preset changes a default (jacobian-transposed) and keeps the others that already agree with the authors
        Path preset = write("lsh.spectrum { preset = authors, steps = 20 }\nlsh.spectrum.warmup = 4\n");
        StudySettings s = StudySettingsLoader.load(Optional.of(preset), Map.of());
        assertEquals(new StudySettings.Spectrum(20, 4, 2, 0, 2.0, true, "replay-window", 5), s.spectrum());
        // an explicit key wins even where it equals the reference.conf default the preset would replace
        Path explicit = write("lsh.spectrum { preset = authors, jacobian-transposed = false, log-base = 2.718, "
                + "later-batch = 0 }\n");
        assertEquals(new StudySettings.Spectrum(35, 10, 2, 0, 2.718, false, "replay-window", 0),
                StudySettingsLoader.load(Optional.of(explicit), Map.of()).spectrum());
        // --set overrides too, and the preset can be chosen on the command line
        assertEquals(new StudySettings.Spectrum(35, 10, 3, 0, 2.0, true, "replay-window", 5),
                StudySettingsLoader.load(Optional.empty(), Map.of("spectrum.preset", "authors",
                        "spectrum.batch", 3)).spectrum());
        // the default preset is reference.conf's values
        assertEquals(new StudySettings.Spectrum(35, 10, 2, 0, 2.0, false, "replay-window"),
                StudySettingsLoader.load(Optional.empty(), Map.of("spectrum.preset", "default")).spectrum());
    }

    @Test
    void theLaterBatchDefaultsToTheFirstRoundsAndAppliesAfterTheFirstRound() throws IOException {
        StudySettings.Spectrum plain = StudySettingsLoader.load(Optional.empty(), Map.of()).spectrum();
        assertEquals(0, plain.laterBatch());
        assertEquals(2, plain.batchAt(7, 2));
        Path file = write("lsh.spectrum.later-batch = 5\nlsh.search.first-round-epochs = 2\n");
        StudySettings s = StudySettingsLoader.load(Optional.of(file), Map.of());
        assertEquals(5, s.spectrum().laterBatch());
        int e0 = s.search().firstRoundEpochs();
        assertEquals(List.of(2, 2, 5, 5), List.of(1, 2, 3, 4).stream().map(e -> s.spectrum().batchAt(e, e0)).toList());
        assertEquals(0, s.spectrum().windowOffset());
        assertEquals(700, StudySettingsLoader.load(Optional.empty(), Map.of("spectrum.window-offset", 700))
                .spectrum().windowOffset());
    }

    @Test
    void commandLineOverridesWinOverTheFile() throws IOException {
        Path file = write("lsh.study.seed = 7\nlsh.search.candidates = 5\n");
        StudySettings s = StudySettingsLoader.load(Optional.of(file), Map.of("study.seed", 11));
        assertEquals(11, s.study().seed());
        assertEquals(5, s.search().candidates());
    }

    @Test
    void aSpaceInTheFileReplacesTheDefaultSpace() throws IOException {
        Path file = write("lsh.space { death = [SET] }\n");
        StudySettings s = StudySettingsLoader.load(Optional.of(file), Map.of());
        assertEquals(1, s.space().size());
        assertEquals(List.of("SET"), s.space().get(0).choices());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "lsh.pruning.sparsity = 1.0                 | lsh.pruning.sparsity = 1.0 is outside [0, 1)",
        "lsh.pruning.sparsity = -0.1                | lsh.pruning.sparsity = -0.1 is outside [0, 1)",
        "lsh.pruning.sparsity = lots                | lsh.pruning.sparsity = \"lots\" is not a number",
        "lsh.search.objective = loss                | lsh.search.objective = loss is not one of ls_distance, val_ppl",
        "lsh.study.objective = val_ppl              | lsh.study.objective moved to lsh.search.objective",
        "lsh.search.optimizer = bayes               | lsh.search.optimizer = bayes is not one of grid, random, tpe",
        "lsh.search.scheduler = pbt                 | lsh.search.scheduler = pbt is not one of asha, elimination, full, hyperband, median",
        "lsh.search.tpe.gamma = 0                   | lsh.search.tpe.gamma = 0.0 is outside (0, 1]",
        "lsh.search.tpe.startup-trials = -1         | lsh.search.tpe.startup-trials = -1 must be >= 0",
        "lsh.search.tpe.ei-candidates = 0           | lsh.search.tpe.ei-candidates = 0 must be >= 1",
        "lsh.search.tpe.prior-weight = 0            | lsh.search.tpe.prior-weight = 0.0 must be > 0",
        "lsh.search.tpe.linear-forgetting = 0       | lsh.search.tpe.linear-forgetting = 0 must be >= 1",
        "lsh.search.tpe.constant-liar = best        | lsh.search.tpe.constant-liar = best is not one of mean, none, worst",
        "lsh.search.tpe.n-startup = 3               | unknown key lsh.search.tpe.n-startup",
        "lsh.search.asha.reduction-factor = 1       | lsh.search.asha.reduction-factor = 1 must be >= 2",
        "lsh.search.asha.min-epochs = 0             | lsh.search.asha.min-epochs = 0 must be >= 1",
        "lsh.search.asha { min-epochs = 3, max-epochs = 2 } | lsh.search.asha.max-epochs = 2 must be >= search.asha.min-epochs (3)",
        "lsh.search { scheduler = asha, asha.max-epochs = 9 } | lsh.search.final-epochs = 6 must be >= search.asha.max-epochs (9) for scheduler asha",
        "lsh.search { scheduler = hyperband, asha.max-epochs = 7 } | lsh.search.final-epochs = 6 must be >= search.asha.max-epochs (7) for scheduler hyperband",
        "lsh.search.median.grace-epochs = 0         | lsh.search.median.grace-epochs = 0 must be >= 1",
        "lsh.search.median.epochs-per-report = 0    | lsh.search.median.epochs-per-report = 0 must be >= 1",
        "lsh.search.median.min-trials = 0           | lsh.search.median.min-trials = 0 must be >= 1",
        "lsh.search.median { grace-epochs = 5, max-epochs = 4 } | lsh.search.median.max-epochs = 4 must be >= search.median.grace-epochs (5)",
        "lsh.search { scheduler = median, median.max-epochs = 8 } | lsh.search.final-epochs = 6 must be >= search.median.max-epochs (8) for scheduler median",
        "lsh.search.budget.max-trials = -1          | lsh.search.budget.max-trials = -1 must be >= 0",
        "lsh.search.budget.total-epochs = -3        | lsh.search.budget.total-epochs = -3 must be >= 0",
        "lsh.search.budget.wall-time = soon         | lsh.search.budget.wall-time = \"soon\" is not a duration (e.g. 90m, 2h)",
        "lsh.search.budget.wall-time = -5m          | lsh.search.budget.wall-time = \"-5m\" must not be negative",
        "lsh.space { death = [a, b], death-rate { min = 0.1, max = 0.5, when { growth = random } } } | lsh.space.death-rate.when.growth names growth, which is not another searched control",
        "lsh.space { death = [a, b], death-rate { min = 0.1, max = 0.5, when { death = c } } } | lsh.space.death-rate.when.death = c is not one of the choices of space.death [a, b]",
        "lsh.space { death = [a, b], death-rate { min = 0.1, max = 0.5, when { death = a, init = b } } } | lsh.space.death-rate.when must name exactly one control",
        "lsh.space { death = [a, b], death-rate { min = 0.1, max = 0.5, when = a } } | lsh.space.death-rate.when must be an object",
        "lsh.space { death { choices = [a], when { death = a } } } | lsh.space.death.when.death names death, which is not another searched control",
        "lsh.space { death { choices = [a, b], prob = [1, 2] } } | lsh.space.death.prob is unknown (allowed with choices: choices, when)",
        "lsh.space { init { choices = [u], when { death = b } }, death { choices = [a, b], when { init = u } } } | lsh.space has a cycle of when conditions among [init, death]",
        "lsh.model.hidden-sizes = []                | lsh.model.hidden-sizes must name at least one layer",
        "lsh.model.type = gru                       | lsh.model.type = gru is not one of awd-mos, lstm, rhn",
        "lsh.model { type = rhn, hidden-sizes = [8, 8] } | lsh.model.hidden-sizes must hold one width for model.type = rhn",
        "lsh.model.rhn.depth = 0                    | lsh.model.rhn.depth = 0 must be >= 1",
        "lsh.model.rhn.input-dropout = 1            | lsh.model.rhn.input-dropout = 1.0 is outside [0, 1)",
        "lsh.model.awd-mos.experts = 0              | lsh.model.awd-mos.experts = 0 must be >= 1",
        "lsh.model.awd-mos.temporal-penalty = -1    | lsh.model.awd-mos.temporal-penalty = -1.0 must be >= 0",
        "lsh.model.awd-mos.wdrop = 0.5              | unknown key lsh.model.awd-mos.wdrop",
        "lsh.training.bptt = 0                      | lsh.training.bptt = 0 must be >= 1",
        "lsh.training.optimizer = rmsprop           | lsh.training.optimizer = rmsprop is not one of adam, sgd",
        "lsh.training.adam.beta2 = 1.0              | lsh.training.adam.beta2 = 1.0 is outside [0, 1)",
        "lsh.training.adam.epsilon = 0              | lsh.training.adam.epsilon = 0.0 must be > 0",
        "lsh.training.adam.momentum = 0.9           | unknown key lsh.training.adam.momentum",
        "lsh.training.lr-schedule.type = linear     | lsh.training.lr-schedule.type = linear is not one of constant, cosine, exponential, plateau",
        "lsh.training.lr-schedule.factor = 1        | lsh.training.lr-schedule.factor = 1.0 must be > 1",
        "lsh.training.lr-schedule.gamma = 1.5       | lsh.training.lr-schedule.gamma = 1.5 is outside (0, 1]",
        "lsh.training.lr-schedule.epochs = 0        | lsh.training.lr-schedule.epochs = 0 must be >= 1",
        "lsh.training.lr-schedule { type = cosine, min-learning-rate = 30 } | lsh.training.lr-schedule.min-learning-rate = 30.0 must be below training.learning-rate (20.0)",
        "lsh.training.nt-asgd.non-monotone = 0      | lsh.training.nt-asgd.non-monotone = 0 must be >= 1",
        "lsh.training { optimizer = adam, nt-asgd.enabled = true } | lsh.training.nt-asgd.enabled = true needs training.optimizer = sgd",
        "lsh.training.learnig-rate = 3              | unknown key lsh.training.learnig-rate",
        "lsh.training.bptt-jitter = random          | lsh.training.bptt-jitter = random is not one of awd, fixed",
        "lsh.training.kernels = cuda                | lsh.training.kernels = cuda is not one of auto, fused-java, nd4j-ops",
        "lsh.space { speed = [1, 2] }               | lsh.space.speed is not a searchable control",
        "lsh.space { death = [] }                   | lsh.space.death has no choices",
        "lsh.space { death-rate { min = 0.9, max = 0.4 } } | lsh.space.death-rate has min 0.9 > max 0.4",
        "lsh.search.finalists = 9                   | lsh.search.finalists must be smaller than search.candidates",
        "lsh.metrics.coordinator-port = 70000       | lsh.metrics.coordinator-port = 70000 is not a port number",
        "lsh.metrics.worker-port = -1               | lsh.metrics.worker-port = -1 must be >= 0",
        "lsh.metrics.host = \"\"                     | lsh.metrics.host must not be empty",
        "lsh.metrics.enabled = maybe                | lsh.metrics.enabled = \"maybe\" is not true or false",
        "lsh.metrics.linger-seconds = -5            | lsh.metrics.linger-seconds = -5 must be >= 0",
        "lsh.spectrum.warmup-mode = shifted         | lsh.spectrum.warmup-mode = shifted is not one of preceding-tokens, replay-window",
        "lsh.spectrum.later-batch = -1              | lsh.spectrum.later-batch = -1 must be >= 0",
        "lsh.spectrum.window-offset = -3            | lsh.spectrum.window-offset = -3 must be >= 0",
        "lsh.spectrum.preset = paper                | lsh.spectrum.preset = paper is not one of authors, default",
        "lsh.spectrum.preset = \"\"                 | lsh.spectrum.preset must not be empty",
        "lsh.distance.reference = last              | lsh.distance.reference = last is not one of final, same-epoch",
        "lsh.distance.alignment = sort              | lsh.distance.alignment = sort is not one of as-given, sorted",
        "lsh.distance.space = pca3                  | lsh.distance.space = pca3 is not one of pca2, spectrum",
        "lsh.distance.space = \"\"                  | lsh.distance.space must not be empty",
        "lsh.distance.metric = l1                   | unknown key lsh.distance.metric",
    })
    void badValuesAreNamedWithTheirFile(String content, String expected) throws IOException {
        Path file = write(content + "\n");
        SettingsException e = assertThrows(SettingsException.class,
                () -> StudySettingsLoader.load(Optional.of(file), Map.of()));
        assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void trainingDefaultsToPlainSgdAndReadsTheOptimizerKeys() throws IOException {
        StudySettings.Training t = StudySettingsLoader.load(Optional.empty(), Map.of()).training();
        assertEquals("sgd", t.optimizer());
        assertEquals("constant", t.lrSchedule().type());
        assertEquals(false, t.ntAsgd().enabled());
        assertEquals("fixed", t.bpttJitter());
        assertEquals("auto", t.kernels());
        assertEquals("nd4j-ops", StudySettingsLoader.load(Optional.empty(), Map.of("training.kernels", "nd4j-ops"))
                .training().kernels());
        assertEquals("awd", StudySettingsLoader.load(Optional.empty(), Map.of("training.bptt-jitter", "awd"))
                .training().bpttJitter());
        assertEquals(new StudySettings.Training.Adam(0.9, 0.999, 1e-8, false), t.adam());
        Path file = write("""
                lsh.training {
                  optimizer = adam
                  learning-rate = 0.002
                  adam { beta1 = 0.8, decoupled-weight-decay = true }
                  lr-schedule { type = cosine, epochs = 12, min-learning-rate = 1e-4 }
                }
                """);
        StudySettings.Training set = StudySettingsLoader.load(Optional.of(file), Map.of()).training();
        assertEquals("adam", set.optimizer());
        assertEquals(new StudySettings.Training.Adam(0.8, 0.999, 1e-8, true), set.adam());
        assertEquals(new StudySettings.Training.LrSchedule("cosine", 4.0, 0.95, 12, 1e-4), set.lrSchedule());
        StudySettings.Training asgd = StudySettingsLoader.load(Optional.empty(),
                Map.of("training.nt-asgd.enabled", true, "training.nt-asgd.non-monotone", 3,
                        "training.lr-schedule.type", "plateau")).training();
        assertEquals(new StudySettings.Training.NtAsgd(true, 3), asgd.ntAsgd());
        assertEquals("plateau", asgd.lrSchedule().type());
    }

    @Test
    void theDefaultSearchIsEliminationWithRandomSearchAndNoBudget() {
        StudySettings.Search s = StudySettingsLoader.load(Optional.empty(), Map.of()).search();
        assertEquals("random", s.optimizer());
        assertEquals("elimination", s.scheduler());
        assertEquals(new StudySettings.Tpe(20, 0.25, 24, 1.0, 25, "worst"), s.tpe());
        assertEquals(new StudySettings.Asha(1, 2, 4), s.asha());
        assertEquals(new StudySettings.Median(1, 1, 4, 3), s.median());
        assertEquals(new StudySettings.Budget(0, 0, java.time.Duration.ZERO), s.budget());
        assertEquals("ls_distance", StudySettingsLoader.load(Optional.empty(), Map.of()).study().objective());
    }

    @Test
    void searchKeysAreRead() throws IOException {
        Path file = write("""
                lsh.search {
                  optimizer = tpe, scheduler = asha, objective = val_ppl, final-epochs = 9
                  tpe { startup-trials = 5, gamma = 0.5, constant-liar = mean }
                  asha { min-epochs = 2, reduction-factor = 3, max-epochs = 9 }
                  budget { max-trials = 30, total-epochs = 100, wall-time = 90m }
                }
                """);
        StudySettings all = StudySettingsLoader.load(Optional.of(file), Map.of());
        StudySettings.Search s = all.search();
        assertEquals("tpe", s.optimizer());
        assertEquals("asha", s.scheduler());
        assertEquals("val_ppl", all.study().objective());
        assertEquals(new StudySettings.Tpe(5, 0.5, 24, 1.0, 25, "mean"), s.tpe());
        assertEquals(new StudySettings.Asha(2, 3, 9), s.asha());
        assertEquals(new StudySettings.Budget(30, 100, java.time.Duration.ofMinutes(90)), s.budget());
    }

    @Test
    void conditionalControlsComeAfterTheirParentWithTheirCondition() throws IOException {
        Path file = write("""
                lsh.space {
                  death-rate = { min = 0.4, max = 0.9, step = 0.1, when { growth = momentum } }
                  growth = [random, momentum]
                  init { choices = [uniform, ER], when { redistribution = none } }
                  redistribution = [none, nonzeros]
                }
                """);
        List<StudySettings.SpaceParameter> space = StudySettingsLoader.load(Optional.of(file), Map.of()).space();
        // canonical order init, death, growth, redistribution, death-rate; init waits for redistribution
        assertEquals(List.of("growth", "redistribution", "init", "death-rate"),
                space.stream().map(StudySettings.SpaceParameter::name).toList());
        StudySettings.SpaceParameter init = space.get(2);
        assertEquals(List.of("uniform", "ER"), init.choices());
        assertEquals("redistribution", init.whenParent());
        assertEquals("none", init.whenValue());
        StudySettings.SpaceParameter rate = space.get(3);
        assertEquals("growth", rate.whenParent());
        assertEquals(0.1, rate.step());
        assertTrue(!space.get(0).conditional());
    }

    @Test
    void thePaperStudyFilesDescribeTheThreeSettings() {
        StudySettings a = StudySettingsLoader.load(Optional.of(Path.of("studies/paper-a-lstm-ptb.conf")), Map.of());
        assertEquals("lstm", a.model().type());
        assertEquals(List.of(1500, 1500), a.model().hiddenSizes());
        assertEquals(0.67, a.pruning().sparsity());
        assertEquals("tpe", a.search().optimizer());
        assertEquals(40, a.search().candidates());
        assertEquals(List.of("init", "death", "growth", "redistribution", "death-rate"),
                a.space().stream().map(StudySettings.SpaceParameter::name).toList());
        StudySettings b = StudySettingsLoader.load(Optional.of(Path.of("studies/paper-b-rhn-ptb.conf")), Map.of());
        assertEquals("rhn", b.model().type());
        assertEquals(10, b.model().rhn().depth());
        assertEquals(830, b.model().stateSize());
        StudySettings c = StudySettingsLoader.load(Optional.of(Path.of("studies/paper-c-awd-mos-wt2.conf")),
                Map.of());
        assertEquals("awd-mos", c.model().type());
        assertEquals(15, c.model().awdMos().experts());
        assertEquals("asha", c.search().scheduler());
        assertEquals("awd", c.training().bpttJitter(), "AWD-LSTM's randomised BPTT length");
        assertEquals("fixed", a.training().bpttJitter());
        assertEquals("fixed", b.training().bpttJitter());
        assertEquals(new StudySettings.Spectrum(35, 10, 2, 0, 2.0, true, "replay-window", 5), a.spectrum(),
                "paper A uses the authors' spectrum preset");
    }

    @Test
    void theExampleStudyFilesLoad() throws IOException {
        try (var files = Files.list(Path.of("examples"))) {
            List<Path> examples = files.filter(f -> f.toString().endsWith(".conf")).sorted().toList();
            assertTrue(examples.size() >= 2, examples.toString());
            for (Path f : examples) {
                StudySettingsLoader.load(Optional.of(f), Map.of());
            }
        }
        StudySettings asha = StudySettingsLoader.load(Optional.of(Path.of("examples/asha-tpe.conf")), Map.of());
        assertEquals("asha", asha.search().scheduler());
        assertEquals("death", asha.space().get(2).whenParent());
        StudySettings.Training t = StudySettingsLoader.load(Optional.of(Path.of("examples/nt-asgd.conf")), Map.of())
                .training();
        assertEquals(new StudySettings.Training.NtAsgd(true, 1), t.ntAsgd());
        assertEquals("plateau", t.lrSchedule().type());
    }

    @Test
    void metricsEndpointDefaultsToLoopback() {
        StudySettings.Metrics m = StudySettingsLoader.load(Optional.empty(), Map.of()).metrics();
        assertEquals(new StudySettings.Metrics(true, "127.0.0.1", 9464, 0, 0), m);
        StudySettings.Metrics set = StudySettingsLoader.load(Optional.empty(),
                Map.of("metrics.coordinator-port", 0, "metrics.enabled", false, "metrics.linger-seconds", 3)).metrics();
        assertEquals(new StudySettings.Metrics(false, "127.0.0.1", 0, 0, 3), set);
    }

    @Test
    void missingAndMalformedFilesAreReported() throws IOException {
        Path missing = dir.resolve("nope.conf");
        SettingsException e1 = assertThrows(SettingsException.class,
                () -> StudySettingsLoader.load(Optional.of(missing), Map.of()));
        assertEquals("config file " + missing + " does not exist or is not a file", e1.getMessage());
        Path broken = write("lsh { study { seed = 1 \n");
        SettingsException e2 = assertThrows(SettingsException.class,
                () -> StudySettingsLoader.load(Optional.of(broken), Map.of()));
        assertTrue(e2.getMessage().startsWith("config file " + broken + " is not valid HOCON"), e2.getMessage());
    }

    private Path write(String content) throws IOException {
        Path file = Files.createTempFile(dir, "study", ".conf");
        Files.writeString(file, content);
        return file;
    }
}
