package io.lsh.lm.spectrum;

/**
 * One time step of a discrete dynamical system driven by inputs, {@code s_t = F(s_{t-1}, x_t)}, together with its
 * Jacobian {@code J_t = dF/ds_{t-1}} at the step (method.md section 4). Implementations hold the state and are not
 * thread-safe.
 */
public interface DynamicalStep {

    /** Dimension n of the state. */
    int stateSize();

    /** Puts the system in its initial state (zero for the RNNs). */
    void reset();

    /**
     * Advances the state by one step with input {@code input} (a token id; autonomous maps ignore it) and writes the
     * Jacobian of the step, evaluated at the previous state and this input, into {@code jacobian}: n x n,
     * column-major ({@code J[row, col]} at {@code row + col * n}), every entry overwritten, double precision.
     */
    void advance(int input, double[] jacobian);
}
