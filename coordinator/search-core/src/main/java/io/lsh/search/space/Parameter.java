package io.lsh.search.space;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * One dimension of a {@link SearchSpace}: a categorical choice, a float range (uniform, log-uniform or
 * quantized) or an integer range, optionally {@linkplain Condition conditional} on an earlier parameter.
 *
 * <p>Records validate themselves on construction and throw {@link SearchSpaceException} naming the
 * parameter. Immutable and thread-safe. Sampling draws from the random source passed in and from nothing else.
 */
public sealed interface Parameter permits Parameter.Categorical, Parameter.FloatRange, Parameter.IntRange {

    /** @return the parameter's name, unique in its space */
    String name();

    /** @return the condition under which the parameter exists, or {@code null} when it always exists */
    Condition condition();

    /** @return a copy of this parameter that exists only when {@code parent} equals {@code value} */
    Parameter when(String parent, Object value);

    /** @return the number of distinct values of a discrete parameter; empty for a continuous one */
    OptionalLong cardinality();

    /**
     * @param index 0-based index below {@link #cardinality()}
     * @return the index-th value of a discrete parameter, in its natural order
     * @throws UnsupportedOperationException for a continuous parameter
     * @throws IndexOutOfBoundsException     for a bad index
     */
    Object valueAt(long index);

    /** @return a value drawn from the parameter's distribution (uniform over choices or grid points) */
    Object sample(RandomGenerator rng);

    /** @return true when {@code value} (already normalised) is a legal value of this parameter */
    boolean contains(Object value);

    /** @return true when the parameter has finitely many values */
    default boolean isDiscrete() {
        return cardinality().isPresent();
    }

    /** @return true when the parameter has a condition */
    default boolean isConditional() {
        return condition() != null;
    }

    /**
     * @return all values of a discrete parameter in order
     * @throws UnsupportedOperationException for a continuous parameter or more than 2^31-1 values
     */
    default List<Object> values() {
        long n = cardinality().orElseThrow(() ->
                new UnsupportedOperationException("parameter '" + name() + "' is continuous"));
        if (n > Integer.MAX_VALUE) {
            throw new UnsupportedOperationException("parameter '" + name() + "' has too many values: " + n);
        }
        List<Object> out = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            out.add(valueAt(i));
        }
        return Collections.unmodifiableList(out);
    }

    // ---- factories ---------------------------------------------------------------------------------------

    /** @return an unconditional categorical parameter over {@code choices} (in that order) */
    static Categorical categorical(String name, Object... choices) {
        return new Categorical(name, choices == null ? null : java.util.Arrays.asList(choices), null);
    }

    /** @return an unconditional uniform float range [low, high) */
    static FloatRange floatRange(String name, double low, double high) {
        return new FloatRange(name, low, high, false, null, null);
    }

    /** @return an unconditional log-uniform float range [low, high), low &gt; 0 */
    static FloatRange logRange(String name, double low, double high) {
        return new FloatRange(name, low, high, true, null, null);
    }

    /** @return an unconditional quantized float range: low, low + step, ... up to high (inclusive) */
    static FloatRange quantized(String name, double low, double high, double step) {
        return new FloatRange(name, low, high, false, step, null);
    }

    /** @return an unconditional integer range low..high (inclusive) with step 1 */
    static IntRange intRange(String name, int low, int high) {
        return new IntRange(name, low, high, 1, null);
    }

    /** @return an unconditional integer range low, low + step, ... up to high (inclusive) */
    static IntRange intRange(String name, int low, int high, int step) {
        return new IntRange(name, low, high, step, null);
    }

    // ---- records -----------------------------------------------------------------------------------------

    /**
     * A choice among listed values.
     *
     * @param name      parameter name
     * @param choices   non-empty, distinct values (String, Integer, Double, Boolean), kept in order
     * @param condition existence condition, or {@code null}
     */
    record Categorical(String name, List<Object> choices, Condition condition) implements Parameter {

        /** @throws SearchSpaceException on an invalid name, empty or duplicate choices, unsupported values */
        public Categorical {
            Values.checkName(name, "parameter");
            if (choices == null || choices.isEmpty()) {
                throw new SearchSpaceException("parameter '" + name + "': categorical needs at least one choice");
            }
            List<Object> normalized = new ArrayList<>(choices.size());
            Set<Object> seen = new HashSet<>();
            for (Object c : choices) {
                Object v = Values.normalize(c, name);
                if (!seen.add(v)) {
                    throw new SearchSpaceException("parameter '" + name + "': duplicate choice " + Values.display(v));
                }
                normalized.add(v);
            }
            choices = Collections.unmodifiableList(normalized);
        }

        @Override
        public Categorical when(String parent, Object value) {
            return new Categorical(name, choices, new Condition(parent, value));
        }

        @Override
        public OptionalLong cardinality() {
            return OptionalLong.of(choices.size());
        }

        @Override
        public Object valueAt(long index) {
            return choices.get(Math.toIntExact(index));
        }

        @Override
        public Object sample(RandomGenerator rng) {
            return choices.get(rng.nextInt(choices.size()));
        }

        @Override
        public boolean contains(Object value) {
            return choices.contains(value);
        }

        @Override
        public String toString() {
            return name + " in " + choices + (condition == null ? "" : " if " + condition);
        }
    }

    /**
     * A real-valued range. Continuous ranges sample uniformly (or log-uniformly) in [low, high); a quantized
     * range ({@code step} set) is the grid low, low + step, ... up to high inclusive, grid points being
     * computed in decimal so 0.4 + 3 x 0.1 is exactly 0.7.
     *
     * @param name      parameter name
     * @param low       lower bound, finite
     * @param high      upper bound, finite, &gt;= low
     * @param log       sample log-uniformly (requires low &gt; 0, not combinable with a step)
     * @param step      grid step &gt; 0, or {@code null} for a continuous range
     * @param condition existence condition, or {@code null}
     */
    record FloatRange(String name, double low, double high, boolean log, Double step, Condition condition)
            implements Parameter {

        /** @throws SearchSpaceException on bad bounds, log with low &lt;= 0, step &lt;= 0, log with step */
        public FloatRange {
            Values.checkName(name, "parameter");
            if (!Double.isFinite(low) || !Double.isFinite(high)) {
                throw new SearchSpaceException("parameter '" + name + "': bounds must be finite, got ["
                        + low + ", " + high + "]");
            }
            if (low > high) {
                throw new SearchSpaceException("parameter '" + name + "': low " + low + " > high " + high);
            }
            if (log && low <= 0) {
                throw new SearchSpaceException("parameter '" + name + "': log range needs low > 0, got " + low);
            }
            if (step != null) {
                if (!(step > 0) || !Double.isFinite(step)) {
                    throw new SearchSpaceException("parameter '" + name + "': step must be > 0, got " + step);
                }
                if (log) {
                    throw new SearchSpaceException("parameter '" + name + "': a range cannot be both log and stepped");
                }
                if ((high - low) / step >= Integer.MAX_VALUE) {
                    throw new SearchSpaceException("parameter '" + name + "': step " + step + " gives too many points");
                }
            }
            low = low == 0.0 ? 0.0 : low;
            high = high == 0.0 ? 0.0 : high;
        }

        @Override
        public FloatRange when(String parent, Object value) {
            return new FloatRange(name, low, high, log, step, new Condition(parent, value));
        }

        @Override
        public OptionalLong cardinality() {
            if (step == null) {
                return OptionalLong.empty();
            }
            return OptionalLong.of((long) Math.floor((high - low) / step + 1e-9) + 1);
        }

        @Override
        public Object valueAt(long index) {
            long n = cardinality().orElseThrow(() ->
                    new UnsupportedOperationException("parameter '" + name + "' is continuous"));
            if (index < 0 || index >= n) {
                throw new IndexOutOfBoundsException("parameter '" + name + "': index " + index + " of " + n);
            }
            double v = BigDecimal.valueOf(low)
                    .add(BigDecimal.valueOf(step).multiply(BigDecimal.valueOf(index))).doubleValue();
            v = Math.min(v, high);
            return v == 0.0 ? 0.0 : v;
        }

        @Override
        public Object sample(RandomGenerator rng) {
            if (step != null) {
                return valueAt(rng.nextInt((int) cardinality().getAsLong()));
            }
            if (low == high) {
                return low;
            }
            double u = rng.nextDouble();
            double v = log
                    ? Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low)))
                    : low + u * (high - low);
            v = Math.max(low, Math.min(high, v));
            return v == 0.0 ? 0.0 : v;
        }

        @Override
        public boolean contains(Object value) {
            if (!(value instanceof Double d) || d < low || d > high) {
                return false;
            }
            if (step == null) {
                return true;
            }
            double k = Math.rint((d - low) / step);
            return k >= 0 && k < cardinality().getAsLong() && valueAt((long) k).equals(d);
        }

        @Override
        public String toString() {
            return name + " in [" + low + ", " + high + "]" + (log ? " log" : "")
                    + (step == null ? "" : " step " + step) + (condition == null ? "" : " if " + condition);
        }
    }

    /**
     * An integer range low, low + step, ... up to high inclusive.
     *
     * @param name      parameter name
     * @param low       lower bound
     * @param high      upper bound, &gt;= low (need not lie on the grid; the last point is the largest &lt;= high)
     * @param step      grid step &gt; 0
     * @param condition existence condition, or {@code null}
     */
    record IntRange(String name, int low, int high, int step, Condition condition) implements Parameter {

        /** @throws SearchSpaceException on low &gt; high or step &lt;= 0 */
        public IntRange {
            Values.checkName(name, "parameter");
            if (low > high) {
                throw new SearchSpaceException("parameter '" + name + "': low " + low + " > high " + high);
            }
            if (step <= 0) {
                throw new SearchSpaceException("parameter '" + name + "': step must be > 0, got " + step);
            }
        }

        @Override
        public IntRange when(String parent, Object value) {
            return new IntRange(name, low, high, step, new Condition(parent, value));
        }

        @Override
        public OptionalLong cardinality() {
            return OptionalLong.of(((long) high - low) / step + 1);
        }

        @Override
        public Object valueAt(long index) {
            long n = cardinality().getAsLong();
            if (index < 0 || index >= n) {
                throw new IndexOutOfBoundsException("parameter '" + name + "': index " + index + " of " + n);
            }
            return (int) (low + index * step);
        }

        @Override
        public Object sample(RandomGenerator rng) {
            long n = cardinality().getAsLong();
            long k = n <= Integer.MAX_VALUE ? rng.nextInt((int) n) : rng.nextLong(n);
            return valueAt(k);
        }

        @Override
        public boolean contains(Object value) {
            return value instanceof Integer i && i >= low && i <= high && ((long) i - low) % step == 0;
        }

        @Override
        public String toString() {
            return name + " in " + low + ".." + high + (step == 1 ? "" : " step " + step)
                    + (condition == null ? "" : " if " + condition);
        }
    }
}
