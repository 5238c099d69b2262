package io.lsh.lm.spectrum;

import org.bytedeco.javacpp.DoublePointer;

/**
 * A {@link DynamicalStep} that can write its Jacobian J_t (or J_t^T) straight into a native column-major buffer, so
 * the QR iteration of {@link QrLyapunovEstimator} (method.md section 4) needs no Java-side n x n copy, no transpose
 * and no bulk transfer per step. Used by the estimator's direct OpenBLAS path only.
 */
interface NativeJacobianStep extends DynamicalStep {

    /**
     * Advances the state by one step like {@link #advance(int, double[])} and writes J_t, or J_t^T if
     * {@code transposed}, into {@code target}: n x n, column-major with leading dimension n, starting at the pointer's
     * address (its position must be 0), every entry overwritten.
     */
    void advance(int input, DoublePointer target, boolean transposed);
}
