package io.lsh.lm.prune;

import io.lsh.lm.model.Parameter;
import io.lsh.lm.model.ParameterSet;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Running averages of a model's parameters for the averaged-SGD phase of NT-ASGD, sparse-aware (method.md section 2:
 * "Sparse ASGD averages only over active weights and restarts the average of a regrown weight. Evaluation after the
 * switch uses the averaged weights."; Zheng &amp; Shlizerman 2025, arXiv 2506.07975, following the authors'
 * Selfish-RNN based code).
 *
 * <p>Rules, per entry:
 * <ul>
 *   <li>a masked entry of a prunable tensor contributes nothing: its average is 0 and its count 0;</li>
 *   <li>an active entry averages the values it had after the steps it was active since its last (re)start:
 *       {@code avg += (w - avg) / n} with its own count n;</li>
 *   <li>a regrown (or removed) entry restarts: {@link #restart(UpdateStats)} sets its average and count to 0;</li>
 *   <li>unmasked parameters (biases) average every step, as plain ASGD.</li>
 * </ul>
 *
 * <p>Use: create it when NT-ASGD switches to averaging; call {@link #accumulate()} after every optimizer step (after
 * {@link MaskSet#applyToWeights()}), {@link #restart(UpdateStats)} with the result of every
 * {@link MaskSet#pruneAndRegrow}; around an evaluation {@link #swapIn()} then {@link #swapOut()}. An active entry not
 * yet averaged since its restart evaluates with its current value. Averages are kept in single precision, as
 * PyTorch's ASGD keeps them for a float32 model; per entry the state is the average and the step its averaging
 * started, so a step costs one pass over the weights (docs/benchmarks.md, "Pruning update"). Not thread-safe: use
 * from the training thread.
 */
public final class SparseAverager {

    private final List<Parameter> parameters;
    private final MaskSet masks;
    private final int[] maskIndex; // per parameter: index in masks, or -1 for dense
    private final float[][] average;
    private final int[][] start; // per entry of prunable parameters: the step count before its first average, or -1
    private final double[] scratch;
    private final float[] floatScratch;
    private long denseSteps;
    private INDArray[] backup; // non-null while swapped in

    /**
     * Starts empty averages (count 0) of every parameter of {@code model}.
     *
     * @param masks the masks of the prunable parameters, or {@code null} to average every parameter densely
     */
    public SparseAverager(ParameterSet model, MaskSet masks) {
        Objects.requireNonNull(model, "model");
        this.parameters = List.copyOf(model.parameters());
        this.masks = masks;
        Map<String, Integer> byName = new HashMap<>();
        if (masks != null) {
            List<Parameter> t = masks.tensors();
            for (int l = 0; l < t.size(); l++) {
                byName.put(t.get(l).name(), l);
            }
        }
        int n = parameters.size();
        maskIndex = new int[n];
        average = new float[n][];
        start = new int[n][];
        int largest = 0;
        for (int p = 0; p < n; p++) {
            Parameter param = parameters.get(p);
            if (param.size() > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("parameter " + param.name() + " is too large: " + param.size());
            }
            Integer l = byName.get(param.name());
            if (l != null && masks.tensors().get(l) != param) {
                throw new IllegalArgumentException("masks cover another tensor named '" + param.name()
                        + "': build the MaskSet from the same model");
            }
            maskIndex[p] = l == null ? -1 : l;
            average[p] = new float[(int) param.size()];
            if (l != null) {
                start[p] = new int[(int) param.size()];
                java.util.Arrays.fill(start[p], -1);
            }
            largest = Math.max(largest, (int) param.size());
        }
        for (Parameter t : masks == null ? List.<Parameter>of() : masks.tensors()) {
            if (parameters.stream().noneMatch(p -> p == t)) {
                throw new IllegalArgumentException("masks cover parameter '" + t.name() + "' of another model");
            }
        }
        scratch = new double[largest];
        floatScratch = new float[largest];
    }

    /** Adds the current parameter values to the averages (after an optimizer step and the weight masking). */
    public void accumulate() {
        checkNotSwapped("accumulate");
        if (denseSteps >= Integer.MAX_VALUE) {
            throw new IllegalStateException("more than " + Integer.MAX_VALUE + " averaged steps");
        }
        denseSteps++;
        for (int p = 0; p < parameters.size(); p++) {
            float[] w = readFloat(parameters.get(p).value());
            if (maskIndex[p] < 0) {
                accumulateDense(average[p], w, 1.0f / denseSteps);
            } else {
                accumulateMasked(average[p], start[p], masks.maskOf(maskIndex[p]), w, (int) denseSteps);
            }
        }
    }

    private static void accumulateDense(float[] avg, float[] w, float rate) {
        for (int i = 0; i < avg.length; i++) {
            avg[i] += (w[i] - avg[i]) * rate;
        }
    }

    /** {@code t}: steps including this one. An entry whose averaging started after step s has t - s values. */
    private static void accumulateMasked(float[] avg, int[] start, boolean[] mask, float[] w, int t) {
        for (int i = 0; i < avg.length; i++) {
            if (mask[i]) {
                int s = start[i];
                if (s < 0) {
                    start[i] = t - 1;
                    avg[i] = w[i];
                } else {
                    avg[i] += (w[i] - avg[i]) / (t - s);
                }
            } else if (start[i] >= 0) { // masked since the last step without a restart (e.g. gradual pruning)
                start[i] = -1;
                avg[i] = 0f;
            }
        }
    }

    /**
     * Restarts the average of every weight a prune/regrow update touched: regrown weights (they start from 0 and a
     * fresh average) and removed ones (masked: nothing to average).
     */
    public void restart(UpdateStats stats) {
        Objects.requireNonNull(stats, "stats");
        checkNotSwapped("restart");
        for (UpdateStats.TensorUpdate t : stats.tensors()) {
            int p = parameterIndex(t.name());
            if (maskIndex[p] < 0) {
                throw new IllegalArgumentException("parameter '" + t.name() + "' is not masked");
            }
            for (int i : t.removedIndices()) {
                average[p][i] = 0f;
                start[p][i] = -1;
            }
            for (int i : t.regrownIndices()) {
                average[p][i] = 0f;
                start[p][i] = -1;
            }
        }
    }

    /**
     * Replaces the model's values with the averaged ones (for evaluation), keeping the live values to put back with
     * {@link #swapOut()}. Masked entries get 0; active entries without an average yet and parameters never averaged
     * keep their current value.
     *
     * @throws IllegalStateException if already swapped in
     */
    public void swapIn() {
        checkNotSwapped("swapIn");
        INDArray[] saved = new INDArray[parameters.size()];
        for (int p = 0; p < parameters.size(); p++) {
            INDArray value = parameters.get(p).value();
            saved[p] = value.dup();
            double[] out = averagedInto(p, scratch);
            write(out, value);
        }
        backup = saved;
    }

    /**
     * Puts back the live values saved by {@link #swapIn()}.
     *
     * @throws IllegalStateException if not swapped in
     */
    public void swapOut() {
        if (backup == null) {
            throw new IllegalStateException("swapOut without swapIn");
        }
        for (int p = 0; p < parameters.size(); p++) {
            parameters.get(p).value().assign(backup[p]);
        }
        backup = null;
    }

    /** Whether the averaged values are in the model ({@link #swapIn()} without {@link #swapOut()} yet). */
    public boolean isSwappedIn() {
        return backup != null;
    }

    /**
     * The averaged values of one parameter as {@link #swapIn()} would set them, flat 'c' order (a copy).
     *
     * @throws IllegalArgumentException naming an unknown parameter
     */
    public double[] averaged(String name) {
        int p = parameterIndex(name);
        return averagedInto(p, new double[average[p].length]).clone();
    }

    /** Number of {@link #accumulate()} calls so far (the count of the dense parameters' average). */
    public long steps() {
        return denseSteps;
    }

    /**
     * Steps averaged into one entry since its last restart (for dense parameters {@link #steps()}).
     *
     * @throws IllegalArgumentException naming an unknown parameter
     */
    public long count(String name, int flatIndex) {
        int p = parameterIndex(name);
        Objects.checkIndex(flatIndex, average[p].length);
        if (maskIndex[p] < 0) {
            return denseSteps;
        }
        int s = start[p][flatIndex];
        return s < 0 ? 0 : denseSteps - s;
    }

    /**
     * A copy of the averager's state, for checkpoints: per parameter name the running averages, per masked parameter
     * the step after which each entry's averaging started (-1: not averaging), and the number of accumulated steps.
     *
     * @param steps    {@link #steps()}
     * @param averages per parameter, in parameter order, flat 'c' order
     * @param starts   per masked parameter, in parameter order
     */
    public record State(long steps, Map<String, float[]> averages, Map<String, int[]> starts) {
    }

    /** A copy of the state (see {@link State}). */
    public State exportState() {
        checkNotSwapped("exportState");
        Map<String, float[]> averages = new java.util.LinkedHashMap<>();
        Map<String, int[]> starts = new java.util.LinkedHashMap<>();
        for (int p = 0; p < parameters.size(); p++) {
            averages.put(parameters.get(p).name(), average[p].clone());
            if (maskIndex[p] >= 0) {
                starts.put(parameters.get(p).name(), start[p].clone());
            }
        }
        return new State(denseSteps, averages, starts);
    }

    /**
     * Replaces the state with one exported by {@link #exportState()} from an averager of the same model and masks.
     *
     * @throws IllegalArgumentException naming a missing or mis-sized entry (nothing is changed then)
     */
    public void restoreState(State state) {
        Objects.requireNonNull(state, "state");
        checkNotSwapped("restoreState");
        if (state.steps() < 0 || state.steps() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("averaged step count " + state.steps() + " is out of range");
        }
        for (int p = 0; p < parameters.size(); p++) {
            String name = parameters.get(p).name();
            float[] a = state.averages().get(name);
            if (a == null || a.length != average[p].length) {
                throw new IllegalArgumentException("averager state has no average of size " + average[p].length
                        + " for parameter '" + name + "'");
            }
            if (maskIndex[p] >= 0) {
                int[] s = state.starts().get(name);
                if (s == null || s.length != start[p].length) {
                    throw new IllegalArgumentException("averager state has no start steps of size "
                            + start[p].length + " for masked parameter '" + name + "'");
                }
            }
        }
        for (int p = 0; p < parameters.size(); p++) {
            String name = parameters.get(p).name();
            System.arraycopy(state.averages().get(name), 0, average[p], 0, average[p].length);
            if (maskIndex[p] >= 0) {
                System.arraycopy(state.starts().get(name), 0, start[p], 0, start[p].length);
            }
        }
        denseSteps = state.steps();
    }

    private double[] averagedInto(int p, double[] out) {
        double[] current = read(parameters.get(p).value(), out);
        float[] avg = average[p];
        if (maskIndex[p] < 0) {
            if (denseSteps > 0) {
                for (int i = 0; i < avg.length; i++) {
                    current[i] = avg[i];
                }
            }
        } else {
            boolean[] mask = masks.maskOf(maskIndex[p]);
            int[] s = start[p];
            for (int i = 0; i < avg.length; i++) {
                if (!mask[i]) {
                    current[i] = 0.0;
                } else if (s[i] >= 0) {
                    current[i] = avg[i];
                }
            }
        }
        return current;
    }

    private int parameterIndex(String name) {
        for (int p = 0; p < parameters.size(); p++) {
            if (parameters.get(p).name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no parameter named '" + name + "'");
    }

    private void checkNotSwapped(String what) {
        if (backup != null) {
            throw new IllegalStateException(what + " while the averaged weights are swapped in: call swapOut first");
        }
    }

    /** The array's entries in 'c' order as floats, in the shared scratch buffer. */
    private float[] readFloat(INDArray a) {
        int n = (int) a.length();
        if (a.dataType() == DataType.FLOAT && MaskSet.direct(a)) {
            a.data().asNioFloat().get(0, floatScratch, 0, n);
        } else {
            double[] d = read(a, scratch);
            for (int i = 0; i < n; i++) {
                floatScratch[i] = (float) d[i];
            }
        }
        return floatScratch;
    }

    /** Reads the array's entries in 'c' order into the first {@code length} entries of {@code out}. */
    private static double[] read(INDArray a, double[] out) {
        int n = (int) a.length();
        if (direct(a)) {
            if (a.dataType() == DataType.FLOAT) {
                FloatBuffer fb = a.data().asNioFloat();
                for (int i = 0; i < n; i++) {
                    out[i] = fb.get(i);
                }
                return out;
            }
            if (a.dataType() == DataType.DOUBLE) {
                DoubleBuffer db = a.data().asNioDouble();
                for (int i = 0; i < n; i++) {
                    out[i] = db.get(i);
                }
                return out;
            }
        }
        double[] copy = MaskSet.readFlat(a);
        System.arraycopy(copy, 0, out, 0, n);
        return out;
    }

    private static void write(double[] values, INDArray a) {
        int n = (int) a.length();
        if (direct(a)) {
            if (a.dataType() == DataType.FLOAT) {
                FloatBuffer fb = a.data().asNioFloat();
                for (int i = 0; i < n; i++) {
                    fb.put(i, (float) values[i]);
                }
                return;
            }
            if (a.dataType() == DataType.DOUBLE) {
                DoubleBuffer db = a.data().asNioDouble();
                for (int i = 0; i < n; i++) {
                    db.put(i, values[i]);
                }
                return;
            }
        }
        a.assign(Nd4j.create(java.util.Arrays.copyOf(values, n), a.shape(), 'c').castTo(a.dataType()));
    }

    /** Whether the array's buffer holds exactly its entries in 'c' order (a non-view 'c' array). */
    private static boolean direct(INDArray a) {
        return !a.isView() && a.ordering() == 'c' && a.offset() == 0 && a.data().length() == a.length();
    }
}
