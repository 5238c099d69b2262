package io.lsh.launcher;

import io.lsh.config.StudySettings;
import io.lsh.coordinator.StudyFolder;
import io.lsh.coordinator.StudyLock;
import io.lsh.coordinator.StudyOutcome;
import io.lsh.metrics.CoordinatorMetrics;
import io.lsh.metrics.WorkerMetrics;
import io.lsh.worker.NdRuntime;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Runs a whole study in this JVM: one coordinator node and one worker node with N workers, as two actor systems
 * that form a Pekko cluster on loopback, so every message crosses the real serializer exactly as between machines.
 * Both nodes register their metrics in one registry, served on one endpoint (lsh.metrics.coordinator-port).
 */
final class EmbeddedStudy {

    private EmbeddedStudy() {
    }

    static StudyOutcome run(StudySettings settings, StudyFolder folder, boolean resume) {
        String host = settings.cluster().host();
        HostPort coordinatorAddress = new HostPort(host,
                settings.cluster().port() == 0 ? ClusterNodes.freePort(host) : settings.cluster().port());
        CompletableFuture<StudyOutcome> outcome = new CompletableFuture<>();
        try (MetricsEndpoint metrics = MetricsEndpoint.start(settings.metrics(), settings.metrics().host(),
                settings.metrics().coordinatorPort()); CheckpointCache cache = CheckpointCache.create();
             StudyLock lock = new StudyLock(folder, "lsh search on " + coordinatorAddress)) {
            if (!lock.tryAcquire()) {
                throw new UserInputException(lockedMessage(folder, lock));
            }
            CoordinatorMetrics coordinatorMetrics = new CoordinatorMetrics(metrics.registry());
            WorkerMetrics workerMetrics = new WorkerMetrics(metrics.registry(), NdRuntime::offHeapBytes,
                    NdRuntime::deviceBytes);
            ActorSystem<Void> coordinator = ClusterNodes.startCoordinator(settings, folder, resume,
                    coordinatorAddress, java.util.List.of(), lock, java.util.Optional.empty(), outcome,
                    coordinatorMetrics);
            ActorSystem<Void> workers = null;
            try {
                workers = ClusterNodes.startWorkers("embedded",
                        Collections.nCopies(settings.cluster().workers(), "cpu"), new HostPort(host, 0),
                        coordinatorAddress, workerMetrics, cache);
                return ClusterNodes.await(outcome);
            } finally {
                ClusterNodes.terminate(workers);
                ClusterNodes.terminate(coordinator);
            }
        }
    }

    /** The one-line refusal of a study folder whose lock another process holds. */
    static String lockedMessage(StudyFolder folder, StudyLock lock) {
        String holder = lock.lastHolder();
        return folder.path() + ": the study is running in another coordinator (" + lock.file().getFileName()
                + " is locked" + (holder.isEmpty() ? "" : " by " + holder) + "); stop it first, or stand by for it "
                + "with lsh coordinator --resume DIR --join HOST:PORT";
    }
}
