package io.lsh.launcher;

import io.lsh.config.ClusterNodeConfig;
import io.lsh.config.StudySettings;
import io.lsh.coordinator.CoordinatorNode;
import io.lsh.coordinator.StudyFolder;
import io.lsh.coordinator.StudyOutcome;
import io.lsh.worker.LmTrialExecutor;
import io.lsh.worker.NdRuntime;
import io.lsh.worker.WorkerNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Runs a whole study in this JVM: one coordinator node and one worker node with N workers, as two actor systems
 * that form a Pekko cluster on loopback, so every message crosses the real serializer exactly as between machines.
 */
final class EmbeddedStudy {

    private static final Duration SHUTDOWN = Duration.ofSeconds(30);

    private EmbeddedStudy() {
    }

    static StudyOutcome run(StudySettings settings, StudyFolder folder) {
        String host = settings.cluster().host();
        int port = settings.cluster().port() == 0 ? freePort(host) : settings.cluster().port();
        String seed = host + ":" + port;
        CompletableFuture<StudyOutcome> outcome = new CompletableFuture<>();
        ActorSystem<Void> coordinator = ActorSystem.create(CoordinatorNode.create(settings, folder, outcome),
                ClusterNodeConfig.SYSTEM_NAME, ClusterNodeConfig.node(host, port, List.of(seed), "coordinator"));
        ActorSystem<Void> workers = null;
        try {
            List<String> devices = Collections.nCopies(settings.cluster().workers(), "cpu");
            NdRuntime.configureForCpuWorkers(devices.size());
            workers = ActorSystem.create(WorkerNode.create("embedded", devices, LmTrialExecutor::new),
                    ClusterNodeConfig.SYSTEM_NAME, ClusterNodeConfig.node(host, 0, List.of(seed), "worker"));
            coordinator.getWhenTerminated().thenRun(() -> outcome.completeExceptionally(
                    new IllegalStateException("the coordinator stopped before the study ended (see lsh.log)")));
            return outcome.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            terminate(workers);
            terminate(coordinator);
        }
    }

    private static void terminate(ActorSystem<?> system) {
        if (system == null) {
            return;
        }
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(SHUTDOWN.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Shutting down anyway; nothing is lost (the study folder is complete by now).
        }
    }

    private static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + host + ": " + e.getMessage(), e);
        }
    }
}
