package io.lsh.coordinator;

import io.lsh.config.StudySettings;
import io.lsh.metrics.CoordinatorMetrics;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** The guardian of a coordinator node: writes the resolved settings, runs the {@link Coordinator}, stops with it. */
public final class CoordinatorNode {

    private CoordinatorNode() {
    }

    /**
     * @param settings validated study settings
     * @param folder   the study folder (created)
     * @param outcome  completed when the study ends (exceptionally if it fails)
     * @param metrics  the coordinator's metrics, updated by the coordinator actor
     */
    public static Behavior<Void> create(StudySettings settings, StudyFolder folder,
                                        CompletableFuture<StudyOutcome> outcome, CoordinatorMetrics metrics) {
        return create(settings, folder, outcome, metrics, false, java.util.Optional.empty());
    }

    /**
     * @param settings validated study settings (with {@code resume}: those of the folder's study.conf)
     * @param folder   the study folder (created; with {@code resume}, a crashed study's folder)
     * @param outcome  completed when the study ends (exceptionally if it fails)
     * @param metrics  the coordinator's metrics, updated by the coordinator actor
     * @param resume   continue the study recorded in the folder's journal instead of starting one
     * @param artifacts the artifact store checkpoints travel through; empty when every node sees the study folder
     */
    public static Behavior<Void> create(StudySettings settings, StudyFolder folder,
                                        CompletableFuture<StudyOutcome> outcome, CoordinatorMetrics metrics,
                                        boolean resume, java.util.Optional<ArtifactServer> artifacts) {
        return Behaviors.setup(context -> {
            StudyPlan plan = StudyPlan.of(settings);
            if (!resume) {
                StudyFolder.writeAtomically(folder.settingsFile(), settings.rendered());
            }
            var coordinator = context.spawn(Coordinator.create(plan, folder, outcome, metrics, resume, artifacts),
                    "coordinator");
            context.watch(coordinator);
            return Behaviors.receiveSignal((ctx, signal) -> {
                if (signal instanceof Terminated) {
                    // stopping the guardian terminates the node; whoever started it completes an open outcome then
                    return Behaviors.stopped();
                }
                return Behaviors.same();
            });
        });
    }
}
