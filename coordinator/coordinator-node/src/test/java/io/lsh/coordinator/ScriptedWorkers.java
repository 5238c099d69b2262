package io.lsh.coordinator;

import io.lsh.lm.distance.DistanceSettings;
import io.lsh.lm.distance.ReferenceSpectra;
import io.lsh.protocol.CoordinatorCommand;
import io.lsh.protocol.DistanceRecipe;
import io.lsh.protocol.EpochSpectrum;
import io.lsh.protocol.ProtocolVersion;
import io.lsh.protocol.ServiceKeys;
import io.lsh.protocol.TrialMetrics;
import io.lsh.protocol.WorkerCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * Scripted workers for coordinator tests: they speak the real protocol but train nothing. A trial's LS distance is
 * its death rate (its spectrum at epoch e is (-0.1 e - rate, -1) against the reference's (-0.1 e, -1)) and its
 * validation perplexity is 100 + 100 rate - e, so the lowest death rates must win. With an lsh.distance variant the
 * distance is computed from those spectra as the real worker does.
 */
final class ScriptedWorkers {

    private ScriptedWorkers() {
    }

    /** A test kit that serializes every message (CBOR), as between nodes. */
    static ActorTestKit serializingTestKit() {
        return ActorTestKit.create(com.typesafe.config.ConfigFactory.parseString("""
                pekko.actor.serialize-messages = on
                pekko.actor.no-serialization-verification-needed-class-prefix = ["org.apache.pekko."]
                """).withFallback(com.typesafe.config.ConfigFactory.load()));
    }

    /** Finds the coordinator's wire endpoint through the Receptionist, as a worker does. */
    static ActorRef<CoordinatorCommand> coordinator(ActorTestKit testKit) {
        var probe = testKit.<Receptionist.Listing>createTestProbe();
        testKit.system().receptionist().tell(Receptionist.subscribe(ServiceKeys.COORDINATOR, probe.getRef()));
        ActorRef<CoordinatorCommand> wire = null;
        while (wire == null) { // listings arrive on every change; the first may be empty
            wire = probe.receiveMessage(Duration.ofSeconds(10)).getServiceInstances(ServiceKeys.COORDINATOR).stream()
                    .findFirst().orElse(null);
        }
        return wire;
    }

    /** @return true unless the recipe ranks with the paper's distance (then the scripted distance is the rate) */
    static boolean isVariant(DistanceRecipe d) {
        DistanceRecipe paper = DistanceRecipe.defaults();
        return !(d.reference().equals(paper.reference()) && d.alignment().equals(paper.alignment())
                && d.space().equals(paper.space()));
    }

    /** The LS distance in the recipe's lsh.distance variant from the reference spectra the run carries (or NaN). */
    static double variantDistance(WorkerCommand.RunTrial run, int epoch, List<Double> spectrum) {
        if (run.pruning() == null) {
            return Double.NaN;
        }
        DistanceRecipe d = run.recipe().distance();
        Map<Integer, double[]> byEpoch = new java.util.HashMap<>();
        run.referenceSpectra().forEach(s -> byEpoch.put(s.epoch(),
                s.exponents().stream().mapToDouble(Double::doubleValue).toArray()));
        return new ReferenceSpectra(DistanceSettings.of(d.reference(), d.alignment(), d.space()), d.referenceEpochs(),
                byEpoch).distance(epoch, spectrum.stream().mapToDouble(Double::doubleValue).toArray())
                .orElse(Double.NaN);
    }

    /**
     * @param id          worker id
     * @param coordinator the coordinator's wire endpoint
     * @param seen        receives every work item
     * @param perEpoch    simulated training time per epoch (blocks the actor, like a device would)
     */
    static Behavior<WorkerCommand> worker(String id, ActorRef<CoordinatorCommand> coordinator,
                                          List<WorkerCommand.RunTrial> seen, Duration perEpoch) {
        return Behaviors.setup(ctx -> {
            coordinator.tell(new CoordinatorCommand.RegisterWorker(id, "cpu", ProtocolVersion.CURRENT, ctx.getSelf()));
            return Behaviors.receive(WorkerCommand.class)
                    .onMessage(WorkerCommand.RegistrationAccepted.class, m -> {
                        coordinator.tell(new CoordinatorCommand.RequestWork(id, ctx.getSelf()));
                        return Behaviors.same();
                    })
                    .onMessage(WorkerCommand.RunTrial.class, run -> {
                        seen.add(run);
                        TrialMetrics last = null;
                        for (int e = run.fromEpoch() + 1; e <= run.toEpoch(); e++) {
                            if (!perEpoch.isZero()) {
                                Thread.sleep(perEpoch.toMillis());
                            }
                            double rate = run.pruning() == null ? 0 : run.pruning().deathRate();
                            List<Double> spectrum = List.of(-0.1 * e - rate, -1.0);
                            int epoch = e;
                            boolean referenceKnown = run.referenceSpectra().stream().anyMatch(s -> s.epoch() == epoch);
                            double distance = run.pruning() != null && referenceKnown ? Math.abs(rate) : Double.NaN;
                            if (isVariant(run.recipe().distance())) {
                                // an lsh.distance variant: computed as the real worker does (LmTrialExecutor)
                                distance = variantDistance(run, epoch, spectrum);
                            }
                            last = new TrialMetrics(e, 5.0, 100 + 100 * rate - e, distance,
                                    run.pruning() == null ? 0 : 0.67, 1000, 1, 0.1, 1000, Map.of());
                            boolean measured = run.spectrumEveryEpoch() || e == run.toEpoch();
                            run.replyTo().tell(new CoordinatorCommand.EpochReported(run.trialId(), run.attempt(), id,
                                    last, measured ? Optional.of(new EpochSpectrum(e, spectrum)) : Optional.empty()));
                        }
                        try {
                            Files.writeString(Path.of(run.checkpointOut()), "checkpoint " + run.trialId());
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        run.replyTo().tell(new CoordinatorCommand.TrialRunCompleted(run.trialId(), run.attempt(), id,
                                last, run.checkpointOut()));
                        coordinator.tell(new CoordinatorCommand.RequestWork(id, ctx.getSelf()));
                        return Behaviors.same();
                    })
                    .onMessage(WorkerCommand.StudyEnded.class, m -> Behaviors.stopped())
                    .onMessage(WorkerCommand.class, m -> Behaviors.same())
                    .build();
        });
    }
}
