package io.lsh.worker;

import io.lsh.metrics.WorkerMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The guardian of a worker node: starts one {@link Worker} per device, each with its own device thread, and stops
 * the node when every worker has stopped (study ended or refused).
 */
public final class WorkerNode {

    private WorkerNode() {
    }

    /**
     * @param nodeId   prefix of the worker ids (unique in the cluster, e.g. {@code 127.0.0.1:25521})
     * @param devices  one entry per worker: the device it owns ({@code cpu} for every CPU worker)
     * @param executor creates the device work runner of each worker
     * @param metrics  the JVM's worker metrics, shared by its workers
     */
    public static Behavior<Void> create(String nodeId, List<String> devices, Supplier<TrialExecutor> executor,
                                        WorkerMetrics metrics) {
        return create(nodeId, devices, executor, metrics, () -> { });
    }

    /**
     * @param nodeId            prefix of the worker ids (unique in the cluster, e.g. {@code 127.0.0.1:25521})
     * @param devices           one entry per worker: the device it owns ({@code cpu} for every CPU worker)
     * @param executor          creates the device work runner of each worker
     * @param metrics           the JVM's worker metrics, shared by its workers
     * @param onCoordinatorLost called (by each worker) when the coordinator vanished without ending the study
     */
    public static Behavior<Void> create(String nodeId, List<String> devices, Supplier<TrialExecutor> executor,
                                        WorkerMetrics metrics, Runnable onCoordinatorLost) {
        return create(nodeId, devices, workerId -> executor.get(), metrics, onCoordinatorLost);
    }

    /**
     * @param nodeId            prefix of the worker ids (unique in the cluster, e.g. {@code 127.0.0.1:25521})
     * @param devices           one entry per worker: the device it owns ({@code cpu} for every CPU worker)
     * @param executor          creates the device work runner of each worker, given its id
     * @param metrics           the JVM's worker metrics, shared by its workers
     * @param onCoordinatorLost called (by each worker) when the coordinator vanished without ending the study
     */
    public static Behavior<Void> create(String nodeId, List<String> devices,
                                        java.util.function.Function<String, TrialExecutor> executor,
                                        WorkerMetrics metrics, Runnable onCoordinatorLost) {
        return Behaviors.setup(context -> {
            List<ExecutorService> threads = new ArrayList<>();
            int[] live = {devices.size()};
            for (int i = 0; i < devices.size(); i++) {
                String device = devices.get(i);
                String workerId = nodeId + "/" + device + "-" + i;
                ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "lsh-device-" + device + "-" + threadsIndex(workerId));
                    t.setDaemon(true);
                    return t;
                });
                threads.add(thread);
                ActorRef<Worker.Message> worker = context.spawn(
                        Worker.create(workerId, device, thread, executor.apply(workerId), metrics, onCoordinatorLost), "worker-" + i);
                context.watch(worker);
            }
            return Behaviors.<Void>receiveSignal((ctx, signal) -> {
                if (signal instanceof Terminated) {
                    live[0]--;
                    if (live[0] == 0) {
                        return Behaviors.stopped();
                    }
                } else if (signal instanceof PostStop) {
                    threads.forEach(ExecutorService::shutdownNow);
                }
                return Behaviors.same();
            });
        });
    }

    private static String threadsIndex(String workerId) {
        return workerId.substring(workerId.lastIndexOf('-') + 1);
    }
}
