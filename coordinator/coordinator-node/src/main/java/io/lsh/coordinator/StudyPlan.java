package io.lsh.coordinator;

import io.lsh.config.SettingsException;
import io.lsh.config.StudySettings;
import io.lsh.search.Seeds;
import io.lsh.search.StudyEngine;
import io.lsh.search.optimizer.RandomSearch;
import io.lsh.search.scheduler.EliminationPlan;
import io.lsh.search.scheduler.EliminationRounds;
import io.lsh.search.scheduler.EliminationSettings;
import io.lsh.search.space.SearchSpaceException;
import io.lsh.search.trial.Phase;
import java.util.Random;
import io.lsh.protocol.PruningSpec;
import io.lsh.protocol.OptimizerRecipe;
import io.lsh.protocol.StudyRecipe;
import io.lsh.search.space.Configuration;
import io.lsh.search.space.Parameter;
import io.lsh.search.space.SearchSpace;
import java.util.ArrayList;
import java.util.List;

/**
 * A study's settings translated for the coordinator: the wire recipe every worker gets, the search space of the
 * optimizer, how a sampled configuration becomes a {@link PruningSpec}, the elimination schedule's epochs and the
 * per-trial seeds (design.md convention 9: derived from the study seed and the trial id).
 *
 * @param settings the validated study settings
 * @param recipe   what every trial is trained and measured with
 * @param space    the searched pruning controls
 */
public record StudyPlan(StudySettings settings, StudyRecipe recipe, SearchSpace space) {

    /** Trial id of the dense reference. */
    public static final int REFERENCE_TRIAL = 0;

    /** Builds the plan; the space's validation errors name the {@code lsh.space} key. */
    public static StudyPlan of(StudySettings s) {
        try {
            return build(s);
        } catch (SearchSpaceException e) {
            throw new SettingsException("lsh.space: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            // the engine names its record fields; say the study-file keys instead
            String message = e.getMessage()
                    .replace("finalEpochs", "lsh.search.final-epochs")
                    .replace("initialEpochs", "lsh.search.first-round-epochs")
                    .replace("epochsPerRound", "lsh.search.round-epochs")
                    .replace("candidates", "lsh.search.candidates")
                    .replace("finalists", "lsh.search.finalists");
            throw new SettingsException(message.startsWith("lsh.") ? message : "lsh.search: " + message);
        }
    }

    private static StudyPlan build(StudySettings s) {
        var recipe = new StudyRecipe(
                s.corpus().dir().toAbsolutePath().toString(), s.corpus().maxVocab(),
                s.model().embeddingSize(), s.model().hiddenSizes(), s.model().dropout(), s.model().tiedWeights(),
                s.training().batchSize(), s.training().bptt(), s.training().learningRate(), s.training().clipNorm(),
                s.training().weightDecay(), s.training().maxWindowsPerEpoch(), s.training().evalBatchSize(),
                s.pruning().sparsity(), s.pruning().deathRateFloor(), s.search().finalEpochs(),
                s.spectrum().steps(), s.spectrum().warmup(), s.spectrum().batch(), s.spectrum().exponents(),
                s.spectrum().logBase(), s.spectrum().jacobianTransposed(), optimizerRecipe(s.training()));
        StudyPlan plan = new StudyPlan(s, recipe, space(s.space()));
        plan.elimination(); // validates the schedule
        return plan;
    }

    /** {@code lsh.training}'s optimizer, schedule and NT-ASGD keys for the workers. */
    private static OptimizerRecipe optimizerRecipe(StudySettings.Training t) {
        return new OptimizerRecipe(t.optimizer(), t.adam().beta1(), t.adam().beta2(), t.adam().epsilon(),
                t.adam().decoupledWeightDecay(), t.lrSchedule().type(), t.lrSchedule().factor(),
                t.lrSchedule().gamma(), t.lrSchedule().epochs(), t.lrSchedule().minLearningRate(),
                t.ntAsgd().enabled() ? t.ntAsgd().nonMonotone() : 0);
    }

    private static SearchSpace space(List<StudySettings.SpaceParameter> parameters) {
        List<Parameter> result = new ArrayList<>();
        for (StudySettings.SpaceParameter p : parameters) {
            if (p.categorical()) {
                result.add(new Parameter.Categorical(p.name(), p.choices(), null));
            } else {
                result.add(new Parameter.FloatRange(p.name(), p.min(), p.max(), p.log(),
                        p.step() > 0 ? p.step() : null, null));
            }
        }
        return new SearchSpace(result);
    }

    /** The pruning controls of a sampled configuration; controls the space does not search take lsh.pruning's value. */
    public PruningSpec pruningSpec(Configuration c) {
        StudySettings.Pruning fixed = settings.pruning();
        return new PruningSpec(
                c.has("init") ? String.valueOf(c.get("init")) : fixed.init(),
                c.has("death") ? String.valueOf(c.get("death")) : fixed.death(),
                c.has("growth") ? String.valueOf(c.get("growth")) : fixed.growth(),
                c.has("redistribution") ? String.valueOf(c.get("redistribution")) : fixed.redistribution(),
                c.has("death-rate") ? c.getDouble("death-rate") : fixed.deathRate());
    }

    /** The elimination schedule (n, e0, ei, m, final epochs, objective and final metric). */
    public EliminationSettings elimination() {
        StudySettings.Search s = settings.search();
        return new EliminationSettings(s.candidates(), s.firstRoundEpochs(), s.roundEpochs(), s.finalists(),
                s.finalEpochs(), settings.study().objective(), EliminationSettings.VAL_PPL);
    }

    /** A fresh study engine: the optimizer named by lsh.search.optimizer, elimination rounds, the study seed. */
    public StudyEngine newEngine() {
        StudySettings.Search s = settings.search();
        EliminationSettings elimination = elimination();
        return new StudyEngine(space, new RandomSearch(space, new Random(Seeds.optimizerSeed(settings.study().seed()))),
                new EliminationRounds(elimination), settings.study().seed(), s.maxAttempts());
    }

    /** Seed of the dense reference (trial 0), derived like every trial's from the study seed. */
    public long referenceSeed() {
        return Seeds.trialSeed(settings.study().seed(), REFERENCE_TRIAL);
    }

    /**
     * The last epoch at which an elimination round measures candidates: the dense reference's spectrum is needed at
     * every epoch up to here before the first candidate starts.
     */
    public int lastSearchEpoch() {
        return elimination().plan().rounds().stream()
                .filter(r -> r.phase() == Phase.SEARCH)
                .mapToInt(EliminationPlan.PlannedRound::toEpoch).max().orElse(settings.search().firstRoundEpochs());
    }
}
