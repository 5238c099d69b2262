package io.lsh.lm.model;

import java.util.Locale;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Which implementation computes the element-wise part of the LSTM language model's passes (the LSTM cell, dropout,
 * embedding gather/scatter and the softmax cross-entropy; method.md section 2). Both give the same numbers up to
 * rounding; the matrix products go through {@link Gemm} either way. Setting {@code lsh.training.kernels}.
 */
public enum LstmKernelBackend {
    /** Fused Java loops on the CPU backend, ND4J ops on any other (CUDA). */
    AUTO,
    /** {@link FusedJavaKernels}: fused loops over the arrays' host buffers (fastest on the CPU backend). */
    FUSED_JAVA,
    /** {@link Nd4jOpsLstmKernels}: ND4J ops only, so it runs on any ND4J backend. */
    ND4J_OPS;

    /** The setting's value: auto | fused-java | nd4j-ops. */
    public String settingName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The back end of a {@code lsh.training.kernels} value.
     *
     * @throws IllegalArgumentException naming the value and the known ones
     */
    public static LstmKernelBackend fromSettingName(String name) {
        for (LstmKernelBackend b : values()) {
            if (b.settingName().equals(name)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown lsh.training.kernels '" + name
                + "' (known: auto, fused-java, nd4j-ops)");
    }

    /** {@link #AUTO} resolved for the loaded ND4J backend; the others as they are. */
    public LstmKernelBackend resolve() {
        if (this != AUTO) {
            return this;
        }
        return Nd4j.getEnvironment().isCPU() ? FUSED_JAVA : ND4J_OPS;
    }

    /** A kernel implementation of the resolved back end. */
    LstmKernels create() {
        return resolve() == FUSED_JAVA ? new FusedJavaKernels() : new Nd4jOpsLstmKernels();
    }
}
