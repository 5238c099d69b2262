package io.lsh.lm.model;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Zero-copy element access to the direct buffer of a whole (non-view) 'c'-order FLOAT or DOUBLE array, so the
 * fused element-wise loops are written once for both precisions. Arithmetic is done in double; the FLOAT
 * implementation rounds on store. Only two final implementations exist, so call sites stay (bi)morphic and are
 * inlined by the JIT.
 */
abstract sealed class NumBuffer permits NumBuffer.F32, NumBuffer.F64 {

    /**
     * Wraps the data of {@code array}, which must not be a view (its buffer must start at element 0 and hold
     * exactly its elements in 'c' order).
     */
    static NumBuffer of(INDArray array) {
        if (array.isView() || array.ordering() != 'c' || array.data().length() != array.length()) {
            throw new IllegalArgumentException("fused kernels need a whole 'c'-order array, got a view or 'f' order");
        }
        DataType type = array.dataType();
        return switch (type) {
            case FLOAT -> new F32(array.data().asNioFloat());
            case DOUBLE -> new F64(array.data().asNioDouble());
            default -> throw new IllegalArgumentException("unsupported data type " + type);
        };
    }

    abstract double get(int i);

    abstract void set(int i, double v);

    final void add(int i, double v) {
        set(i, get(i) + v);
    }

    abstract int length();

    /** {@code exp(x)} at this buffer's precision: {@link FastExp} for FLOAT, {@code Math.exp} for DOUBLE. */
    abstract double exp(double x);

    static final class F32 extends NumBuffer {
        private final FloatBuffer buffer;

        F32(FloatBuffer buffer) {
            this.buffer = buffer;
        }

        @Override
        double get(int i) {
            return buffer.get(i);
        }

        @Override
        void set(int i, double v) {
            buffer.put(i, (float) v);
        }

        @Override
        int length() {
            return buffer.capacity();
        }

        @Override
        double exp(double x) {
            return FastExp.exp(x);
        }
    }

    static final class F64 extends NumBuffer {
        private final DoubleBuffer buffer;

        F64(DoubleBuffer buffer) {
            this.buffer = buffer;
        }

        @Override
        double get(int i) {
            return buffer.get(i);
        }

        @Override
        void set(int i, double v) {
            buffer.put(i, v);
        }

        @Override
        int length() {
            return buffer.capacity();
        }

        @Override
        double exp(double x) {
            return Math.exp(x);
        }
    }
}
