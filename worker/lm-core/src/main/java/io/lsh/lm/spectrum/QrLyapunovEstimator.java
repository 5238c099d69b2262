package io.lsh.lm.spectrum;

import java.nio.DoubleBuffer;
import java.util.Arrays;
import java.util.Objects;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.blas.Lapack;
import org.nd4j.linalg.api.blas.impl.BaseLapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The QR (Benettin) iteration that estimates the k leading Lyapunov exponents of a {@link DynamicalStep} (method.md
 * section 4; Zheng &amp; Shlizerman 2025, "Hyperpruning", arXiv 2506.07975):
 * <pre>
 * Q = first k columns of the identity
 * warm-up, for each warm-up input: advance; Q = qr(J_t Q).Q                       (nothing accumulated)
 * measure, for t = 1..T:            advance; Q, R = qr(J_t Q); signs fixed so diag(R) &gt; 0; acc += log diag(R)
 * exponents = acc / T   (natural log per step, in QR order)
 * </pre>
 * The authors' warm-up multiplies by J_t W times and orthonormalises once at the end; orthonormalising after every
 * warm-up step gives the same Q in exact arithmetic (the Q factor of a product equals that of the repeated QR) and
 * cannot overflow or lose the trailing directions in floating point.
 *
 * <p>All matrices are DOUBLE, column-major. On the CPU backend ("direct" path) the estimator calls OpenBLAS's
 * LAPACK through JavaCPP on native buffers it allocates once (workspace sizes fixed at construction, no per-step
 * query). For k &gt;= n/3, Z (n x k) is factored in place by {@code dgeqrt} (blocked Householder QR with block size
 * 64, 128 for k &gt;= 1000, keeping the compact-WY T factors), diag(R) is read off its diagonal, and Q is never
 * formed: the next product {@code Z = J Q = J H_1 ... H_k} is applied to J with {@code dgemqrt}, reusing the T
 * factors (about 2 n^2 k flops; 1.4-1.7x faster than {@code dormqr} in the measured runs, which recomputes T with
 * {@code dlarft} and works in blocks of 32; docs/benchmarks.md). For small k, Z is factored by {@code dgeqrf}, Q
 * formed with {@code dorgqr} and Z = J Q is one {@code dgemm}. A system that implements {@link NativeJacobianStep}
 * (the stacked LSTM) writes J, or J^T for the authors' LSTM quirk, straight into the native buffer block by block;
 * others fill a Java array that is copied (and transposed if needed). Q's column signs are not fixed: flipping
 * the sign of a column of Z flips that row of R and leaves the Householder vectors, hence every later |R_ii|,
 * bit-identical, so log|R_ii| is what a sign-fixed iteration gives.
 * Other backends fall back to ND4J: {@code Nd4j.gemm} and {@code BaseLapack.dgeqrf(m, n, A, null, info)} (geqrf +
 * orgqr, diag(R) recovered as {@code q_i . z_i}) or {@code Lapack.geqrf(A, R)}. {@code Nd4j.linalg().qr} is not used
 * (about 1000x slower).
 *
 * <p>Cost per step for n = k: one QR (4/3 n^3) plus one application of Q to J (2 n^3); see docs/benchmarks.md for
 * times. Exponents are -Infinity if the tangent map is exactly singular on the tracked subspace.
 *
 * <p>An instance owns its work buffers (sized for one state dimension and k; the native ones are freed when the
 * instance is garbage-collected) and is reused across sequences; it is not thread-safe. Data moves between Java
 * arrays and the native buffers in bulk, so it assumes host memory (the CPU backend).
 */
public final class QrLyapunovEstimator {

    private final int n;
    private final int k;
    /** J as a Java array, allocated on first use (not needed for a {@link NativeJacobianStep} on the direct path). */
    private double[] jacobianData;
    /** The direct LAPACK path, or null when it is unavailable (then the ND4J fields below are used). */
    private final Direct direct;
    private final double[] zBeforeQr;
    private final double[] qAfterQr;
    private final INDArray jacobian;
    private final DoubleBuffer jacobianBuffer;
    private INDArray q;
    private DoubleBuffer qBuffer;
    private INDArray z;
    private DoubleBuffer zBuffer;
    private final BaseLapack fastLapack;
    private final Lapack lapack;
    private final INDArray r;

    /**
     * @param stateSize n, the dimension of the system's state
     * @param exponents k in [1, n], the number of exponents to estimate
     */
    public QrLyapunovEstimator(int stateSize, int exponents) {
        if (stateSize < 1) {
            throw new IllegalArgumentException("stateSize must be >= 1, got " + stateSize);
        }
        if (exponents < 1 || exponents > stateSize) {
            throw new IllegalArgumentException("exponents (k) must be in [1, stateSize=" + stateSize + "], got "
                    + exponents);
        }
        this.n = stateSize;
        this.k = exponents;
        this.direct = Direct.AVAILABLE ? new Direct(n, k) : null;
        if (direct != null) {
            this.zBeforeQr = null;
            this.qAfterQr = null;
            this.jacobian = null;
            this.jacobianBuffer = null;
            this.lapack = null;
            this.fastLapack = null;
            this.r = null;
            return;
        }
        this.zBeforeQr = new double[n * k];
        this.qAfterQr = new double[n * k];
        this.jacobian = Nd4j.create(DataType.DOUBLE, new long[] {n, n}, 'f');
        this.jacobianBuffer = jacobian.data().asNioDouble();
        this.q = Nd4j.create(DataType.DOUBLE, new long[] {n, k}, 'f');
        this.qBuffer = q.data().asNioDouble();
        this.z = Nd4j.create(DataType.DOUBLE, new long[] {n, k}, 'f');
        this.zBuffer = z.data().asNioDouble();
        this.lapack = Nd4j.getBlasWrapper().lapack();
        this.fastLapack = fastPathWorks(lapack) ? (BaseLapack) lapack : null;
        this.r = fastLapack == null ? Nd4j.create(DataType.DOUBLE, new long[] {k, k}, 'f') : null;
    }

    /** n. */
    public int stateSize() {
        return n;
    }

    /** k. */
    public int exponents() {
        return k;
    }

    /**
     * Resets {@code system}, runs the warm-up and measurement inputs through it and returns the k exponents in
     * natural log per step, in QR order.
     *
     * @param system        the dynamical system; its state size must be n
     * @param warmupInputs  inputs of the warm-up steps (may be empty)
     * @param measureInputs inputs of the T measured steps (not empty)
     * @param transposed    multiply by J_t transposed (the authors' LSTM quirk) instead of J_t
     */
    public double[] estimate(DynamicalStep system, int[] warmupInputs, int[] measureInputs, boolean transposed) {
        Objects.requireNonNull(system, "system");
        if (system.stateSize() != n) {
            throw new IllegalArgumentException("system state size " + system.stateSize() + " differs from the "
                    + "estimator's " + n);
        }
        if (measureInputs.length == 0) {
            throw new IllegalArgumentException("need at least one measured step");
        }
        system.reset();
        double[] sumLog = new double[k];
        if (direct != null) {
            direct.start();
            NativeJacobianStep writesNative = system instanceof NativeJacobianStep s ? s : null;
            for (int input : warmupInputs) {
                directStep(system, writesNative, input, transposed, null);
            }
            for (int input : measureInputs) {
                directStep(system, writesNative, input, transposed, sumLog);
            }
        } else {
            Arrays.fill(qAfterQr, 0.0);
            for (int i = 0; i < k; i++) {
                qAfterQr[i + i * n] = 1.0;
            }
            qBuffer.put(0, qAfterQr);
            for (int input : warmupInputs) {
                multiply(system, input, transposed);
                orthonormalise(null);
            }
            for (int input : measureInputs) {
                multiply(system, input, transposed);
                orthonormalise(sumLog);
            }
        }
        for (int i = 0; i < k; i++) {
            sumLog[i] /= measureInputs.length;
        }
        return sumLog;
    }

    /** One step of the direct path, with J written natively by the system when it can. */
    private void directStep(DynamicalStep system, NativeJacobianStep writesNative, int input, boolean transposed,
                            double[] sumLog) {
        if (writesNative != null) {
            direct.stepNative(writesNative, input, transposed, sumLog);
        } else {
            system.advance(input, jacobianData());
            direct.step(jacobianData, transposed, sumLog);
        }
    }

    private double[] jacobianData() {
        if (jacobianData == null) {
            jacobianData = new double[n * n];
        }
        return jacobianData;
    }

    /** Advances the system and sets z = J q (or J^T q). ND4J fallback. */
    private void multiply(DynamicalStep system, int input, boolean transposed) {
        system.advance(input, jacobianData());
        jacobianBuffer.put(0, jacobianData);
        Nd4j.gemm(jacobian, q, z, transposed, false, 1.0, 0.0);
    }

    /**
     * Replaces z by the Q of its QR with diag(R) > 0, adds log diag(R) to sumLog if given, and swaps it into q. ND4J
     * fallback.
     */
    private void orthonormalise(double[] sumLog) {
        zBuffer.get(0, zBeforeQr);
        if (fastLapack != null) {
            fastLapack.dgeqrf(n, k, z, null, null);
        } else {
            lapack.geqrf(z, r);
        }
        zBuffer.get(0, qAfterQr);
        for (int i = 0; i < k; i++) {
            int col = i * n;
            double rii;
            if (fastLapack != null) {
                rii = 0.0;
                for (int m = 0; m < n; m++) {
                    rii += qAfterQr[col + m] * zBeforeQr[col + m];
                }
            } else {
                rii = r.getDouble(i, i);
            }
            if (rii < 0) {
                for (int m = 0; m < n; m++) {
                    qAfterQr[col + m] = -qAfterQr[col + m];
                }
                rii = -rii;
            }
            if (sumLog != null) {
                sumLog[i] += Math.log(rii);
            }
        }
        zBuffer.put(0, qAfterQr);
        INDArray t = q;
        q = z;
        z = t;
        DoubleBuffer tb = qBuffer;
        qBuffer = zBuffer;
        zBuffer = tb;
    }

    /**
     * The direct path: OpenBLAS's LAPACK and CBLAS through JavaCPP on native buffers allocated once (see the class
     * comment). Q is kept as the Householder reflectors of the last dgeqrt (plus their T factors), never as a matrix,
     * when {@code applyReflectors}.
     */
    private static final class Direct {

        private static final int COL_MAJOR = openblas.LAPACK_COL_MAJOR;
        static final boolean AVAILABLE = selfTest();

        private final int n;
        private final int k;
        /** Apply Q to J with dgemqrt (k >= n/3); otherwise form Q with dorgqr and multiply with dgemm. */
        private final boolean applyReflectors;
        /** applyReflectors: n x n, reflectors of the current Q in the first k columns. Else: Q, n x k. */
        private DoublePointer current;
        /** applyReflectors: n x n, J (or J^T), then J Q in the first k columns. Else: Z, n x k. */
        private DoublePointer next;
        private DoubleBuffer currentView;
        private DoubleBuffer nextView;
        /** J, n x n (only without applyReflectors). */
        private final DoublePointer jacobian;
        private final DoubleBuffer jacobianView;
        private final DoublePointer tau;
        private final DoublePointer work;
        private final int lwork;
        /** applyReflectors: the block size of dgeqrt / dgemqrt (the compact WY blocks). */
        private final int blockSize;
        /** applyReflectors: T factors (blockSize x k) of the reflectors in current / being written into next. */
        private DoublePointer currentT;
        private DoublePointer nextT;
        /** Scratch for J^T (applyReflectors with transposed) and for the identity start. */
        private double[] staging;
        /** Whether Q is still the first k columns of the identity. */
        private boolean identity;

        Direct(int n, int k) {
            this.n = n;
            this.k = k;
            this.applyReflectors = 3L * k >= n;
            long size = applyReflectors ? (long) n * n : (long) n * k;
            this.current = new DoublePointer(size);
            this.next = new DoublePointer(size);
            this.currentView = current.asBuffer();
            this.nextView = next.asBuffer();
            this.jacobian = applyReflectors ? null : new DoublePointer((long) n * n);
            this.jacobianView = jacobian == null ? null : jacobian.asBuffer();
            this.tau = applyReflectors ? null : new DoublePointer(k);
            this.blockSize = applyReflectors ? Math.min(k, k >= 1000 ? 128 : 64) : 0;
            if (applyReflectors) {
                // dgeqrt needs blockSize x k, dgemqrt (side R) n x blockSize: no query needed
                this.lwork = Math.max(blockSize * k, n * blockSize);
                this.currentT = new DoublePointer((long) blockSize * k);
                this.nextT = new DoublePointer((long) blockSize * k);
            } else {
                DoublePointer query = new DoublePointer(1);
                int best = Math.max(1, n);
                check(openblas.LAPACKE_dgeqrf_work(COL_MAJOR, n, k, next, n, tau, query, -1), "dgeqrf query");
                best = Math.max(best, (int) query.get(0));
                check(openblas.LAPACKE_dorgqr_work(COL_MAJOR, n, k, k, next, n, tau, query, -1), "dorgqr query");
                best = Math.max(best, (int) query.get(0));
                query.close();
                this.lwork = best;
            }
            this.work = new DoublePointer(lwork);
        }

        /** Q = the first k columns of the identity. */
        void start() {
            identity = true;
        }

        /**
         * One step with J written by the system straight into a native buffer: with reflectors, J (or J^T) goes into
         * the next buffer and Q is applied in place; otherwise J goes into the J buffer and Z = J Q (J^T Q) is one
         * gemm (from an explicit identity on the first step).
         */
        void stepNative(NativeJacobianStep system, int input, boolean transposed, double[] sumLog) {
            if (applyReflectors) {
                system.advance(input, next, transposed);
                // identity: J I[:, :k] is the first k columns, already in place
                if (!identity) {
                    applyCurrentQ();
                }
            } else {
                system.advance(input, jacobian, false);
                if (identity) {
                    double[] column = new double[n];
                    for (int c = 0; c < k; c++) {
                        column[c] = 1.0;
                        currentView.put(c * n, column);
                        column[c] = 0.0;
                    }
                }
                openblas.cblas_dgemm(openblas.CblasColMajor, transposed ? openblas.CblasTrans
                        : openblas.CblasNoTrans, openblas.CblasNoTrans, n, k, n, 1.0, jacobian, n, current, n,
                        0.0, next, n);
            }
            factor(sumLog);
        }

        /** One step: Z = J Q (or J^T Q), its QR, log|R_ii| added to sumLog if given. */
        void step(double[] jac, boolean transposed, double[] sumLog) {
            if (applyReflectors) {
                double[] source = jac;
                if (transposed) {
                    if (staging == null) { // only for systems without a native Jacobian
                        staging = new double[n * n];
                    }
                    transpose(jac, staging, n);
                    source = staging;
                }
                // identity: J I[:, :k] is the first k columns, already in place
                nextView.put(0, source, 0, identity ? n * k : n * n);
                if (!identity) {
                    applyCurrentQ();
                }
            } else {
                if (identity) {
                    if (transposed) {
                        for (int c = 0; c < k; c++) { // column c of J^T = row c of J
                            for (int row = 0; row < n; row++) {
                                nextView.put(row + c * n, jac[c + row * n]);
                            }
                        }
                    } else {
                        nextView.put(0, jac, 0, n * k);
                    }
                } else {
                    jacobianView.put(0, jac, 0, n * n);
                    openblas.cblas_dgemm(openblas.CblasColMajor, transposed ? openblas.CblasTrans
                            : openblas.CblasNoTrans, openblas.CblasNoTrans, n, k, n, 1.0, jacobian, n, current, n,
                            0.0, next, n);
                }
            }
            factor(sumLog);
        }

        /**
         * Factors Z (in next) with dgeqrt (reflectors kept) or dgeqrf, adds log|R_ii| to sumLog if given, forms Q if
         * needed, swaps buffers.
         */
        private void factor(double[] sumLog) {
            if (applyReflectors) {
                check(openblas.LAPACKE_dgeqrt_work(COL_MAJOR, n, k, blockSize, next, n, nextT, blockSize, work),
                        "dgeqrt");
            } else {
                check(openblas.LAPACKE_dgeqrf_work(COL_MAJOR, n, k, next, n, tau, work, lwork), "dgeqrf");
            }
            if (sumLog != null) {
                for (int i = 0; i < k; i++) {
                    sumLog[i] += Math.log(Math.abs(nextView.get(i + i * n)));
                }
            }
            if (!applyReflectors) {
                check(openblas.LAPACKE_dorgqr_work(COL_MAJOR, n, k, k, next, n, tau, work, lwork), "dorgqr");
            }
            DoublePointer t = current;
            current = next;
            next = t;
            t = currentT;
            currentT = nextT;
            nextT = t;
            DoubleBuffer tv = currentView;
            currentView = nextView;
            nextView = tv;
            identity = false;
        }

        /** next = next Q, Q the k reflectors in current with their T factors (compact WY, dgemqrt). */
        private void applyCurrentQ() {
            check(openblas.LAPACKE_dgemqrt_work(COL_MAJOR, (byte) 'R', (byte) 'N', n, n, k, blockSize, current, n,
                    currentT, blockSize, next, n, work), "dgemqrt");
        }

        /** out (column-major n x n) = in^T, in cache-sized tiles. */
        private static void transpose(double[] in, double[] out, int n) {
            final int tile = 32;
            for (int c0 = 0; c0 < n; c0 += tile) {
                int c1 = Math.min(n, c0 + tile);
                for (int r0 = 0; r0 < n; r0 += tile) {
                    int r1 = Math.min(n, r0 + tile);
                    for (int c = c0; c < c1; c++) {
                        int inCol = c * n;
                        for (int row = r0; row < r1; row++) {
                            out[c + row * n] = in[row + inCol];
                        }
                    }
                }
            }
        }

        private static void check(int info, String what) {
            if (info != 0) {
                throw new IllegalStateException("LAPACK " + what + " failed with info " + info);
            }
        }

        /** Whether OpenBLAS's LAPACK is reachable through JavaCPP and dgeqrf gives R of a known 3 x 2 example. */
        private static boolean selfTest() {
            try {
                Nd4j.getBlasWrapper(); // ND4J's CPU backend loads the same OpenBLAS
                try (DoublePointer a = new DoublePointer(3, 4, 0, 1, 2, 2); DoublePointer t = new DoublePointer(2);
                     DoublePointer w = new DoublePointer(64)) {
                    int info = openblas.LAPACKE_dgeqrf_work(COL_MAJOR, 3, 2, a, 3, t, w, 64);
                    double r00 = Math.abs(a.get(0));
                    double r01 = Math.abs(a.get(3));
                    double r11 = Math.abs(a.get(4));
                    return info == 0 && Math.abs(r00 - 5) < 1e-12 && Math.abs(r01 - 2.2) < 1e-12
                            && Math.abs(r11 - Math.sqrt(9 - 2.2 * 2.2)) < 1e-12;
                }
            } catch (RuntimeException | LinkageError e) {
                return false;
            }
        }
    }

    /**
     * Whether {@code BaseLapack.dgeqrf(m, n, A, null, info)} leaves the Q factor in A (true for ND4J's CpuLapack,
     * which runs LAPACKE dgeqrf then dorgqr), checked on a 3 x 2 example so a backend that behaves differently falls
     * back to {@code geqrf(A, R)}.
     */
    private static boolean fastPathWorks(Lapack lapack) {
        if (!(lapack instanceof BaseLapack base)) {
            return false;
        }
        try {
            INDArray a = Nd4j.create(DataType.DOUBLE, new long[] {3, 2}, 'f');
            double[] values = {3, 4, 0, 1, 2, 2}; // columns (3,4,0) and (1,2,2)
            a.data().asNioDouble().put(0, values);
            base.dgeqrf(3, 2, a, null, null);
            double[] qv = new double[6];
            a.data().asNioDouble().get(0, qv);
            double r00 = qv[0] * 3 + qv[1] * 4;
            double r11 = qv[3] * 1 + qv[4] * 2 + qv[5] * 2;
            double r01 = qv[0] * 1 + qv[1] * 2 + qv[2] * 2;
            double offDiag = qv[3] * 3 + qv[4] * 4 + qv[5] * 0; // must be 0: R lower part
            double norm0 = qv[0] * qv[0] + qv[1] * qv[1] + qv[2] * qv[2];
            double dot01 = qv[0] * qv[3] + qv[1] * qv[4] + qv[2] * qv[5];
            // |r00| = 5, r01 = 11/5 * sign, |r11| = sqrt(9 - (11/5)^2)
            return Math.abs(Math.abs(r00) - 5) < 1e-12 && Math.abs(norm0 - 1) < 1e-12 && Math.abs(dot01) < 1e-12
                    && Math.abs(offDiag) < 1e-12 && Math.abs(Math.abs(r01) - 2.2) < 1e-12
                    && Math.abs(Math.abs(r11) - Math.sqrt(9 - 2.2 * 2.2)) < 1e-12;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Whether a fast LAPACK path (direct, or ND4J's geqrf + orgqr without the R copy) is in use; for tests. */
    boolean usesFastLapackPath() {
        return direct != null || fastLapack != null;
    }

    /** Whether the direct OpenBLAS path is in use; for tests. */
    boolean usesDirectPath() {
        return direct != null;
    }
}
