package io.lsh.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lsh.config.ClusterNodeConfig;
import io.lsh.config.StudySettings;
import io.lsh.config.StudySettingsLoader;
import io.lsh.metrics.CoordinatorMetrics;
import io.lsh.protocol.CoordinatorCommand;
import io.lsh.protocol.ServiceKeys;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two coordinator nodes in one cluster (two actor systems on loopback, one folder): the study is a cluster singleton,
 * so only the oldest node runs it and the second stands by; when the first leaves, the second continues the same
 * study from its journal. Also the {@link StudyLock} on its own.
 */
class StudySingletonTest {

    @TempDir
    Path dir;

    private ActorSystem<Void> first;
    private ActorSystem<Void> second;

    @AfterEach
    void stop() throws Exception {
        for (ActorSystem<Void> s : new ActorSystem[] {second, first}) {
            if (s != null) {
                s.terminate();
                s.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aSecondCoordinatorNodeStandsByAndContinuesTheSameStudyWhenTheFirstLeaves() throws Exception {
        StudySettings settings = StudySettingsLoader.load(Optional.empty(), Map.of("study.out", dir.toString()));
        StudyFolder folder = StudyFolder.create(dir, "singleton", LocalDateTime.now());
        int port = freePort();
        CompletableFuture<StudyOutcome> firstOutcome = new CompletableFuture<>();
        CompletableFuture<StudyOutcome> secondOutcome = new CompletableFuture<>();
        StudyLock firstLock = new StudyLock(folder, "first");
        StudyLock secondLock = new StudyLock(folder, "second");
        first = ActorSystem.create(CoordinatorNode.create(settings, folder, firstLock, firstOutcome, metrics(), false,
                        Optional::empty), ClusterNodeConfig.SYSTEM_NAME,
                ClusterNodeConfig.node("127.0.0.1", port, List.of("127.0.0.1:" + port), "coordinator"));
        second = ActorSystem.create(CoordinatorNode.create(settings, folder, secondLock, secondOutcome, metrics(), true,
                        Optional::empty), ClusterNodeConfig.SYSTEM_NAME,
                ClusterNodeConfig.node("127.0.0.1", 0, List.of("127.0.0.1:" + port), "coordinator"));
        await(() -> Cluster.get(second).selfMember().status().equals(MemberStatus.up()), "the second node is up");

        // one coordinator in the cluster, on the first node, and one study in the journal
        TestProbe<Receptionist.Listing> listings = TestProbe.create(second);
        second.receptionist().tell(Receptionist.subscribe(ServiceKeys.COORDINATOR, listings.getRef()));
        Set<ActorRef<CoordinatorCommand>> coordinators = listings.fishForMessage(Duration.ofSeconds(30), l ->
                l.getServiceInstances(ServiceKeys.COORDINATOR).isEmpty()
                        ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore()
                        : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete())
                .get(0).getServiceInstances(ServiceKeys.COORDINATOR);
        assertEquals(1, coordinators.size());
        assertEquals(Cluster.get(first).selfMember().address(), coordinators.iterator().next().path().address());
        await(() -> events(folder, "study_started") == 1, "the first node started the study");
        assertTrue(firstLock.held());
        assertFalse(secondLock.held(), "the standby does not take the lock");
        assertFalse(secondLock.tryAcquire(), "nor could it while the first holds it");
        assertFalse(secondLock.heldHereOrFree(), "the first's lock proves it alive");
        assertTrue(firstLock.heldHereOrFree());

        // the first leaves the cluster (as when its study is stopped) and releases the folder: the second takes over
        first.terminate();
        first.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        first = null;
        firstLock.close();
        await(() -> events(folder, "study_resumed") == 1, "the second node continues the study");
        assertTrue(secondLock.held());
        assertEquals(1, events(folder, "study_started"), "still one study");
        ActorRef<CoordinatorCommand> moved = listings.fishForMessage(Duration.ofSeconds(30), l ->
                l.getServiceInstances(ServiceKeys.COORDINATOR).stream()
                        .anyMatch(r -> r.path().address().hasLocalScope()) // an actor of the second node itself
                        ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
                        : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore())
                .get(0).getServiceInstances(ServiceKeys.COORDINATOR).iterator().next();
        assertTrue(moved.path().address().hasLocalScope(), "the coordinator now runs on the second node");
        assertFalse(secondOutcome.isDone(), "the study goes on (waiting for workers)");
        secondLock.close();
    }

    @Test
    void theStudyLockExcludesASecondHolderUntilReleased() {
        StudyFolder folder = StudyFolder.create(dir, "lock", LocalDateTime.now());
        try (StudyLock a = new StudyLock(folder, "node a"); StudyLock b = new StudyLock(folder, "node b")) {
            assertTrue(b.heldHereOrFree(), "free at first");
            assertTrue(a.tryAcquire());
            assertTrue(a.tryAcquire(), "taking it again is a no-op");
            assertFalse(b.tryAcquire());
            assertFalse(b.heldHereOrFree());
            assertTrue(b.lastHolder().endsWith("node a"), b.lastHolder());
            a.close();
            assertTrue(b.heldHereOrFree(), "released");
            assertFalse(b.held(), "probing does not take it");
            assertTrue(b.tryAcquire());
            assertTrue(b.lastHolder().contains("pid " + ProcessHandle.current().pid()));
        }
    }

    @Test
    void theJournalStateSaysWhetherAStudyRunsOrEnded() throws IOException {
        StudyFolder folder = StudyFolder.create(dir, "state", LocalDateTime.now());
        assertEquals(StudyLeader.JournalState.NONE, StudyLeader.journalState(folder));
        Files.writeString(folder.journalFile(), "{\"event\":\"study_started\",\"seed\":1}\n");
        assertEquals(StudyLeader.JournalState.RUNNING, StudyLeader.journalState(folder));
        Files.writeString(folder.journalFile(), "{\"event\":\"study_finished\"}\n",
                java.nio.file.StandardOpenOption.APPEND);
        assertEquals(StudyLeader.JournalState.FINISHED, StudyLeader.journalState(folder));
    }

    private static long events(StudyFolder folder, String event) {
        try {
            return Files.exists(folder.journalFile()) ? Files.readAllLines(folder.journalFile()).stream()
                    .filter(l -> l.contains("\"event\":\"" + event + "\"")).count() : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CoordinatorMetrics metrics() {
        return new CoordinatorMetrics(new PrometheusRegistry());
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what + " within a minute");
            Thread.sleep(50);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
