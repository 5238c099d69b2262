package io.lsh.lm.model;

import java.util.Locale;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code C = op(A) op(B) + beta C} for 2-D 'c'-order matrices, where C may be a contiguous row-block view.
 *
 * <p>{@code Nd4j.gemm} costs 30-120 microseconds per call on this machine however small the matrices (it builds and
 * executes a {@code matmul} op), which dominates a small LSTM's per-step recurrent products. On the CPU backend this
 * class therefore calls the CBLAS {@code sgemm}/{@code dgemm} of the OpenBLAS build that ND4J itself uses
 * ({@code openblas_nolapack}), about 1 microsecond per call; it falls back to {@code Nd4j.gemm} on other backends
 * (device memory) and for layouts CBLAS cannot take. A view's {@code data().addressPointer()} already includes the
 * view's offset (docs/dl4j-notes.md). Shapes are validated in Java before any native call. Thread-safe.
 */
final class Gemm {

    private final boolean directBlas;

    private Gemm(boolean directBlas) {
        this.directBlas = directBlas;
    }

    /** Direct CBLAS when ND4J runs on the CPU backend, else {@code Nd4j.gemm}. */
    static Gemm create() {
        String backend = Nd4j.getBackend().getClass().getName().toLowerCase(Locale.ROOT);
        return new Gemm(backend.contains("cpu"));
    }

    /** Whether calls go straight to CBLAS. */
    boolean isDirectBlas() {
        return directBlas;
    }

    /** {@code c = op(a) op(b) + beta c}, {@code op} = transpose if the flag is set. */
    void gemm(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double beta) {
        if (!directBlas || !rowMajor(a) || !rowMajor(b) || !rowMajor(c)
                || a.dataType() != c.dataType() || b.dataType() != c.dataType()) {
            Nd4j.gemm(a, b, c, transposeA, transposeB, 1.0, beta);
            return;
        }
        int m = (int) c.size(0);
        int n = (int) c.size(1);
        int k = (int) (transposeA ? a.size(0) : a.size(1));
        long aRows = transposeA ? a.size(1) : a.size(0);
        long bRows = transposeB ? b.size(1) : b.size(0);
        long bCols = transposeB ? b.size(0) : b.size(1);
        if (aRows != m || bRows != k || bCols != n) {
            throw new IllegalArgumentException("gemm shapes do not match: " + shape(a, transposeA) + " x "
                    + shape(b, transposeB) + " -> " + m + "x" + n);
        }
        int ta = transposeA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        int tb = transposeB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        int lda = leadingDimension(a);
        int ldb = leadingDimension(b);
        int ldc = leadingDimension(c);
        if (c.dataType() == DataType.FLOAT) {
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, ta, tb, m, n, k, 1.0f,
                    (FloatPointer) a.data().addressPointer(), lda,
                    (FloatPointer) b.data().addressPointer(), ldb, (float) beta,
                    (FloatPointer) c.data().addressPointer(), ldc);
        } else if (c.dataType() == DataType.DOUBLE) {
            openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasRowMajor, ta, tb, m, n, k, 1.0,
                    (DoublePointer) a.data().addressPointer(), lda,
                    (DoublePointer) b.data().addressPointer(), ldb, beta,
                    (DoublePointer) c.data().addressPointer(), ldc);
        } else {
            Nd4j.gemm(a, b, c, transposeA, transposeB, 1.0, beta);
        }
    }

    /** 2-D, 'c' order, unit column stride, and the row stride covers a row: a plain row-major matrix. */
    private static boolean rowMajor(INDArray x) {
        return x.rank() == 2 && x.ordering() == 'c' && x.stride(1) == 1 && x.stride(0) >= Math.max(1, x.size(1))
                && x.length() > 0;
    }

    private static int leadingDimension(INDArray x) {
        return Math.max(1, x.stride(0));
    }

    private static String shape(INDArray x, boolean transposed) {
        return transposed ? x.size(1) + "x" + x.size(0) : x.size(0) + "x" + x.size(1);
    }
}
