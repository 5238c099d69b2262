package io.lsh.search.optimizer;

import io.lsh.search.space.Configuration;
import io.lsh.search.space.Parameter;
import io.lsh.search.space.SearchSpace;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A fixed TPE study whose proposals were recorded from the direct implementation (every Parzen estimator refitted
 * from scratch per ask, normalised densities; commit 09c4119) in {@code src/test/resources/tpe/golden-proposals.txt}:
 * the incremental, columnar implementation must propose exactly the same configurations. Run as a main to re-record
 * after a deliberate change of the algorithm.
 */
final class TpeGoldenProposals {

    static final int ASKS = 400;
    static final int CONCURRENT = 4;

    /** Every parameter kind: categorical, float, log-float, quantized float, int, and a conditional float. */
    static final SearchSpace SPACE = SearchSpace.of(
            Parameter.categorical("method", "a", "b", "c", "d"),
            Parameter.floatRange("rate", 0, 1),
            Parameter.logRange("lr", 1e-4, 1),
            Parameter.quantized("death-rate", 0.4, 0.9, 0.001),
            Parameter.intRange("width", 1, 32),
            Parameter.floatRange("boost", 0, 1).when("method", "c"));

    private TpeGoldenProposals() {
    }

    static double objective(Configuration c) {
        double v = Map.of("a", 1.0, "b", 0.6, "c", 0.2, "d", 0.8).get(c.getString("method"));
        v += 3 * Math.pow(c.getDouble("rate") - 0.3, 2);
        v += 0.1 * Math.pow(Math.log10(c.getDouble("lr")) + 2, 2);
        v += 4 * Math.pow(c.getDouble("death-rate") - 0.71, 2);
        v += Math.abs(c.getInt("width") - 20) / 20.0;
        if (c.has("boost")) {
            v -= 0.3 * c.getDouble("boost");
        }
        return v;
    }

    /**
     * {@value #CONCURRENT} asks in flight (tells in a seeded random order, so the constant liar and out-of-order tells
     * are exercised), every 37th evaluation failing (NaN).
     *
     * @return the canonical keys of the proposals, in ask order
     */
    static List<String> proposals() {
        TreeParzenEstimator tpe = new TreeParzenEstimator(SPACE, new Random(7), TpeSettings.defaults());
        Random order = new Random(11);
        List<Configuration> inFlight = new ArrayList<>();
        List<String> out = new ArrayList<>();
        int told = 0;
        while (out.size() < ASKS) {
            while (inFlight.size() < CONCURRENT && out.size() < ASKS) {
                Configuration c = tpe.ask().orElseThrow();
                inFlight.add(c);
                out.add(c.canonicalKey());
            }
            Configuration c = inFlight.remove(order.nextInt(inFlight.size()));
            tpe.tell(c, ++told % 37 == 0 ? Double.NaN : objective(c));
        }
        return out;
    }

    public static void main(String[] args) throws java.io.IOException {
        java.nio.file.Files.write(java.nio.file.Path.of(args[0]), proposals());
    }
}
