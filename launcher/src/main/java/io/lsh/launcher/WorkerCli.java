package io.lsh.launcher;

import io.lsh.config.StudySettings;
import io.lsh.config.StudySettingsLoader;
import io.lsh.metrics.WorkerMetrics;
import io.lsh.worker.NdRuntime;
import java.net.InetAddress;
import java.util.Collections;
import org.apache.pekko.actor.CoordinatedShutdown;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lsh worker}: a worker node that joins a coordinator and takes trials until the study ends. */
@Command(name = "worker", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {
            "Starts a worker node that joins the coordinator's cluster, registers, and takes trials until the "
                    + "study ends. One worker JVM per GPU is the intended setup; several CPU workers per machine "
                    + "are allowed (--workers)."})
final class WorkerCli implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--join", required = true, paramLabel = "HOST:PORT", split = ",",
            description = "The coordinator's address (its --bind); with standby coordinators, theirs too "
                    + "(comma-separated or repeated): the node joins through whichever answers.")
    List<String> join;

    @Option(names = "--bind", paramLabel = "HOST[:PORT]", description = "Address this node binds to (default: "
            + "127.0.0.1 and a free port; use the machine's address when the coordinator is elsewhere).")
    String bind = "127.0.0.1:0";

    @Option(names = "--device", paramLabel = "DEVICE", description = "The device the workers own: cpu (this "
            + "build's ND4J backend). cuda:N needs a build with -Pcuda and is not available in the CPU build.")
    String device = "cpu";

    @Option(names = "--workers", paramLabel = "N", description = "Worker actors in this JVM (default 1); each "
            + "gets cores / N BLAS threads.")
    int workers = 1;

    @Mixin
    TlsOptions tlsOptions;

    @Option(names = "--metrics-port", paramLabel = "PORT", description = "Port of this JVM's Prometheus endpoint "
            + "(default: lsh.metrics.worker-port = 0, a free port; the URL is logged).")
    Integer metricsPort;

    @Option(names = "--metrics-bind", paramLabel = "HOST", description = "Address the Prometheus endpoint binds to "
            + "(default: lsh.metrics.host = 127.0.0.1, loopback only).")
    String metricsBind;

    @Override
    public Integer call() throws Exception {
        List<HostPort> coordinator = join.stream()
                .map(j -> HostPort.parse("--join", j, CoordinatorCli.DEFAULT_PORT)).toList();
        HostPort address = HostPort.parse("--bind", bind, 0);
        if (!device.equals("cpu")) {
            throw new UserInputException("device '" + device + "' is not available: this build runs ND4J's CPU "
                    + "backend (use --device cpu, or build with mvn -Pcuda for cuda:N)");
        }
        if (workers < 1) {
            throw new UserInputException("--workers must be at least 1, got " + workers);
        }
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
            throw new UserInputException("--metrics-port must be 0-65535, got " + metricsPort);
        }
        if (metricsBind != null && metricsBind.isBlank()) {
            throw new UserInputException("--metrics-bind must not be empty");
        }
        var tls = tlsOptions.tls(spec.commandLine());
        // no study file here: lsh.metrics comes from reference.conf (and -Dlsh.metrics.* system properties)
        StudySettings.Metrics settings = StudySettingsLoader.load(Optional.empty(), Map.of()).metrics();
        String nodeId = InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid();
        try (MetricsEndpoint metrics = MetricsEndpoint.start(settings,
                metricsBind != null ? metricsBind : settings.host(),
                metricsPort != null ? metricsPort : settings.workerPort());
             CheckpointCache cache = CheckpointCache.create()) {
            WorkerMetrics workerMetrics = new WorkerMetrics(metrics.registry(), NdRuntime::offHeapBytes,
                    NdRuntime::deviceBytes);
            AtomicBoolean coordinatorLost = new AtomicBoolean(true);
            while (coordinatorLost.getAndSet(false)) {
                // A coordinator that crashed and restarts (lsh coordinator --resume) forms a new cluster: a fresh
                // node joins it, and its workers register again (the coordinator re-adopts them).
                ActorSystem<Void> node = ClusterNodes.startWorkers(nodeId, Collections.nCopies(workers, device),
                        address, coordinator, tls, workerMetrics, cache, () -> coordinatorLost.set(true));
                LoggerFactory.getLogger("io.lsh.study").info("Worker node {} with {} {} worker(s), joining {}",
                        nodeId, workers, device, String.join(",", join));
                node.getWhenTerminated().toCompletableFuture().join();
                if (CoordinatedShutdown.get(node).getShutdownReason()
                        .filter(ClusterNodes::downedByTheCluster).isPresent()) {
                    coordinatorLost.set(true); // the split-brain resolver downed this side of a partition
                }
                if (coordinatorLost.get()) {
                    LoggerFactory.getLogger("io.lsh.study").warn("The coordinator at {} is gone without ending the "
                            + "study; rejoining it when it is back (Ctrl-C stops this worker)", String.join(",", join));
                }
            }
        }
        return LshMain.OK;
    }
}
