package io.lsh.lm.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float exponentials on SIMD lanes through the JDK's Vector API ({@code jdk.incubator.vector}): {@link FastExp#expFloat}'s
 * arithmetic (Cephes' {@code expf}) lane by lane, about 1 ns per element here against 4-5 ns scalar. Not the API's
 * own {@code EXP}: that one is compiled to vector math routines whose last bits differ from its interpreted
 * fallback, so results would change when the JIT compiles the loop (runs must be bit-reproducible). Only loaded when
 * the JVM runs with {@code --add-modules jdk.incubator.vector} ({@code bin/lsh} and the test JVMs do);
 * {@link FastExp#expShiftedSum} falls back to scalar code otherwise, with the same results.
 */
final class VectorExp {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private VectorExp() {
    }

    /** {@link FastExp#expFloat} on every lane, the same operations in the same order. */
    static FloatVector exp(FloatVector x) {
        FloatVector y = x.max(FastExp.MIN_F).min(FastExp.MAX_F);
        FloatVector rounded = y.mul(FastExp.LOG2E_F).add(FastExp.ROUNDER);
        FloatVector fk = rounded.sub(FastExp.ROUNDER);
        FloatVector r = y.sub(fk.mul(FastExp.LN2_HI_F)).sub(fk.mul(FastExp.LN2_LO_F));
        FloatVector p = r.mul(FastExp.P0).add(FastExp.P1).mul(r).add(FastExp.P2).mul(r).add(FastExp.P3).mul(r)
                .add(FastExp.P4).mul(r).add(FastExp.P5);
        p = p.mul(r).mul(r).add(r).add(1.0f);
        FloatVector scale = rounded.reinterpretAsInts().sub(FastExp.ROUNDER_BITS - 127)
                .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(scale);
    }

    /** {@link FastExp#expShiftedSum} on vector lanes. */
    static double expShiftedSum(float[] a, int n, float shift) {
        double sum = 0;
        int i = 0;
        int bound = SPECIES.loopBound(n);
        for (; i < bound; i += SPECIES.length()) {
            FloatVector e = exp(FloatVector.fromArray(SPECIES, a, i).sub(shift));
            e.intoArray(a, i);
            for (int j = 0; j < SPECIES.length(); j++) { // in element order, as the scalar loop sums
                sum += a[i + j];
            }
        }
        for (; i < n; i++) {
            a[i] = FastExp.expFloat(a[i] - shift);
            sum += a[i];
        }
        return sum;
    }
}
