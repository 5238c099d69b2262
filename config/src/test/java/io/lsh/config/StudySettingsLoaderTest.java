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
        "lsh.study.objective = loss                 | lsh.study.objective = loss is not one of ls_distance, val_ppl",
        "lsh.model.hidden-sizes = []                | lsh.model.hidden-sizes must name at least one layer",
        "lsh.training.bptt = 0                      | lsh.training.bptt = 0 must be >= 1",
        "lsh.training.learnig-rate = 3              | unknown key lsh.training.learnig-rate",
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
        "lsh.space { speed = [1, 2] }               | lsh.space.speed is not a searchable control",
        "lsh.space { death = [] }                   | lsh.space.death has no choices",
        "lsh.space { death-rate { min = 0.9, max = 0.4 } } | lsh.space.death-rate has min 0.9 > max 0.4",
        "lsh.search.finalists = 9                   | lsh.search.finalists must be smaller than search.candidates",
        "lsh.metrics.coordinator-port = 70000       | lsh.metrics.coordinator-port = 70000 is not a port number",
        "lsh.metrics.worker-port = -1               | lsh.metrics.worker-port = -1 must be >= 0",
        "lsh.metrics.host = \"\"                     | lsh.metrics.host must not be empty",
        "lsh.metrics.enabled = maybe                | lsh.metrics.enabled = \"maybe\" is not true or false",
        "lsh.metrics.linger-seconds = -5            | lsh.metrics.linger-seconds = -5 must be >= 0",
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
    void everyExampleStudyFileLoads() throws IOException {
        Path examples = Path.of("examples");
        try (var files = Files.list(examples)) {
            List<Path> confs = files.filter(f -> f.toString().endsWith(".conf")).sorted().toList();
            assertTrue(confs.size() >= 2, "examples in " + examples.toAbsolutePath());
            for (Path f : confs) {
                StudySettings s = StudySettingsLoader.load(Optional.of(f), Map.of());
                assertTrue(s.training().bptt() >= 1, f.toString());
            }
        }
        StudySettings.Training t = StudySettingsLoader.load(Optional.of(examples.resolve("nt-asgd.conf")), Map.of())
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
