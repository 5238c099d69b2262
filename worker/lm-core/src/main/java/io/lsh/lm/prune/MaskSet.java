package io.lsh.lm.prune;

import io.lsh.lm.model.Parameter;
import io.lsh.lm.model.ParameterSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Binary masks over the prunable parameters of a model, maintained by dynamic sparse training (method.md section 3;
 * Zheng &amp; Shlizerman 2025, "Hyperpruning", arXiv 2506.07975, whose code builds on Selfish-RNN / sparse_learning).
 *
 * <p><b>Exact sparsity.</b> The number of masked entries over all prunable tensors is always exactly
 * {@code round(sparsity * totalPrunableEntries)}: after {@link #create}, after every {@link #pruneAndRegrow} and after
 * {@link #restore}. (The authors' code samples Bernoulli masks and regrows with probabilities, so its sparsity only
 * holds on average; this class makes every count exact.)
 *
 * <p><b>Use around training.</b> {@link #create} applies the masks to the weights. After each backward pass call
 * {@link #applyToGradients()} before the optimizer step (unless the growth criterion needs the dense gradient at the
 * next update, see {@link GrowthCriterion#GRADIENT}) and {@link #applyToWeights()} after it (the authors re-apply the
 * mask after every step, which also undoes weight decay on masked entries). Once per epoch (or every N steps) call
 * {@link #pruneAndRegrow(double, RandomGenerator)} with the rate of a {@link DeathRateSchedule}.
 *
 * <p>Masks are flat boolean arrays in 'c' order (row-major), one per prunable tensor, in parameter order. Entries
 * are "active" when their mask is {@code true}; active weights may still hold the value 0 (regrown weights start at
 * 0). Not thread-safe: use from the thread that trains the model.
 *
 * <p>The static baselines ({@link StaticPruning}, {@link GradualMagnitudePruning}) produce mask sets too; theirs are
 * tagged with {@link #staticMethod()} and are never changed by {@link #pruneAndRegrow}.
 *
 * <p>Cost: an update is linear in the number of prunable entries (selections by quickselect on primitive keys, no
 * sort; weights read once per tensor); see docs/benchmarks.md, "Pruning update".
 */
public final class MaskSet {

    /** Initial threshold of {@link DeathCriterion#THRESHOLD}, the authors' default. */
    public static final double INITIAL_DEATH_THRESHOLD = 1e-3;
    private static final double THRESHOLD_TOLERANCE = 0.02;

    private final PruningConfig config;
    private final List<Parameter> tensors;
    private final Map<String, Integer> indexByName;
    private final boolean[][] masks;
    private final long[] active;
    private final INDArray[] maskArrays;
    private final long totalEntries;
    private long targetZeros;
    private final MomentumSource momentum;
    private final StaticPruning.Method staticMethod; // null: dynamic sparse training
    private double deathThreshold = INITIAL_DEATH_THRESHOLD;

    private MaskSet(List<Parameter> tensors, PruningConfig config, MomentumSource momentum) {
        this(tensors, config, momentum, null);
    }

    private MaskSet(List<Parameter> tensors, PruningConfig config, MomentumSource momentum,
                    StaticPruning.Method staticMethod) {
        this.staticMethod = staticMethod;
        this.config = config;
        this.tensors = List.copyOf(tensors);
        this.momentum = momentum;
        int count = tensors.size();
        this.masks = new boolean[count][];
        this.active = new long[count];
        this.maskArrays = new INDArray[count];
        this.indexByName = new HashMap<>();
        long total = 0;
        for (int l = 0; l < count; l++) {
            Parameter p = tensors.get(l);
            if (indexByName.put(p.name(), l) != null) {
                throw new IllegalArgumentException("duplicate prunable parameter name '" + p.name() + "'");
            }
            if (p.size() > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("parameter " + p.name() + " has " + p.size()
                        + " entries; at most " + (Integer.MAX_VALUE - 8) + " are supported");
            }
            total += p.size();
        }
        this.totalEntries = total;
        this.targetZeros = Allocation.targetZeros(total, config.sparsity());
    }

    /**
     * Builds the initial masks of {@code model}'s prunable parameters ({@link Parameter#prunable()}) for
     * {@code config} and applies them to the weights. Per-tensor active counts follow {@link PruningConfig#init()}
     * with rounding remainders assigned by largest remainder (ties: parameter order) so the total is exact; the
     * positions are uniformly random from {@code rng} (sequential selection sampling), so a seeded generator gives
     * the same masks every time.
     *
     * @throws IllegalArgumentException if the model has no prunable parameter, or the configuration needs momentum
     *                                  ({@link PruningConfig#needsMomentum()}) (use the overload with a
     *                                  {@link MomentumSource})
     */
    public static MaskSet create(ParameterSet model, PruningConfig config, RandomGenerator rng) {
        return create(model, config, rng, null);
    }

    /**
     * As {@link #create(ParameterSet, PruningConfig, RandomGenerator)}, with the optimizer's momentum for the
     * {@code momentum} growth criterion and redistribution.
     *
     * @param momentum may be {@code null} when the configuration does not need it
     */
    public static MaskSet create(ParameterSet model, PruningConfig config, RandomGenerator rng,
                                 MomentumSource momentum) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(rng, "rng");
        if (config.needsMomentum() && momentum == null) {
            throw new IllegalArgumentException("growth '" + config.growth() + "' / redistribution '"
                    + config.redistribution() + "' needs the optimizer's momentum: pass a MomentumSource");
        }
        MaskSet set = new MaskSet(prunableOf(model), config, momentum);
        set.initialise(rng);
        set.applyToWeights();
        return set;
    }

    /** The prunable parameters of {@code model} in parameter order; at least one. */
    static List<Parameter> prunableOf(ParameterSet model) {
        Objects.requireNonNull(model, "model");
        List<Parameter> prunable = model.parameters().stream().filter(Parameter::prunable).toList();
        if (prunable.isEmpty()) {
            throw new IllegalArgumentException("the model has no prunable parameter");
        }
        return prunable;
    }

    /**
     * A mask set of a static baseline ({@link StaticPruning}) built from given masks (taken over, not copied), whose
     * masked-entry count becomes the target; applies them to the weights.
     */
    static MaskSet ofStaticMasks(List<Parameter> prunable, PruningConfig config, StaticPruning.Method method,
                                 boolean[][] masks) {
        MaskSet set = new MaskSet(prunable, config, null, Objects.requireNonNull(method, "method"));
        set.replaceMasks(masks);
        return set;
    }

    /**
     * Replaces every mask (taken over, not copied; same lengths), makes the new masked-entry count the target and
     * applies the masks to the weights. Used by the static baselines ({@link GradualMagnitudePruning} raises the
     * sparsity step by step).
     */
    void replaceMasks(boolean[][] newMasks) {
        if (newMasks.length != tensors.size()) {
            throw new IllegalArgumentException("expected " + tensors.size() + " masks, got " + newMasks.length);
        }
        long zeros = 0;
        for (int l = 0; l < newMasks.length; l++) {
            if (newMasks[l].length != tensors.get(l).size()) {
                throw new IllegalArgumentException("mask of '" + tensors.get(l).name() + "' has " + newMasks[l].length
                        + " entries, the parameter has " + tensors.get(l).size());
            }
            long a = 0;
            for (boolean b : newMasks[l]) {
                if (b) {
                    a++;
                }
            }
            zeros += newMasks[l].length - a;
        }
        for (int l = 0; l < newMasks.length; l++) {
            boolean[] mask = newMasks[l];
            long a = 0;
            for (boolean b : mask) {
                if (b) {
                    a++;
                }
            }
            masks[l] = mask;
            active[l] = a;
            maskArrays[l] = toMaskArray(mask, tensors.get(l).value());
        }
        targetZeros = zeros;
        applyToWeights();
    }

    /** The prunable parameters, in parameter order (package-internal: the static baselines and the averager). */
    List<Parameter> tensors() {
        return tensors;
    }

    /** The live mask of tensor {@code l} (package-internal; callers must not modify it). */
    boolean[] maskOf(int l) {
        return masks[l];
    }

    private void initialise(RandomGenerator rng) {
        long[][] shapes = new long[tensors.size()][];
        for (int l = 0; l < shapes.length; l++) {
            shapes[l] = tensors.get(l).value().shape();
        }
        long[] counts = Allocation.initialActiveCounts(config.init(), shapes, config.sparsity());
        for (int l = 0; l < shapes.length; l++) {
            int size = (int) tensors.get(l).size();
            boolean[] mask = new boolean[size];
            long needed = counts[l];
            // Knuth's algorithm S: every subset of the right size is equally likely.
            for (int i = 0; i < size && needed > 0; i++) {
                if (rng.nextDouble() * (size - i) < needed) {
                    mask[i] = true;
                    needed--;
                }
            }
            masks[l] = mask;
            active[l] = counts[l];
            maskArrays[l] = toMaskArray(mask, tensors.get(l).value());
        }
    }

    // ------------------------------------------------------------------------------------------------ application

    /**
     * Sets every masked entry of every prunable parameter's value to zero (one in-place multiply per tensor, so a
     * negative weight becomes IEEE -0.0, which compares equal to 0).
     */
    public void applyToWeights() {
        for (int l = 0; l < tensors.size(); l++) {
            tensors.get(l).value().muli(maskArrays[l]);
        }
    }

    /** Sets every masked entry of every prunable parameter's gradient to zero (one in-place multiply per tensor). */
    public void applyToGradients() {
        for (int l = 0; l < tensors.size(); l++) {
            tensors.get(l).gradient().muli(maskArrays[l]);
        }
    }

    // ------------------------------------------------------------------------------------------------ prune/regrow

    /**
     * One dynamic-sparse-training update: kill weights by {@link PruningConfig#death()}, then regrow exactly as many
     * by {@link PruningConfig#growth()} with the budget split by {@link PruningConfig#redistribution()}; regrown
     * weights are set to 0 and dead ones are zeroed, so the weights are masked on return. The total sparsity stays
     * exact. See the criterion enums for the precise rules and tie-breaking.
     *
     * @param deathRate fraction of each tensor's active weights to remove, in [0, 1) (0: nothing changes)
     * @param rng       source of the random growth (unused by the other criteria)
     * @throws IllegalStateException for the masks of a static baseline ({@link #staticMethod()})
     */
    public UpdateStats pruneAndRegrow(double deathRate, RandomGenerator rng) {
        if (staticMethod != null) {
            throw new IllegalStateException("masks of the static baseline '" + staticMethod
                    + "' are not updated by prune/regrow");
        }
        if (!(deathRate >= 0.0 && deathRate < 1.0)) {
            throw new IllegalArgumentException("deathRate must be in [0, 1), got " + deathRate);
        }
        Objects.requireNonNull(rng, "rng");
        int count = tensors.size();
        long[] activeBefore = active.clone();
        double[] redistributionWeight = new double[count];
        int[][] removed = new int[count][];

        if (config.death() == DeathCriterion.GLOBAL_MAGNITUDE) {
            int[][] activeOf = new int[count][];
            java.util.function.IntToLongFunction[] keys = new java.util.function.IntToLongFunction[count];
            for (int l = 0; l < count; l++) {
                double[] w = readFlat(tensors.get(l).value());
                redistributionWeight[l] = redistributionWeight(l, w);
                activeOf[l] = activePositions(l);
                keys[l] = i -> Selection.magnitudeKey(w[i]);
            }
            long totalActive = Arrays.stream(active).sum();
            long toKill = Math.round(deathRate * totalActive);
            int[][] taken = Selection.smallestAcross(activeOf, toKill, keys);
            System.arraycopy(taken, 0, removed, 0, count);
        } else {
            long expected = 0;
            for (int l = 0; l < count; l++) {
                double[] w = readFlat(tensors.get(l).value());
                redistributionWeight[l] = redistributionWeight(l, w);
                int toKill = (int) Math.round(deathRate * active[l]);
                expected += toKill;
                removed[l] = switch (config.death()) {
                    case MAGNITUDE -> Selection.smallest(activePositions(l), toKill, i -> Selection.magnitudeKey(w[i]));
                    case SET -> setDeath(activePositions(l), w, toKill);
                    case THRESHOLD -> thresholdDeath(activePositions(l), w, deathThreshold);
                    default -> throw new IllegalStateException("unhandled death criterion " + config.death());
                };
            }
            if (config.death() == DeathCriterion.THRESHOLD) {
                long killed = Arrays.stream(removed).mapToLong(r -> r.length).sum();
                if (killed < (1.0 - THRESHOLD_TOLERANCE) * expected) {
                    deathThreshold *= 2.0;
                } else if (killed > (1.0 + THRESHOLD_TOLERANCE) * expected) {
                    deathThreshold *= 0.5;
                }
            }
        }

        // death
        long budget = 0;
        long[] capacity = new long[count];
        boolean[][] justRemoved = new boolean[count][];
        for (int l = 0; l < count; l++) {
            boolean[] mask = masks[l];
            justRemoved[l] = new boolean[mask.length];
            for (int i : removed[l]) {
                mask[i] = false;
                justRemoved[l][i] = true;
            }
            Arrays.sort(removed[l]);
            active[l] -= removed[l].length;
            budget += removed[l].length;
            capacity[l] = mask.length - active[l];
        }

        // regrowth budget per tensor
        long[] regrowCount = new long[count];
        if (config.redistribution() == Redistribution.NONE) {
            for (int l = 0; l < count; l++) {
                regrowCount[l] = removed[l].length;
            }
        } else {
            regrowCount = Allocation.proportional(budget, redistributionWeight, capacity);
        }

        // growth, zeroing, new mask arrays
        List<UpdateStats.TensorUpdate> updates = new ArrayList<>(count);
        for (int l = 0; l < count; l++) {
            int[] grown = grow(l, (int) regrowCount[l], justRemoved[l], rng);
            boolean[] mask = masks[l];
            for (int i : grown) {
                mask[i] = true;
            }
            active[l] += grown.length;
            Parameter p = tensors.get(l);
            if ((removed[l].length > 0 || grown.length > 0) && direct(p.value()) && direct(maskArrays[l])) {
                // flip the changed mask entries in place, zero the regrown weights, then mask (zeroes the dead ones)
                setEntries(maskArrays[l], removed[l], 0.0);
                setEntries(maskArrays[l], grown, 1.0);
                setEntries(p.value(), grown, 0.0);
                p.value().muli(maskArrays[l]);
            } else if (removed[l].length > 0 || grown.length > 0) {
                boolean[] keep = mask.clone();
                for (int i : grown) {
                    keep[i] = false;
                }
                p.value().muli(toMaskArray(keep, p.value()));
                maskArrays[l] = toMaskArray(mask, p.value());
            }
            updates.add(new UpdateStats.TensorUpdate(p.name(), mask.length, activeBefore[l], active[l], removed[l],
                    grown));
        }
        if (zeroCount() != targetZeros) {
            throw new IllegalStateException("internal error: " + zeroCount() + " masked entries after the update, "
                    + targetZeros + " expected");
        }
        return new UpdateStats(deathRate, updates);
    }

    private double redistributionWeight(int l, double[] w) {
        return switch (config.redistribution()) {
            case NONE -> 1.0;
            case NONZEROS -> active[l];
            case MAGNITUDE -> meanAbsOverActive(l, w);
            case MOMENTUM -> {
                INDArray m = momentum.momentumOf(tensors.get(l));
                yield m == null ? 0.0 : meanAbsOverActive(l, readFlat(m));
            }
        };
    }

    private double meanAbsOverActive(int l, double[] values) {
        boolean[] mask = masks[l];
        double sum = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i]) {
                sum += Math.abs(values[i]);
            }
        }
        return active[l] == 0 ? 0.0 : sum / active[l];
    }

    /** SET death as method.md section 3 and the authors' code define it; see {@link DeathCriterion#SET}. */
    static int[] setDeath(int[] activePositions, double[] w, int toKill) {
        int positives = 0;
        int negatives = 0;
        for (int i : activePositions) {
            if (w[i] > 0) {
                positives++;
            } else if (w[i] < 0) {
                negatives++;
            }
        }
        int[] pos = new int[positives];
        int[] neg = new int[negatives];
        int[] zero = new int[activePositions.length - positives - negatives];
        int pi = 0;
        int ni = 0;
        int zi = 0;
        for (int i : activePositions) {
            if (w[i] > 0) {
                pos[pi++] = i;
            } else if (w[i] < 0) {
                neg[ni++] = i;
            } else {
                zero[zi++] = i;
            }
        }
        int takePos = Math.min((toKill + 1) / 2, pos.length);
        int takeNeg = Math.min(toKill / 2, neg.length);
        int shortfall = toKill - takePos - takeNeg;
        int takeZero = Math.min(shortfall, zero.length);
        shortfall -= takeZero;
        int morePos = Math.min(shortfall, pos.length - takePos);
        takePos += morePos;
        shortfall -= morePos;
        takeNeg += Math.min(shortfall, neg.length - takeNeg);
        // smallest positive first; most negative (largest magnitude) first
        pos = Selection.smallest(pos, takePos, i -> Selection.signedKey(w[i]));
        neg = Selection.smallest(neg, takeNeg, i -> Selection.signedKey(w[i]));
        int[] out = new int[takePos + takeNeg + takeZero];
        System.arraycopy(pos, 0, out, 0, takePos);
        System.arraycopy(neg, 0, out, takePos, takeNeg);
        System.arraycopy(zero, 0, out, takePos + takeNeg, takeZero);
        return out;
    }

    private static int[] thresholdDeath(int[] activePositions, double[] w, double threshold) {
        return Arrays.stream(activePositions).filter(i -> Math.abs(w[i]) <= threshold).toArray();
    }

    private int[] grow(int l, int count, boolean[] justRemoved, RandomGenerator rng) {
        if (count == 0) {
            return new int[0];
        }
        boolean[] mask = masks[l];
        int free = 0;
        int recycled = 0;
        for (int i = 0; i < mask.length; i++) {
            if (!mask[i]) {
                if (justRemoved[i]) {
                    recycled++;
                } else {
                    free++;
                }
            }
        }
        int[] fresh = new int[free];
        int[] removedAgain = new int[recycled];
        int fi = 0;
        int ri = 0;
        for (int i = 0; i < mask.length; i++) {
            if (!mask[i]) {
                if (justRemoved[i]) {
                    removedAgain[ri++] = i;
                } else {
                    fresh[fi++] = i;
                }
            }
        }
        double[] score = config.growth() == GrowthCriterion.RANDOM ? null : growthSource(l);
        int fromFresh = Math.min(count, fresh.length);
        int[] chosen = new int[count];
        System.arraycopy(choose(fresh, fromFresh, score, rng), 0, chosen, 0, fromFresh);
        if (count > fromFresh) {
            int[] again = choose(removedAgain, count - fromFresh, score, rng);
            System.arraycopy(again, 0, chosen, fromFresh, again.length);
        }
        Arrays.sort(chosen);
        return chosen;
    }

    /** Values whose magnitude ranks the candidates (larger is better), for the non-random growth criteria. */
    private double[] growthSource(int l) {
        Parameter p = tensors.get(l);
        INDArray source = switch (config.growth()) {
            case GRADIENT -> p.gradient();
            case MOMENTUM -> momentum.momentumOf(p);
            case RANDOM -> throw new IllegalStateException("random growth has no score");
        };
        if (source == null) {
            return new double[(int) p.size()];
        }
        return readFlat(source);
    }

    private static int[] choose(int[] candidates, int count, double[] score, RandomGenerator rng) {
        if (count == 0) {
            return new int[0];
        }
        if (count > candidates.length) {
            throw new IllegalStateException("cannot choose " + count + " of " + candidates.length);
        }
        if (score != null) { // largest |score| first, ties to the lower index
            return Selection.smallest(candidates, count, i -> Selection.largestMagnitudeKey(score[i]));
        }
        int[] pool = candidates; // owned by the caller's scratch: shuffled in place
        for (int i = 0; i < count; i++) { // partial Fisher-Yates
            int j = i + rng.nextInt(pool.length - i);
            int t = pool[i];
            pool[i] = pool[j];
            pool[j] = t;
        }
        return Arrays.copyOf(pool, count);
    }

    private int[] activePositions(int l) {
        boolean[] mask = masks[l];
        int[] out = new int[(int) active[l]];
        int o = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i]) {
                out[o++] = i;
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ checkpoints

    /**
     * Copies of the masks by parameter name, in parameter order (flat 'c'-order, {@code true} = active), for
     * checkpoints. The adaptive threshold of {@link DeathCriterion#THRESHOLD} is not included: save
     * {@link #deathThreshold()} beside it.
     */
    public Map<String, boolean[]> exportMasks() {
        Map<String, boolean[]> out = new LinkedHashMap<>();
        for (int l = 0; l < tensors.size(); l++) {
            out.put(tensors.get(l).name(), masks[l].clone());
        }
        return out;
    }

    /**
     * Replaces the masks with saved ones (from {@link #exportMasks()} of a mask set of the same model and
     * configuration). The weights are not touched: restore them from the same checkpoint, or call
     * {@link #applyToWeights()}.
     *
     * @throws IllegalArgumentException if a name is missing or unknown, a length differs, or the masks do not have
     *                                  exactly the configured number of masked entries (any number for
     *                                  {@link GradualMagnitudePruning}, whose sparsity depends on the step)
     */
    public void restore(Map<String, boolean[]> saved) {
        Objects.requireNonNull(saved, "saved");
        for (String name : saved.keySet()) {
            if (!indexByName.containsKey(name)) {
                throw new IllegalArgumentException("saved mask for unknown parameter '" + name + "'; known: "
                        + tensorNames());
            }
        }
        long zeros = 0;
        for (Parameter p : tensors) {
            boolean[] m = saved.get(p.name());
            if (m == null) {
                throw new IllegalArgumentException("no saved mask for parameter '" + p.name() + "'");
            }
            if (m.length != p.size()) {
                throw new IllegalArgumentException("saved mask for '" + p.name() + "' has " + m.length
                        + " entries, the parameter has " + p.size());
            }
            for (boolean b : m) {
                if (!b) {
                    zeros++;
                }
            }
        }
        if (staticMethod == StaticPruning.Method.GRADUAL_MAGNITUDE) {
            targetZeros = zeros; // the sparsity of gradual magnitude pruning depends on the step
        } else if (zeros != targetZeros) {
            throw new IllegalArgumentException("saved masks have " + zeros + " masked entries; sparsity "
                    + config.sparsity() + " of " + totalEntries + " needs " + targetZeros);
        }
        for (int l = 0; l < tensors.size(); l++) {
            Parameter p = tensors.get(l);
            masks[l] = saved.get(p.name()).clone();
            long a = 0;
            for (boolean b : masks[l]) {
                if (b) {
                    a++;
                }
            }
            active[l] = a;
            maskArrays[l] = toMaskArray(masks[l], p.value());
        }
    }

    /** Current threshold of {@link DeathCriterion#THRESHOLD} (adapted after each update), for checkpoints. */
    public double deathThreshold() {
        return deathThreshold;
    }

    /** Restores the threshold of {@link DeathCriterion#THRESHOLD} from a checkpoint. */
    public void restoreDeathThreshold(double threshold) {
        if (!(threshold > 0) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException("death threshold must be positive and finite, got " + threshold);
        }
        this.deathThreshold = threshold;
    }

    // ------------------------------------------------------------------------------------------------ reports

    /**
     * The configuration. For the masks of a static baseline ({@link #staticMethod()} present) only
     * {@link PruningConfig#sparsity()} (the final target) and {@link PruningConfig#init()} are meaningful.
     */
    public PruningConfig config() {
        return config;
    }

    /**
     * The static baseline that made these masks ({@link StaticPruning}, {@link GradualMagnitudePruning}), or empty for
     * dynamic sparse training.
     */
    public java.util.Optional<StaticPruning.Method> staticMethod() {
        return java.util.Optional.ofNullable(staticMethod);
    }

    /** Names of the masked parameters, in parameter order. */
    public List<String> tensorNames() {
        return tensors.stream().map(Parameter::name).toList();
    }

    /** Total entries of all prunable tensors. */
    public long totalEntries() {
        return totalEntries;
    }

    /** Active (unmasked) entries over all prunable tensors. */
    public long activeCount() {
        return Arrays.stream(active).sum();
    }

    /**
     * Masked entries over all prunable tensors; always {@code round(sparsity * totalEntries())} (for gradual magnitude
     * pruning: the current step's target).
     */
    public long zeroCount() {
        return totalEntries - activeCount();
    }

    /** Actual total sparsity of the masks (masked / total over all prunable tensors). */
    public double sparsity() {
        return (double) zeroCount() / totalEntries;
    }

    /** Actual total density of the masks. */
    public double density() {
        return 1.0 - sparsity();
    }

    /**
     * Active entries of one tensor.
     *
     * @throws IllegalArgumentException if no prunable parameter has that name
     */
    public long activeCount(String name) {
        return active[index(name)];
    }

    /** Per-tensor report in parameter order. */
    public List<TensorDensity> densities() {
        List<TensorDensity> out = new ArrayList<>(tensors.size());
        for (int l = 0; l < tensors.size(); l++) {
            Parameter p = tensors.get(l);
            out.add(new TensorDensity(p.name(), p.value().shape(), p.size(), active[l]));
        }
        return out;
    }

    /** Active counts by tensor name, in parameter order. */
    public Map<String, Long> activeCounts() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (int l = 0; l < tensors.size(); l++) {
            out.put(tensors.get(l).name(), active[l]);
        }
        return out;
    }

    /** Whether entry {@code flatIndex} ('c' order) of tensor {@code name} is active. */
    public boolean isActive(String name, int flatIndex) {
        return masks[index(name)][flatIndex];
    }

    /**
     * Number of prunable weights whose current value is nonzero (at most {@link #activeCount()} once the masks are
     * applied; smaller while regrown weights are still 0). Reads the weights.
     */
    public long nonzeroWeightCount() {
        long n = 0;
        for (Parameter p : tensors) {
            for (double v : readFlat(p.value())) {
                if (v != 0.0) {
                    n++;
                }
            }
        }
        return n;
    }

    @Override
    public String toString() {
        return "MaskSet[" + (staticMethod == null ? config.toString() : "static " + staticMethod + " sparsity="
                + config.sparsity()) + ", " + activeCount() + "/" + totalEntries + " active]";
    }

    private int index(String name) {
        Integer l = indexByName.get(name);
        if (l == null) {
            throw new IllegalArgumentException("no prunable parameter named '" + name + "'; known: " + tensorNames());
        }
        return l;
    }

    // ------------------------------------------------------------------------------------------------ ND4J helpers

    /** The entries of {@code array} in 'c' order as doubles (a fresh array). */
    static double[] readFlat(INDArray array) {
        if (direct(array)) {
            int n = (int) array.length();
            double[] out = new double[n];
            if (array.dataType() == DataType.FLOAT) {
                java.nio.FloatBuffer fb = array.data().asNioFloat();
                for (int i = 0; i < n; i++) {
                    out[i] = fb.get(i);
                }
                return out;
            }
            if (array.dataType() == DataType.DOUBLE) {
                array.data().asNioDouble().get(0, out);
                return out;
            }
        }
        return array.dup('c').castTo(DataType.DOUBLE).data().asDouble();
    }

    /** Whether the array's buffer holds exactly its entries in 'c' order as FLOAT or DOUBLE (zero-copy NIO access). */
    static boolean direct(INDArray a) {
        return !a.isView() && a.ordering() == 'c' && a.offset() == 0 && a.data().length() == a.length()
                && (a.dataType() == DataType.FLOAT || a.dataType() == DataType.DOUBLE);
    }

    /** Sets the given flat entries of a {@link #direct} array to {@code value}. */
    private static void setEntries(INDArray a, int[] indices, double value) {
        if (a.dataType() == DataType.FLOAT) {
            java.nio.FloatBuffer fb = a.data().asNioFloat();
            float v = (float) value;
            for (int i : indices) {
                fb.put(i, v);
            }
        } else {
            java.nio.DoubleBuffer db = a.data().asNioDouble();
            for (int i : indices) {
                db.put(i, value);
            }
        }
    }

    private static INDArray toMaskArray(boolean[] mask, INDArray like) {
        long[] shape = like.shape();
        INDArray out;
        if (like.dataType() == DataType.DOUBLE) {
            double[] d = new double[mask.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = mask[i] ? 1.0 : 0.0;
            }
            out = Nd4j.create(d, shape, 'c');
        } else {
            float[] f = new float[mask.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = mask[i] ? 1.0f : 0.0f;
            }
            out = Nd4j.create(f, shape, 'c');
            if (like.dataType() != DataType.FLOAT) {
                out = out.castTo(like.dataType());
            }
        }
        return out;
    }
}
