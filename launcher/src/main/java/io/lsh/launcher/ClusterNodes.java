package io.lsh.launcher;

import io.lsh.config.ClusterNodeConfig;
import io.lsh.config.ClusterTls;
import io.lsh.coordinator.ArtifactServer;
import io.lsh.worker.CheckpointTransfer;
import io.lsh.worker.TrialExecutor;
import java.util.Optional;
import io.lsh.config.StudySettings;
import io.lsh.coordinator.CoordinatorNode;
import io.lsh.coordinator.StudyFolder;
import io.lsh.coordinator.StudyLock;
import io.lsh.coordinator.StudyOutcome;
import io.lsh.metrics.CoordinatorMetrics;
import io.lsh.metrics.WorkerMetrics;
import io.lsh.worker.LmTrialExecutor;
import io.lsh.worker.NdRuntime;
import io.lsh.worker.WorkerNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;

/** Starting and stopping LSH's cluster nodes (actor systems): shared by search, coordinator and worker. */
final class ClusterNodes {

    private static final Duration SHUTDOWN = Duration.ofSeconds(30);

    private ClusterNodes() {
    }

    /**
     * Starts a coordinator node bound to {@code bind}: the cluster's seed node when {@code join} is empty, otherwise a
     * standby that joins the cluster of the coordinator at {@code join} and takes the study over (from its journal,
     * in the same folder) when that coordinator is gone. The study runs as a cluster singleton on the oldest
     * coordinator node ({@link CoordinatorNode}) once it holds {@code lock}; the caller closes the lock after the
     * node has terminated.
     */
    static ActorSystem<Void> startCoordinator(StudySettings settings, StudyFolder folder, boolean resume, HostPort bind,
                                              List<HostPort> join, StudyLock lock, Optional<ClusterTls> tls,
                                              CompletableFuture<StudyOutcome> outcome, CoordinatorMetrics metrics) {
        AtomicReference<ArtifactServer> started = new AtomicReference<>();
        Supplier<Optional<ArtifactServer>> artifacts = () -> {
            if (!settings.cluster().transfersCheckpoints()) {
                return Optional.empty();
            }
            synchronized (started) {
                if (started.get() == null) {
                    started.set(ArtifactServer.start(bind.host(), settings.cluster().artifactPort(),
                            folder.checkpoint(0, 0).getParent(), tls.map(ClusterTls::sslContext)));
                }
                return Optional.of(started.get());
            }
        };
        List<String> seeds = (join.isEmpty() ? List.of(bind) : join).stream().map(HostPort::toString).toList();
        ActorSystem<Void> system = ActorSystem.create(
                CoordinatorNode.create(settings, folder, lock, outcome, metrics, resume, artifacts),
                ClusterNodeConfig.SYSTEM_NAME,
                ClusterNodeConfig.node(bind.host(), bind.port(), seeds, ClusterNodeConfig.COORDINATOR_ROLE, tls));
        system.getWhenTerminated().thenRun(() -> {
            synchronized (started) {
                Optional.ofNullable(started.get()).ifPresent(ArtifactServer::close);
            }
            outcome.completeExceptionally(
                    new IllegalStateException("the coordinator stopped before the study ended (see lsh.log)"));
        });
        return system;
    }

    /** Starts a worker node with one worker per device, joining the coordinator at {@code join}. */
    static ActorSystem<Void> startWorkers(String nodeId, List<String> devices, HostPort bind, HostPort join,
                                          WorkerMetrics metrics, CheckpointCache cache) {
        return startWorkers(nodeId, devices, bind, List.of(join), Optional.empty(), metrics, cache, () -> { });
    }

    /**
     * Starts a worker node with one worker per device, joining the cluster through the first of the coordinators at
     * {@code join} that answers (an active one and its standbys);
     * {@code onCoordinatorLost} runs when the coordinator vanished without ending the study (the node then stops).
     * Checkpoints named by URL (the coordinator's artifact store) are copied through {@code cache}.
     */
    static ActorSystem<Void> startWorkers(String nodeId, List<String> devices, HostPort bind, List<HostPort> join,
                                          Optional<ClusterTls> tls, WorkerMetrics metrics, CheckpointCache cache,
                                          Runnable onCoordinatorLost) {
        NdRuntime.configureForCpuWorkers((int) devices.stream().filter("cpu"::equals).count());
        Optional<javax.net.ssl.SSLContext> ssl = tls.map(ClusterTls::sslContext);
        java.util.function.Function<String, TrialExecutor> executor = workerId -> new CheckpointTransfer(
                new LmTrialExecutor(), cache.forWorker(workerId), ssl, metrics, workerId);
        return ActorSystem.create(WorkerNode.create(nodeId, devices, executor, metrics, onCoordinatorLost),
                ClusterNodeConfig.SYSTEM_NAME,
                ClusterNodeConfig.node(bind.host(), bind.port(), join.stream().map(HostPort::toString).toList(),
                        ClusterNodeConfig.WORKER_ROLE, tls));
    }

    /** @return true when a node stopped because the cluster downed it (split-brain resolver), not by itself */
    static boolean downedByTheCluster(org.apache.pekko.actor.CoordinatedShutdown.Reason reason) {
        return reason instanceof org.apache.pekko.actor.CoordinatedShutdown.ClusterDowningReason$;
    }

    /** Waits for a study's outcome, rethrowing its failure. */
    static StudyOutcome await(CompletableFuture<StudyOutcome> outcome) {
        try {
            return outcome.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** Terminates a node (leaving the cluster) and waits for it, at most 30 s. */
    static void terminate(ActorSystem<?> system) {
        if (system == null) {
            return;
        }
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(SHUTDOWN.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // shutting down anyway; the study folder is complete by now
        }
    }

    /** A free TCP port on {@code host}. */
    static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + host + ": " + e.getMessage(), e);
        }
    }
}
