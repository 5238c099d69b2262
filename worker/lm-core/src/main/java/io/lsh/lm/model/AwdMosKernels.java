package io.lsh.lm.model;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The element-wise parts of {@link AwdMosLanguageModel} that the LSTM kernels ({@link LstmKernels}) do not cover:
 * embedding (word) dropout, locked dropout, the latent tanh, the AR/TAR penalties and the Mixture-of-Softmaxes
 * likelihood with its gradient. Fused Java loops over whole 'c'-order arrays ({@link NumBuffer}), time-major rows
 * ({@code row = t * B + b}); a locked-dropout mask is {@code B x width} and row n uses mask row {@code n % B}.
 * Stateless; results do not depend on the thread count.
 */
final class AwdMosKernels {

    /** Mixture work (rows x V) above which tokens are processed in parallel. */
    private static final long PARALLEL_ELEMENTS = 1L << 18;

    private AwdMosKernels() {
    }

    private static double tanh(NumBuffer precision, double x) {
        return 1.0 - 2.0 / (precision.exp(2.0 * x) + 1.0);
    }

    /** Fills {@code scale} with embedding-dropout factors per word: 0 with probability p, else {@code 1/(1-p)}. */
    static void fillWordScale(double[] scale, double p, SplittableRandom random) {
        double keep = 1.0 / (1.0 - p);
        for (int i = 0; i < scale.length; i++) {
            scale[i] = random.nextDouble() < p ? 0.0 : keep;
        }
    }

    /**
     * {@code out[n, :] = table[ids[n], :] * wordScale[ids[n]] * mask[n % B, :]}; {@code wordScale} and {@code mask}
     * may be null (factor 1).
     */
    static void embed(INDArray table, int[] ids, double[] wordScale, INDArray mask, int batch, INDArray out) {
        NumBuffer src = NumBuffer.of(table);
        NumBuffer dst = NumBuffer.of(out);
        NumBuffer m = mask == null ? null : NumBuffer.of(mask);
        int width = (int) out.size(1);
        int vocab = (int) table.size(0);
        for (int n = 0; n < ids.length; n++) {
            int id = ids[n];
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("token id " + id + " outside vocabulary of size " + vocab);
            }
            double word = wordScale == null ? 1.0 : wordScale[id];
            int s = id * width;
            int d = n * width;
            int mr = (n % batch) * width;
            for (int j = 0; j < width; j++) {
                double f = m == null ? word : word * m.get(mr + j);
                dst.set(d + j, src.get(s + j) * f);
            }
        }
    }

    /** {@code grad[ids[n], :] += rows[n, :] * wordScale[ids[n]]} in row order ({@code wordScale} may be null). */
    static void scatterAddRows(INDArray grad, int[] ids, double[] wordScale, INDArray rows) {
        NumBuffer gr = NumBuffer.of(grad);
        NumBuffer src = NumBuffer.of(rows);
        int width = (int) rows.size(1);
        for (int n = 0; n < ids.length; n++) {
            double word = wordScale == null ? 1.0 : wordScale[ids[n]];
            if (word == 0.0) {
                continue;
            }
            int d = ids[n] * width;
            int s = n * width;
            for (int j = 0; j < width; j++) {
                gr.add(d + j, src.get(s + j) * word);
            }
        }
    }

    /**
     * Locked dropout: {@code out[r, :] = in[r + inRowOffset, :] * mask[r % B, :]} for every row r of {@code out}
     * ({@code mask == null}: a copy; {@code out} may be {@code in} when the offset is 0).
     */
    static void multiplyLocked(INDArray in, int inRowOffset, INDArray mask, int batch, INDArray out) {
        NumBuffer a = NumBuffer.of(in);
        NumBuffer o = in == out ? a : NumBuffer.of(out);
        NumBuffer m = mask == null ? null : NumBuffer.of(mask);
        int width = (int) out.size(1);
        int rows = (int) out.size(0);
        int offset = inRowOffset * width;
        if (a.length() < offset + o.length() || (m != null && m.length() != batch * width)) {
            throw new IllegalArgumentException("multiplyLocked: shapes of in, mask and out do not match");
        }
        for (int r = 0; r < rows; r++) {
            int base = r * width;
            if (m == null) {
                for (int j = 0; j < width; j++) {
                    o.set(base + j, a.get(offset + base + j));
                }
            } else {
                int mr = (r % batch) * width;
                for (int j = 0; j < width; j++) {
                    o.set(base + j, a.get(offset + base + j) * m.get(mr + j));
                }
            }
        }
    }

    /** {@code out = a * b} element-wise (same shapes; {@code out} may be {@code a}). */
    static void multiply(INDArray a, INDArray b, INDArray out) {
        NumBuffer x = NumBuffer.of(a);
        NumBuffer y = NumBuffer.of(b);
        NumBuffer o = out == a ? x : NumBuffer.of(out);
        int n = o.length();
        if (x.length() != n || y.length() != n) {
            throw new IllegalArgumentException("multiply: shapes do not match");
        }
        for (int i = 0; i < n; i++) {
            o.set(i, x.get(i) * y.get(i));
        }
    }

    /** {@code pre[n, j] = tanh(pre[n, j] + bias[j])} in place. */
    static void biasTanh(INDArray pre, INDArray bias) {
        NumBuffer z = NumBuffer.of(pre);
        NumBuffer b = NumBuffer.of(bias);
        int width = (int) pre.size(1);
        int n = z.length();
        for (int i = 0; i < n; i++) {
            z.set(i, tanh(z, z.get(i) + b.get(i % width)));
        }
    }

    /**
     * Backward of {@code dropped = tanh(z) * mask[n % B]}: {@code grad[n, j] *= mask[n % B, j] * (1 - t[n, j]^2)} in
     * place, where {@code t = tanhValues} ({@code mask} may be null).
     */
    static void tanhBackward(INDArray grad, INDArray tanhValues, INDArray mask, int batch) {
        NumBuffer g = NumBuffer.of(grad);
        NumBuffer t = NumBuffer.of(tanhValues);
        NumBuffer m = mask == null ? null : NumBuffer.of(mask);
        int width = (int) grad.size(1);
        int rows = (int) grad.size(0);
        for (int r = 0; r < rows; r++) {
            int base = r * width;
            int mr = (r % batch) * width;
            for (int j = 0; j < width; j++) {
                double tv = t.get(base + j);
                double f = 1.0 - tv * tv;
                if (m != null) {
                    f *= m.get(mr + j);
                }
                g.set(base + j, g.get(base + j) * f);
            }
        }
    }

    /**
     * AR (activation regularisation, Merity et al. 2017): returns {@code alpha * mean(o^2)} over every entry of
     * {@code output} and, if {@code grad != null}, adds its gradient {@code 2 alpha o / size} to {@code grad}.
     */
    static double activationPenalty(INDArray output, double alpha, INDArray grad) {
        NumBuffer o = NumBuffer.of(output);
        NumBuffer g = grad == null ? null : NumBuffer.of(grad);
        int n = o.length();
        double sum = 0;
        double c = 2.0 * alpha / n;
        for (int i = 0; i < n; i++) {
            double x = o.get(i);
            sum += x * x;
            if (g != null) {
                g.add(i, c * x);
            }
        }
        return alpha * sum / n;
    }

    /**
     * TAR (temporal activation regularisation): with {@code h_t} in row block {@code t + 1} of {@code hidden}
     * ({@code (T+1)B x H}, block 0 = the carried-in state, not penalised), returns
     * {@code beta * mean over t = 1..T-1 of (h_t - h_{t-1})^2} (0 when T = 1) and, if {@code grad != null}, adds its
     * gradient to {@code grad} ({@code N x H}, row block t = step t).
     */
    static double temporalPenalty(INDArray hidden, int steps, int batch, double beta, INDArray grad) {
        if (steps < 2) {
            return 0.0;
        }
        NumBuffer h = NumBuffer.of(hidden);
        NumBuffer g = grad == null ? null : NumBuffer.of(grad);
        int width = (int) hidden.size(1);
        int block = batch * width;
        long count = (long) (steps - 1) * block;
        double c = 2.0 * beta / count;
        double sum = 0;
        for (int t = 1; t < steps; t++) {
            int cur = (t + 1) * block;
            int prev = t * block;
            for (int i = 0; i < block; i++) {
                double d = h.get(cur + i) - h.get(prev + i);
                sum += d * d;
                if (g != null) {
                    g.add(t * block + i, c * d);
                    g.add((t - 1) * block + i, -c * d);
                }
            }
        }
        return beta * sum / count;
    }

    /**
     * The Mixture-of-Softmaxes negative log-likelihood of {@code tokens} consecutive tokens starting at token
     * {@code firstToken} (Yang et al. 2018): {@code p(y) = sum_k pi_k softmax(l_k)_y} with {@code pi = softmax(prior
     * logits)} and {@code l_k} the logits of expert k, computed as {@code log p(y) = logsumexp_k(log pi_k +
     * l_{k,y} - logsumexp(l_k))} (no overflow, no log of 0).
     *
     * @param logits        whole array whose rows {@code [m K + k]} for m &lt; tokens hold {@code l_k} of token
     *                      {@code firstToken + m} without the bias (more rows may follow)
     * @param bias          decoder bias, 1 x V (added in place to the logits)
     * @param priorLogits   N x K, whole
     * @param targets       target ids, indexed by global token
     * @param gradientScale if not 0, the logits are overwritten with {@code scale * dLoss/dl} ({@code r_k
     *                      (softmax(l_k) - onehot(y))}, r_k the posterior of expert k) and {@code dPrior} rows with
     *                      {@code scale (pi - r)}
     * @param dPrior        N x K, whole (written only for the chunk's tokens), or null without gradient
     * @param tokenLoss     receives the per-token loss, indexed by global token
     */
    static void mixture(INDArray logits, int tokens, int firstToken, INDArray bias, INDArray priorLogits,
                        int[] targets, double gradientScale, INDArray dPrior, double[] tokenLoss) {
        NumBuffer z = NumBuffer.of(logits);
        NumBuffer b = NumBuffer.of(bias);
        NumBuffer prior = NumBuffer.of(priorLogits);
        NumBuffer dp = dPrior == null ? null : NumBuffer.of(dPrior);
        int experts = (int) priorLogits.size(1);
        int v = (int) bias.length();
        if ((long) tokens * experts * v > z.length()) {
            throw new IllegalArgumentException("mixture: logits buffer too small");
        }
        if ((long) tokens * experts * v >= PARALLEL_ELEMENTS && tokens > 1) {
            int chunks = Math.min(tokens, 4 * Runtime.getRuntime().availableProcessors());
            IntStream.range(0, chunks).parallel().forEach(c -> mixtureTokens(z, b, prior, dp, targets,
                    gradientScale, tokenLoss, experts, v, firstToken, (int) ((long) tokens * c / chunks),
                    (int) ((long) tokens * (c + 1) / chunks)));
        } else {
            mixtureTokens(z, b, prior, dp, targets, gradientScale, tokenLoss, experts, v, firstToken, 0, tokens);
        }
    }

    private static void mixtureTokens(NumBuffer z, NumBuffer b, NumBuffer prior, NumBuffer dp, int[] targets,
                                      double scale, double[] tokenLoss, int experts, int v, int firstToken,
                                      int from, int to) {
        boolean gradient = scale != 0.0;
        double[] a = new double[experts];
        double[] sums = new double[experts];
        for (int m = from; m < to; m++) {
            int n = firstToken + m;
            int target = targets[n];
            if (target < 0 || target >= v) {
                throw new IllegalArgumentException("target id " + target + " outside vocabulary of size " + v);
            }
            double priorLse = logSumExp(prior, n * experts, experts);
            for (int k = 0; k < experts; k++) {
                int base = (m * experts + k) * v;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < v; j++) {
                    double x = z.get(base + j) + b.get(j);
                    z.set(base + j, x);
                    if (x > max) {
                        max = x;
                    }
                }
                double targetLogit = z.get(base + target);
                double sum = 0;
                if (gradient) {
                    for (int j = 0; j < v; j++) {
                        double e = z.exp(z.get(base + j) - max);
                        z.set(base + j, e);
                        sum += e;
                    }
                } else {
                    for (int j = 0; j < v; j++) {
                        sum += z.exp(z.get(base + j) - max);
                    }
                }
                sums[k] = sum;
                a[k] = prior.get(n * experts + k) - priorLse + targetLogit - max - Math.log(sum);
            }
            double logP = logSumExp(a);
            tokenLoss[n] = -logP;
            if (gradient) {
                for (int k = 0; k < experts; k++) {
                    double r = Math.exp(a[k] - logP);
                    double pi = Math.exp(prior.get(n * experts + k) - priorLse);
                    dp.set(n * experts + k, scale * (pi - r));
                    int base = (m * experts + k) * v;
                    double f = scale * r / sums[k];
                    for (int j = 0; j < v; j++) {
                        z.set(base + j, z.get(base + j) * f);
                    }
                    z.add(base + target, -scale * r);
                }
            }
        }
    }

    /**
     * The mixture distribution {@code p = sum_k pi_k softmax(l_k + bias)} of {@code tokens} tokens into
     * {@code out[firstToken + m]} (double precision throughout; for inspection and tests, not the training path).
     */
    static void mixtureProbabilities(INDArray logits, int tokens, int firstToken, INDArray bias,
                                     INDArray priorLogits, double[][] out) {
        NumBuffer z = NumBuffer.of(logits);
        NumBuffer b = NumBuffer.of(bias);
        NumBuffer prior = NumBuffer.of(priorLogits);
        int experts = (int) priorLogits.size(1);
        int v = (int) bias.length();
        for (int m = 0; m < tokens; m++) {
            int n = firstToken + m;
            double[] p = new double[v];
            double priorLse = logSumExp(prior, n * experts, experts);
            for (int k = 0; k < experts; k++) {
                int base = (m * experts + k) * v;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < v; j++) {
                    max = Math.max(max, z.get(base + j) + b.get(j));
                }
                double sum = 0;
                for (int j = 0; j < v; j++) {
                    sum += Math.exp(z.get(base + j) + b.get(j) - max);
                }
                double pi = Math.exp(prior.get(n * experts + k) - priorLse);
                for (int j = 0; j < v; j++) {
                    p[j] += pi * Math.exp(z.get(base + j) + b.get(j) - max) / sum;
                }
            }
            out[n] = p;
        }
    }

    private static double logSumExp(NumBuffer x, int offset, int length) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < length; i++) {
            max = Math.max(max, x.get(offset + i));
        }
        double sum = 0;
        for (int i = 0; i < length; i++) {
            sum += Math.exp(x.get(offset + i) - max);
        }
        return max + Math.log(sum);
    }

    private static double logSumExp(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : x) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }
}
