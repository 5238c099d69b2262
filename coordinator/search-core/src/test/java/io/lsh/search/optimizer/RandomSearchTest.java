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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RandomSearchTest {

    /** Known synthetic objective over the authors' space; unique minimum at ER/global_magnitude/nonzeros/0.7. */
    static double objective(Configuration c) {
        double v = c.getString("init").equals("ER") ? 0 : 0.3;
        v += Map.of("magnitude", 0.2, "SET", 0.1, "threshold", 0.4, "global_magnitude", 0.0).get(c.getString("death"));
        v += Map.of("magnitude", 0.15, "nonzeros", 0.0, "none", 0.3).get(c.getString("redistribution"));
        double dr = c.getDouble("death_rate");
        return v + 4 * (dr - 0.7) * (dr - 0.7);
    }

    private static List<Configuration> drain(Optimizer o, int max) {
        List<Configuration> out = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            Optional<Configuration> c = o.ask();
            if (c.isEmpty()) {
                break;
            }
            out.add(c.get());
        }
        return out;
    }

    @Test
    void sameSeedSameProposalsDifferentSeedDifferentOrder() {
        SearchSpace s = SearchSpaces.authorsSettingA();
        List<Configuration> a = drain(new RandomSearch(s, new Random(1)), 40);
        List<Configuration> b = drain(new RandomSearch(s, new Random(1)), 40);
        List<Configuration> c = drain(new RandomSearch(s, new Random(2)), 40);
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void exhaustsASixPointSpaceInExactlySixAsks() {
        SearchSpace s = SearchSpace.of(Parameter.categorical("init", "uniform", "ER"),
                Parameter.intRange("k", 1, 3));
        RandomSearch o = new RandomSearch(s, new Random(3));
        List<Configuration> got = drain(o, 100);
        assertEquals(6, got.size());
        assertEquals(6, new HashSet<>(got).size());
        assertTrue(o.ask().isEmpty());
        assertTrue(o.ask().isEmpty());
    }

    @Test
    void findsTheOptimumOfA144PointSpaceWithinAllAsksAndNeverRepeats() {
        SearchSpace s = SearchSpaces.authorsSettingA();
        Configuration optimum = null;
        for (Configuration c : s.grid()) {
            if (optimum == null || objective(c) < objective(optimum)) {
                optimum = c;
            }
        }
        assertEquals("death=global_magnitude death_rate=0.7 growth=random init=ER redistribution=nonzeros",
                optimum.toString());
        RandomSearch o = new RandomSearch(s, new Random(11));
        Set<String> keys = new HashSet<>();
        Configuration best = null;
        int asks = 0;
        for (Optional<Configuration> c = o.ask(); c.isPresent(); c = o.ask()) {
            asks++;
            s.validate(c.get());
            assertTrue(keys.add(c.get().canonicalKey()), "repeated " + c.get());
            o.tell(c.get(), objective(c.get()));
            if (best == null || objective(c.get()) < objective(best)) {
                best = c.get();
            }
        }
        assertEquals(144, asks);
        assertEquals(optimum, best);
        assertEquals(144, o.history().size());
    }

    @Test
    void toldConfigurationsAreNotProposed() {
        SearchSpace s = SearchSpace.of(Parameter.categorical("a", 1, 2, 3));
        RandomSearch o = new RandomSearch(s, new Random(5));
        o.tell(Configuration.of(Map.of("a", 2)), 0.5);
        List<Configuration> got = drain(o, 10);
        assertEquals(2, got.size());
        assertFalse(got.contains(Configuration.of(Map.of("a", 2))));
    }

    @Test
    void givesUpAfterBoundedDuplicateDrawsOnADegenerateContinuousSpace() {
        SearchSpace s = SearchSpace.of(Parameter.floatRange("lr", 0.5, 0.5));
        RandomSearch o = new RandomSearch(s, new Random(5), 10);
        assertTrue(o.ask().isPresent());
        assertTrue(o.ask().isEmpty());
        assertTrue(o.ask().isEmpty());
    }

    @Test
    void gridSearchVisitsEveryPointOnceInOrderOrShuffled() {
        SearchSpace s = SearchSpaces.authorsSettingA();
        List<Configuration> ordered = drain(new GridSearch(s), 1000);
        List<Configuration> grid = new ArrayList<>();
        s.grid().forEach(grid::add);
        assertEquals(grid, ordered);
        List<Configuration> shuffled = drain(new GridSearch(s, new Random(9)), 1000);
        assertEquals(144, shuffled.size());
        assertEquals(new HashSet<>(grid), new HashSet<>(shuffled));
        assertNotEquals(grid, shuffled);
        assertEquals(shuffled, drain(new GridSearch(s, new Random(9)), 1000));
    }
}
