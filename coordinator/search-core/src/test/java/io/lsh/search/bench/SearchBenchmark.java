package io.lsh.search.bench;

import io.lsh.search.StudyEngine;
import io.lsh.search.WorkItem;
import io.lsh.search.optimizer.Optimizer;
import io.lsh.search.optimizer.RandomSearch;
import io.lsh.search.optimizer.TpeSettings;
import io.lsh.search.optimizer.TreeParzenEstimator;
import io.lsh.search.scheduler.AsyncSuccessiveHalving;
import io.lsh.search.scheduler.EliminationRounds;
import io.lsh.search.scheduler.EliminationSettings;
import io.lsh.search.scheduler.HalvingSettings;
import io.lsh.search.scheduler.MedianStopping;
import io.lsh.search.scheduler.MedianStoppingSettings;
import io.lsh.search.scheduler.Scheduler;
import io.lsh.search.space.Configuration;
import io.lsh.search.space.Parameter;
import io.lsh.search.space.SearchSpace;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Cost of the search engine per trial at 10,000 finished trials (goal: under 1 ms for ask + tell). Not a unit test:
 * tagged {@code slow}, excluded by default; run with
 * {@code mvn -B -o -q test -pl coordinator/search-core -Dtest=SearchBenchmark -Dlsh.test.excludedGroups=}
 * or as a main. See {@code bench/search/README.md}.
 *
 * <p>Optimizers: 10,000 sequential ask + tell pairs fill the history, then the next {@value #MEASURED} pairs are
 * timed. Engine: a study of 10,000 trials driven by 4 simulated workers (every nextWork + onResult call timed over the
 * whole study, divided by the trials).
 */
@Tag("slow")
class SearchBenchmark {

    static final int FILLED = Integer.getInteger("lsh.bench.trials", 10_000);
    static final int MEASURED = 500;

    /** The LSH space with a fine death-rate grid (24 x 5001 points), so that 10,000 distinct trials exist. */
    static SearchSpace lshSpace() {
        return SearchSpace.of(
                Parameter.categorical("init", "uniform", "ER", "ERK"),
                Parameter.categorical("death", "magnitude", "SET", "threshold", "global_magnitude"),
                Parameter.categorical("growth", "random"),
                Parameter.categorical("redistribution", "magnitude", "nonzeros", "none"),
                Parameter.quantized("death-rate", 0.4, 0.9, 0.0001));
    }

    /** Three continuous parameters, one of them log-uniform, one conditional. */
    static SearchSpace continuousSpace() {
        return SearchSpace.of(
                Parameter.categorical("death", "magnitude", "SET"),
                Parameter.floatRange("death-rate", 0.1, 0.9),
                Parameter.logRange("lr", 1e-4, 1),
                Parameter.floatRange("momentum", 0, 1).when("death", "SET"));
    }

    static double objective(Configuration c) {
        double v = 0;
        for (Map.Entry<String, Object> e : c.asMap().entrySet()) {
            Object x = e.getValue();
            v += x instanceof Double d ? (d - 0.6) * (d - 0.6) : (x.hashCode() & 7) / 10.0;
        }
        return v;
    }

    /** @return microseconds per ask + tell after {@link #FILLED} finished trials */
    static double optimizerMicros(Optimizer o) {
        for (int i = 0; i < FILLED; i++) {
            Configuration c = o.ask().orElseThrow();
            o.tell(c, objective(c));
        }
        long start = System.nanoTime();
        for (int i = 0; i < MEASURED; i++) {
            Configuration c = o.ask().orElseThrow();
            o.tell(c, objective(c));
        }
        return (System.nanoTime() - start) / 1e3 / MEASURED;
    }

    /** @return microseconds of engine calls per trial over a whole study of {@code trials} trials */
    static double engineMicros(SearchSpace space, Function<Integer, Scheduler> scheduler, boolean tpe, int trials) {
        Random r = new Random(1);
        Optimizer o = tpe ? new TreeParzenEstimator(space, new Random(2), TpeSettings.defaults())
                : new RandomSearch(space, new Random(2));
        StudyEngine e = new StudyEngine(space, o, scheduler.apply(trials), 3, 3);
        List<WorkItem> inFlight = new ArrayList<>();
        long nanos = 0;
        while (true) {
            long t0 = System.nanoTime();
            while (inFlight.size() < 4) {
                Optional<WorkItem> w = e.nextWork();
                if (w.isEmpty()) {
                    break;
                }
                inFlight.add(w.get());
            }
            nanos += System.nanoTime() - t0;
            if (inFlight.isEmpty()) {
                break;
            }
            WorkItem w = inFlight.remove(r.nextInt(inFlight.size()));
            double q = objective(w.configuration());
            Map<String, Double> m = Map.of("ls_distance", q + r.nextGaussian() * 0.1 / w.toEpoch(),
                    "val_ppl", 80 + 20 * q + r.nextGaussian());
            long t1 = System.nanoTime();
            e.onResult(w.trialId(), w.toEpoch(), m);
            nanos += System.nanoTime() - t1;
        }
        if (e.selectedId().isEmpty()) {
            throw new IllegalStateException("the benchmark study selected nothing");
        }
        return nanos / 1e3 / e.trials().size();
    }

    static List<String> run() {
        List<String> out = new ArrayList<>();
        Map<String, Supplier<Double>> cases = new java.util.LinkedHashMap<>();
        cases.put("random, LSH space (discrete)", () -> optimizerMicros(new RandomSearch(lshSpace(), new Random(1))));
        cases.put("tpe, LSH space (discrete)", () -> optimizerMicros(
                new TreeParzenEstimator(lshSpace(), new Random(1), TpeSettings.defaults())));
        cases.put("random, continuous + log + conditional", () -> optimizerMicros(
                new RandomSearch(continuousSpace(), new Random(1))));
        cases.put("tpe, continuous + log + conditional", () -> optimizerMicros(
                new TreeParzenEstimator(continuousSpace(), new Random(1), TpeSettings.defaults())));
        cases.put("engine: random + elimination, 10,000 trials", () -> engineMicros(lshSpace(),
                n -> new EliminationRounds(new EliminationSettings(n, 1, 1, 2, 30, "ls_distance", "val_ppl")), false,
                FILLED));
        cases.put("engine: tpe + asha (eta 3, rungs 1..27), 10,000 trials", () -> engineMicros(lshSpace(),
                n -> AsyncSuccessiveHalving.asha(new HalvingSettings(n, 1, 3, 27, 2, 30, "ls_distance", "val_ppl")),
                true, FILLED));
        cases.put("engine: random + hyperband, 10,000 trials", () -> engineMicros(lshSpace(),
                n -> AsyncSuccessiveHalving.hyperband(new HalvingSettings(n, 1, 3, 27, 2, 30, "ls_distance",
                        "val_ppl")), false, FILLED));
        cases.put("engine: random + median, 10,000 trials", () -> engineMicros(lshSpace(),
                n -> new MedianStopping(new MedianStoppingSettings(n, 1, 1, 8, 3, 2, 30, "ls_distance", "val_ppl")),
                false, FILLED));
        for (Map.Entry<String, Supplier<Double>> c : cases.entrySet()) {
            double us = c.getValue().get();
            out.add(String.format(Locale.ROOT, "%-58s %9.1f us per trial", c.getKey(), us));
            System.out.println(out.get(out.size() - 1));
        }
        return out;
    }

    @Test
    void measure() {
        run().forEach(System.out::println);
    }

    public static void main(String[] args) {
        run().forEach(System.out::println);
    }
}
