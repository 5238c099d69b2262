package io.lsh.launcher;

import io.lsh.config.ClusterNodeConfig;
import io.lsh.config.StudySettings;
import io.lsh.coordinator.CoordinatorNode;
import io.lsh.coordinator.StudyFolder;
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
import org.apache.pekko.actor.typed.ActorSystem;

/** Starting and stopping LSH's cluster nodes (actor systems): shared by search, coordinator and worker. */
final class ClusterNodes {

    private static final Duration SHUTDOWN = Duration.ofSeconds(30);

    private ClusterNodes() {
    }

    /** Starts a coordinator node bound to {@code bind}, the cluster's seed node. */
    static ActorSystem<Void> startCoordinator(StudySettings settings, StudyFolder folder, boolean resume, HostPort bind,
                                              CompletableFuture<StudyOutcome> outcome, CoordinatorMetrics metrics) {
        ActorSystem<Void> system = ActorSystem.create(
                CoordinatorNode.create(settings, folder, outcome, metrics, resume),
                ClusterNodeConfig.SYSTEM_NAME,
                ClusterNodeConfig.node(bind.host(), bind.port(), List.of(bind.toString()), "coordinator"));
        system.getWhenTerminated().thenRun(() -> outcome.completeExceptionally(
                new IllegalStateException("the coordinator stopped before the study ended (see lsh.log)")));
        return system;
    }

    /** Starts a worker node with one worker per device, joining the coordinator at {@code join}. */
    static ActorSystem<Void> startWorkers(String nodeId, List<String> devices, HostPort bind, HostPort join,
                                          WorkerMetrics metrics) {
        return startWorkers(nodeId, devices, bind, join, metrics, () -> { });
    }

    /**
     * Starts a worker node with one worker per device, joining the coordinator at {@code join};
     * {@code onCoordinatorLost} runs when the coordinator vanished without ending the study (the node then stops).
     */
    static ActorSystem<Void> startWorkers(String nodeId, List<String> devices, HostPort bind, HostPort join,
                                          WorkerMetrics metrics, Runnable onCoordinatorLost) {
        NdRuntime.configureForCpuWorkers((int) devices.stream().filter("cpu"::equals).count());
        return ActorSystem.create(WorkerNode.create(nodeId, devices, LmTrialExecutor::new, metrics, onCoordinatorLost),
                ClusterNodeConfig.SYSTEM_NAME,
                ClusterNodeConfig.node(bind.host(), bind.port(), List.of(join.toString()), "worker"));
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
