package io.lsh.worker;

import io.lsh.protocol.EpochSpectrum;
import io.lsh.protocol.TrialMetrics;
import io.lsh.protocol.WorkerCommand.RunTrial;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Runs one unit of device work (train a trial from one epoch to another, measure it, checkpoint it). Called on the
 * worker's device thread only, never on an actor dispatcher.
 */
public interface TrialExecutor {

    /** Receives each completed epoch as it happens (called on the device thread). */
    interface EpochListener {
        void onEpoch(TrialMetrics metrics, Optional<EpochSpectrum> spectrum);
    }

    /** The end of a work item. */
    sealed interface Outcome {
        /** Reached {@code toEpoch}; the checkpoint is written. */
        record Completed(TrialMetrics metrics, String checkpoint) implements Outcome {
        }

        /** Stopped because {@code stopRequested} turned true. */
        record Cancelled() implements Outcome {
        }

        /** Failed; {@code diverged} when the loss became NaN or infinite. */
        record Failed(String reason, boolean diverged) implements Outcome {
        }
    }

    /**
     * Runs the work item to its end.
     *
     * @param work          what to do
     * @param listener      receives each epoch's metrics
     * @param stopRequested polled between chunks of work; when true the run ends with {@link Outcome.Cancelled}
     */
    Outcome run(RunTrial work, EpochListener listener, BooleanSupplier stopRequested);
}
