package io.lsh.search.optimizer;

import io.lsh.search.space.Configuration;
import io.lsh.search.space.SearchSpace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Random search without repetition: each ask draws {@link SearchSpace#sample} until it finds a configuration
 * not proposed or told before.
 *
 * <p>Termination: when a discrete space's {@link SearchSpace#size()} configurations have all been used, ask
 * returns empty immediately. When {@code maxDuplicateDraws} consecutive draws are all duplicates, a discrete
 * space of at most {@link #ENUMERATION_LIMIT} points is enumerated and one unused point picked uniformly (so
 * a small space is always exhausted exactly, e.g. 144 asks give the 144 points); otherwise (continuous or
 * huge space) ask gives up and returns empty from then on.
 *
 * <p>Deterministic given the random source and the call sequence; tells do not influence proposals. Not
 * thread-safe.
 */
public final class RandomSearch implements Optimizer {

    /** Default number of consecutive duplicate draws before falling back or giving up. */
    public static final int DEFAULT_MAX_DUPLICATE_DRAWS = 100;

    /** Largest discrete space that is enumerated to find the remaining unused points. */
    public static final long ENUMERATION_LIMIT = 1_000_000;

    private final SearchSpace space;
    private final RandomGenerator rng;
    private final int maxDuplicateDraws;
    private final OptionalLong size;
    private final Set<String> used = new HashSet<>();
    private final List<Observation> history = new ArrayList<>();
    private boolean exhausted;

    /**
     * @param space the space to sample
     * @param rng   the seeded random source, used by this optimizer only
     */
    public RandomSearch(SearchSpace space, RandomGenerator rng) {
        this(space, rng, DEFAULT_MAX_DUPLICATE_DRAWS);
    }

    /**
     * @param space             the space to sample
     * @param rng               the seeded random source, used by this optimizer only
     * @param maxDuplicateDraws consecutive duplicate draws tolerated per ask, &gt;= 1
     */
    public RandomSearch(SearchSpace space, RandomGenerator rng, int maxDuplicateDraws) {
        this.space = Objects.requireNonNull(space, "space");
        this.rng = Objects.requireNonNull(rng, "rng");
        if (maxDuplicateDraws < 1) {
            throw new IllegalArgumentException("maxDuplicateDraws must be >= 1, got " + maxDuplicateDraws);
        }
        this.maxDuplicateDraws = maxDuplicateDraws;
        this.size = space.size();
    }

    @Override
    public Optional<Configuration> ask() {
        if (exhausted || (size.isPresent() && used.size() >= size.getAsLong())) {
            exhausted = true;
            return Optional.empty();
        }
        for (int i = 0; i < maxDuplicateDraws; i++) {
            Configuration c = space.sample(rng);
            if (used.add(c.canonicalKey())) {
                return Optional.of(c);
            }
        }
        if (size.isPresent() && size.getAsLong() <= ENUMERATION_LIMIT) {
            List<Configuration> unused = new ArrayList<>();
            for (Configuration c : space.grid()) {
                if (!used.contains(c.canonicalKey())) {
                    unused.add(c);
                }
            }
            if (!unused.isEmpty()) {
                Configuration c = unused.get(rng.nextInt(unused.size()));
                used.add(c.canonicalKey());
                return Optional.of(c);
            }
        }
        exhausted = true;
        return Optional.empty();
    }

    /** Records the observation; a told configuration is never proposed afterwards. */
    @Override
    public void tell(Configuration configuration, double objective) {
        history.add(new Observation(configuration, objective));
        used.add(configuration.canonicalKey());
    }

    @Override
    public List<Observation> history() {
        return Collections.unmodifiableList(history);
    }
}
