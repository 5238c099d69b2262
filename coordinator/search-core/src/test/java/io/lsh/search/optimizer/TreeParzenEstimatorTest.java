package io.lsh.search.optimizer;

import io.lsh.search.space.Configuration;
import io.lsh.search.space.Parameter;
import io.lsh.search.space.SearchSpace;
import io.lsh.search.space.SearchSpaces;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TreeParzenEstimatorTest {

    private static final SearchSpace BOWL = SearchSpace.of(
            Parameter.floatRange("x", -5, 5), Parameter.floatRange("y", -5, 5), Parameter.floatRange("z", -5, 5));

    private static double bowl(Configuration c) {
        double x = c.getDouble("x") - 1.3;
        double y = c.getDouble("y") + 2.1;
        double z = c.getDouble("z") - 0.7;
        return x * x + y * y + z * z;
    }

    /** Categorical + float + log-float + int mix, with a conditional parameter that only exists for one method. */
    private static final SearchSpace MIX = SearchSpace.of(
            Parameter.categorical("method", "a", "b", "c", "d"),
            Parameter.floatRange("rate", 0, 1),
            Parameter.logRange("lr", 1e-4, 1),
            Parameter.intRange("width", 1, 32),
            Parameter.floatRange("boost", 0, 1).when("method", "c"));

    private static double mix(Configuration c) {
        double v = Map.of("a", 1.0, "b", 0.6, "c", 0.2, "d", 0.8).get(c.getString("method"));
        v += 3 * Math.pow(c.getDouble("rate") - 0.3, 2);
        v += 0.1 * Math.pow(Math.log10(c.getDouble("lr")) + 2, 2);
        v += Math.abs(c.getInt("width") - 20) / 20.0;
        if (c.has("boost")) {
            v -= 0.3 * c.getDouble("boost");
        }
        return v;
    }

    private static TreeParzenEstimator tpe(SearchSpace s, long seed) {
        return new TreeParzenEstimator(s, new Random(seed), TpeSettings.defaults());
    }

    /** Sequential study: ask, evaluate, tell; returns the best objective after {@code budget} evaluations. */
    private static double bestAfter(Optimizer o, ToDoubleFunction<Configuration> f, int budget) {
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < budget; i++) {
            Configuration c = o.ask().orElseThrow();
            double v = f.applyAsDouble(c);
            o.tell(c, v);
            best = Math.min(best, v);
        }
        return best;
    }

    private static double meanBest(Function<Long, Optimizer> factory, ToDoubleFunction<Configuration> f, int budget,
                                   int seeds) {
        double sum = 0;
        for (long s = 1; s <= seeds; s++) {
            sum += bestAfter(factory.apply(s), f, budget);
        }
        return sum / seeds;
    }

    @Test
    void beatsRandomSearchOnAQuadraticBowl() {
        double tpe = meanBest(s -> tpe(BOWL, s), TreeParzenEstimatorTest::bowl, 80, 8);
        double random = meanBest(s -> new RandomSearch(BOWL, new Random(s)), TreeParzenEstimatorTest::bowl, 80, 8);
        assertTrue(tpe < 0.6 * random, "TPE mean best " + tpe + " vs random " + random);
    }

    @Test
    void beatsRandomSearchOnACategoricalFloatIntConditionalMix() {
        double tpe = meanBest(s -> tpe(MIX, s), TreeParzenEstimatorTest::mix, 80, 8);
        double random = meanBest(s -> new RandomSearch(MIX, new Random(s)), TreeParzenEstimatorTest::mix, 80, 8);
        assertTrue(tpe < random - 0.05, "TPE mean best " + tpe + " vs random " + random);
    }

    @Test
    void sameSeedSameProposalsDifferentSeedDifferent() {
        List<Configuration> a = trace(tpe(MIX, 7), 40);
        List<Configuration> b = trace(tpe(MIX, 7), 40);
        List<Configuration> c = trace(tpe(MIX, 8), 40);
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    private static List<Configuration> trace(Optimizer o, int n) {
        List<Configuration> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Configuration c = o.ask().orElseThrow();
            out.add(c);
            o.tell(c, mix(c));
        }
        return out;
    }

    @Test
    void startUpTrialsAreTheRandomSearchDrawsOfTheSameSeed() {
        SearchSpace s = SearchSpaces.authorsSettingA();
        TreeParzenEstimator t = tpe(s, 3);
        RandomSearch r = new RandomSearch(s, new Random(3));
        for (int i = 0; i < 20; i++) {
            Configuration c = t.ask().orElseThrow();
            assertEquals(r.ask().orElseThrow(), c);
            t.tell(c, i);
        }
    }

    @Test
    void everyProposalIsAValidPointAndConditionalParametersAppearOnlyWithTheirParent() {
        TreeParzenEstimator t = tpe(MIX, 4);
        for (int i = 0; i < 60; i++) {
            Configuration c = t.ask().orElseThrow();
            MIX.validate(c);
            assertEquals(c.getString("method").equals("c"), c.has("boost"));
            t.tell(c, mix(c));
        }
    }

    @Test
    void exhaustsASmallDiscreteSpaceWithoutRepeatsThenStaysEmpty() {
        SearchSpace s = SearchSpace.of(Parameter.categorical("a", "p", "q", "r"), Parameter.intRange("k", 1, 10),
                Parameter.quantized("d", 0.4, 0.9, 0.1));
        TreeParzenEstimator t = tpe(s, 5);
        Set<Configuration> seen = new HashSet<>();
        while (true) {
            Optional<Configuration> c = t.ask();
            if (c.isEmpty()) {
                break;
            }
            assertTrue(seen.add(c.get()), "repeated " + c.get());
            s.validate(c.get());
            t.tell(c.get(), c.get().getInt("k") + c.get().getDouble("d"));
        }
        assertEquals(180, seen.size());
        assertTrue(t.ask().isEmpty());
    }

    @Test
    void concurrentAsksWithoutTellsNeverRepeatAndCountAsPending() {
        SearchSpace s = SearchSpace.of(Parameter.quantized("d", 0, 1, 0.01));
        TreeParzenEstimator t = tpe(s, 6);
        for (int i = 0; i < 30; i++) { // a model: minimum near 0.5
            Configuration c = t.ask().orElseThrow();
            t.tell(c, Math.abs(c.getDouble("d") - 0.5));
        }
        Set<Configuration> batch = new HashSet<>();
        for (int i = 0; i < 8; i++) { // eight workers ask before any tell
            assertTrue(batch.add(t.ask().orElseThrow()));
        }
        assertEquals(8, t.pendingCount());
        Configuration late = batch.iterator().next();
        t.tell(late, 0.1);
        assertEquals(7, t.pendingCount());
    }

    @Test
    void failedEvaluationsAreUsedButNotModelled() {
        SearchSpace s = SearchSpace.of(Parameter.categorical("a", "p", "q"));
        TreeParzenEstimator t = tpe(s, 1);
        Configuration c = t.ask().orElseThrow();
        t.tell(c, Double.NaN);
        assertTrue(t.history().get(0).failed());
        Configuration d = t.ask().orElseThrow();
        assertNotEquals(c, d);
        assertFalse(t.ask().isPresent());
    }

    @Test
    void modelConcentratesOnTheGoodCategory() {
        SearchSpace s = SearchSpace.of(Parameter.categorical("m", "a", "b", "c", "d", "e", "f", "g", "h"),
                Parameter.floatRange("x", 0, 1));
        TreeParzenEstimator t = tpe(s, 2);
        int good = 0;
        for (int i = 0; i < 120; i++) {
            Configuration c = t.ask().orElseThrow();
            boolean isGood = c.getString("m").equals("c");
            if (i >= 60 && isGood) {
                good++;
            }
            t.tell(c, (isGood ? 0 : 1) + c.getDouble("x"));
        }
        assertTrue(good > 20, "after start-up, proposals in the good category: " + good + " of 60 (random: 7.5)");
    }

    @Test
    void proposalsEqualTheRecordedDirectImplementation() throws Exception {
        List<String> golden;
        try (var in = TreeParzenEstimatorTest.class.getResourceAsStream("/tpe/golden-proposals.txt")) {
            golden = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        }
        List<String> now = TpeGoldenProposals.proposals();
        assertEquals(TpeGoldenProposals.ASKS, golden.size());
        for (int i = 0; i < golden.size(); i++) {
            assertEquals(golden.get(i), now.get(i), "proposal " + i);
        }
    }
}
