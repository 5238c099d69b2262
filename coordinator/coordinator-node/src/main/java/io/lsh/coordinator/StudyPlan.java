package io.lsh.coordinator;

import io.lsh.config.SettingsException;
import io.lsh.config.StudySettings;
import io.lsh.protocol.DistanceRecipe;
import io.lsh.protocol.PruningSpec;
import io.lsh.protocol.ModelRecipe;
import io.lsh.protocol.OptimizerRecipe;
import io.lsh.protocol.StudyRecipe;
import io.lsh.search.Seeds;
import io.lsh.search.StudyBudget;
import io.lsh.search.StudyEngine;
import io.lsh.search.optimizer.GridSearch;
import io.lsh.search.optimizer.Optimizer;
import io.lsh.search.optimizer.RandomSearch;
import io.lsh.search.optimizer.TpeSettings;
import io.lsh.search.optimizer.TreeParzenEstimator;
import io.lsh.search.scheduler.AsyncSuccessiveHalving;
import io.lsh.search.scheduler.EliminationRounds;
import io.lsh.search.scheduler.EliminationSettings;
import io.lsh.search.scheduler.FullTraining;
import io.lsh.search.scheduler.HalvingSettings;
import io.lsh.search.scheduler.MedianStopping;
import io.lsh.search.scheduler.MedianStoppingSettings;
import io.lsh.search.scheduler.Scheduler;
import io.lsh.search.space.Configuration;
import io.lsh.search.space.Parameter;
import io.lsh.search.space.SearchSpace;
import io.lsh.search.space.SearchSpaceException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;

/**
 * A study's settings translated for the coordinator: the wire recipe every worker gets, the search space of the
 * optimizer, how a sampled configuration becomes a {@link PruningSpec}, the study engine (optimizer, scheduler and
 * budget named by {@code lsh.search}), the epochs the dense reference must cover and the per-trial seeds (design.md
 * convention 9: derived from the study seed and the trial id).
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
            String block = "median".equals(s.search().scheduler()) ? "median" : "asha";
            String message = e.getMessage()
                    .replace("finalEpochs", "lsh.search.final-epochs")
                    .replace("initialEpochs", "lsh.search.first-round-epochs")
                    .replace("epochsPerRound", "lsh.search.round-epochs")
                    .replace("candidates", "lsh.search.candidates")
                    .replace("finalists", "lsh.search.finalists")
                    .replace("minEpochs", "lsh.search.asha.min-epochs")
                    .replace("reductionFactor", "lsh.search.asha.reduction-factor")
                    .replace("maxEpochs", "lsh.search." + block + ".max-epochs")
                    .replace("graceEpochs", "lsh.search.median.grace-epochs")
                    .replace("epochsPerReport", "lsh.search.median.epochs-per-report")
                    .replace("minTrials", "lsh.search.median.min-trials");
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
                s.spectrum().logBase(), s.spectrum().jacobianTransposed(), optimizerRecipe(s.training()),
                modelRecipe(s.model()));
        StudyPlan plan = new StudyPlan(s, recipe, space(s.space()));
        int last = plan.newScheduler().lastSearchEpoch(); // validates the schedule
        plan = new StudyPlan(s, recipe.withDistance(distanceRecipe(s, last))
                .withSpectrumWarmupMode(s.spectrum().warmupMode())
                .withSpectrumLaterBatch(s.spectrum().laterBatch(), s.search().firstRoundEpochs())
                .withSpectrumWindowOffset(s.spectrum().windowOffset()), plan.space());
        if ("grid".equals(s.search().optimizer()) && !plan.space().isDiscrete()) {
            throw new SettingsException("lsh.search.optimizer = grid needs a discrete space: give every numeric range of "
                    + "lsh.space a step (continuous: " + plan.space().parameters().stream()
                    .filter(p -> !p.isDiscrete()).map(Parameter::name).toList() + ")");
        }
        return plan;
    }

    /**
     * {@code lsh.distance} and N, the last epoch of the dense reference's trajectory (method.md section 5): the
     * study's final epoch when candidates are compared with the fully trained dense model, else its last search
     * epoch. {@code pca2} needs N &gt;= 3 (two centred spectra span at most a line).
     *
     * @throws SettingsException naming lsh.distance.space when the trajectory is too short for {@code pca2}
     */
    static DistanceRecipe distanceRecipe(StudySettings s, int lastSearchEpoch) {
        StudySettings.Distance d = s.distance();
        int n = d.comparesWithFinalEpoch() ? s.search().finalEpochs() : lastSearchEpoch;
        if ("pca2".equals(d.space()) && n < 3) {
            throw new SettingsException("lsh.distance.space = pca2 needs a dense trajectory of at least 3 epochs, but "
                    + "the reference reaches only epoch " + n + " before candidates are ranked (the last search epoch; "
                    + "search longer or set lsh.distance.reference = final)");
        }
        return new DistanceRecipe(d.reference(), d.alignment(), d.space(), n);
    }

    /** {@code lsh.model.type} and that architecture's own keys ({@code lsh.model.rhn}, {@code lsh.model.awd-mos}). */
    static ModelRecipe modelRecipe(StudySettings.Model m) {
        Map<String, Double> o = new java.util.LinkedHashMap<>();
        switch (m.type()) {
            case "rhn" -> {
                o.put("depth", (double) m.rhn().depth());
                o.put("embedding-dropout", m.rhn().embeddingDropout());
                o.put("input-dropout", m.rhn().inputDropout());
                o.put("hidden-dropout", m.rhn().hiddenDropout());
                o.put("output-dropout", m.rhn().outputDropout());
            }
            case "awd-mos" -> {
                var a = m.awdMos();
                o.put("experts", (double) a.experts());
                o.put("embedding-dropout", a.embeddingDropout());
                o.put("input-dropout", a.inputDropout());
                o.put("hidden-dropout", a.hiddenDropout());
                o.put("output-dropout", a.outputDropout());
                o.put("latent-dropout", a.latentDropout());
                o.put("weight-dropout", a.weightDropout());
                o.put("activation-penalty", a.activationPenalty());
                o.put("temporal-penalty", a.temporalPenalty());
            }
            default -> {
            }
        }
        return new ModelRecipe(m.type(), o);
    }

    /** {@code lsh.training}'s optimizer, schedule, NT-ASGD, window-length and kernel keys for the workers. */
    private static OptimizerRecipe optimizerRecipe(StudySettings.Training t) {
        return new OptimizerRecipe(t.optimizer(), t.adam().beta1(), t.adam().beta2(), t.adam().epsilon(),
                t.adam().decoupledWeightDecay(), t.lrSchedule().type(), t.lrSchedule().factor(),
                t.lrSchedule().gamma(), t.lrSchedule().epochs(), t.lrSchedule().minLearningRate(),
                t.ntAsgd().enabled() ? t.ntAsgd().nonMonotone() : 0, t.bpttJitter(), t.kernels());
    }

    private static SearchSpace space(List<StudySettings.SpaceParameter> parameters) {
        List<Parameter> result = new ArrayList<>();
        for (StudySettings.SpaceParameter p : parameters) {
            Parameter parameter = p.categorical()
                    ? new Parameter.Categorical(p.name(), p.choices(), null)
                    : new Parameter.FloatRange(p.name(), p.min(), p.max(), p.log(), p.step() > 0 ? p.step() : null, null);
            if (p.conditional()) {
                Object value = p.whenValue();
                boolean numericParent = parameters.stream()
                        .anyMatch(q -> q.name().equals(p.whenParent()) && !q.categorical());
                if (numericParent && value instanceof Number n) {
                    value = n.doubleValue(); // a range's values are doubles: when { death-rate = 1 } means 1.0
                }
                parameter = parameter.when(p.whenParent(), value);
            }
            result.add(parameter);
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
                c.has("death-rate") ? c.getDouble("death-rate") : fixed.deathRate(),
                c.has("method") ? String.valueOf(c.get("method")) : fixed.method(),
                c.has("schedule") ? String.valueOf(c.get("schedule")) : fixed.schedule(), fixed.updateInterval());
    }

    /** The elimination schedule (n, e0, ei, m, final epochs, objective and final metric). */
    public EliminationSettings elimination() {
        StudySettings.Search s = settings.search();
        return new EliminationSettings(s.candidates(), s.firstRoundEpochs(), s.roundEpochs(), s.finalists(),
                s.finalEpochs(), settings.study().objective(), EliminationSettings.VAL_PPL);
    }

    /** The ASHA / Hyperband settings (lsh.search.asha, candidates, finalists, final epochs, objective). */
    public HalvingSettings halving() {
        StudySettings.Search s = settings.search();
        return new HalvingSettings(s.candidates(), s.asha().minEpochs(), s.asha().reductionFactor(),
                s.asha().maxEpochs(), s.finalists(), s.finalEpochs(), settings.study().objective(),
                EliminationSettings.VAL_PPL);
    }

    /** The median stopping rule's settings (lsh.search.median, candidates, finalists, final epochs, objective). */
    public MedianStoppingSettings medianStopping() {
        StudySettings.Search s = settings.search();
        return new MedianStoppingSettings(s.candidates(), s.median().graceEpochs(), s.median().epochsPerReport(),
                s.median().maxEpochs(), s.median().minTrials(), s.finalists(), s.finalEpochs(),
                settings.study().objective(), EliminationSettings.VAL_PPL);
    }

    /** A fresh scheduler named by lsh.search.scheduler: elimination (default), asha, hyperband, median or full. */
    public Scheduler newScheduler() {
        StudySettings.Search s = settings.search();
        return switch (s.scheduler()) {
            case "asha" -> AsyncSuccessiveHalving.asha(halving());
            case "hyperband" -> AsyncSuccessiveHalving.hyperband(halving());
            case "median" -> new MedianStopping(medianStopping());
            case "full" -> new FullTraining(s.candidates(), s.finalEpochs(), settings.study().objective(),
                    EliminationSettings.VAL_PPL);
            default -> new EliminationRounds(elimination());
        };
    }

    /** A fresh optimizer named by lsh.search.optimizer (random by default, grid, tpe), seeded from the study seed. */
    public Optimizer newOptimizer() {
        StudySettings.Search s = settings.search();
        Random rng = new Random(Seeds.optimizerSeed(settings.study().seed()));
        return switch (s.optimizer()) {
            case "grid" -> new GridSearch(space, rng);
            case "tpe" -> new TreeParzenEstimator(space, rng, new TpeSettings(s.tpe().startupTrials(), s.tpe().gamma(),
                    s.tpe().eiCandidates(), s.tpe().priorWeight(), s.tpe().linearForgetting(),
                    TpeSettings.ConstantLiar.valueOf(s.tpe().constantLiar().toUpperCase(Locale.ROOT))));
            default -> new RandomSearch(space, rng);
        };
    }

    /**
     * A fresh study engine: the optimizer and scheduler named by lsh.search, its trial and epoch budgets, the study
     * seed. The same settings always build an engine that replays a journal of calls to the same decisions.
     */
    public StudyEngine newEngine() {
        StudySettings.Search s = settings.search();
        return new StudyEngine(space, newOptimizer(), newScheduler(), settings.study().seed(), s.maxAttempts(),
                new StudyBudget(s.budget().maxTrials(), s.budget().totalEpochs()));
    }

    /**
     * The wall-time budget (lsh.search.budget.wall-time), if any: when it has passed since the study started, the
     * coordinator should journal the event and call {@link StudyEngine#onWallTimeExhausted()}.
     */
    public Optional<Duration> wallTimeBudget() {
        Duration d = settings.search().budget().wallTime();
        return d.isZero() ? Optional.empty() : Optional.of(d);
    }

    /**
     * An estimate of the training epochs of the study, the dense reference's final epochs included (for progress
     * gauges): the elimination plan exactly; for asha and hyperband the rung sizes candidates / eta^k; for median and
     * full every candidate to the last search epoch; plus the finalists' final phase; capped by the epoch budget.
     */
    public long plannedEpochs() {
        StudySettings.Search s = settings.search();
        int last = lastSearchEpoch();
        long candidates;
        switch (s.scheduler()) {
            case "elimination" -> candidates = elimination().plan().epochs();
            case "asha", "hyperband" -> {
                double n = s.candidates();
                double total = 0;
                int from = 0;
                for (int rung : halving().rungEpochs()) {
                    total += Math.max(n, 1) * (rung - from);
                    n /= s.asha().reductionFactor();
                    from = rung;
                }
                candidates = Math.round(total) + (long) s.finalists() * (s.finalEpochs() - last);
            }
            case "median" -> candidates = (long) s.candidates() * last + (long) s.finalists() * (s.finalEpochs() - last);
            default -> candidates = (long) s.candidates() * s.finalEpochs();
        }
        if (s.budget().totalEpochs() > 0) {
            candidates = Math.min(candidates, s.budget().totalEpochs());
        }
        return candidates + s.finalEpochs();
    }

    /** Seed of the dense reference (trial 0), derived like every trial's from the study seed. */
    public long referenceSeed() {
        return Seeds.trialSeed(settings.study().seed(), REFERENCE_TRIAL);
    }

    /**
     * The last epoch at which any search-phase report can happen, for the chosen scheduler ({@link
     * Scheduler#lastSearchEpoch()}): elimination, the last elimination round's epoch; asha and hyperband,
     * lsh.search.asha.max-epochs (R); median, lsh.search.median.max-epochs; full, lsh.search.final-epochs. With the
     * LS distance as objective, the dense reference's spectrum is needed at every epoch up to here.
     */
    public int lastSearchEpoch() {
        return newScheduler().lastSearchEpoch();
    }

    /**
     * The epochs the dense reference trains before its rest waits for idle workers, N of {@link DistanceRecipe}: the
     * last search epoch, or the final epoch with {@code lsh.distance.reference = final} (candidates are then compared
     * with the fully trained dense model, so none is ranked before the reference has trained all final epochs).
     */
    public int referenceSearchEpochs() {
        return recipe.distance().referenceEpochs();
    }
}
