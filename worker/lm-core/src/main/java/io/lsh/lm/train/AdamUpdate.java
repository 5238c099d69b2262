package io.lsh.lm.train;

import io.lsh.lm.model.Parameter;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Adam step and its state (see {@link OptimizerSettings.Adam}): first and second moments per parameter, in the
 * parameter's precision, and the step count. Moments live in Java arrays; per step each parameter's value and
 * gradient are copied in bulk from their direct buffers, updated in one tight loop the JIT can vectorise, and the
 * value copied back (element-wise access through ND4J's NIO views is several times slower). Float models compute in
 * float, as PyTorch does for float32 tensors.
 */
final class AdamUpdate {

    private final OptimizerSettings.Adam settings;
    private final List<Parameter> parameters;
    private final float[][] firstFloat;
    private final float[][] secondFloat;
    private final double[][] firstDouble;
    private final double[][] secondDouble;
    private final float[] valueScratch;
    private final float[] gradientScratch;
    private long steps;

    AdamUpdate(OptimizerSettings.Adam settings, List<Parameter> parameters) {
        this.settings = settings;
        this.parameters = List.copyOf(parameters);
        int n = parameters.size();
        firstFloat = new float[n][];
        secondFloat = new float[n][];
        firstDouble = new double[n][];
        secondDouble = new double[n][];
        int largestFloat = 0;
        for (int i = 0; i < n; i++) {
            Parameter p = parameters.get(i);
            if (!direct(p.value()) || !direct(p.gradient()) || p.value().dataType() != p.gradient().dataType()) {
                throw new IllegalArgumentException("Adam needs plain 'c'-order FLOAT or DOUBLE parameters; "
                        + p.name() + " is not");
            }
            int size = (int) p.size();
            if (p.value().dataType() == DataType.FLOAT) {
                firstFloat[i] = new float[size];
                secondFloat[i] = new float[size];
                largestFloat = Math.max(largestFloat, size);
            } else {
                firstDouble[i] = new double[size];
                secondDouble[i] = new double[size];
            }
        }
        valueScratch = new float[largestFloat];
        gradientScratch = new float[largestFloat];
    }

    /** One step with the given rate and weight-decay coefficient (gradients are read, not modified). */
    void step(double learningRate, double weightDecay) {
        steps++;
        double b1 = settings.beta1();
        double b2 = settings.beta2();
        double stepSize = learningRate / (1 - Math.pow(b1, steps));
        double correction2 = Math.sqrt(1 - Math.pow(b2, steps));
        double decay = settings.decoupledWeightDecay() ? 1 - learningRate * weightDecay : 1;
        double l2 = settings.decoupledWeightDecay() ? 0 : weightDecay;
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            int n = (int) p.size();
            if (firstFloat[i] != null) {
                p.value().data().asNioFloat().get(0, valueScratch, 0, n);
                p.gradient().data().asNioFloat().get(0, gradientScratch, 0, n);
                stepFloat(valueScratch, gradientScratch, firstFloat[i], secondFloat[i], n, (float) b1, (float) b2,
                        (float) stepSize, (float) correction2, (float) settings.epsilon(), (float) decay, (float) l2);
                p.value().data().asNioFloat().put(0, valueScratch, 0, n);
            } else {
                double[] w = new double[n];
                double[] g = new double[n];
                p.value().data().asNioDouble().get(0, w, 0, n);
                p.gradient().data().asNioDouble().get(0, g, 0, n);
                stepDouble(w, g, firstDouble[i], secondDouble[i], n, b1, b2, stepSize, correction2,
                        settings.epsilon(), decay, l2);
                p.value().data().asNioDouble().put(0, w, 0, n);
            }
        }
    }

    private static void stepFloat(float[] w, float[] g, float[] m, float[] v, int n, float b1, float b2,
                                  float stepSize, float correction2, float eps, float decay, float l2) {
        float c1 = 1 - b1;
        float c2 = 1 - b2;
        for (int k = 0; k < n; k++) {
            float gk = g[k] + l2 * w[k];
            float mk = b1 * m[k] + c1 * gk;
            float vk = b2 * v[k] + c2 * gk * gk;
            m[k] = mk;
            v[k] = vk;
            w[k] = w[k] * decay - stepSize * mk / ((float) Math.sqrt(vk) / correction2 + eps);
        }
    }

    private static void stepDouble(double[] w, double[] g, double[] m, double[] v, int n, double b1, double b2,
                                   double stepSize, double correction2, double eps, double decay, double l2) {
        for (int k = 0; k < n; k++) {
            double gk = g[k] + l2 * w[k];
            double mk = b1 * m[k] + (1 - b1) * gk;
            double vk = b2 * v[k] + (1 - b2) * gk * gk;
            m[k] = mk;
            v[k] = vk;
            w[k] = w[k] * decay - stepSize * mk / (Math.sqrt(vk) / correction2 + eps);
        }
    }

    /** Zeroes both moments of the given flat entries of parameter {@code name} (pruned or regrown weights). */
    void clearState(String name, int[] indices) {
        int i = indexOf(name);
        for (int k : indices) {
            if (firstFloat[i] != null) {
                firstFloat[i][k] = 0f;
                secondFloat[i][k] = 0f;
            } else {
                firstDouble[i][k] = 0.0;
                secondDouble[i][k] = 0.0;
            }
        }
    }

    long steps() {
        return steps;
    }

    /** A copy of the first moment of parameter {@code i}, shaped like it. */
    INDArray firstMoment(int i) {
        return toArray(i, firstFloat[i], firstDouble[i]);
    }

    /** A copy of the second moment of parameter {@code i}, shaped like it. */
    INDArray secondMoment(int i) {
        return toArray(i, secondFloat[i], secondDouble[i]);
    }

    private INDArray toArray(int i, float[] f, double[] d) {
        long[] shape = parameters.get(i).value().shape();
        return f != null ? Nd4j.create(f.clone(), shape, 'c') : Nd4j.create(d.clone(), shape, 'c');
    }

    /** Restores the step count and the moments (copied in; shapes checked by the caller). */
    void restore(long restoredSteps, INDArray[] first, INDArray[] second) {
        for (int i = 0; i < parameters.size(); i++) {
            if (firstFloat[i] != null) {
                System.arraycopy(first[i].dup('c').data().asFloat(), 0, firstFloat[i], 0, firstFloat[i].length);
                System.arraycopy(second[i].dup('c').data().asFloat(), 0, secondFloat[i], 0, secondFloat[i].length);
            } else {
                System.arraycopy(first[i].dup('c').data().asDouble(), 0, firstDouble[i], 0, firstDouble[i].length);
                System.arraycopy(second[i].dup('c').data().asDouble(), 0, secondDouble[i], 0,
                        secondDouble[i].length);
            }
        }
        steps = restoredSteps;
    }

    private int indexOf(String name) {
        for (int i = 0; i < parameters.size(); i++) {
            if (parameters.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no parameter named '" + name + "'");
    }

    private static boolean direct(INDArray a) {
        return !a.isView() && a.ordering() == 'c' && a.offset() == 0 && a.data().length() == a.length()
                && (a.dataType() == DataType.FLOAT || a.dataType() == DataType.DOUBLE);
    }
}
