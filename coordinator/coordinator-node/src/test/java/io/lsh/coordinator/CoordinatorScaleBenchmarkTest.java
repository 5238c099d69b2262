package io.lsh.coordinator;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.lsh.config.StudySettings;
import io.lsh.config.StudySettingsLoader;
import io.lsh.protocol.CoordinatorCommand;
import io.lsh.protocol.EpochSpectrum;
import io.lsh.protocol.ProtocolVersion;
import io.lsh.protocol.ServiceKeys;
import io.lsh.protocol.TrialMetrics;
import io.lsh.protocol.TrialPhase;
import io.lsh.protocol.WorkerCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Coordinator scale benchmark (issue #6): the real {@link Coordinator} (real fsync'ed {@link StudyJournal}, real
 * engine, metrics and exports) driven by N simulated workers, lightweight actors speaking the real protocol
 * (register, pull work, report every epoch, complete the segment, pull again) with no training. Measures the reports
 * (EpochReported + TrialRunCompleted) the coordinator handles per second and two latencies:
 * <ul>
 *   <li><b>decision latency</b>: from a worker sending TrialRunCompleted to the moment the coordinator has handled
 *   it and the decisions it made are durable and released to the workers (the end of the message's handling with a
 *   sync per event; the end of the batch's journal sync with group commit): mailbox queueing + handling + fsync;</li>
 *   <li><b>report to next work</b>: from a worker sending TrialRunCompleted (followed by RequestWork) to the next
 *   RunTrial reaching it, measured in the worker; on top of the decision latency it includes the wait at a round's
 *   barrier when no work is left in the round (the tail is that wait);</li>
 *   <li><b>handling time</b>: the coordinator's time inside its behavior per message (a behavior interceptor).</li>
 * </ul>
 * Two load shapes per N: {@code saturated} (a worker's segment takes no time: the coordinator is the bottleneck,
 * so latency is queueing, by Little's law about N / throughput) and {@code paced} (a segment takes
 * {@code 2 N / rate} seconds on average, uniformly 0.5 to 1.5 times that, so N workers offer {@code rate} reports/s:
 * the latency at a given load).
 *
 * <p>Run (see bench/README.md): {@code OMP_WAIT_POLICY=PASSIVE mvn -B -o -q test -pl coordinator/coordinator-node -am
 * -Dtest=CoordinatorScaleBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false -Dlsh.test.excludedGroups=}, with
 * {@code -Dscale.workers=10,100,1000} (N), {@code -Dscale.candidates-per-worker=10} (the study's first round is
 * max(500, that x N) candidates), {@code -Dscale.rate=5000} (paced load, reports/s), {@code -Dscale.shapes=saturated,paced},
 * {@code -Dscale.serialize=false} (true: every message through the CBOR serializer on the sender's thread),
 * {@code -Dscale.journal=group} ({@code event}: one fsync per journal event, {@link StudyJournal.Sync}),
 * {@code -Dscale.warmup=true} (one unreported N=100 study first, for the JIT).
 * Results are printed and appended to {@code target/coordinator-scale.md}. (Properties are not under {@code lsh.}:
 * the settings loader reads {@code lsh.*} system properties as study settings.)
 */
@Tag("slow")
class CoordinatorScaleBenchmarkTest {

    /** Latency samples in nanoseconds, added from many threads. */
    static final class Samples {
        private long[] values = new long[1 << 16];
        private int size;

        synchronized void add(long nanos) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = nanos;
        }

        synchronized long[] sorted() {
            long[] copy = Arrays.copyOf(values, size);
            Arrays.sort(copy);
            return copy;
        }

        static double quantileMillis(long[] sorted, double q) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
            return sorted[Math.max(0, index)] / 1e6;
        }
    }

    /** A simulated segment ended (self message of the worker). */
    private record SegmentDone(WorkerCommand.RunTrial run) {
    }

    /**
     * A worker that trains nothing: a segment takes {@code segment} (0: reports at once), reports every epoch (the
     * spectrum when the coordinator asks for it; LS distance = death rate once the reference's spectrum at that
     * epoch is known, as in CoordinatorTest), writes a checkpoint file only for final and reference segments (the
     * selected model is copied from one), and pulls the next work item.
     */
    private static Behavior<Object> simulatedWorker(String id, ActorRef<CoordinatorCommand> coordinator,
                                                    Duration segment, Samples decisionLatency, AtomicLong reports,
                                                    Map<String, Long> completionSent) {
        return Behaviors.setup(ctx -> {
            ActorRef<WorkerCommand> self = ctx.getSelf().narrow();
            coordinator.tell(new CoordinatorCommand.RegisterWorker(id, "sim", ProtocolVersion.CURRENT, self));
            long[] reportSent = {0L};
            // segments last 0.5 to 1.5 x segment (seeded per worker), so paced workers do not report in lockstep
            java.util.Random jitter = new java.util.Random(id.hashCode());
            return Behaviors.receive(Object.class)
                    .onMessage(WorkerCommand.RegistrationAccepted.class, m -> {
                        coordinator.tell(new CoordinatorCommand.RequestWork(id, self));
                        return Behaviors.same();
                    })
                    .onMessage(WorkerCommand.RunTrial.class, run -> {
                        if (reportSent[0] != 0L) {
                            decisionLatency.add(System.nanoTime() - reportSent[0]);
                            reportSent[0] = 0L;
                        }
                        if (segment.isZero()) {
                            reportSent[0] = runSegment(id, run, coordinator, self, reports, completionSent);
                        } else {
                            ctx.scheduleOnce(segment.multipliedBy(500 + jitter.nextInt(1001)).dividedBy(1000),
                                    ctx.getSelf(), new SegmentDone(run));
                        }
                        return Behaviors.same();
                    })
                    .onMessage(SegmentDone.class, done -> {
                        reportSent[0] = runSegment(id, done.run(), coordinator, self, reports, completionSent);
                        return Behaviors.same();
                    })
                    .onMessage(WorkerCommand.StudyEnded.class, m -> Behaviors.stopped())
                    .onMessage(Object.class, m -> Behaviors.same())
                    .build();
        });
    }

    /** Sends the segment's reports and the next work request; returns when the completion was sent. */
    private static long runSegment(String id, WorkerCommand.RunTrial run, ActorRef<CoordinatorCommand> coordinator,
                                   ActorRef<WorkerCommand> self, AtomicLong reports,
                                   Map<String, Long> completionSent) {
        TrialMetrics last = null;
        double rate = run.pruning() == null ? 0 : run.pruning().deathRate();
        for (int e = run.fromEpoch() + 1; e <= run.toEpoch(); e++) {
            int epoch = e;
            boolean referenceKnown = run.referenceSpectra().stream().anyMatch(s -> s.epoch() == epoch);
            double distance = run.pruning() != null && referenceKnown ? rate : Double.NaN;
            last = new TrialMetrics(e, 5.0, 100 + 100 * rate - e, distance, run.pruning() == null ? 0 : 0.67,
                    1000, 1, 0.1, 1000, Map.of());
            boolean measured = run.spectrumEveryEpoch() || e == run.toEpoch();
            run.replyTo().tell(new CoordinatorCommand.EpochReported(run.trialId(), run.attempt(), id, last,
                    measured ? Optional.of(new EpochSpectrum(e, List.of(-0.1 * e - rate, -1.0))) : Optional.empty()));
            reports.incrementAndGet();
        }
        if (run.phase() != TrialPhase.SEARCH) {
            try {
                Files.writeString(Path.of(run.checkpointOut()), "checkpoint " + run.trialId());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        long sent = System.nanoTime();
        completionSent.put(run.trialId() + "/" + run.attempt(), sent);
        run.replyTo().tell(new CoordinatorCommand.TrialRunCompleted(run.trialId(), run.attempt(), id, last,
                run.checkpointOut()));
        reports.incrementAndGet();
        coordinator.tell(new CoordinatorCommand.RequestWork(id, self));
        return sent;
    }

    /** The protocol command inside the coordinator's private wire envelope, or null for its own messages. */
    private static CoordinatorCommand command(Coordinator.Message msg) {
        if (!msg.getClass().isRecord() || msg.getClass().getRecordComponents().length != 1) {
            return null;
        }
        try {
            var accessor = msg.getClass().getRecordComponents()[0].getAccessor();
            accessor.setAccessible(true);
            return accessor.invoke(msg) instanceof CoordinatorCommand c ? c : null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Times every message the coordinator handles, and the decision latency of each TrialRunCompleted: until the end
     * of its handling (sync per event) or of the next journal sync (group commit), when its decisions go out.
     */
    private static Behavior<Coordinator.Message> timed(Behavior<Coordinator.Message> coordinator, Samples handling,
                                                       AtomicLong journalSyncs, Map<String, Long> completionSent,
                                                       Samples decisionLatency, StudyJournal.Sync sync) {
        return Behaviors.intercept(() -> new BehaviorInterceptor<Coordinator.Message, Coordinator.Message>(
                Coordinator.Message.class) {
            private final java.util.ArrayList<Long> awaitingSync = new java.util.ArrayList<>();

            @Override
            public Behavior<Coordinator.Message> aroundReceive(TypedActorContext<Coordinator.Message> ctx,
                                                               Coordinator.Message msg,
                                                               ReceiveTarget<Coordinator.Message> target) {
                long start = System.nanoTime();
                Behavior<Coordinator.Message> next = target.apply(ctx, msg);
                long end = System.nanoTime();
                handling.add(end - start);
                if (command(msg) instanceof CoordinatorCommand.TrialRunCompleted c) {
                    Long sent = completionSent.remove(c.trialId() + "/" + c.attempt());
                    if (sent != null) {
                        awaitingSync.add(sent);
                    }
                }
                boolean synced = sync == StudyJournal.Sync.EVERY_EVENT
                        || msg.getClass().getSimpleName().equals("SyncJournal");
                if (msg.getClass().getSimpleName().equals("SyncJournal")) {
                    journalSyncs.incrementAndGet();
                }
                if (synced) {
                    awaitingSync.forEach(sent -> decisionLatency.add(end - sent));
                    awaitingSync.clear();
                }
                return next;
            }
        }, coordinator);
    }

    /** One measured study. */
    record Run(int workers, String shape, StudyJournal.Sync journal, int candidates, long reports, double seconds,
               long[] decision, long[] nextWork, long[] handling, long journalEvents, long fsyncs) {

        double reportsPerSecond() {
            return reports / seconds;
        }

        /** Reports per second of the coordinator's own time: what it would handle on a core of its own. */
        double capacity() {
            return reports / (Arrays.stream(handling).sum() / 1e9);
        }

        String row() {
            return String.format(Locale.ROOT,
                    "| %d | %s | %s | %d | %d | %.1f | %.0f | %.0f | %.2f / %.2f / %.1f | %.1f / %.0f | %.3f / %.3f / %.1f | %d | %d |",
                    workers, shape, journal == StudyJournal.Sync.GROUP ? "group" : "every event", candidates,
                    reports, seconds, reportsPerSecond(), capacity(),
                    Samples.quantileMillis(decision, 0.5), Samples.quantileMillis(decision, 0.99),
                    Samples.quantileMillis(decision, 1.0),
                    Samples.quantileMillis(nextWork, 0.5), Samples.quantileMillis(nextWork, 0.99),
                    Samples.quantileMillis(handling, 0.5), Samples.quantileMillis(handling, 0.99),
                    Samples.quantileMillis(handling, 1.0), journalEvents, fsyncs);
        }
    }

    static final String HEADER = "| N | load | journal sync | candidates | reports | s | reports/s | capacity reports/s "
            + "| decision ms p50 / p99 / max | report to next work ms p50 / p99 | handling ms p50 / p99 / max "
            + "| journal lines | fsyncs |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|";

    private static Run measure(int workers, boolean paced, int candidatesPerWorker, double rate, boolean serialize,
                               StudyJournal.Sync sync) throws Exception {
        ActorTestKit testKit = ActorTestKit.create("scale", ConfigFactory.parseString(
                "pekko.actor.serialize-messages = " + (serialize ? "on" : "off") + "\n"
                        + "pekko.actor.no-serialization-verification-needed-class-prefix = [\"org.apache.pekko.\"]\n"
                        + "pekko.loglevel = WARNING\n").withFallback(ConfigFactory.load()));
        Path dir = Files.createDirectories(Path.of("target", "coordinator-scale"));
        try {
            int candidates = Math.max(500, candidatesPerWorker * workers);
            StudySettings settings = StudySettingsLoader.load(Optional.empty(), Map.of(
                    "search.candidates", candidates, "search.first-round-epochs", 1, "search.round-epochs", 1,
                    "search.finalists", 2, "search.final-epochs", 20, "study.out", dir.toString(),
                    // a continuous death rate: the random search never runs out of distinct configurations
                    "space.death-rate", Map.of("min", 0.4, "max", 0.9, "step", 0)));
            StudyPlan plan = StudyPlan.of(settings);
            StudyFolder folder = StudyFolder.create(dir, "scale-" + workers + "-" + (paced ? "paced" : "saturated"),
                    LocalDateTime.now());
            CompletableFuture<StudyOutcome> outcome = new CompletableFuture<>();
            Samples handling = new Samples();
            Samples decision = new Samples();
            Samples nextWork = new Samples();
            Map<String, Long> completionSent = new java.util.concurrent.ConcurrentHashMap<>();
            AtomicLong reports = new AtomicLong();
            AtomicLong syncs = new AtomicLong();
            testKit.spawn(timed(Coordinator.create(plan, folder, outcome,
                    new io.lsh.metrics.CoordinatorMetrics(new io.prometheus.metrics.model.registry.PrometheusRegistry()),
                    false, Optional.empty(), sync), handling, syncs, completionSent, decision, sync), "coordinator");
            var probe = testKit.<Receptionist.Listing>createTestProbe();
            testKit.system().receptionist().tell(Receptionist.subscribe(ServiceKeys.COORDINATOR, probe.getRef()));
            ActorRef<CoordinatorCommand> wire = null;
            while (wire == null) {
                wire = probe.receiveMessage(Duration.ofSeconds(10))
                        .getServiceInstances(ServiceKeys.COORDINATOR).stream().findFirst().orElse(null);
            }
            Duration segment = paced ? Duration.ofNanos(Math.round(2e9 * workers / rate)) : Duration.ZERO;
            long start = System.nanoTime();
            for (int i = 0; i < workers; i++) {
                testKit.spawn(simulatedWorker("w" + i, wire, segment, nextWork, reports, completionSent), "w" + i);
            }
            StudyOutcome result = outcome.get(30, TimeUnit.MINUTES);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(result.completed(), result.summary());
            long journalLines;
            try (var lines = Files.lines(folder.journalFile())) {
                journalLines = lines.count();
            }
            return new Run(workers, paced ? "paced " + Math.round(rate) + "/s" : "saturated", sync, candidates,
                    reports.get(), seconds, decision.sorted(), nextWork.sorted(), handling.sorted(), journalLines,
                    sync == StudyJournal.Sync.GROUP ? syncs.get() : journalLines);
        } finally {
            testKit.shutdownTestKit();
        }
    }

    @Test
    void coordinatorScale() throws Exception {
        int[] ns = Arrays.stream(System.getProperty("scale.workers", "10,100,1000").split(","))
                .map(String::trim).mapToInt(Integer::parseInt).toArray();
        int perWorker = Integer.getInteger("scale.candidates-per-worker", 10);
        double rate = Double.parseDouble(System.getProperty("scale.rate", "5000"));
        boolean serialize = Boolean.parseBoolean(System.getProperty("scale.serialize", "false"));
        List<String> shapes = List.of(System.getProperty("scale.shapes", "saturated,paced").split(","));
        StudyJournal.Sync sync = System.getProperty("scale.journal", "group").equals("event")
                ? StudyJournal.Sync.EVERY_EVENT : StudyJournal.Sync.GROUP;
        if (Boolean.parseBoolean(System.getProperty("scale.warmup", "true"))) {
            // JIT warm-up: one unreported study (N=100, group commit), so that the first N measured is not the cold one
            System.out.println("warm-up: " + measure(100, false, 5, rate, serialize, StudyJournal.Sync.GROUP).row());
        }
        StringBuilder table = new StringBuilder(HEADER).append('\n');
        for (int n : ns) {
            for (String shape : shapes) {
                Run run = measure(n, shape.trim().equals("paced"), perWorker, rate, serialize, sync);
                table.append(run.row()).append('\n');
                System.out.println(run.row());
                assertTrue(run.reports() > 0);
            }
        }
        String text = "\nCoordinator scale (serialize-messages " + (serialize ? "on" : "off") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores)\n" + table;
        System.out.println(text);
        Files.writeString(Path.of("target", "coordinator-scale.md"), text, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }
}
