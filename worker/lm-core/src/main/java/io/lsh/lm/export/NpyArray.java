package io.lsh.lm.export;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An n-dimensional array as NumPy stores it: element type, shape and the elements in C (row-major) order as
 * little-endian bytes. Immutable: the factories copy their input and the accessors return copies.
 */
public final class NpyArray {

    private final NpyDtype dtype;
    private final long[] shape;
    private final byte[] data;

    /** Takes ownership of {@code shape} and {@code data} (callers pass fresh arrays). */
    private NpyArray(NpyDtype dtype, long[] shape, byte[] data) {
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = Objects.requireNonNull(shape, "shape");
        this.data = Objects.requireNonNull(data, "data");
        long elements = elementCount(shape);
        if (elements * dtype.bytes() != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + dtype.descr() + " needs "
                    + elements * dtype.bytes() + " bytes, got " + data.length);
        }
    }

    /**
     * An array from its raw parts (copied).
     *
     * @param dtype element type
     * @param shape dimensions (empty for a 0-d scalar), each at least 0
     * @param data  the elements, {@code product(shape) * dtype.bytes()} little-endian bytes in C order
     */
    public static NpyArray of(NpyDtype dtype, long[] shape, byte[] data) {
        return new NpyArray(dtype, shape.clone(), data.clone());
    }

    /** Like {@link #of(NpyDtype, long[], byte[])} but taking ownership of fresh arrays (readers). */
    static NpyArray wrap(NpyDtype dtype, long[] shape, byte[] data) {
        return new NpyArray(dtype, shape, data);
    }

    /** Number of elements of a shape (1 for the empty shape of a scalar). */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** A float32 array of the given shape from C-order values. */
    public static NpyArray ofFloats(float[] values, long... shape) {
        ByteBuffer b = buffer(values.length, NpyDtype.FLOAT32);
        b.asFloatBuffer().put(values);
        return new NpyArray(NpyDtype.FLOAT32, shape.clone(), b.array());
    }

    /** A float64 array of the given shape from C-order values. */
    public static NpyArray ofDoubles(double[] values, long... shape) {
        ByteBuffer b = buffer(values.length, NpyDtype.FLOAT64);
        b.asDoubleBuffer().put(values);
        return new NpyArray(NpyDtype.FLOAT64, shape.clone(), b.array());
    }

    /** An int64 array of the given shape from C-order values. */
    public static NpyArray ofLongs(long[] values, long... shape) {
        ByteBuffer b = buffer(values.length, NpyDtype.INT64);
        b.asLongBuffer().put(values);
        return new NpyArray(NpyDtype.INT64, shape.clone(), b.array());
    }

    /**
     * A copy of an ND4J array with its shape and C-order elements: FLOAT as float32, DOUBLE as float64.
     *
     * @throws IllegalArgumentException for other data types
     */
    public static NpyArray of(INDArray array) {
        INDArray c = array.isView() || array.ordering() != 'c' ? array.dup('c') : array;
        if (c.dataType() == DataType.FLOAT) {
            return ofFloats(c.data().asFloat(), c.shape());
        }
        if (c.dataType() == DataType.DOUBLE) {
            return ofDoubles(c.data().asDouble(), c.shape());
        }
        throw new IllegalArgumentException("only FLOAT and DOUBLE arrays can be exported, got " + c.dataType());
    }

    private static ByteBuffer buffer(int elements, NpyDtype dtype) {
        return ByteBuffer.allocate(Math.multiplyExact(elements, dtype.bytes())).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The element type. */
    public NpyDtype dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    /** A copy of the little-endian element bytes. */
    public byte[] data() {
        return data.clone();
    }

    /** The element bytes themselves (no copy), for the writers in this package: do not modify. */
    byte[] rawData() {
        return data;
    }

    /** Number of elements. */
    public long elementCount() {
        return elementCount(shape);
    }

    /** The elements of a float32 array in C order. */
    public float[] floats() {
        requireType(NpyDtype.FLOAT32);
        float[] out = new float[data.length / Float.BYTES];
        view().asFloatBuffer().get(out);
        return out;
    }

    /** The elements of a float64 array in C order. */
    public double[] doubles() {
        requireType(NpyDtype.FLOAT64);
        double[] out = new double[data.length / Double.BYTES];
        view().asDoubleBuffer().get(out);
        return out;
    }

    /** The elements of an int64 array in C order. */
    public long[] longs() {
        requireType(NpyDtype.INT64);
        long[] out = new long[data.length / Long.BYTES];
        view().asLongBuffer().get(out);
        return out;
    }

    private ByteBuffer view() {
        return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void requireType(NpyDtype expected) {
        if (dtype != expected) {
            throw new IllegalStateException("array is " + dtype.descr() + ", not " + expected.descr());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray other && dtype == other.dtype && Arrays.equals(shape, other.shape)
                && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "NpyArray[" + dtype.descr() + " " + Arrays.toString(shape) + "]";
    }
}
