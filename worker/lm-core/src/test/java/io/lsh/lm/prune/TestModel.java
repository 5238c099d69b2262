package io.lsh.lm.prune;

import io.lsh.lm.model.Parameter;
import io.lsh.lm.model.ParameterSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A hand-built ParameterSet of FLOAT 'c'-order tensors for the pruning tests. */
final class TestModel implements ParameterSet {

    private final List<Parameter> parameters = new ArrayList<>();

    TestModel add(String name, long[] shape, boolean prunable) {
        parameters.add(new Parameter(name, Nd4j.zeros(DataType.FLOAT, shape), Nd4j.zeros(DataType.FLOAT, shape),
                prunable));
        return this;
    }

    TestModel add(String name, float[] values, long[] shape) {
        parameters.add(new Parameter(name, Nd4j.create(values, shape, 'c'), Nd4j.zeros(DataType.FLOAT, shape), true));
        return this;
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    Parameter get(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    /** Fills every value and gradient with N(0, 1) numbers. */
    TestModel randomize(Random random) {
        for (Parameter p : parameters) {
            fill(p.value(), random);
            fill(p.gradient(), random);
        }
        return this;
    }

    static void fill(INDArray a, Random random) {
        float[] v = new float[(int) a.length()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        a.assign(Nd4j.create(v, a.shape(), 'c'));
    }

    static float[] values(INDArray a) {
        return a.dup('c').data().asFloat();
    }

    /** The shapes used by the adversarial tests: 2-D of several aspect ratios, 1x1, 1xN, Nx1, plus a bias. */
    static TestModel mixedShapes() {
        return new TestModel()
                .add("embedding", new long[] {12, 6}, true)
                .add("w_ih", new long[] {6, 16}, true)
                .add("w_hh", new long[] {4, 16}, true)
                .add("bias", new long[] {1, 16}, false)
                .add("one", new long[] {1, 1}, true)
                .add("row", new long[] {1, 9}, true)
                .add("col", new long[] {7, 1}, true)
                .add("decoder", new long[] {4, 12}, true);
    }
}
