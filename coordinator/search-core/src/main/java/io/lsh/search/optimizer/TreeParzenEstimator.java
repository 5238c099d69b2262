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
    public static final int MODEL_REDRAWS = 10;

    private static final int RANDOM_DRAWS = RandomSearch.DEFAULT_MAX_DUPLICATE_DRAWS;

    private final SearchSpace space;
    private final RandomGenerator rng;
    private final TpeSettings settings;
    private final List<Parameter> parameters;
    private final OptionalLong size;
    private final Set<String> used = new HashSet<>();
    private final List<Observation> history = new ArrayList<>();
    /** Told finite objectives, in ascending sequence (ask order; tell order for configurations never asked). */
    private final List<Point> observed = new ArrayList<>();
    /** Asked, not yet told, by canonical key, in ask order. */
    private final Map<String, Point> pending = new LinkedHashMap<>();
    private double objectiveSum;
    private double worstObjective = Double.NEGATIVE_INFINITY;
    private long nextSequence;
    private boolean exhausted;

    /** A configuration encoded on each parameter's modelling axis (NaN where absent), with its sequence number. */
    private record Point(long sequence, double[] axis, double objective) {
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
        if (used.size() >= settings.startupTrials() && !observed.isEmpty()) {
            c = modelProposal();
        }
        if (c == null) {
            c = randomProposal();
        }
        if (c == null) {
            exhausted = true;
            return Optional.empty();
        }
        pending.put(c.canonicalKey(), new Point(nextSequence++, encode(c), Double.NaN));
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
        Point p = new Point(sequence, asked != null ? asked.axis() : encode(configuration), objective);
        int at = observed.size();
        while (at > 0 && observed.get(at - 1).sequence() > sequence) {
            at--;
        }
        observed.add(at, p);
        objectiveSum += objective;
        worstObjective = Math.max(worstObjective, objective);
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
        List<Point> points = modelledPoints();
        boolean[] below = belowGroup(points);
        for (int attempt = 0; attempt < MODEL_REDRAWS; attempt++) {
            Configuration c = drawFromModel(points, below);
            if (used.add(c.canonicalKey())) {
                return c;
            }
        }
        return null;
    }

    /** Told points and pending points at the liar's value, merged in sequence order. */
    private List<Point> modelledPoints() {
        if (settings.liar() == TpeSettings.ConstantLiar.NONE || pending.isEmpty()) {
            return observed;
        }
        double lie = settings.liar() == TpeSettings.ConstantLiar.WORST ? worstObjective
                : objectiveSum / observed.size();
        List<Point> out = new ArrayList<>(observed.size() + pending.size());
        int i = 0;
        for (Point p : pending.values()) { // ask order = ascending sequence
            while (i < observed.size() && observed.get(i).sequence() < p.sequence()) {
                out.add(observed.get(i++));
            }
            out.add(new Point(p.sequence(), p.axis(), lie));
        }
        while (i < observed.size()) {
            out.add(observed.get(i++));
        }
        return out;
    }

    /** Marks the best min(ceil(gamma sqrt(n)), LF) points by (objective, sequence): hyperopt's split. */
    private boolean[] belowGroup(List<Point> points) {
        int n = points.size();
        int k = Math.min((int) Math.ceil(settings.gamma() * Math.sqrt(n)), settings.linearForgetting());
        k = Math.min(k, n);
        int[] best = new int[k];
        int filled = 0;
        for (int i = 0; i < n; i++) { // points are in sequence order, so a later equal objective ranks after
            double v = points.get(i).objective();
            if (filled == k && !(v < points.get(best[k - 1]).objective())) {
                continue;
            }
            int at = filled == k ? k - 1 : filled++;
            while (at > 0 && v < points.get(best[at - 1]).objective()) {
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

    private Configuration drawFromModel(List<Point> points, boolean[] below) {
        Map<String, Object> values = new TreeMap<>();
        for (int j = 0; j < parameters.size(); j++) {
            Parameter p = parameters.get(j);
            if (!space.isActive(p, values)) {
                continue;
            }
            values.put(p.name(), chooseValue(p, j, points, below));
        }
        return Configuration.of(values);
    }

    private Object chooseValue(Parameter p, int j, List<Point> points, boolean[] below) {
        int nb = 0;
        int na = 0;
        for (int i = 0; i < points.size(); i++) {
            if (!Double.isNaN(points.get(i).axis()[j])) {
                if (below[i]) {
                    nb++;
                } else {
                    na++;
                }
            }
        }
        double[] b = new double[nb];
        double[] a = new double[na];
        nb = 0;
        na = 0;
        for (int i = 0; i < points.size(); i++) {
            double x = points.get(i).axis()[j];
            if (!Double.isNaN(x)) {
                if (below[i]) {
                    b[nb++] = x;
                } else {
                    a[na++] = x;
                }
            }
        }
        return decode(p, bestCandidate(p, b, a));
    }

    /** Draws eiCandidates values from l (below) and returns the one maximising log l - log g, on the axis. */
    private double bestCandidate(Parameter p, double[] below, double[] above) {
        double w = settings.priorWeight();
        int lf = settings.linearForgetting();
        if (p instanceof Parameter.Categorical cat) {
            int k = cat.choices().size();
            var l = ParzenEstimators.Categorical.of(toInts(below), k, w, lf);
            var g = ParzenEstimators.Categorical.of(toInts(above), k, w, lf);
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
        long cardinality = p.cardinality().orElse(-1);
        if (cardinality == 1) {
            return 0;
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
                return lo;
            }
        }
        double priorMu = grid ? (cardinality - 1) / 2.0 : 0.5 * (lo + hi);
        double priorSigma = hi - lo;
        var l = ParzenEstimators.Mixture.adaptive(below, w, priorMu, priorSigma, lf, lo, hi);
        var g = ParzenEstimators.Mixture.adaptive(above, w, priorMu, priorSigma, lf, lo, hi);
        double best = Double.NaN;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < settings.eiCandidates(); c++) {
            double x = l.sample(rng);
            double score;
            if (grid) {
                x = Math.max(0, Math.min(cardinality - 1, Math.rint(x)));
                score = l.logMass(x - 0.5, x + 0.5) - g.logMass(x - 0.5, x + 0.5);
            } else {
                score = l.logDensity(x) - g.logDensity(x);
            }
            if (Double.isNaN(best) || score > bestScore) {
                best = x;
                bestScore = score;
            }
        }
        return best;
    }

    private static int[] toInts(double[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (int) v[i];
        }
        return out;
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
