package io.lsh.lm.spectrum;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenBlasSelfCheckTest {

    @Test
    void theCheckMatrixIsOrthogonal() {
        int n = 24;
        double[] q = OpenBlasSelfCheck.orthogonal(n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int r = 0; r < n; r++) {
                    dot += q[r + i * n] * q[r + j * n];
                }
                assertEquals(i == j ? 1.0 : 0.0, dot, 1e-13, "columns " + i + ", " + j);
            }
        }
        int offDiagonal = 0;
        for (int i = 0; i < n * n; i++) {
            offDiagonal += i % (n + 1) != 0 && Math.abs(q[i]) > 1e-3 ? 1 : 0;
        }
        assertTrue(offDiagonal > n * n / 2, "a dense rotation, not nearly the identity: " + offDiagonal);
    }

    @Test
    void passesWithTheKernelTheTestsRunOn() {
        // the test JVMs pin the AVX2 kernels on AVX-512 CPUs (pom.xml profile openblas-avx2); with the bundled
        // OpenBLAS's own AVX-512 choice this reports the problem (checked by hand with OPENBLAS_CORETYPE=SkylakeX)
        assertFalse(OpenBlasSelfCheck.problem().isPresent(), () -> OpenBlasSelfCheck.problem().orElse(""));
        assertFalse(OpenBlasSelfCheck.coreName().isBlank());
    }
}
