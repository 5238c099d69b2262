package io.lsh.search.space;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * An ordered list of parameter definitions: the space a study searches (for the authors' 144-point pruning
 * space, see {@code docs/method.md} section 3 and Zheng &amp; Shlizerman 2025, arXiv 2506.07975).
 *
 * <p>Validated on construction: names are unique, and a conditional parameter's parent exists, is declared
 * before it, and has the condition's value among its own values. Errors are {@link SearchSpaceException}s
 * naming the parameter. Order matters only for sampling (each draw consumes the random source parameter by
 * parameter, in order) and for {@link #grid()} (the first parameter varies slowest).
 *
 * <p>Immutable and thread-safe; {@link #sample} uses only the random source passed in.
 *
 * @param parameters the parameter definitions in declaration order
 */
public record SearchSpace(List<Parameter> parameters) {

    /** @throws SearchSpaceException on duplicate names or bad conditions, naming the parameter */
    public SearchSpace {
        if (parameters == null) {
            throw new SearchSpaceException("search space: parameter list is null");
        }
        Map<String, Parameter> seen = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            if (p == null) {
                throw new SearchSpaceException("search space: null parameter after " + seen.keySet());
            }
            if (seen.containsKey(p.name())) {
                throw new SearchSpaceException("duplicate parameter name '" + p.name() + "'");
            }
            Condition c = p.condition();
            if (c != null) {
                Parameter parent = seen.get(c.parent());
                if (parent == null) {
                    boolean later = parameters.stream().anyMatch(q -> q != null && q.name().equals(c.parent()));
                    throw new SearchSpaceException("parameter '" + p.name() + "': condition on "
                            + (later ? "parent '" + c.parent() + "' which must be declared before it"
                                     : "unknown parent '" + c.parent() + "'"));
                }
                if (!parent.contains(c.value())) {
                    throw new SearchSpaceException("parameter '" + p.name() + "': condition value "
                            + Values.display(c.value()) + " is not a value of parent '" + c.parent() + "'");
                }
            }
            seen.put(p.name(), p);
        }
        parameters = List.copyOf(parameters);
    }

    /** @return a space of the given parameters, in order */
    public static SearchSpace of(Parameter... parameters) {
        return new SearchSpace(List.of(parameters));
    }

    /** @return the parameter called {@code name}, if any */
    public Optional<Parameter> parameter(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** @return the parameter names in declaration order */
    public List<String> names() {
        return parameters.stream().map(Parameter::name).toList();
    }

    /** @return true when every parameter is discrete (categorical, integer or quantized float) */
    public boolean isDiscrete() {
        return parameters.stream().allMatch(Parameter::isDiscrete);
    }

    /**
     * The number of distinct configurations, counting conditional parameters only where they exist. An
     * empty space has size 1 (the empty configuration).
     *
     * @return the size of a discrete space (saturating at {@code Long.MAX_VALUE}); empty if any parameter is
     *         continuous
     */
    public OptionalLong size() {
        if (!isDiscrete()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(count(0, new HashMap<>(), parentNames()));
    }

    private Set<String> parentNames() {
        Set<String> parents = new HashSet<>();
        for (Parameter p : parameters) {
            if (p.condition() != null) {
                parents.add(p.condition().parent());
            }
        }
        return parents;
    }

    private long count(int i, Map<String, Object> assigned, Set<String> parents) {
        if (i == parameters.size()) {
            return 1;
        }
        Parameter p = parameters.get(i);
        if (!isActive(p, assigned)) {
            return count(i + 1, assigned, parents);
        }
        if (!parents.contains(p.name())) {
            return saturatedMultiply(p.cardinality().getAsLong(), count(i + 1, assigned, parents));
        }
        long total = 0;
        for (Object v : p.values()) {
            assigned.put(p.name(), v);
            total = saturatedAdd(total, count(i + 1, assigned, parents));
        }
        assigned.remove(p.name());
        return total;
    }

    private static long saturatedMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return (hi != 0 || lo < 0) ? Long.MAX_VALUE : lo;
    }

    private static long saturatedAdd(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }

    /**
     * @param p        a parameter of this space
     * @param assigned values of the parameters before {@code p} (absent ones missing)
     * @return true when {@code p} exists given those values
     */
    public boolean isActive(Parameter p, Map<String, ?> assigned) {
        Condition c = p.condition();
        return c == null || c.matches(assigned.get(c.parent()));
    }

    /**
     * Draws a configuration: each existing parameter, in declaration order, samples its own distribution.
     *
     * @param rng the random source (the only one used)
     * @return a configuration of this space
     */
    public Configuration sample(RandomGenerator rng) {
        Map<String, Object> values = new TreeMap<>();
        for (Parameter p : parameters) {
            if (isActive(p, values)) {
                values.put(p.name(), p.sample(rng));
            }
        }
        return Configuration.of(values);
    }

    /**
     * Checks that {@code configuration} is a point of this space: every existing parameter present with a
     * legal value of the right type, no inactive or unknown parameter present.
     *
     * @throws SearchSpaceException naming the first offending parameter
     */
    public void validate(Configuration configuration) {
        Map<String, Object> values = configuration.asMap();
        for (String name : values.keySet()) {
            if (parameter(name).isEmpty()) {
                throw new SearchSpaceException("configuration {" + configuration + "}: unknown parameter '"
                        + name + "' (space has " + names() + ")");
            }
        }
        for (Parameter p : parameters) {
            Object v = values.get(p.name());
            boolean active = isActive(p, values);
            if (active && v == null) {
                throw new SearchSpaceException("configuration {" + configuration + "}: missing parameter '"
                        + p.name() + "'");
            }
            if (!active && v != null) {
                throw new SearchSpaceException("configuration {" + configuration + "}: parameter '" + p.name()
                        + "' must be absent unless " + p.condition());
            }
            if (active && !p.contains(v)) {
                throw new SearchSpaceException("configuration {" + configuration + "}: parameter '" + p.name()
                        + "' value " + Values.display(v) + " (" + Values.typeName(v) + ") is not in " + p);
            }
        }
    }

    /** @return true when {@link #validate} would accept {@code configuration} */
    public boolean contains(Configuration configuration) {
        try {
            validate(configuration);
            return true;
        } catch (SearchSpaceException e) {
            return false;
        }
    }

    /**
     * Every configuration of a discrete space, lazily, in lexicographic order of declaration (the first
     * parameter varies slowest, each parameter's values in their natural order; conditional parameters only
     * where they exist). Iterates exactly {@link #size()} configurations.
     *
     * @return a re-iterable view
     * @throws SearchSpaceException when the space has a continuous parameter
     */
    public Iterable<Configuration> grid() {
        if (!isDiscrete()) {
            throw new SearchSpaceException("search space is not discrete: continuous parameter(s) "
                    + parameters.stream().filter(p -> !p.isDiscrete()).map(Parameter::name).toList());
        }
        return GridIterator::new;
    }

    /** Odometer over the parameters; an inactive parameter has the single placeholder value ABSENT. */
    private final class GridIterator implements Iterator<Configuration> {
        private final Object absent = new Object();
        private final int n = parameters.size();
        private final List<List<Object>> domains = new ArrayList<>(Collections.nCopies(n, null));
        private final int[] index = new int[n];
        private final Map<String, Object> current = new HashMap<>();
        private boolean done;

        GridIterator() {
            resetFrom(0);
        }

        private void resetFrom(int d) {
            for (int i = d; i < n; i++) {
                Parameter p = parameters.get(i);
                List<Object> dom = isActive(p, current) ? p.values() : List.of(absent);
                domains.set(i, dom);
                index[i] = 0;
                put(p, dom.get(0));
            }
        }

        private void put(Parameter p, Object v) {
            if (v == absent) {
                current.remove(p.name());
            } else {
                current.put(p.name(), v);
            }
        }

        @Override
        public boolean hasNext() {
            return !done;
        }

        @Override
        public Configuration next() {
            if (done) {
                throw new NoSuchElementException();
            }
            Configuration c = Configuration.of(current);
            int d = n - 1;
            while (d >= 0 && index[d] + 1 >= domains.get(d).size()) {
                d--;
            }
            if (d < 0) {
                done = true;
            } else {
                index[d]++;
                put(parameters.get(d), domains.get(d).get(index[d]));
                resetFrom(d + 1);
            }
            return c;
        }
    }

    @Override
    public String toString() {
        return "SearchSpace" + parameters;
    }
}
