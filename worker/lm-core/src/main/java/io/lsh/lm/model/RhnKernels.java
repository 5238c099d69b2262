package io.lsh.lm.model;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The element-wise part of {@link RhnLanguageModel}'s forward and backward passes as fused Java loops over whole
 * 'c'-order arrays ({@link NumBuffer}; docs/dl4j-notes.md). Row arguments are row indices of the arrays; gate rows
 * have width 2H with column blocks {@code [H | T]}. {@code tanh(x) = 1 - 2 / (exp(2x) + 1)} and {@code exp} at the
 * buffer's precision, as in {@link FusedJavaKernels}. Stateless.
 */
final class RhnKernels {

    private RhnKernels() {
    }

    private static double sigmoid(NumBuffer precision, double x) {
        return 1.0 / (1.0 + precision.exp(-x));
    }

    private static double tanh(NumBuffer precision, double x) {
        return 1.0 - 2.0 / (precision.exp(2.0 * x) + 1.0);
    }

    /**
     * One micro-layer for B rows: {@code y = gates[gateRow + b] + bias (+ inputGates[inputRow + b])}, replaced in
     * {@code gates} by {@code [h | t] = [tanh(y_H) | sigmoid(y_T)]}; writes {@code s' = h t + s (1 - t)} with
     * {@code s = states[stateRow + b]} to {@code out[outRow + b]}.
     */
    static void microForward(NumBuffer gates, int gateRow, NumBuffer bias, NumBuffer inputGates, int inputRow,
                             NumBuffer states, int stateRow, NumBuffer out, int outRow, int batch, int hidden) {
        int width = 2 * hidden;
        for (int b = 0; b < batch; b++) {
            int g = (gateRow + b) * width;
            int in = (inputRow + b) * width;
            int s = (stateRow + b) * hidden;
            int o = (outRow + b) * hidden;
            for (int j = 0; j < hidden; j++) {
                double yh = gates.get(g + j) + bias.get(j);
                double yt = gates.get(g + hidden + j) + bias.get(hidden + j);
                if (inputGates != null) {
                    yh += inputGates.get(in + j);
                    yt += inputGates.get(in + hidden + j);
                }
                double h = tanh(gates, yh);
                double t = sigmoid(gates, yt);
                gates.set(g + j, h);
                gates.set(g + hidden + j, t);
                double sj = states.get(s + j);
                out.set(o + j, sj + t * (h - sj));
            }
        }
    }

    /**
     * Backward of {@link #microForward} for B rows: reads the gradient {@code carry} (B x H) of the micro-layer's
     * output, writes the pre-activation gradients {@code [dy_H | dy_T]} to {@code dGates[gateRow + b]} and replaces
     * {@code carry} by the gradient through the carry path, {@code carry (1 - t)} (the recurrent-product part is added
     * by the caller).
     */
    static void microBackward(NumBuffer gates, NumBuffer states, int row, NumBuffer carry, NumBuffer dGates,
                              int batch, int hidden) {
        int width = 2 * hidden;
        for (int b = 0; b < batch; b++) {
            int g = (row + b) * width;
            int s = (row + b) * hidden;
            int c = b * hidden;
            for (int j = 0; j < hidden; j++) {
                double h = gates.get(g + j);
                double t = gates.get(g + hidden + j);
                double dOut = carry.get(c + j);
                dGates.set(g + j, dOut * t * (1.0 - h * h));
                dGates.set(g + hidden + j, dOut * (h - states.get(s + j)) * t * (1.0 - t));
                carry.set(c + j, dOut * (1.0 - t));
            }
        }
    }

    /** {@code out[outRow + b, j] = in[inRow + b, j] * mask[b, j]} for B rows of width {@code mask.size(1)}. */
    static void maskRows(NumBuffer in, int inRow, NumBuffer mask, NumBuffer out, int outRow, int batch, int width) {
        for (int b = 0; b < batch; b++) {
            int i = (inRow + b) * width;
            int o = (outRow + b) * width;
            int m = b * width;
            for (int j = 0; j < width; j++) {
                out.set(o + j, in.get(i + j) * mask.get(m + j));
            }
        }
    }

    /**
     * Multiplies every row r of {@code x} ({@code rows} x width, row {@code r = t B + b}) by {@code rowScale[r]} (if not
     * null) and element-wise by {@code mask[b]} (if not null).
     */
    static void scaleRows(NumBuffer x, double[] rowScale, NumBuffer mask, int batch, int width) {
        int rows = x.length() / width;
        for (int r = 0; r < rows; r++) {
            double scale = rowScale == null ? 1.0 : rowScale[r];
            int base = r * width;
            int m = (r % batch) * width;
            for (int j = 0; j < width; j++) {
                double v = x.get(base + j) * scale;
                x.set(base + j, mask == null ? v : v * mask.get(m + j));
            }
        }
    }

    /** {@code carry[b] += rows[row + b]} for B rows. */
    static void addRows(NumBuffer carry, NumBuffer rows, int row, int batch, int width) {
        int offset = row * width;
        int n = batch * width;
        for (int i = 0; i < n; i++) {
            carry.add(i, rows.get(offset + i));
        }
    }

    /** {@code carry += product * mask} element-wise (all B x H). */
    static void addMasked(NumBuffer carry, NumBuffer product, NumBuffer mask) {
        int n = carry.length();
        for (int i = 0; i < n; i++) {
            carry.add(i, product.get(i) * mask.get(i));
        }
    }

    /** Inverted-dropout factors: 0 with probability p, else {@code 1 / (1 - p)}. */
    static void fillMask(NumBuffer mask, double p, SplittableRandom random) {
        double keep = 1.0 / (1.0 - p);
        for (int i = 0; i < mask.length(); i++) {
            mask.set(i, random.nextDouble() < p ? 0.0 : keep);
        }
    }

    /**
     * Word-type dropout factors for the rows {@code r = t B + b} of a window: one draw per row, but a word that occurs
     * again in the same sequence b takes the factor of its first occurrence (Zilly et al.'s drop_x).
     */
    static void fillWordMask(double[] rowScale, int[] ids, int batch, double p, SplittableRandom random) {
        double keep = 1.0 / (1.0 - p);
        for (int r = 0; r < rowScale.length; r++) {
            rowScale[r] = random.nextDouble() < p ? 0.0 : keep;
        }
        for (int b = 0; b < batch; b++) {
            Map<Integer, Double> first = new HashMap<>();
            for (int r = b; r < ids.length; r += batch) {
                Double earlier = first.putIfAbsent(ids[r], rowScale[r]);
                if (earlier != null) {
                    rowScale[r] = earlier;
                }
            }
        }
    }
}
