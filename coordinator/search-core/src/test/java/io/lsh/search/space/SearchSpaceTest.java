package io.lsh.search.space;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SearchSpaceTest {

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("empty choices", (Supplier<Object>) () -> Parameter.categorical("init"), "'init'"),
                Arguments.of("duplicate choice", (Supplier<Object>) () -> Parameter.categorical("death", "SET", "SET"), "'death'"),
                Arguments.of("unsupported choice", (Supplier<Object>) () -> Parameter.categorical("x", new Object()), "'x'"),
                Arguments.of("null choice", (Supplier<Object>) () -> Parameter.categorical("nul", "a", null), "'nul'"),
                Arguments.of("float low > high", (Supplier<Object>) () -> Parameter.floatRange("lr", 2.0, 1.0), "'lr'"),
                Arguments.of("int low > high", (Supplier<Object>) () -> Parameter.intRange("layers", 3, 1), "'layers'"),
                Arguments.of("log low <= 0", (Supplier<Object>) () -> Parameter.logRange("wd", 0.0, 1.0), "'wd'"),
                Arguments.of("float step <= 0", (Supplier<Object>) () -> Parameter.quantized("rate", 0.1, 0.9, 0.0), "'rate'"),
                Arguments.of("int step <= 0", (Supplier<Object>) () -> Parameter.intRange("bptt", 10, 70, -5), "'bptt'"),
                Arguments.of("log with step", (Supplier<Object>) () -> new Parameter.FloatRange("ls", 1, 10, true, 1.0, null), "'ls'"),
                Arguments.of("infinite bound", (Supplier<Object>) () -> Parameter.floatRange("inf", 0, Double.POSITIVE_INFINITY), "'inf'"),
                Arguments.of("bad name", (Supplier<Object>) () -> Parameter.categorical("death rate", "a"), "'death rate'"),
                Arguments.of("duplicate names", (Supplier<Object>) () -> SearchSpace.of(
                        Parameter.categorical("init", "ER"), Parameter.floatRange("init", 0, 1)), "'init'"),
                Arguments.of("unknown parent", (Supplier<Object>) () -> SearchSpace.of(
                        Parameter.categorical("growth", "random"),
                        Parameter.floatRange("momentum", 0, 1).when("optimizer", "sgd")), "'optimizer'"),
                Arguments.of("parent declared later", (Supplier<Object>) () -> SearchSpace.of(
                        Parameter.floatRange("momentum", 0, 1).when("growth", "momentum"),
                        Parameter.categorical("growth", "random", "momentum")), "'momentum'"),
                Arguments.of("condition value not in parent", (Supplier<Object>) () -> SearchSpace.of(
                        Parameter.categorical("growth", "random", "momentum"),
                        Parameter.floatRange("beta", 0, 1).when("growth", "gradient")), "'beta'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void validationErrorsNameTheParameter(String why, Supplier<Object> build, String key) {
        SearchSpaceException e = assertThrows(SearchSpaceException.class, build::get);
        assertTrue(e.getMessage().contains(key), () -> why + ": message '" + e.getMessage() + "' lacks " + key);
    }

    @Test
    void exceptionIsAnIllegalArgumentException() {
        assertTrue(IllegalArgumentException.class.isAssignableFrom(SearchSpaceException.class));
    }

    @Test
    void authorsSpaceHas144Points() {
        SearchSpace s = SearchSpaces.authorsSettingA();
        assertEquals(144, s.size().orElseThrow());
        assertEquals(List.of(0.4, 0.5, 0.6, 0.7, 0.8, 0.9), s.parameter("death_rate").orElseThrow().values());
        Set<Configuration> grid = new HashSet<>();
        for (Configuration c : s.grid()) {
            s.validate(c);
            grid.add(c);
        }
        assertEquals(144, grid.size());
    }

    @Test
    void sizeIsEmptyForContinuousSpaces() {
        SearchSpace s = SearchSpace.of(Parameter.categorical("a", 1, 2), Parameter.floatRange("lr", 0.1, 1));
        assertTrue(s.size().isEmpty());
        assertFalse(s.isDiscrete());
        assertThrows(SearchSpaceException.class, s::grid);
    }

    @Test
    void sizeCountsConditionalParametersOnlyWhereTheyExist() {
        // growth: random (no extra) | momentum (beta: 3 values) | gradient (k: 2 values, and if k == 2 then c: 4)
        SearchSpace s = SearchSpace.of(
                Parameter.categorical("growth", "random", "momentum", "gradient"),
                Parameter.quantized("beta", 0.5, 0.9, 0.2).when("growth", "momentum"),
                Parameter.intRange("k", 1, 2).when("growth", "gradient"),
                Parameter.intRange("c", 0, 6, 2).when("k", 2),
                Parameter.categorical("flag", true, false));
        long expected = 2L * (1 + 3 + (1 + 4));
        assertEquals(expected, s.size().orElseThrow());
        List<Configuration> grid = new ArrayList<>();
        s.grid().forEach(grid::add);
        assertEquals(expected, grid.size());
        assertEquals(expected, new HashSet<>(grid).size());
        grid.forEach(s::validate);
        // first parameter varies slowest
        assertEquals("random", grid.get(0).getString("growth"));
        assertEquals("gradient", grid.get(grid.size() - 1).getString("growth"));
    }

    @Test
    void samplingStaysInRangeAndRespectsLogStepAndConditions() {
        SearchSpace s = SearchSpace.of(
                Parameter.categorical("growth", "random", "momentum"),
                Parameter.logRange("lr", 1e-4, 1.0),
                Parameter.quantized("rate", 0.4, 0.9, 0.1),
                Parameter.intRange("bptt", 10, 70, 20),
                Parameter.floatRange("beta", 0.5, 0.9).when("growth", "momentum"));
        SplittableRandom rng = new SplittableRandom(7);
        int lowDecade = 0;
        Set<Object> rates = new HashSet<>();
        Set<Object> bptts = new HashSet<>();
        int withBeta = 0;
        int n = 4000;
        for (int i = 0; i < n; i++) {
            Configuration c = s.sample(rng);
            s.validate(c);
            double lr = c.getDouble("lr");
            assertTrue(lr >= 1e-4 && lr <= 1.0, "lr " + lr);
            if (lr < 1e-3) {
                lowDecade++;
            }
            rates.add(c.get("rate"));
            bptts.add(c.getInt("bptt"));
            assertEquals(c.getString("growth").equals("momentum"), c.has("beta"), c.toString());
            if (c.has("beta")) {
                withBeta++;
                double b = c.getDouble("beta");
                assertTrue(b >= 0.5 && b <= 0.9);
            }
        }
        // log-uniform: each of the 4 decades gets about a quarter (uniform would give ~0.1% to the lowest)
        assertTrue(lowDecade > n / 4 - 150 && lowDecade < n / 4 + 150, "lowest decade " + lowDecade);
        assertEquals(Set.of(0.4, 0.5, 0.6, 0.7, 0.8, 0.9), rates); // exact decimal grid points
        assertEquals(Set.of(10, 30, 50, 70), bptts);
        assertTrue(withBeta > n / 2 - 200 && withBeta < n / 2 + 200, "beta present " + withBeta);
    }

    @Test
    void samplingIsDeterministicForASeed() {
        SearchSpace s = SearchSpaces.authorsSettingA();
        SplittableRandom a = new SplittableRandom(42);
        SplittableRandom b = new SplittableRandom(42);
        for (int i = 0; i < 50; i++) {
            assertEquals(s.sample(a), s.sample(b));
        }
    }

    @Test
    void validateRejectsMissingInactiveUnknownAndOutOfDomainValues() {
        SearchSpace s = SearchSpace.of(
                Parameter.categorical("growth", "random", "momentum"),
                Parameter.quantized("beta", 0.5, 0.9, 0.2).when("growth", "momentum"));
        s.validate(Configuration.of(Map.of("growth", "random")));
        s.validate(Configuration.of(Map.of("growth", "momentum", "beta", 0.7)));
        assertMessage(() -> s.validate(Configuration.of(Map.of("growth", "momentum"))), "'beta'");
        assertMessage(() -> s.validate(Configuration.of(Map.of("growth", "random", "beta", 0.5))), "'beta'");
        assertMessage(() -> s.validate(Configuration.of(Map.of("growth", "random", "lr", 0.5))), "'lr'");
        assertMessage(() -> s.validate(Configuration.of(Map.of("growth", "gradient"))), "'growth'");
        assertMessage(() -> s.validate(Configuration.of(Map.of("growth", "momentum", "beta", 0.6))), "'beta'");
        assertMessage(() -> s.validate(Configuration.of(Map.of("growth", "momentum", "beta", 1))), "'beta'");
        assertFalse(s.contains(Configuration.empty()));
    }

    private static void assertMessage(Runnable r, String key) {
        SearchSpaceException e = assertThrows(SearchSpaceException.class, r::run);
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void canonicalKeyIsOrderIndependentAndTyped() {
        Map<String, Object> m1 = new LinkedHashMap<>();
        m1.put("init", "ER");
        m1.put("death", "SET");
        m1.put("death_rate", 0.7);
        Map<String, Object> m2 = new LinkedHashMap<>();
        m2.put("death_rate", 0.7);
        m2.put("death", "SET");
        m2.put("init", "ER");
        Configuration a = Configuration.of(m1);
        Configuration b = Configuration.of(m2);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals("death=\"SET\",death_rate=0.7,init=\"ER\"", a.canonicalKey());
        assertEquals("death=SET death_rate=0.7 init=ER", a.toString());
        // types are distinguished: "1" vs 1 vs 1.0 vs true
        Set<String> keys = new HashSet<>(Arrays.asList(
                Configuration.of(Map.of("x", "1")).canonicalKey(),
                Configuration.of(Map.of("x", 1)).canonicalKey(),
                Configuration.of(Map.of("x", 1.0)).canonicalKey(),
                Configuration.of(Map.of("x", "true")).canonicalKey(),
                Configuration.of(Map.of("x", true)).canonicalKey()));
        assertEquals(5, keys.size());
        // normalisation: Long -> Integer, Float -> Double, -0.0 -> 0.0
        assertEquals(Configuration.of(Map.of("x", 3)), Configuration.of(Map.of("x", 3L)));
        assertEquals(Configuration.of(Map.of("x", 0.5)), Configuration.of(Map.of("x", 0.5f)));
        assertEquals(Configuration.of(Map.of("x", 0.0)), Configuration.of(Map.of("x", -0.0)));
        assertNotEquals(a, a.with("death_rate", 0.8));
    }

    @Test
    void canonicalKeyParsesBack() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "a \"quoted\", comma=sign\\");
        m.put("n", -12);
        m.put("lr", 1.0E-4);
        m.put("big", 3.5e12);
        m.put("on", false);
        Configuration c = Configuration.of(m);
        assertEquals(c, Configuration.parse(c.canonicalKey()));
        assertEquals(Configuration.empty(), Configuration.parse(""));
        for (Configuration g : SearchSpaces.authorsSettingA().grid()) {
            assertEquals(g, Configuration.parse(g.canonicalKey()));
        }
        assertThrows(SearchSpaceException.class, () -> Configuration.parse("b=1,a=2")); // not sorted
        assertThrows(SearchSpaceException.class, () -> Configuration.parse("a=\"x"));
        assertThrows(SearchSpaceException.class, () -> Configuration.parse("a=x"));
    }

    @Test
    void typedGettersGiveClearErrors() {
        Configuration c = Configuration.of(Map.of("init", "ER", "death_rate", 0.7, "layers", 2, "tied", true));
        assertEquals("ER", c.getString("init"));
        assertEquals(0.7, c.getDouble("death_rate"));
        assertEquals(2.0, c.getDouble("layers"));
        assertEquals(2, c.getInt("layers"));
        assertTrue(c.getBoolean("tied"));
        SearchSpaceException e = assertThrows(SearchSpaceException.class, () -> c.getInt("death_rate"));
        assertTrue(e.getMessage().contains("'death_rate'") && e.getMessage().contains("Double"), e.getMessage());
        e = assertThrows(SearchSpaceException.class, () -> c.getDouble("init"));
        assertTrue(e.getMessage().contains("'init'"), e.getMessage());
        NoSuchElementException m = assertThrows(NoSuchElementException.class, () -> c.getString("death"));
        assertTrue(m.getMessage().contains("'death'") && m.getMessage().contains("init"), m.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> c.asMap().put("x", 1));
    }
}
