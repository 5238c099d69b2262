package io.lsh.metrics;

import io.lsh.protocol.TrialMetrics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The metrics of the workers of one JVM, each series labelled with the worker id and its device.
 *
 * <p>Metrics (gauges unless they end in {@code _total}), labels {@code worker} and {@code device}:
 * <ul>
 *   <li>{@code lsh_worker_info} 1 per started worker</li>
 *   <li>{@code lsh_worker_training_tokens_per_second} training throughput of the latest epoch</li>
 *   <li>{@code lsh_worker_epoch_duration_seconds} training wall time of the latest epoch,
 *   {@code lsh_worker_spectrum_duration_seconds} wall time of the latest Lyapunov spectrum</li>
 *   <li>{@code lsh_worker_epochs_total}, {@code lsh_worker_training_seconds_total},
 *   {@code lsh_worker_spectrum_seconds_total} epochs and time spent (rate() of the time counters is the
 *   utilisation)</li>
 *   <li>{@code lsh_worker_current_trial} the trial being trained, -1 when idle; {@code lsh_worker_busy} 1 while a
 *   trial runs</li>
 *   <li>{@code lsh_worker_trials_completed_total}, {@code lsh_worker_trials_failed_total},
 *   {@code lsh_worker_trials_cancelled_total} trial runs (segments) that ended so</li>
 * </ul>
 * and, without labels, {@code lsh_worker_offheap_memory_bytes}: native memory held by the tensor library (when a
 * supplier is given). Heap and the JVM's own buffers are in the JVM metrics (see
 * {@link MetricsServer#newRegistry()}).
 *
 * <p>Thread-safe: events come from the worker actors and from their device threads.
 */
public final class WorkerMetrics {

    private final Gauge info;
    private final Gauge tokensPerSecond;
    private final Gauge epochSeconds;
    private final Gauge spectrumSeconds;
    private final Counter epochs;
    private final Counter trainingSecondsTotal;
    private final Counter spectrumSecondsTotal;
    private final Gauge currentTrial;
    private final Gauge busy;
    private final Counter completed;
    private final Counter failed;
    private final Counter cancelled;
    private final Counter transferBytes;
    /** Started workers and their devices, for the device-memory gauge. */
    private final java.util.Map<String, String> devices = new java.util.concurrent.ConcurrentHashMap<>();
    private final Counter transferSeconds;

    /**
     * Registers the worker metrics without an off-heap gauge.
     *
     * @param registry where to register them
     */
    public WorkerMetrics(PrometheusRegistry registry) {
        this(registry, null);
    }

    /**
     * Registers the worker metrics.
     *
     * @param registry       where to register them (once per registry)
     * @param offHeapBytes   native memory in use, in bytes (e.g. JavaCPP's {@code Pointer::physicalBytes} or
     *                       {@code totalBytes}); null for none
     * @throws IllegalArgumentException if they are already registered there
     */
    public WorkerMetrics(PrometheusRegistry registry, LongSupplier offHeapBytes) {
        this(registry, offHeapBytes, null);
    }

    /**
     * @param registry      where to register them (once per registry)
     * @param offHeapBytes  native memory in use, in bytes; null for none
     * @param deviceBytes   memory the tensor library has allocated on a device ({@code cpu}, {@code cuda:N}), in
     *                      bytes (ND4J's memory manager: device memory on CUDA, host buffers on the CPU backend);
     *                      null for none. Exported per started worker as {@code lsh_worker_device_memory_bytes}.
     * @throws IllegalArgumentException if they are already registered there
     */
    public WorkerMetrics(PrometheusRegistry registry, LongSupplier offHeapBytes,
                         java.util.function.ToLongFunction<String> deviceBytes) {
        Objects.requireNonNull(registry, "registry");
        String[] labels = {"worker", "device"};
        info = Gauge.builder().name("lsh_worker_info").help("1 per started worker").labelNames(labels)
                .register(registry);
        tokensPerSecond = Gauge.builder().name("lsh_worker_training_tokens_per_second")
                .help("Training throughput of the latest epoch").labelNames(labels).register(registry);
        epochSeconds = Gauge.builder().name("lsh_worker_epoch_duration_seconds")
                .help("Training wall time of the latest epoch").labelNames(labels).register(registry);
        spectrumSeconds = Gauge.builder().name("lsh_worker_spectrum_duration_seconds")
                .help("Wall time of the latest Lyapunov spectrum").labelNames(labels).register(registry);
        epochs = Counter.builder().name("lsh_worker_epochs_total").help("Epochs trained")
                .labelNames(labels).register(registry);
        trainingSecondsTotal = Counter.builder().name("lsh_worker_training_seconds_total")
                .help("Wall time spent training").labelNames(labels).register(registry);
        spectrumSecondsTotal = Counter.builder().name("lsh_worker_spectrum_seconds_total")
                .help("Wall time spent computing Lyapunov spectra").labelNames(labels).register(registry);
        currentTrial = Gauge.builder().name("lsh_worker_current_trial")
                .help("Id of the trial being trained, -1 when idle").labelNames(labels).register(registry);
        busy = Gauge.builder().name("lsh_worker_busy").help("1 while the worker runs a trial, else 0")
                .labelNames(labels).register(registry);
        completed = Counter.builder().name("lsh_worker_trials_completed_total")
                .help("Trial runs (segments) completed").labelNames(labels).register(registry);
        failed = Counter.builder().name("lsh_worker_trials_failed_total")
                .help("Trial runs (segments) that failed").labelNames(labels).register(registry);
        cancelled = Counter.builder().name("lsh_worker_trials_cancelled_total")
                .help("Trial runs (segments) stopped by the coordinator").labelNames(labels).register(registry);
        transferBytes = Counter.builder().name("lsh_worker_checkpoint_transfer_bytes_total")
                .help("Checkpoint bytes moved to or from the coordinator's artifact store")
                .labelNames("worker", "direction").register(registry);
        transferSeconds = Counter.builder().name("lsh_worker_checkpoint_transfer_seconds_total")
                .help("Wall time spent moving checkpoints to or from the coordinator's artifact store")
                .labelNames("worker", "direction").register(registry);
        if (deviceBytes != null) {
            GaugeWithCallback.builder().name("lsh_worker_device_memory_bytes")
                    .help("Memory the tensor library holds on the worker's device")
                    .labelNames("worker", "device")
                    .callback(cb -> devices.forEach((worker, device) ->
                            cb.call(deviceBytes.applyAsLong(device), worker, device)))
                    .register(registry);
        }
        if (offHeapBytes != null) {
            GaugeWithCallback.builder().name("lsh_worker_offheap_memory_bytes")
                    .help("Native (off-heap) memory held by the tensor library in this JVM")
                    .callback(cb -> cb.call(offHeapBytes.getAsLong())).register(registry);
        }
    }

    /** A worker started: its series appear (counters at 0, idle). */
    public void workerStarted(String worker, String device) {
        devices.put(worker, device);
        info.labelValues(worker, device).set(1);
        for (Counter c : new Counter[] {epochs, trainingSecondsTotal, spectrumSecondsTotal, completed, failed,
                cancelled}) {
            c.initLabelValues(worker, device);
        }
        currentTrial.labelValues(worker, device).set(-1);
        busy.labelValues(worker, device).set(0);
        for (String direction : new String[] {"upload", "download"}) {
            transferBytes.initLabelValues(worker, direction);
            transferSeconds.initLabelValues(worker, direction);
        }
    }

    /**
     * A checkpoint moved between this worker and the coordinator's artifact store.
     *
     * @param worker    the worker
     * @param upload    true for an upload, false for a download
     * @param bytes     its size
     * @param seconds   wall time of the transfer
     */
    public void checkpointTransferred(String worker, boolean upload, long bytes, double seconds) {
        String direction = upload ? "upload" : "download";
        transferBytes.labelValues(worker, direction).inc(bytes);
        transferSeconds.labelValues(worker, direction).inc(seconds);
    }

    /** The worker started a run of {@code trialId}. */
    public void trialStarted(String worker, String device, int trialId) {
        currentTrial.labelValues(worker, device).set(trialId);
        busy.labelValues(worker, device).set(1);
    }

    /** The worker finished an epoch (called on its device thread). */
    public void epochCompleted(String worker, String device, TrialMetrics m) {
        epochs.labelValues(worker, device).inc();
        tokensPerSecond.labelValues(worker, device).set(m.tokensPerSecond());
        epochSeconds.labelValues(worker, device).set(m.trainSeconds());
        trainingSecondsTotal.labelValues(worker, device).inc(Math.max(0, m.trainSeconds()));
        if (m.spectrumSeconds() > 0) {
            spectrumSeconds.labelValues(worker, device).set(m.spectrumSeconds());
            spectrumSecondsTotal.labelValues(worker, device).inc(m.spectrumSeconds());
        }
    }

    /** How a run ended. */
    public enum RunEnd {
        /** Reached its target epoch. */
        COMPLETED,
        /** Failed (error or divergence). */
        FAILED,
        /** Stopped on the coordinator's request. */
        CANCELLED
    }

    /** The worker's run ended; it is idle. */
    public void trialEnded(String worker, String device, RunEnd end) {
        (end == RunEnd.COMPLETED ? completed : end == RunEnd.FAILED ? failed : cancelled)
                .labelValues(worker, device).inc();
        currentTrial.labelValues(worker, device).set(-1);
        busy.labelValues(worker, device).set(0);
    }
}
