package io.lsh.search.optimizer;

import io.lsh.search.space.Configuration;
import io.lsh.search.space.Parameter;
import io.lsh.search.space.SearchSpace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * The Tree-structured Parzen Estimator of hyperopt (Bergstra et al. 2011), the optimizer the Hyperpruning
 * authors use for round 1 (Zheng &amp; Shlizerman 2025, arXiv 2506.07975; {@code docs/method.md} section 6), as an
 * ask/tell {@link Optimizer}.
 *
 * <h2>Algorithm (hyperopt's {@code tpe.suggest}, univariate)</h2>
 * <ol>
 *   <li>While fewer than {@link TpeSettings#startupTrials()} configurations have been asked or told (or no finite
 *   objective is known yet), propose a random configuration from the prior ({@link SearchSpace#sample}).</li>
 *   <li>Otherwise take the n modelled points: every told finite objective, plus every pending (asked, not told)
 *   configuration at the constant-liar value ({@link TpeSettings.ConstantLiar}: the worst or the mean objective
 *   told so far). Sort by objective (ties: older first); the best min(ceil(gamma sqrt(n)), linearForgetting)
 *   form the "below" group, the rest the "above" group.</li>
 *   <li>For each parameter in declaration order that exists given the values chosen so far (conditional
 *   parameters see only the points where they exist), fit the Parzen estimators l (below) and g (above) with the
 *   prior component ({@link ParzenEstimators}); draw {@link TpeSettings#eiCandidates()} values from l and keep the
 *   one maximising log l(x) - log g(x) (the expected-improvement criterion of TPE).</li>
 * </ol>
 * Parameter models: a categorical parameter is a smoothed histogram (counts + prior weight); a float range is a
 * Gaussian mixture truncated to [low, high] (prior mean the midpoint, prior sigma the width), a log range the same
 * on log(value); a quantized float range or an integer range is a mixture on the grid index axis [-0.5, n - 0.5]
 * (prior mean (n-1)/2, sigma n) scored by the probability mass of the index's unit cell, and rounded to the nearest
 * grid point when drawn.
 *
 * <p>Cost: the history is kept columnar and, per numeric parameter, sorted by value, so an ask fits both estimators
 * with a few linear passes and no sort. For continuous parameters with a long history, g is evaluated by
 * {@link SortedParzenDensity} (a fast Gauss transform of the components that share the clipped minimum sigma, to
 * 1e-14 relative) instead of being built. Densities are compared unnormalised: the normalisers are constant across
 * an ask's candidates. Proposals equal those of the direct implementation ({@code TreeParzenEstimatorTest}).
 *
 * <p>Deduplication: a proposal whose canonical key was asked or told before is redrawn (up to
 * {@link #MODEL_REDRAWS} model draws, then random draws as {@link RandomSearch} does, enumerating a small discrete
 * space's unused points); when nothing new can be found, ask returns empty from then on.
 *
 * <p>Concurrency: asks may run ahead of tells (several workers); pending asks enter the model through the constant
 * liar, so consecutive asks do not all propose the same point. Failed evaluations (NaN) count as used and are not
 * modelled. Deterministic given the random source and the call sequence. Not thread-safe.
 */
public final class TreeParzenEstimator implements Optimizer {

    /** Model draws (each of {@code eiCandidates} per parameter) tried before falling back to random draws. */
    public static final int MODEL_REDRAWS = 3;

    private static final int RANDOM_DRAWS = RandomSearch.DEFAULT_MAX_DUPLICATE_DRAWS;

    private final SearchSpace space;
    private final RandomGenerator rng;
    private final TpeSettings settings;
    private final List<Parameter> parameters;
    private final OptionalLong size;
    private final Set<String> used = new HashSet<>();
    private final List<Observation> history = new ArrayList<>();
    /** Asked, not yet told, by canonical key, in ask order. */
    private final Map<String, Point> pending = new LinkedHashMap<>();
    private double objectiveSum;
    private double worstObjective = Double.NEGATIVE_INFINITY;
    private long nextSequence;
    private boolean exhausted;

    // Told finite objectives, columnar, in ascending sequence (ask order; tell order for configurations never asked).
    private int toldCount;
    private long[] toldSequence = new long[64];
    private double[] toldObjective = new double[64];
    /** {@code toldAxis[j][i]}: told point i on parameter j's modelling axis, NaN where the parameter is absent. */
    private final double[][] toldAxis;
    // Per numeric parameter: the told points where it exists, sorted by axis value then sequence (older first).
    private final double[][] sortedValue;
    private final long[][] sortedSequence;
    private final int[] sortedCount;
    /** Scratch: a modelled point's index by its sequence number, filled per ask. */
    private int[] indexBySequence = new int[64];
    private final ParzenEstimators.CellTables cellTables = new ParzenEstimators.CellTables();

    /** A pending configuration encoded on each parameter's modelling axis (NaN where absent), with its sequence. */
    private record Point(long sequence, double[] axis) {
    }

    /**
     * The points one ask models, in sequence order: the told ones and, with a constant liar, the pending ones at the
     * liar's objective ({@code lies}, in sequence order; empty without).
     */
    private record Modelled(int n, long[] sequence, double[] objective, double[][] axis, List<Point> lies) {
    }

    /**
     * @param space    the space to search
     * @param rng      the seeded random source, used by this optimizer only
     * @param settings TPE settings ({@link TpeSettings#defaults()} for hyperopt's)
     */
    public TreeParzenEstimator(SearchSpace space, RandomGenerator rng, TpeSettings settings) {
        this.space = Objects.requireNonNull(space, "space");
        this.rng = Objects.requireNonNull(rng, "rng");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.parameters = space.parameters();
        this.size = space.size();
        int p = parameters.size();
        this.toldAxis = new double[p][64];
        this.sortedValue = new double[p][];
        this.sortedSequence = new long[p][];
        this.sortedCount = new int[p];
        for (int j = 0; j < p; j++) {
            if (!(parameters.get(j) instanceof Parameter.Categorical)) {
                sortedValue[j] = new double[64];
                sortedSequence[j] = new long[64];
            }
        }
    }

    /** @return the settings */
    public TpeSettings settings() {
        return settings;
    }

    @Override
    public Optional<Configuration> ask() {
        if (exhausted || (size.isPresent() && used.size() >= size.getAsLong())) {
            exhausted = true;
            return Optional.empty();
        }
        Configuration c = null;
        if (used.size() >= settings.startupTrials() && toldCount > 0) {
            c = modelProposal();
        }
        if (c == null) {
            c = randomProposal();
        }
        if (c == null) {
            exhausted = true;
            return Optional.empty();
        }
        pending.put(c.canonicalKey(), new Point(nextSequence++, encode(c)));
        return Optional.of(c);
    }

    @Override
    public void tell(Configuration configuration, double objective) {
        history.add(new Observation(configuration, objective));
        String key = configuration.canonicalKey();
        used.add(key);
        Point asked = pending.remove(key);
        if (Double.isNaN(objective)) {
            return;
        }
        long sequence = asked != null ? asked.sequence() : nextSequence++;
        double[] axis = asked != null ? asked.axis() : encode(configuration);
        insertTold(sequence, axis, objective);
        objectiveSum += objective;
        worstObjective = Math.max(worstObjective, objective);
    }

    /** Inserts a told point in sequence order (at the end unless tells overtook asks) and in each axis order. */
    private void insertTold(long sequence, double[] axis, double objective) {
        if (toldCount == toldSequence.length) {
            int capacity = 2 * toldCount;
            toldSequence = java.util.Arrays.copyOf(toldSequence, capacity);
            toldObjective = java.util.Arrays.copyOf(toldObjective, capacity);
            for (int j = 0; j < toldAxis.length; j++) {
                toldAxis[j] = java.util.Arrays.copyOf(toldAxis[j], capacity);
            }
        }
        int at = toldCount;
        while (at > 0 && toldSequence[at - 1] > sequence) {
            at--;
        }
        int tail = toldCount - at;
        System.arraycopy(toldSequence, at, toldSequence, at + 1, tail);
        System.arraycopy(toldObjective, at, toldObjective, at + 1, tail);
        toldSequence[at] = sequence;
        toldObjective[at] = objective;
        for (int j = 0; j < toldAxis.length; j++) {
            System.arraycopy(toldAxis[j], at, toldAxis[j], at + 1, tail);
            toldAxis[j][at] = axis[j];
        }
        toldCount++;
        for (int j = 0; j < parameters.size(); j++) {
            if (sortedValue[j] == null || Double.isNaN(axis[j])) {
                continue;
            }
            int n = sortedCount[j];
            if (n == sortedValue[j].length) {
                sortedValue[j] = java.util.Arrays.copyOf(sortedValue[j], 2 * n);
                sortedSequence[j] = java.util.Arrays.copyOf(sortedSequence[j], 2 * n);
            }
            double[] v = sortedValue[j];
            long[] q = sortedSequence[j];
            int lo = 0;
            int hi = n;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (v[mid] < axis[j] || (v[mid] == axis[j] && q[mid] < sequence)) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            System.arraycopy(v, lo, v, lo + 1, n - lo);
            System.arraycopy(q, lo, q, lo + 1, n - lo);
            v[lo] = axis[j];
            q[lo] = sequence;
            sortedCount[j] = n + 1;
        }
    }

    @Override
    public List<Observation> history() {
        return Collections.unmodifiableList(history);
    }

    /** @return the number of configurations asked and not told yet */
    public int pendingCount() {
        return pending.size();
    }

    // ---- model ---------------------------------------------------------------------------------------------

    private Configuration modelProposal() {
        Modelled points = modelledPoints();
        if (indexBySequence.length < nextSequence) {
            indexBySequence = new int[(int) Math.max(nextSequence, 2L * indexBySequence.length)];
        }
        for (int i = 0; i < points.n(); i++) {
            indexBySequence[(int) points.sequence()[i]] = i;
        }
        boolean[] below = belowGroup(points.objective(), points.n());
        ParameterModel[] models = new ParameterModel[parameters.size()];
        for (int attempt = 0; attempt < MODEL_REDRAWS; attempt++) {
            Configuration c = drawFromModel(points, below, models);
            if (used.add(c.canonicalKey())) {
                return c;
            }
        }
        return null;
    }

    /** The l (below) and g (above) estimators of one parameter, fitted once per ask. */
    private record ParameterModel(ParzenEstimators.Categorical lCategorical, ParzenEstimators.Categorical gCategorical,
                                  ParzenEstimators.Mixture l, ParzenEstimators.Mixture g, SortedParzenDensity gLarge,
                                  long cardinality, double fixed) {

        ParameterModel(ParzenEstimators.Categorical lCategorical, ParzenEstimators.Categorical gCategorical,
                       ParzenEstimators.Mixture l, ParzenEstimators.Mixture g, long cardinality, double fixed) {
            this(lCategorical, gCategorical, l, g, null, cardinality, fixed);
        }

        /** @return log g(x) up to a constant: the above group's density at x */
        double gLogDensity(double x) {
            return gLarge != null ? gLarge.unnormalizedLogDensity(x) : g.unnormalizedLogDensity(x);
        }
    }

    /**
     * From this many observations in the above group on, a continuous parameter's g is evaluated by
     * {@link SortedParzenDensity} (a fast Gauss transform) instead of a built mixture.
     */
    static final int LARGE_HISTORY = 64;

    /** Told points and pending points at the liar's value, merged in sequence order. */
    private Modelled modelledPoints() {
        if (settings.liar() == TpeSettings.ConstantLiar.NONE || pending.isEmpty()) {
            return new Modelled(toldCount, toldSequence, toldObjective, toldAxis, List.of());
        }
        double lie = settings.liar() == TpeSettings.ConstantLiar.WORST ? worstObjective
                : objectiveSum / toldCount;
        int n = toldCount + pending.size();
        long[] sequence = new long[n];
        double[] objective = new double[n];
        double[][] axis = new double[parameters.size()][n];
        List<Point> lies = new ArrayList<>(pending.values()); // ask order = ascending sequence
        int i = 0;
        int k = 0;
        for (Point p : lies) {
            int run = 0;
            while (i + run < toldCount && toldSequence[i + run] < p.sequence()) {
                run++;
            }
            copyTold(i, k, run, sequence, objective, axis);
            i += run;
            k += run;
            sequence[k] = p.sequence();
            objective[k] = lie;
            for (int j = 0; j < axis.length; j++) {
                axis[j][k] = p.axis()[j];
            }
            k++;
        }
        copyTold(i, k, toldCount - i, sequence, objective, axis);
        return new Modelled(n, sequence, objective, axis, lies);
    }

    private void copyTold(int from, int to, int count, long[] sequence, double[] objective, double[][] axis) {
        System.arraycopy(toldSequence, from, sequence, to, count);
        System.arraycopy(toldObjective, from, objective, to, count);
        for (int j = 0; j < axis.length; j++) {
            System.arraycopy(toldAxis[j], from, axis[j], to, count);
        }
    }

    /** Marks the best min(ceil(gamma sqrt(n)), LF) points by (objective, sequence): hyperopt's split. */
    private boolean[] belowGroup(double[] objective, int n) {
        int k = Math.min((int) Math.ceil(settings.gamma() * Math.sqrt(n)), settings.linearForgetting());
        k = Math.min(k, n);
        int[] best = new int[k];
        int filled = 0;
        for (int i = 0; i < n; i++) { // points are in sequence order, so a later equal objective ranks after
            double v = objective[i];
            if (filled == k && !(v < objective[best[k - 1]])) {
                continue;
            }
            int at = filled == k ? k - 1 : filled++;
            while (at > 0 && v < objective[best[at - 1]]) {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = i;
        }
        boolean[] below = new boolean[n];
        for (int i = 0; i < filled; i++) {
            below[best[i]] = true;
        }
        return below;
    }

    private Configuration drawFromModel(Modelled points, boolean[] below, ParameterModel[] models) {
        Map<String, Object> values = new TreeMap<>();
        for (int j = 0; j < parameters.size(); j++) {
            Parameter p = parameters.get(j);
            if (!space.isActive(p, values)) {
                continue;
            }
            if (models[j] == null) {
                models[j] = fit(p, j, points, below);
            }
            values.put(p.name(), decode(p, bestCandidate(models[j])));
        }
        return Configuration.of(values);
    }

    private ParameterModel fit(Parameter p, int j, Modelled points, boolean[] below) {
        if (p instanceof Parameter.Categorical cat) {
            return fitCategorical(cat, j, points, below);
        }
        return fitNumeric(p, j, points, below, p.cardinality().orElse(-1));
    }

    /**
     * hyperopt's categorical estimators ({@link ParzenEstimators.Categorical#of}) of both groups in one pass:
     * the prior weight plus each observation's linear-forgetting weight by its rank in its group.
     */
    private ParameterModel fitCategorical(Parameter.Categorical cat, int j, Modelled points, boolean[] below) {
        double[] column = points.axis()[j];
        int n = points.n();
        int nb = 0;
        int na = 0;
        for (int i = 0; i < n; i++) {
            if (!Double.isNaN(column[i])) {
                if (below[i]) {
                    nb++;
                } else {
                    na++;
                }
            }
        }
        int k = cat.choices().size();
        int lf = settings.linearForgetting();
        double[] b = new double[k];
        double[] a = new double[k];
        java.util.Arrays.fill(b, settings.priorWeight());
        java.util.Arrays.fill(a, settings.priorWeight());
        int rb = 0;
        int ra = 0;
        for (int i = 0; i < n; i++) {
            double x = column[i];
            if (!Double.isNaN(x)) {
                if (below[i]) {
                    b[(int) x] += ParzenEstimators.linearForgettingWeight(rb++, nb, lf);
                } else {
                    a[(int) x] += ParzenEstimators.linearForgettingWeight(ra++, na, lf);
                }
            }
        }
        return new ParameterModel(ParzenEstimators.Categorical.normalized(b),
                ParzenEstimators.Categorical.normalized(a), null, null, k, Double.NaN);
    }

    private ParameterModel fitNumeric(Parameter p, int j, Modelled points, boolean[] below, long cardinality) {
        double w = settings.priorWeight();
        int lf = settings.linearForgetting();
        if (cardinality == 1) {
            return new ParameterModel(null, null, null, null, 1, 0);
        }
        boolean grid = cardinality > 1;
        double lo;
        double hi;
        if (grid) {
            lo = -0.5;
            hi = cardinality - 0.5;
        } else {
            Parameter.FloatRange f = (Parameter.FloatRange) p;
            lo = f.log() ? Math.log(f.low()) : f.low();
            hi = f.log() ? Math.log(f.high()) : f.high();
            if (lo == hi) {
                return new ParameterModel(null, null, null, null, -1, lo);
            }
        }
        double priorMu = grid ? (cardinality - 1) / 2.0 : 0.5 * (lo + hi);
        double priorSigma = hi - lo;
        // the groups sorted by value (ties: older first) without sorting: merge the told points, kept sorted, with
        // the few pending ones; each weighted by its rank in observation order within its group
        double[] column = points.axis()[j];
        int n = points.n();
        int[] rank = new int[n];
        int inBelow = 0;
        int inAbove = 0;
        for (int i = 0; i < n; i++) {
            if (!Double.isNaN(column[i])) {
                rank[i] = below[i] ? inBelow++ : inAbove++;
            }
        }
        List<Point> lies = new ArrayList<>();
        for (Point q : points.lies()) {
            if (!Double.isNaN(q.axis()[j])) {
                lies.add(q);
            }
        }
        lies.sort((x, y) -> {
            int c = Double.compare(x.axis()[j], y.axis()[j]);
            return c != 0 ? c : Long.compare(x.sequence(), y.sequence());
        });
        double[] bv = new double[inBelow];
        double[] bw = new double[inBelow];
        double[] av = new double[inAbove];
        double[] aw = new double[inAbove];
        int bi = 0;
        int ai = 0;
        double[] toldValue = sortedValue[j];
        long[] toldSeq = sortedSequence[j];
        int told = sortedCount[j];
        for (int t = 0, u = 0; t < told || u < lies.size(); ) {
            double value;
            long sequence;
            if (u >= lies.size() || (t < told && (toldValue[t] < lies.get(u).axis()[j]
                    || (toldValue[t] == lies.get(u).axis()[j] && toldSeq[t] < lies.get(u).sequence())))) {
                value = toldValue[t];
                sequence = toldSeq[t++];
            } else {
                value = lies.get(u).axis()[j];
                sequence = lies.get(u++).sequence();
            }
            int i = indexBySequence[(int) sequence];
            if (below[i]) {
                bv[bi] = value;
                bw[bi++] = ParzenEstimators.linearForgettingWeight(rank[i], inBelow, lf);
            } else {
                av[ai] = value;
                aw[ai++] = ParzenEstimators.linearForgettingWeight(rank[i], inAbove, lf);
            }
        }
        var l = ParzenEstimators.Mixture.fromSorted(bv, inBelow, bw, w, priorMu, priorSigma, lo, hi, cellTables);
        if (!grid && inAbove >= LARGE_HISTORY) {
            return new ParameterModel(null, null, l, null, new SortedParzenDensity(av, aw, inAbove, w, priorMu,
                    priorSigma), cardinality, Double.NaN);
        }
        return new ParameterModel(null, null, l,
                ParzenEstimators.Mixture.fromSorted(av, inAbove, aw, w, priorMu, priorSigma, lo, hi, cellTables),
                cardinality, Double.NaN);
    }


    /** Draws eiCandidates values from l (below) and returns the one maximising log l - log g, on the axis. */
    private double bestCandidate(ParameterModel m) {
        if (!Double.isNaN(m.fixed())) {
            return m.fixed();
        }
        if (m.lCategorical() != null) {
            var l = m.lCategorical();
            var g = m.gCategorical();
            int best = -1;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < settings.eiCandidates(); c++) {
                int x = l.sample(rng);
                double score = l.logProbability(x) - g.logProbability(x);
                if (best < 0 || score > bestScore) {
                    best = x;
                    bestScore = score;
                }
            }
            return best;
        }
        long cardinality = m.cardinality();
        boolean grid = cardinality > 1;
        var l = m.l();
        var g = m.g();
        double best = Double.NaN;
        double bestScore = Double.NEGATIVE_INFINITY;
        Map<Double, Double> cellScores = grid ? new java.util.HashMap<>() : null;
        for (int c = 0; c < settings.eiCandidates(); c++) {
            double x = l.sample(rng);
            double score;
            if (grid) {
                double cell = Math.max(0, Math.min(cardinality - 1, Math.rint(x)));
                x = cell;
                score = cellScores.computeIfAbsent(cell, k -> l.unnormalizedLogCellMass((int) (double) k)
                        - g.unnormalizedLogCellMass((int) (double) k));
            } else {
                score = l.unnormalizedLogDensity(x) - m.gLogDensity(x);
            }
            if (Double.isNaN(best) || score > bestScore) {
                best = x;
                bestScore = score;
            }
        }
        return best;
    }

    // ---- axis encoding -------------------------------------------------------------------------------------

    private double[] encode(Configuration c) {
        double[] axis = new double[parameters.size()];
        for (int j = 0; j < axis.length; j++) {
            Parameter p = parameters.get(j);
            Object v = c.asMap().get(p.name());
            axis[j] = v == null ? Double.NaN : toAxis(p, v);
        }
        return axis;
    }

    private static double toAxis(Parameter p, Object v) {
        if (p instanceof Parameter.Categorical cat) {
            return cat.choices().indexOf(v);
        }
        if (p instanceof Parameter.IntRange r) {
            return ((long) (Integer) v - r.low()) / r.step();
        }
        Parameter.FloatRange f = (Parameter.FloatRange) p;
        double d = ((Number) v).doubleValue();
        if (f.step() != null) {
            return Math.rint((d - f.low()) / f.step());
        }
        return f.log() ? Math.log(d) : d;
    }

    private static Object decode(Parameter p, double x) {
        if (p instanceof Parameter.Categorical cat) {
            return cat.choices().get((int) x);
        }
        if (p.isDiscrete()) {
            return p.valueAt((long) x);
        }
        Parameter.FloatRange f = (Parameter.FloatRange) p;
        double v = f.log() ? Math.exp(x) : x;
        v = Math.max(f.low(), Math.min(f.high(), v));
        return v == 0.0 ? 0.0 : v;
    }

    // ---- random proposals ----------------------------------------------------------------------------------

    /** Random search without repetition, as {@link RandomSearch}: prior draws, then enumeration of a small space. */
    private Configuration randomProposal() {
        for (int i = 0; i < RANDOM_DRAWS; i++) {
            Configuration c = space.sample(rng);
            if (used.add(c.canonicalKey())) {
                return c;
            }
        }
        if (size.isPresent() && size.getAsLong() <= RandomSearch.ENUMERATION_LIMIT) {
            List<Configuration> unused = new ArrayList<>();
            for (Configuration c : space.grid()) {
                if (!used.contains(c.canonicalKey())) {
                    unused.add(c);
                }
            }
            if (!unused.isEmpty()) {
                Configuration c = unused.get(rng.nextInt(unused.size()));
                used.add(c.canonicalKey());
                return c;
            }
        }
        return null;
    }
}
