package io.lsh.search.space;

import java.util.Collections;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * One point of a {@link SearchSpace}: an immutable map from parameter name to value, sorted by name.
 *
 * <p>Values are {@code String}, {@code Integer}, {@code Double} or {@code Boolean} (other boxed numbers are
 * normalised on the way in). Two configurations are equal when their maps are equal, which is exactly when
 * their {@link #canonicalKey()}s are equal; the key is what optimizers use to avoid proposing a point twice
 * and what a journal can store ({@link #parse(String)} reads it back).
 *
 * <p>Immutable and thread-safe.
 */
public final class Configuration {

    private static final Configuration EMPTY = new Configuration(new TreeMap<>());

    private final SortedMap<String, Object> values;
    private final String key;

    private Configuration(TreeMap<String, Object> values) {
        this.values = Collections.unmodifiableSortedMap(values);
        StringJoiner k = new StringJoiner(",");
        values.forEach((n, v) -> k.add(n + "=" + Values.canonical(v)));
        this.key = k.toString();
    }

    /**
     * @param values parameter name to value; names must be valid parameter names, values supported types
     * @return the configuration holding those values
     * @throws SearchSpaceException naming the key of an invalid name or value
     */
    public static Configuration of(Map<String, ?> values) {
        TreeMap<String, Object> copy = new TreeMap<>();
        values.forEach((n, v) -> copy.put(Values.checkName(n, "configuration key"), Values.normalize(v, n)));
        return copy.isEmpty() ? EMPTY : new Configuration(copy);
    }

    /** @return the configuration with no parameters */
    public static Configuration empty() {
        return EMPTY;
    }

    /**
     * Reads a configuration back from its {@link #canonicalKey()}.
     *
     * @param canonicalKey a string produced by {@link #canonicalKey()}
     * @return the equal configuration
     * @throws SearchSpaceException when the string is not a canonical key
     */
    public static Configuration parse(String canonicalKey) {
        return new KeyParser(canonicalKey).parse();
    }

    /** @return a copy with {@code name} set to {@code value} (added or replaced) */
    public Configuration with(String name, Object value) {
        TreeMap<String, Object> copy = new TreeMap<>(values);
        copy.put(Values.checkName(name, "configuration key"), Values.normalize(value, name));
        return new Configuration(copy);
    }

    /** @return the values, sorted by name, unmodifiable */
    public SortedMap<String, Object> asMap() {
        return values;
    }

    /** @return the parameter names present, sorted */
    public Set<String> names() {
        return values.keySet();
    }

    /** @return the number of parameters present */
    public int size() {
        return values.size();
    }

    /** @return true when {@code name} is present */
    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** @return the value of {@code name}, if present */
    public Optional<Object> find(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /**
     * @return the value of {@code name}
     * @throws NoSuchElementException naming the key and the keys present when it is absent
     */
    public Object get(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new NoSuchElementException("no parameter '" + name + "' in configuration {" + this
                    + "}; present: " + values.keySet());
        }
        return v;
    }

    /**
     * @return the String value of {@code name}
     * @throws NoSuchElementException when absent
     * @throws SearchSpaceException   when the value is not a String
     */
    public String getString(String name) {
        Object v = get(name);
        if (v instanceof String s) {
            return s;
        }
        throw wrongType(name, v, "a String");
    }

    /**
     * @return the numeric value of {@code name} (a Double, or an Integer widened)
     * @throws NoSuchElementException when absent
     * @throws SearchSpaceException   when the value is not a number
     */
    public double getDouble(String name) {
        Object v = get(name);
        if (v instanceof Double || v instanceof Integer) {
            return ((Number) v).doubleValue();
        }
        throw wrongType(name, v, "a number");
    }

    /**
     * @return the Integer value of {@code name}
     * @throws NoSuchElementException when absent
     * @throws SearchSpaceException   when the value is not an Integer (doubles are not truncated)
     */
    public int getInt(String name) {
        Object v = get(name);
        if (v instanceof Integer i) {
            return i;
        }
        throw wrongType(name, v, "an Integer");
    }

    /**
     * @return the Boolean value of {@code name}
     * @throws NoSuchElementException when absent
     * @throws SearchSpaceException   when the value is not a Boolean
     */
    public boolean getBoolean(String name) {
        Object v = get(name);
        if (v instanceof Boolean b) {
            return b;
        }
        throw wrongType(name, v, "a Boolean");
    }

    private static SearchSpaceException wrongType(String name, Object v, String wanted) {
        return new SearchSpaceException("parameter '" + name + "' is a " + Values.typeName(v) + " ("
                + Values.display(v) + "), not " + wanted);
    }

    /**
     * The canonical key: {@code name=value} pairs sorted by name and joined by commas, strings quoted
     * ({@code "..."} with {@code \} escapes), doubles in Java's shortest round-trip form (always with a
     * '.' or exponent), integers and booleans plain. Example: {@code death="SET",death_rate=0.7,init="ER"}.
     *
     * @return a string equal for equal configurations and different for different ones
     */
    public String canonicalKey() {
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Configuration c && key.equals(c.key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    /** @return a readable form sorted by name, e.g. {@code death=SET death_rate=0.7 init=ER} */
    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(" ");
        values.forEach((n, v) -> j.add(n + "=" + Values.display(v)));
        return j.toString();
    }

    /** Recursive-descent reader of canonical keys. */
    private static final class KeyParser {
        private final String s;
        private int pos;

        KeyParser(String s) {
            this.s = s;
        }

        Configuration parse() {
            if (s == null) {
                throw fail("null key");
            }
            TreeMap<String, Object> out = new TreeMap<>();
            if (s.isEmpty()) {
                return EMPTY;
            }
            while (true) {
                int eq = s.indexOf('=', pos);
                if (eq < 0) {
                    throw fail("missing '='");
                }
                String name = Values.checkName(s.substring(pos, eq), "configuration key");
                pos = eq + 1;
                Object value = value(name);
                if (out.put(name, value) != null) {
                    throw fail("duplicate key '" + name + "'");
                }
                if (pos == s.length()) {
                    break;
                }
                if (s.charAt(pos) != ',') {
                    throw fail("expected ',' at " + pos);
                }
                pos++;
            }
            Configuration c = new Configuration(out);
            if (!c.key.equals(s)) {
                throw fail("not in canonical form (expected " + c.key + ")");
            }
            return c;
        }

        private Object value(String name) {
            if (pos < s.length() && s.charAt(pos) == '"') {
                StringBuilder b = new StringBuilder();
                pos++;
                while (pos < s.length()) {
                    char c = s.charAt(pos++);
                    if (c == '\\' && pos < s.length()) {
                        b.append(s.charAt(pos++));
                    } else if (c == '"') {
                        return b.toString();
                    } else {
                        b.append(c);
                    }
                }
                throw fail("unterminated string for '" + name + "'");
            }
            int end = s.indexOf(',', pos);
            end = end < 0 ? s.length() : end;
            String tok = s.substring(pos, end);
            pos = end;
            if (tok.equals("true") || tok.equals("false")) {
                return Boolean.valueOf(tok);
            }
            try {
                if (tok.indexOf('.') >= 0 || tok.indexOf('E') >= 0) {
                    return Values.normalize(Double.parseDouble(tok), name);
                }
                return Integer.parseInt(tok);
            } catch (NumberFormatException e) {
                throw fail("bad value '" + tok + "' for '" + name + "'");
            }
        }

        private SearchSpaceException fail(String why) {
            return new SearchSpaceException("cannot parse configuration key '" + s + "': " + why);
        }
    }
}
