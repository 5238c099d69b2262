package io.lsh.launcher;

import io.lsh.config.StudySettings;
import io.lsh.coordinator.StudyLock;
import io.lsh.coordinator.StudyOutcome;
import io.lsh.metrics.CoordinatorMetrics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lsh coordinator}: starts the coordinator node of a study; workers join it with {@code lsh worker}. */
@Command(name = "coordinator", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {
            "Starts the coordinator node and runs the study with whatever workers join it (lsh worker --join "
                    + "HOST:PORT, from this or other machines). Ends with the leaderboard when the study is done.",
            "Workers must see the corpus at the same path. Checkpoints: on one machine the study folder is shared; "
                    + "across machines either put --out on a shared directory, or --set "
                    + "cluster.checkpoint-transfer=coordinator to move them through this node's artifact store.",
            "After a crash: the same command with --resume DIR (and the same --bind) continues the study; live "
                    + "workers rejoin by themselves.",
            "Hot standby: lsh coordinator --resume DIR --join HOST:PORT --bind OTHER:PORT starts a second "
                    + "coordinator in the running coordinator's cluster, on the same study folder; it takes the "
                    + "study over from the journal when the first one dies (workers: --join HOST:PORT,OTHER:PORT)."})
final class CoordinatorCli implements Callable<Integer> {

    /** The default coordinator port. */
    static final int DEFAULT_PORT = 25520;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    StudyOptions study;

    @Mixin
    TlsOptions tlsOptions;

    @Option(names = "--bind", paramLabel = "HOST:PORT", description = "Address the coordinator binds to and "
            + "workers join (default: 127.0.0.1:" + DEFAULT_PORT + "; loopback only unless you change it).")
    String bind = "127.0.0.1:" + DEFAULT_PORT;

    @Option(names = "--join", paramLabel = "HOST:PORT", split = ",", description = "Stand by for the coordinator "
            + "at HOST:PORT (comma-separated or repeated: any live node of its cluster): join its cluster and take "
            + "the study over from its journal when it dies. Needs --resume DIR (the study folder it runs, seen "
            + "by both) and a --bind of its own.")
    List<String> join = List.of();

    @Override
    public Integer call() throws Exception {
        HostPort address = HostPort.parse("--bind", bind, DEFAULT_PORT);
        List<HostPort> seeds = join.stream().map(j -> HostPort.parse("--join", j, DEFAULT_PORT)).toList();
        boolean standby = !seeds.isEmpty();
        if (standby && !study.resuming()) {
            throw new UserInputException("--join makes this coordinator a standby for the study folder of the one it "
                    + "joins: add --resume DIR (that folder)");
        }
        if (seeds.contains(address)) {
            throw new UserInputException("--join " + address + " is this coordinator's own --bind: a standby needs an "
                    + "address of its own");
        }
        study.standby = standby;
        StudySettings settings = study.settings(spec.commandLine(), Map.of());
        var tls = tlsOptions.tls(spec.commandLine());
        return study.runStudy(settings, spec.commandLine().getOut(), folder -> {
            CompletableFuture<StudyOutcome> outcome = new CompletableFuture<>();
            try (MetricsEndpoint metrics = MetricsEndpoint.start(settings.metrics(), settings.metrics().host(),
                    settings.metrics().coordinatorPort());
                 StudyLock lock = new StudyLock(folder, "lsh coordinator on " + address)) {
                if (!standby && !lock.tryAcquire()) {
                    throw new UserInputException(EmbeddedStudy.lockedMessage(folder, lock));
                }
                ActorSystem<Void> node = ClusterNodes.startCoordinator(settings, folder, study.resuming(), address,
                        seeds, lock, tls, outcome, new CoordinatorMetrics(metrics.registry()));
                if (standby) {
                    org.apache.pekko.cluster.Cluster.get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(node))
                            .registerOnMemberUp(() -> LoggerFactory.getLogger("io.lsh.study").info("Standby "
                                    + "coordinator on {} is up in the cluster of {}; it takes the study in {} over "
                                    + "when that coordinator is gone", address, String.join(",", join),
                                    folder.path()));
                } else {
                    LoggerFactory.getLogger("io.lsh.study").info(
                            "Coordinator listening on {}; start workers with: bin/lsh worker --join {}", address,
                            address);
                }
                try {
                    return ClusterNodes.await(outcome);
                } finally {
                    ClusterNodes.terminate(node);
                }
            }
        });
    }
}
