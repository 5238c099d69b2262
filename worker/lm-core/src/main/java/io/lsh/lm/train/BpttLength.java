package io.lsh.lm.train;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * How long the truncated-BPTT training windows are (method.md section 2).
 *
 * <ul>
 *   <li>{@link #FIXED}: every window has {@code bptt} steps (PyTorch {@code word_language_model}, settings A and B).
 *   <li>{@link #AWD}: AWD-LSTM's randomised length (Merity et al. 2018, {@code main.py}; AWD-LSTM-MoS, setting C):
 *       the base is {@code bptt} with probability 0.95, else {@code bptt / 2}; the length is
 *       {@code max(5, (int) N(base, 5))}, capped at {@code bptt + 40} ({@code max_seq_len_delta} of AWD-LSTM-MoS),
 *       and the window's learning rate is scaled by {@code length / bptt}. Consecutive windows follow each other
 *       ({@code i += seq_len}) while at least two steps remain ({@code i < len(train) - 2}).
 * </ul>
 */
public enum BpttLength {
    FIXED,
    AWD;

    /** AWD-LSTM: the shortest window. */
    public static final int MIN_LENGTH = 5;
    /** AWD-LSTM: standard deviation of the window length around its base. */
    public static final double LENGTH_STD = 5.0;
    /** AWD-LSTM: probability of halving the base length. */
    public static final double HALF_PROBABILITY = 0.05;
    /** AWD-LSTM-MoS {@code max_seq_len_delta}: the longest window is {@code bptt + 40}. */
    public static final int MAX_DELTA = 40;

    /**
     * The length of the next window. {@link #FIXED} draws nothing; {@link #AWD} draws one uniform and one Gaussian
     * number from {@code random}, in that order, as AWD-LSTM's {@code np.random.random()} and
     * {@code np.random.normal(bptt, 5)}.
     */
    public int nextLength(int bptt, RandomGenerator random) {
        if (this == FIXED) {
            return bptt;
        }
        double base = random.nextDouble() < 1 - HALF_PROBABILITY ? bptt : bptt / 2.0;
        int length = Math.max(MIN_LENGTH, (int) (base + LENGTH_STD * random.nextGaussian()));
        return Math.min(length, bptt + MAX_DELTA);
    }

    /** The setting's name in {@code lsh.training.bptt-jitter}: fixed | awd. */
    public String settingName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The value of a {@code lsh.training.bptt-jitter} setting.
     *
     * @throws IllegalArgumentException naming the value and the known ones
     */
    public static BpttLength fromSettingName(String name) {
        for (BpttLength b : values()) {
            if (b.settingName().equals(name)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown lsh.training.bptt-jitter '" + name + "' (known: fixed, awd)");
    }
}
