package io.lsh.lm.train;

import io.lsh.lm.model.Parameter;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Adam step and its state (see {@link OptimizerSettings.Adam}): first and second moments per parameter, same
 * type and shape as the value, and the step count. One pass over each parameter's buffers per step.
 */
final class AdamUpdate {

    private final OptimizerSettings.Adam settings;
    private final List<Parameter> parameters;
    private final INDArray[] firstMoments;
    private final INDArray[] secondMoments;
    private long steps;

    AdamUpdate(OptimizerSettings.Adam settings, List<Parameter> parameters) {
        this.settings = settings;
        this.parameters = List.copyOf(parameters);
        firstMoments = new INDArray[parameters.size()];
        secondMoments = new INDArray[parameters.size()];
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            if (!direct(p.value()) || !direct(p.gradient()) || p.value().dataType() != p.gradient().dataType()) {
                throw new IllegalArgumentException("Adam needs plain 'c'-order FLOAT or DOUBLE parameters; "
                        + p.name() + " is not");
            }
            firstMoments[i] = Nd4j.zeros(p.value().dataType(), p.value().shape());
            secondMoments[i] = Nd4j.zeros(p.value().dataType(), p.value().shape());
        }
    }

    /** One step with the given rate and weight-decay coefficient (gradients are read, and modified for L2 decay). */
    void step(double learningRate, double weightDecay) {
        steps++;
        double b1 = settings.beta1();
        double b2 = settings.beta2();
        double stepSize = learningRate / (1 - Math.pow(b1, steps));
        double correction2 = Math.sqrt(1 - Math.pow(b2, steps));
        double eps = settings.epsilon();
        double decay = settings.decoupledWeightDecay() ? 1 - learningRate * weightDecay : 1;
        double l2 = settings.decoupledWeightDecay() ? 0 : weightDecay;
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            int n = (int) p.size();
            if (p.value().dataType() == DataType.FLOAT) {
                FloatBuffer w = p.value().data().asNioFloat();
                FloatBuffer g = p.gradient().data().asNioFloat();
                FloatBuffer m = firstMoments[i].data().asNioFloat();
                FloatBuffer v = secondMoments[i].data().asNioFloat();
                for (int k = 0; k < n; k++) {
                    double wk = w.get(k) * decay;
                    double gk = g.get(k) + l2 * w.get(k);
                    float mk = (float) (b1 * m.get(k) + (1 - b1) * gk);
                    float vk = (float) (b2 * v.get(k) + (1 - b2) * gk * gk);
                    m.put(k, mk);
                    v.put(k, vk);
                    w.put(k, (float) (wk - stepSize * mk / (Math.sqrt(vk) / correction2 + eps)));
                }
            } else {
                DoubleBuffer w = p.value().data().asNioDouble();
                DoubleBuffer g = p.gradient().data().asNioDouble();
                DoubleBuffer m = firstMoments[i].data().asNioDouble();
                DoubleBuffer v = secondMoments[i].data().asNioDouble();
                for (int k = 0; k < n; k++) {
                    double wk = w.get(k) * decay;
                    double gk = g.get(k) + l2 * w.get(k);
                    double mk = b1 * m.get(k) + (1 - b1) * gk;
                    double vk = b2 * v.get(k) + (1 - b2) * gk * gk;
                    m.put(k, mk);
                    v.put(k, vk);
                    w.put(k, wk - stepSize * mk / (Math.sqrt(vk) / correction2 + eps));
                }
            }
        }
    }

    /** Zeroes both moments of the given flat entries of parameter {@code name} (pruned or regrown weights). */
    void clearState(String name, int[] indices) {
        int i = indexOf(name);
        for (INDArray moments : new INDArray[] {firstMoments[i], secondMoments[i]}) {
            if (moments.dataType() == DataType.FLOAT) {
                FloatBuffer b = moments.data().asNioFloat();
                for (int k : indices) {
                    b.put(k, 0f);
                }
            } else {
                DoubleBuffer b = moments.data().asNioDouble();
                for (int k : indices) {
                    b.put(k, 0.0);
                }
            }
        }
    }

    long steps() {
        return steps;
    }

    INDArray firstMoment(int parameterIndex) {
        return firstMoments[parameterIndex];
    }

    INDArray secondMoment(int parameterIndex) {
        return secondMoments[parameterIndex];
    }

    /** Restores the step count and the moments (copied in). */
    void restore(long restoredSteps, INDArray[] first, INDArray[] second) {
        for (int i = 0; i < parameters.size(); i++) {
            firstMoments[i].assign(first[i]);
            secondMoments[i].assign(second[i]);
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
