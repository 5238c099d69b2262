package io.lsh.lm.train;

import io.lsh.lm.data.BatchedStream;
import io.lsh.lm.data.BpttWindow;
import io.lsh.lm.model.LanguageModel;
import io.lsh.lm.model.Parameter;
import io.lsh.lm.model.RecurrentState;
import java.util.List;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plain SGD over truncated-BPTT windows (method.md section 2). Per window:
 * <ol>
 *   <li>forward + backward in training mode ({@link LanguageModel#forwardBackward}); a NaN/infinite loss throws
 *       {@link TrainingDivergedException};</li>
 *   <li>{@link TrainingHooks#afterBackward};</li>
 *   <li>global-norm clipping over all parameters together: if the L2 norm {@code n} of all gradients exceeds the
 *       limit, every gradient is scaled by {@code limit / (n + 1e-6)} (PyTorch {@code clip_grad_norm_});</li>
 *   <li>weight decay {@code g += weightDecay * w} on every parameter;</li>
 *   <li>update {@code w -= learningRate * g};</li>
 *   <li>{@link TrainingHooks#afterUpdate}.</li>
 * </ol>
 * Deterministic: with the same model seed, data and settings, the losses are bitwise identical on the CPU.
 * Stateless apart from its settings, so one instance may train many models (one at a time per thread).
 */
public final class SgdTrainer implements Trainer {

    private static final Logger LOG = LoggerFactory.getLogger(SgdTrainer.class);

    private final SgdSettings settings;

    public SgdTrainer(SgdSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** The settings. */
    public SgdSettings settings() {
        return settings;
    }

    @Override
    public EpochStats trainEpoch(LanguageModel model, BatchedStream train, int epoch, TrainingHooks hooks) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(train, "train");
        TrainingHooks h = hooks == null ? TrainingHooks.NONE : hooks;
        int windows = train.windowCount(settings.bptt());
        if (settings.maxWindowsPerEpoch() > 0) {
            windows = Math.min(windows, settings.maxWindowsPerEpoch());
        }
        RecurrentState state = model.initialState(train.batchSize());
        List<Parameter> parameters = model.parameters();
        long start = System.nanoTime();
        double lossSum = 0;
        long tokens = 0;
        for (int step = 0; step < windows; step++) {
            BpttWindow window = train.window(step, settings.bptt());
            double loss = model.forwardBackward(window, state);
            if (!Double.isFinite(loss)) {
                throw new TrainingDivergedException(epoch, step, loss);
            }
            h.afterBackward(model);
            update(parameters);
            h.afterUpdate(model);
            lossSum += loss * window.tokenCount();
            tokens += window.tokenCount();
            if (LOG.isDebugEnabled() && (step + 1) % 200 == 0) {
                LOG.debug("epoch {} step {}/{}: loss {}", epoch, step + 1, windows, lossSum / tokens);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double meanLoss = lossSum / tokens;
        return new EpochStats(epoch, meanLoss, Math.exp(meanLoss), tokens, seconds, tokens / seconds);
    }

    /** Clipping, weight decay and the SGD step, in that order. */
    private void update(List<Parameter> parameters) {
        clipGradients(parameters, settings.gradientClipNorm());
        sgdStep(parameters, settings.learningRate(), settings.weightDecay());
    }

    /**
     * Global-norm clipping as PyTorch's {@code clip_grad_norm_}: if the L2 norm {@code n} of all gradients exceeds
     * {@code limit}, every gradient is scaled by {@code limit / (n + 1e-6)}; {@code limit = 0} disables it.
     */
    static void clipGradients(List<Parameter> parameters, double limit) {
        if (limit > 0) {
            double norm = globalGradientNorm(parameters);
            if (norm > limit) {
                double scale = limit / (norm + 1e-6);
                for (Parameter p : parameters) {
                    p.gradient().muli(scale);
                }
            }
        }
    }

    /** {@code g += weightDecay w; w -= learningRate g} on every parameter (the gradients are modified). */
    static void sgdStep(List<Parameter> parameters, double learningRate, double weightDecay) {
        for (Parameter p : parameters) {
            INDArray g = p.gradient();
            INDArray w = p.value();
            if (weightDecay > 0) {
                Nd4j.getBlasWrapper().level1().axpy(g.length(), weightDecay, w, g);
            }
            Nd4j.getBlasWrapper().level1().axpy(w.length(), -learningRate, g, w);
        }
    }

    /** L2 norm of all gradients taken together. */
    public static double globalGradientNorm(List<Parameter> parameters) {
        double sumOfSquares = 0;
        for (Parameter p : parameters) {
            double n = p.gradient().norm2Number().doubleValue();
            sumOfSquares += n * n;
        }
        return Math.sqrt(sumOfSquares);
    }
}
