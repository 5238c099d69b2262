package io.lsh.lm.train;

import io.lsh.lm.checkpoint.CheckpointException;
import io.lsh.lm.data.BatchedStream;
import io.lsh.lm.data.BpttWindow;
import io.lsh.lm.model.LanguageModel;
import io.lsh.lm.model.Parameter;
import io.lsh.lm.model.RecurrentState;
import io.lsh.lm.prune.MaskSet;
import io.lsh.lm.prune.SparseAverager;
import io.lsh.lm.prune.UpdateStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains one model epoch by epoch with a {@link TrainingSettings} recipe and owns all optimizer state (method.md
 * section 2): the learning-rate schedule, Adam's moments, and NT-ASGD's trigger and (sparse) averages.
 *
 * <p>Windows: {@link TrainingSettings#bpttLength()} fixed windows of {@code bptt} steps, or AWD-LSTM's randomised
 * lengths with the learning rate scaled by {@code length / bptt} for the window ({@link BpttLength#AWD}, seeded by
 * {@link #reseedWindowLengths} and epoch).
 *
 * <p>Per window: {@link TrainingHooks#beforeStep}, forward + backward, {@link TrainingHooks#afterBackward} (masks
 * zero the gradients), global-norm clipping, the update rule with the epoch's rate (times {@code length / bptt}
 * with AWD's lengths) ({@code SGD}: {@code g += wd w; w -= lr g}, exactly
 * {@link SgdTrainer}'s arithmetic, so plain-SGD settings give its numbers bit for bit; {@code Adam}: see
 * {@link OptimizerSettings.Adam}), {@link TrainingHooks#afterUpdate} (masks zero the weights), then, once NT-ASGD
 * switched, {@link SparseAverager#accumulate()}.
 *
 * <p>Per epoch, the caller: {@link #onMasksUpdated} after a prune/regrow step, {@link #trainEpoch}, evaluates
 * through {@link #evaluate} (the averaged weights are swapped in while NT-ASGD averages, and swapped back after),
 * then {@link #recordValidation} with the validation loss, which drives the schedule and the NT-ASGD trigger.
 *
 * <p>Masked weights stay exactly zero with every rule: their gradients are zeroed by the hook, weight decay of a
 * zero weight is zero, and Adam's moments of pruned and regrown entries are cleared by {@link #onMasksUpdated}, so
 * a masked entry's moments are zero and its step is zero.
 *
 * <p>{@link #exportState()} / {@link #restoreState} carry everything, so that a run stopped after an epoch and resumed
 * from a checkpoint gives bit-identical numbers on the CPU. Not thread-safe: one training thread.
 */
public final class TrainingSession {

    /** Prefix of the names of optimizer-state tensors in a checkpoint. */
    public static final String TENSOR_PREFIX = "optimizer/";

    private static final String KEY_OPTIMIZER = "training.optimizer";
    private static final String KEY_SCHEDULE = "training.lr-schedule";
    private static final String KEY_RATE = "training.lr-schedule.rate";
    private static final String KEY_BEST = "training.lr-schedule.best-valid-loss";
    private static final String KEY_ADAM_STEPS = "training.adam.steps";
    private static final String KEY_NT_ASGD = "training.nt-asgd.non-monotone";
    private static final String KEY_HISTORY = "training.nt-asgd.history";
    private static final String KEY_AVERAGING = "training.nt-asgd.averaging";
    private static final String KEY_AVERAGED_STEPS = "training.nt-asgd.averaged-steps";
    private static final String KEY_BPTT_LENGTH = "training.bptt-jitter";
    private static final String KEY_BPTT_SEED = "training.bptt-jitter.seed";
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final String ADAM_M = TENSOR_PREFIX + "adam.m/";
    private static final String ADAM_V = TENSOR_PREFIX + "adam.v/";
    private static final String ASGD_AVERAGE = TENSOR_PREFIX + "asgd.average/";
    private static final String ASGD_START = TENSOR_PREFIX + "asgd.start/";

    private final TrainingSettings settings;
    private final LanguageModel model;
    private final MaskSet masks;
    private final List<Parameter> parameters;
    private final LearningRateScheduler scheduler;
    private final AdamUpdate adam;
    private final NonMonotoneTrigger trigger;
    private SparseAverager averager;
    private long windowLengthSeed;

    /**
     * @param settings the recipe
     * @param model    the model to train
     * @param masks    its pruning masks (the averager averages only active weights), or {@code null} for a dense model
     */
    public TrainingSession(TrainingSettings settings, LanguageModel model, MaskSet masks) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.model = Objects.requireNonNull(model, "model");
        this.masks = masks;
        this.parameters = List.copyOf(model.parameters());
        this.scheduler = new LearningRateScheduler(settings.schedule(), settings.sgd().learningRate());
        this.adam = settings.optimizer() instanceof OptimizerSettings.Adam a ? new AdamUpdate(a, parameters) : null;
        this.trigger = settings.ntAsgd() ? new NonMonotoneTrigger(settings.ntAsgdNonMonotone()) : null;
    }

    /** The recipe. */
    public TrainingSettings settings() {
        return settings;
    }

    /** The learning rate {@link #trainEpoch} uses for {@code epoch}. */
    public double learningRate(int epoch) {
        return scheduler.rateForEpoch(epoch);
    }

    /**
     * Seeds the randomised window lengths ({@link BpttLength#AWD}): epoch e draws its lengths from a stream that is a
     * fixed function of (seed, e), so an epoch trains the same windows however the run was split into work items.
     * The seed is part of {@link #exportState()}. Default 0; no effect with {@link BpttLength#FIXED}.
     */
    public void reseedWindowLengths(long seed) {
        this.windowLengthSeed = seed;
    }

    /** Whether NT-ASGD has switched to averaging. */
    public boolean averaging() {
        return averager != null;
    }

    /**
     * Trains one epoch over the windows of {@code train} from a zero recurrent state (see the class comment).
     *
     * @throws TrainingDivergedException if a window's loss is NaN or infinite
     */
    public EpochStats trainEpoch(BatchedStream train, int epoch, TrainingHooks hooks) {
        Objects.requireNonNull(train, "train");
        TrainingHooks h = hooks == null ? TrainingHooks.NONE : hooks;
        SgdSettings sgd = settings.sgd();
        double rate = scheduler.rateForEpoch(epoch);
        int bptt = sgd.bptt();
        BpttLength lengths = settings.bpttLength();
        int windows = lengths == BpttLength.FIXED ? train.windowCount(bptt) : Integer.MAX_VALUE;
        if (sgd.maxWindowsPerEpoch() > 0) {
            windows = Math.min(windows, sgd.maxWindowsPerEpoch());
        }
        SplittableRandom lengthRandom = new SplittableRandom(windowLengthSeed + GOLDEN_GAMMA * epoch);
        RecurrentState state = model.initialState(train.batchSize());
        long start = System.nanoTime();
        double lossSum = 0;
        long tokens = 0;
        int position = 0;
        for (int step = 0; step < windows; step++) {
            BpttWindow window;
            double stepRate;
            if (lengths == BpttLength.FIXED) {
                window = train.window(step, bptt);
                stepRate = rate;
            } else {
                // AWD-LSTM: while i < len(train) - 2 (at least one window); lr scaled by seq_len / bptt
                if (step > 0 && position >= train.steps() - 2) {
                    break;
                }
                int length = lengths.nextLength(bptt, lengthRandom);
                window = train.windowAt(position, length);
                position += length;
                stepRate = rate * length / bptt;
            }
            h.beforeStep(window, stepRate);
            double loss = model.forwardBackward(window, state);
            if (!Double.isFinite(loss)) {
                throw new TrainingDivergedException(epoch, step, loss);
            }
            h.afterBackward(model);
            SgdTrainer.clipGradients(parameters, sgd.gradientClipNorm());
            if (adam != null) {
                adam.step(stepRate, sgd.weightDecay());
            } else {
                SgdTrainer.sgdStep(parameters, stepRate, sgd.weightDecay());
            }
            h.afterUpdate(model);
            if (averager != null) {
                averager.accumulate();
            }
            lossSum += loss * window.tokenCount();
            tokens += window.tokenCount();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double meanLoss = lossSum / tokens;
        return new EpochStats(epoch, meanLoss, Math.exp(meanLoss), tokens, seconds, tokens / seconds);
    }

    /**
     * Tells the optimizer state about a prune/regrow step of the masks: Adam's moments of removed and regrown
     * weights are cleared, and their ASGD averages restart (method.md section 2).
     */
    public void onMasksUpdated(UpdateStats stats) {
        Objects.requireNonNull(stats, "stats");
        if (adam != null) {
            for (UpdateStats.TensorUpdate t : stats.tensors()) {
                adam.clearState(t.name(), t.removedIndices());
                adam.clearState(t.name(), t.regrownIndices());
            }
        }
        if (averager != null) {
            averager.restart(stats);
        }
    }

    /**
     * Runs an evaluation (validation or test perplexity, a spectrum) on the weights NT-ASGD evaluates: the averaged
     * weights once it switched (swapped in, evaluated, swapped back, also on an exception), else the live ones.
     */
    public <T> T evaluate(Supplier<T> evaluation) {
        if (averager == null) {
            return evaluation.get();
        }
        averager.swapIn();
        try {
            return evaluation.get();
        } finally {
            averager.swapOut();
        }
    }

    /**
     * Records the epoch's validation loss (nats per token, measured through {@link #evaluate}): updates the
     * learning-rate schedule and the NT-ASGD trigger; when the trigger fires, averaging starts with the next step.
     *
     * @return whether NT-ASGD switched to averaging now
     */
    public boolean recordValidation(double validLoss) {
        scheduler.recordValidation(validLoss);
        if (trigger != null && trigger.record(validLoss)) {
            averager = new SparseAverager(model, masks);
            return true;
        }
        return false;
    }

    /** The complete optimizer state (see {@link TrainingState}); copies. */
    public TrainingState exportState() {
        Map<String, String> meta = new LinkedHashMap<>();
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        meta.put(KEY_OPTIMIZER, settings.optimizer().name());
        meta.put(KEY_SCHEDULE, settings.schedule().name());
        meta.put(KEY_RATE, Double.toHexString(scheduler.plateauRate()));
        meta.put(KEY_BEST, Double.toHexString(scheduler.bestValidLoss()));
        meta.put(KEY_BPTT_LENGTH, settings.bpttLength().settingName());
        meta.put(KEY_BPTT_SEED, Long.toString(windowLengthSeed));
        if (adam != null) {
            meta.put(KEY_ADAM_STEPS, Long.toString(adam.steps()));
            for (int i = 0; i < parameters.size(); i++) {
                tensors.put(ADAM_M + parameters.get(i).name(), adam.firstMoment(i));
                tensors.put(ADAM_V + parameters.get(i).name(), adam.secondMoment(i));
            }
        }
        if (trigger != null) {
            meta.put(KEY_NT_ASGD, Integer.toString(trigger.nonMonotone()));
            List<String> history = new ArrayList<>();
            for (double v : trigger.history()) {
                history.add(Double.toHexString(v));
            }
            meta.put(KEY_HISTORY, String.join(",", history));
            meta.put(KEY_AVERAGING, Boolean.toString(averager != null));
            if (averager != null) {
                SparseAverager.State s = averager.exportState();
                meta.put(KEY_AVERAGED_STEPS, Long.toString(s.steps()));
                s.averages().forEach((name, avg) -> tensors.put(ASGD_AVERAGE + name, Nd4j.createFromArray(avg)));
                s.starts().forEach((name, st) -> tensors.put(ASGD_START + name, Nd4j.createFromArray(st)));
            }
        }
        return new TrainingState(meta, tensors);
    }

    /**
     * Restores the state exported by {@link #exportState()} of a session with the same recipe, model and masks (the
     * masks must already be restored). Extra metadata and tensors are ignored.
     *
     * @param source names the checkpoint in error messages
     * @throws CheckpointException naming {@code source} if the state is missing, was written with another optimizer,
     *                             schedule or NT-ASGD setting, or does not fit the model
     */
    public void restoreState(Map<String, String> metadata, Map<String, INDArray> tensors, String source) {
        String optimizer = metadata.get(KEY_OPTIMIZER);
        if (optimizer == null) {
            throw new CheckpointException(source + " holds no optimizer state (" + KEY_OPTIMIZER + " is missing)");
        }
        mustMatch(source, KEY_OPTIMIZER, optimizer, settings.optimizer().name());
        mustMatch(source, KEY_SCHEDULE, require(metadata, KEY_SCHEDULE, source), settings.schedule().name());
        String ntAsgd = metadata.getOrDefault(KEY_NT_ASGD, "0");
        mustMatch(source, KEY_NT_ASGD, ntAsgd, Integer.toString(settings.ntAsgdNonMonotone()));
        // checkpoints written before the setting existed trained fixed windows
        mustMatch(source, KEY_BPTT_LENGTH, metadata.getOrDefault(KEY_BPTT_LENGTH, BpttLength.FIXED.settingName()),
                settings.bpttLength().settingName());
        long lengthSeed = parseLong(metadata.getOrDefault(KEY_BPTT_SEED, Long.toString(windowLengthSeed)),
                KEY_BPTT_SEED, source);
        double rate = hex(require(metadata, KEY_RATE, source), KEY_RATE, source);
        double best = hex(require(metadata, KEY_BEST, source), KEY_BEST, source);
        INDArray[] first = null;
        INDArray[] second = null;
        long adamSteps = 0;
        if (adam != null) {
            adamSteps = parseLong(require(metadata, KEY_ADAM_STEPS, source), KEY_ADAM_STEPS, source);
            first = new INDArray[parameters.size()];
            second = new INDArray[parameters.size()];
            for (int i = 0; i < parameters.size(); i++) {
                first[i] = stateTensor(tensors, ADAM_M, parameters.get(i), source);
                second[i] = stateTensor(tensors, ADAM_V, parameters.get(i), source);
            }
        }
        List<Double> history = new ArrayList<>();
        boolean averagingNow = false;
        SparseAverager.State averages = null;
        if (trigger != null) {
            String h = require(metadata, KEY_HISTORY, source);
            for (String v : h.isEmpty() ? new String[0] : h.split(",")) {
                history.add(hex(v, KEY_HISTORY, source));
            }
            averagingNow = Boolean.parseBoolean(require(metadata, KEY_AVERAGING, source));
            if (averagingNow) {
                long steps = parseLong(require(metadata, KEY_AVERAGED_STEPS, source), KEY_AVERAGED_STEPS, source);
                Map<String, float[]> avg = new LinkedHashMap<>();
                Map<String, int[]> starts = new LinkedHashMap<>();
                for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
                    if (e.getKey().startsWith(ASGD_AVERAGE)) {
                        avg.put(e.getKey().substring(ASGD_AVERAGE.length()), e.getValue().data().asFloat());
                    } else if (e.getKey().startsWith(ASGD_START)) {
                        starts.put(e.getKey().substring(ASGD_START.length()), e.getValue().data().asInt());
                    }
                }
                averages = new SparseAverager.State(steps, avg, starts);
            }
        }
        // everything parsed: now change state
        SparseAverager restoredAverager = null;
        if (averages != null) {
            restoredAverager = new SparseAverager(model, masks);
            try {
                restoredAverager.restoreState(averages);
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(source + ": " + e.getMessage(), e);
            }
        }
        scheduler.restore(rate, best);
        windowLengthSeed = lengthSeed;
        if (adam != null) {
            adam.restore(adamSteps, first, second);
        }
        if (trigger != null) {
            trigger.restore(history, averagingNow);
        }
        averager = restoredAverager;
    }

    private static INDArray stateTensor(Map<String, INDArray> tensors, String prefix, Parameter p, String source) {
        INDArray t = tensors.get(prefix + p.name());
        if (t == null || !java.util.Arrays.equals(t.shape(), p.value().shape())) {
            throw new CheckpointException(source + ": optimizer state " + prefix + p.name()
                    + (t == null ? " is missing" : " has shape " + java.util.Arrays.toString(t.shape())
                    + " but the parameter has " + java.util.Arrays.toString(p.value().shape())));
        }
        return t.dataType() == p.value().dataType() ? t : t.castTo(p.value().dataType());
    }

    private static void mustMatch(String source, String key, String saved, String wanted) {
        if (!saved.equals(wanted)) {
            throw new CheckpointException(source + " was trained with " + key + " = " + saved
                    + " but this run uses " + wanted + ": resume with the settings of the checkpoint");
        }
    }

    private static String require(Map<String, String> metadata, String key, String source) {
        String v = metadata.get(key);
        if (v == null) {
            throw new CheckpointException(source + " holds incomplete optimizer state (" + key + " is missing)");
        }
        return v;
    }

    private static double hex(String v, String key, String source) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new CheckpointException(source + ": " + key + " = " + v + " is not a number");
        }
    }

    private static long parseLong(String v, String key, String source) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new CheckpointException(source + ": " + key + " = " + v + " is not an integer");
        }
    }
}
