package io.lsh.coordinator;

import io.lsh.config.ClusterNodeConfig;
import io.lsh.config.StudySettings;
import io.lsh.metrics.CoordinatorMetrics;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * The guardian of a coordinator node. The study runs as a cluster singleton ({@link StudyLeader}, which runs the
 * {@link Coordinator}) on the oldest node with the {@code coordinator} role, so a cluster runs at most one study
 * however many coordinator nodes join it: a second one ({@code lsh coordinator --join}) is a hot standby that takes
 * the study over from its journal when the first node is downed or leaves, once it holds the {@link StudyLock}.
 * The node also downs an unreachable coordinator whose lock proves it dead ({@link CoordinatorDowning}). Whoever
 * started the node terminates it when the study's outcome is complete.
 */
public final class CoordinatorNode {

    /** The singleton's name (its actor is {@code /system/singletonManagerlsh-study/lsh-study}). */
    static final String SINGLETON_NAME = "lsh-study";

    private CoordinatorNode() {
    }

    /**
     * @param settings  validated study settings (with {@code resume}: those of the folder's study.conf)
     * @param folder    the study folder (created; with {@code resume}, a crashed study's folder)
     * @param lock      this JVM's lock on the folder: taken by the singleton before it writes anything; the caller
     *                  closes it when the node has terminated
     * @param outcome   completed when the study ends on this node (exceptionally if it fails)
     * @param metrics   the coordinator's metrics, updated by the coordinator actor
     * @param resume    continue the study recorded in the folder's journal (a folder without one is refused); a
     *                  node that takes the study over from another resumes whenever the journal exists
     * @param artifacts starts the artifact store checkpoints travel through, when this node takes the study; empty
     *                  when every node sees the study folder
     */
    public static Behavior<Void> create(StudySettings settings, StudyFolder folder, StudyLock lock,
                                        CompletableFuture<StudyOutcome> outcome, CoordinatorMetrics metrics,
                                        boolean resume, Supplier<Optional<ArtifactServer>> artifacts) {
        return Behaviors.setup(context -> {
            context.spawn(CoordinatorDowning.create(lock), "coordinator-downing");
            ClusterSingleton.get(context.getSystem()).init(SingletonActor.of(
                            StudyLeader.create(settings, folder, lock, outcome, metrics, resume, artifacts),
                            SINGLETON_NAME)
                    .withSettings(ClusterSingletonSettings.create(context.getSystem())
                            .withRole(ClusterNodeConfig.COORDINATOR_ROLE)));
            return Behaviors.empty();
        });
    }
}
