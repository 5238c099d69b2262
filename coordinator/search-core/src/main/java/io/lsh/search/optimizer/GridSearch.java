package io.lsh.search.optimizer;

import io.lsh.search.space.Configuration;
import io.lsh.search.space.SearchSpace;
import io.lsh.search.space.SearchSpaceException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Exhaustive search of a discrete space: every configuration once, in {@link SearchSpace#grid()} order or in
 * a seeded random permutation of it. Configurations told before being asked are skipped. Not thread-safe.
 */
public final class GridSearch implements Optimizer {

    /** Largest space that can be shuffled (the permutation is materialised). */
    public static final long SHUFFLE_LIMIT = 1_000_000;

    private final Iterator<Configuration> order;
    private final Set<String> used = new HashSet<>();
    private final List<Observation> history = new ArrayList<>();

    /**
     * Visits the grid in lexicographic declaration order, lazily.
     *
     * @throws SearchSpaceException when the space is not discrete
     */
    public GridSearch(SearchSpace space) {
        this.order = space.grid().iterator();
    }

    /**
     * Visits the grid in a random permutation drawn from {@code rng} (Fisher-Yates with
     * {@code rng.nextInt}).
     *
     * @throws SearchSpaceException when the space is not discrete or larger than {@link #SHUFFLE_LIMIT}
     */
    public GridSearch(SearchSpace space, RandomGenerator rng) {
        long n = space.size().orElseThrow(() -> new SearchSpaceException("grid search needs a discrete space"));
        if (n > SHUFFLE_LIMIT) {
            throw new SearchSpaceException("grid search: space of " + n + " points is too large to shuffle");
        }
        List<Configuration> all = new ArrayList<>((int) n);
        space.grid().forEach(all::add);
        for (int i = all.size() - 1; i > 0; i--) {
            Collections.swap(all, i, rng.nextInt(i + 1));
        }
        this.order = all.iterator();
    }

    @Override
    public Optional<Configuration> ask() {
        while (order.hasNext()) {
            Configuration c = order.next();
            if (used.add(c.canonicalKey())) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

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
