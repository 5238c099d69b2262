package io.lsh.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every protocol record round-trips through the serializer the cluster uses (Jackson CBOR), ActorRefs included. */
class ProtocolSerializationTest {

    private static ActorTestKit testKit;
    private static ActorRef<CoordinatorCommand> coordinator;
    private static ActorRef<WorkerCommand> worker;

    @BeforeAll
    static void start() {
        testKit = ActorTestKit.create(ConfigFactory.parseString("""
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.hostname = 127.0.0.1
                pekko.remote.artery.canonical.port = 0
                """).withFallback(ConfigFactory.load()));
        TestProbe<CoordinatorCommand> c = testKit.createTestProbe();
        TestProbe<WorkerCommand> w = testKit.createTestProbe();
        coordinator = c.getRef();
        worker = w.getRef();
    }

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    static Stream<CborSerializable> messages() {
        StudyRecipe recipe = new StudyRecipe("/data/wikitext-2", 2000, 64, List.of(64, 64), 0.1, false, 20, 35,
                20.0, 0.25, 1.2e-6, 0, 10, 0.67, 0.005, 6, 35, 10, 2, 0, 2.0, false);
        TrialMetrics metrics = new TrialMetrics(3, 5.1, 310.5, 1.25, 0.67, 12345, 10.5, 0.4, 20000.0, Map.of("encoder", 0.5, "rnn.l0", 0.7));
        EpochSpectrum spectrum = new EpochSpectrum(3, List.of(-0.1, -0.5, -2.25));
        return Stream.of(
                new CoordinatorCommand.RegisterWorker("w1", "cpu", ProtocolVersion.CURRENT, worker),
                new CoordinatorCommand.RequestWork("w1", worker),
                new CoordinatorCommand.EpochReported(4, 1, "w1", metrics, Optional.of(spectrum)),
                new CoordinatorCommand.EpochReported(4, 1, "w1", metrics, Optional.empty()),
                new CoordinatorCommand.TrialRunCompleted(4, 2, "w1", metrics, "/tmp/c.lshc"),
                new CoordinatorCommand.TrialRunCompleted(4, 2, "w1", metrics.withTestPerplexity(301.25), "/tmp/c.lshc"),
                new CoordinatorCommand.TrialRunFailed(4, 1, "w1", "diverged at epoch 2", true),
                new WorkerCommand.RegistrationAccepted("default"),
                new WorkerCommand.RegistrationRefused("protocol version 0 != 1"),
                new WorkerCommand.RunTrial(4, 1, TrialPhase.SEARCH, 2,
                        new PruningSpec("ER", "SET", "random", "none", 0.7), 99L, 2, 3, false,
                        "/tmp/in.lshc", "/tmp/out.lshc", recipe, List.of(spectrum), coordinator),
                new WorkerCommand.RunTrial(0, 1, TrialPhase.REFERENCE, 0, null, 7L, 0, 6, true, "", "/tmp/r.lshc",
                        recipe, List.of(), coordinator),
                new WorkerCommand.RunTrial(0, 1, TrialPhase.REFERENCE, 0, null, 7L, 0, 6, true, "", "/tmp/r.lshc",
                        recipe.withOptimizer(new OptimizerRecipe("adam", 0.8, 0.99, 1e-7, true, "cosine", 4.0, 0.9,
                                12, 0.01, 5)), List.of(), coordinator),
                new WorkerCommand.RunTrial(3, 1, TrialPhase.SEARCH, 1,
                        new PruningSpec("ER", "SET", "random", "none", 0.7), 99L, 0, 2, false, "", "/tmp/out.lshc",
                        recipe.withDistance(new DistanceRecipe("final", "sorted", "pca2", 6))
                                .withSpectrumWarmupMode("preceding-tokens").withSpectrumLaterBatch(5, 3)
                                .withSpectrumWindowOffset(70),
                        List.of(spectrum), coordinator),
                new DistanceRecipe("same-epoch", "as-given", "pca2", 4),
                new WorkerCommand.RunTrial(0, 1, TrialPhase.REFERENCE, 0, null, 7L, 0, 6, true, "", "/tmp/r.lshc",
                        recipe.withOptimizer(OptimizerRecipe.defaults().withBpttJitter("awd")
                                .withKernels("nd4j-ops")), List.of(), coordinator),
                new WorkerCommand.StopTrial(4, "eliminated"),
                new WorkerCommand.StudyEnded("done"));
    }

    @ParameterizedTest
    @MethodSource("messages")
    void roundTripsThroughCbor(CborSerializable message) {
        Serialization serialization = SerializationExtension.get(testKit.system());
        var serializer = serialization.findSerializerFor(message);
        assertInstanceOf(JacksonCborSerializer.class, serializer, "bound to jackson-cbor");
        byte[] bytes = serialization.serialize(message).get();
        String manifest = Serializers.manifestFor(serializer, message);
        Object back = serialization.deserialize(bytes, serializer.identifier(), manifest).get();
        assertEquals(message, back);
    }

    @Test
    void aRecipeFromBeforeTheDistanceAndWarmUpFieldsReadsAsThePapersSettings() throws Exception {
        StudyRecipe recipe = new StudyRecipe("/data/wikitext-2", 2000, 64, List.of(64, 64), 0.1, false, 20, 35,
                20.0, 0.25, 1.2e-6, 0, 10, 0.67, 0.005, 6, 35, 10, 2, 0, 2.0, false)
                .withDistance(new DistanceRecipe("final", "sorted", "pca2", 6))
                .withSpectrumWarmupMode("preceding-tokens");
        ObjectMapper cbor = JacksonObjectMapperProvider.get(testKit.system()).getOrCreate("jackson-cbor",
                Optional.empty());
        ObjectNode tree = cbor.valueToTree(recipe);
        assertEquals("pca2", tree.path("distance").path("space").asText(), tree.toString());
        tree.remove("distance");
        tree.remove("spectrumWarmupMode");
        StudyRecipe old = cbor.readValue(cbor.writeValueAsBytes(tree), StudyRecipe.class);
        assertEquals(DistanceRecipe.defaults(), old.distance());
        assertEquals("replay-window", old.spectrumWarmupMode());
        assertEquals(recipe.withDistance(DistanceRecipe.defaults()).withSpectrumWarmupMode("replay-window"), old);
        // and as JSON (the form a journal or a log would hold)
        ObjectMapper json = new ObjectMapper();
        assertEquals(old, json.readValue(json.writeValueAsString(tree), StudyRecipe.class));
    }

    @Test
    void aRecipeWithoutTheLaterBatchAndWindowFieldsUsesOneBatchAndTheFirstWindow() throws Exception {
        StudyRecipe recipe = new StudyRecipe("/data/wikitext-2", 2000, 64, List.of(64, 64), 0.1, false, 20, 35,
                20.0, 0.25, 1.2e-6, 0, 10, 0.67, 0.005, 6, 35, 10, 2, 0, 2.0, false)
                .withSpectrumLaterBatch(5, 3).withSpectrumWindowOffset(70);
        assertEquals(List.of(2, 2, 2, 5, 5), Stream.of(1, 2, 3, 4, 5).map(recipe::spectrumBatchAt).toList());
        ObjectMapper json = new ObjectMapper();
        ObjectNode tree = json.valueToTree(recipe);
        assertEquals(5, tree.path("spectrumLaterBatch").asInt(), tree.toString());
        assertEquals(recipe, json.readValue(json.writeValueAsString(tree), StudyRecipe.class));
        tree.remove("spectrumLaterBatch");
        tree.remove("spectrumFirstRoundEpochs");
        tree.remove("spectrumWindowOffset");
        StudyRecipe old = json.readValue(json.writeValueAsString(tree), StudyRecipe.class);
        assertEquals(recipe.withSpectrumLaterBatch(0, 0).withSpectrumWindowOffset(0), old);
        assertEquals(List.of(2, 2, 2, 2, 2), Stream.of(1, 2, 3, 4, 5).map(old::spectrumBatchAt).toList());
        // later-batch 0 means the same B after the first round
        assertEquals(2, recipe.withSpectrumLaterBatch(0, 3).spectrumBatchAt(4));
    }
}
