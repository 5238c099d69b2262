package io.lsh.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.config.SettingsException;
import io.lsh.config.StudySettingsLoader;
import io.lsh.search.StudyEngine;
import io.lsh.search.WorkItem;
import io.lsh.search.optimizer.GridSearch;
import io.lsh.search.optimizer.RandomSearch;
import io.lsh.search.optimizer.TpeSettings;
import io.lsh.search.optimizer.TreeParzenEstimator;
import io.lsh.search.scheduler.AsyncSuccessiveHalving;
import io.lsh.search.scheduler.EliminationRounds;
import io.lsh.search.scheduler.FullTraining;
import io.lsh.search.scheduler.MedianStopping;
import io.lsh.search.space.Configuration;
import io.lsh.search.space.Parameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StudyPlanTest {

    @TempDir
    Path dir;

    private static StudyPlan plan(Map<String, Object> overrides) {
        return StudyPlan.of(StudySettingsLoader.load(Optional.empty(), overrides));
    }

    @Test
    void theDefaultStudyIsRandomSearchWithEliminationRounds() {
        StudyPlan p = plan(Map.of());
        StudyEngine e = p.newEngine();
        assertInstanceOf(RandomSearch.class, e.optimizer());
        assertInstanceOf(EliminationRounds.class, e.scheduler());
        // 8 candidates, e0 = 2, ei = 1: rounds of 8, 5, 3 at epochs 2, 3, 4, then 2 finalists
        assertEquals(4, p.lastSearchEpoch());
        assertEquals(8 * 2 + 5 + 3 + 2 * 2 + 6, p.plannedEpochs());
        assertTrue(p.wallTimeBudget().isEmpty());
        assertEquals(0, e.budget().maxTrials());
    }

    @Test
    void theDistanceVariantTravelsInTheRecipeWithTheReferenceTrajectoryItNeeds() {
        // default: the paper's distance; the reference trains to the last search epoch (4) first
        StudyPlan p = plan(Map.of());
        assertEquals(new io.lsh.protocol.DistanceRecipe("same-epoch", "as-given", "spectrum", 4),
                p.recipe().distance());
        assertEquals(4, p.referenceSearchEpochs());
        // final: the reference trains all final epochs (6) before candidates are ranked
        StudyPlan f = plan(Map.of("distance.reference", "final", "distance.alignment", "sorted",
                "distance.space", "pca2"));
        assertEquals(new io.lsh.protocol.DistanceRecipe("final", "sorted", "pca2", 6), f.recipe().distance());
        assertEquals(6, f.referenceSearchEpochs());
        assertEquals(4, f.lastSearchEpoch(), "the schedule itself does not change");
        assertEquals(p.recipe().withDistance(f.recipe().distance()), f.recipe(), "only the distance part differs");
        assertEquals("replay-window", p.recipe().spectrumWarmupMode());
        assertEquals("preceding-tokens", plan(Map.of("spectrum.warmup-mode", "preceding-tokens")).recipe()
                .spectrumWarmupMode());
    }

    @Test
    void pca2NeedsAReferenceTrajectoryOfThreeEpochs() {
        // 3 candidates, e0 = 1, ei = 1, 2 finalists: one round at epoch 1, then the final phase
        Map<String, Object> shortSearch = Map.of("search.candidates", 3, "search.first-round-epochs", 1,
                "search.round-epochs", 1, "search.final-epochs", 4, "distance.space", "pca2");
        SettingsException e = assertThrows(SettingsException.class, () -> plan(shortSearch));
        assertTrue(e.getMessage().startsWith("lsh.distance.space = pca2 needs a dense trajectory of at least 3 "
                + "epochs") && e.getMessage().contains("only epoch 1"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        // with the final epoch as reference the trajectory is the whole training: 4 epochs
        Map<String, Object> withFinal = new java.util.HashMap<>(shortSearch);
        withFinal.put("distance.reference", "final");
        assertEquals(4, plan(withFinal).referenceSearchEpochs());
    }

    @ParameterizedTest
    @CsvSource({
        "asha,        4, io.lsh.search.scheduler.AsyncSuccessiveHalving",
        "hyperband,   4, io.lsh.search.scheduler.AsyncSuccessiveHalving",
        "median,      4, io.lsh.search.scheduler.MedianStopping",
        "full,        6, io.lsh.search.scheduler.FullTraining",
        "elimination, 4, io.lsh.search.scheduler.EliminationRounds",
    })
    void eachSchedulerSaysItsLastSearchEpoch(String scheduler, int lastSearchEpoch, String type) throws Exception {
        StudyPlan p = plan(Map.of("search.scheduler", scheduler));
        assertEquals(Class.forName(type), p.newScheduler().getClass());
        assertEquals(lastSearchEpoch, p.lastSearchEpoch());
        assertEquals(lastSearchEpoch, p.newEngine().scheduler().lastSearchEpoch());
        assertTrue(p.plannedEpochs() > 6);
    }

    @Test
    void schedulerKeysReachTheScheduler() {
        StudyPlan p = plan(Map.of("search.scheduler", "hyperband", "search.asha.max-epochs", 6,
                "search.asha.reduction-factor", 3, "search.objective", "val_ppl"));
        var s = (AsyncSuccessiveHalving) p.newScheduler();
        assertEquals(List.of(1, 3, 6), s.settings().rungEpochs());
        assertEquals(3, s.brackets());
        assertEquals("val_ppl", s.objectiveMetric());
        assertEquals("val_ppl", s.finalMetric());
        var m = (MedianStopping) plan(Map.of("search.scheduler", "median", "search.median.min-trials", 5))
                .newScheduler();
        assertEquals(5, m.settings().minTrials());
        assertEquals("ls_distance", m.objectiveMetric());
        assertInstanceOf(FullTraining.class, plan(Map.of("search.scheduler", "full")).newScheduler());
    }

    @Test
    void tpeAndGridOptimizersAreBuiltFromTheirKeys() {
        StudyPlan p = plan(Map.of("search.optimizer", "tpe", "search.tpe.startup-trials", 4,
                "search.tpe.constant-liar", "mean"));
        var tpe = (TreeParzenEstimator) p.newOptimizer();
        assertEquals(new TpeSettings(4, 0.25, 24, 1.0, 25, TpeSettings.ConstantLiar.MEAN), tpe.settings());
        assertInstanceOf(GridSearch.class, plan(Map.of("search.optimizer", "grid")).newOptimizer());
    }

    @Test
    void gridSearchNeedsADiscreteSpace() throws IOException {
        Path file = Files.writeString(dir.resolve("s.conf"), "lsh.space { death-rate { min = 0.4, max = 0.9 } }\n"
                + "lsh.search.optimizer = grid\n");
        SettingsException e = assertThrows(SettingsException.class,
                () -> StudyPlan.of(StudySettingsLoader.load(Optional.of(file), Map.of())));
        assertEquals("lsh.search.optimizer = grid needs a discrete space: give every numeric range of lsh.space a step "
                + "(continuous: [death-rate])", e.getMessage());
    }

    @Test
    void conditionalControlsBecomeConditionalParametersAndFallBackToTheFixedValue() throws IOException {
        Path file = Files.writeString(dir.resolve("c.conf"), """
                lsh.space {
                  death = [magnitude, SET]
                  death-rate = { min = 0.4, max = 0.9, step = 0.1, when { death = magnitude } }
                }
                lsh.pruning.death-rate = 0.3
                """);
        StudyPlan p = StudyPlan.of(StudySettingsLoader.load(Optional.of(file), Map.of()));
        Parameter rate = p.space().parameter("death-rate").orElseThrow();
        assertEquals("death", rate.condition().parent());
        assertEquals(6 + 1, p.space().size().orElseThrow());
        Configuration set = Configuration.of(Map.of("death", "SET"));
        p.space().validate(set);
        assertEquals(0.3, p.pruningSpec(set).deathRate());
        assertEquals(0.7, p.pruningSpec(set.with("death", "magnitude").with("death-rate", 0.7)).deathRate());
    }

    @Test
    void budgetsReachTheEngine() {
        StudyPlan p = plan(Map.of("search.budget.max-trials", 5, "search.budget.total-epochs", 20,
                "search.budget.wall-time", "2h"));
        assertEquals(5, p.newEngine().budget().maxTrials());
        assertEquals(20, p.newEngine().budget().maxEpochs());
        assertEquals(Optional.of(Duration.ofHours(2)), p.wallTimeBudget());
        assertEquals(20 + 6, p.plannedEpochs());
    }

    @Test
    void twoEnginesFromTheSamePlanHandOutTheSameWork() {
        StudyPlan p = plan(Map.of("search.optimizer", "tpe", "search.scheduler", "asha"));
        List<WorkItem> a = new ArrayList<>();
        List<WorkItem> b = new ArrayList<>();
        StudyEngine e1 = p.newEngine();
        StudyEngine e2 = p.newEngine();
        for (int i = 0; i < 8; i++) {
            a.add(e1.nextWork().orElseThrow());
            b.add(e2.nextWork().orElseThrow());
        }
        assertEquals(a, b);
    }
}
