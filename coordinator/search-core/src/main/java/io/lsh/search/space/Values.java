package io.lsh.search.space;

import java.util.regex.Pattern;

/** Value and name rules shared by parameters and configurations. */
final class Values {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]*");

    private Values() {
    }

    /** Checks a parameter name: a letter or underscore, then letters, digits, '_', '.', '-'. */
    static String checkName(String name, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new SearchSpaceException(what + " name '" + name
                    + "' is invalid: use a letter or '_' then letters, digits, '_', '.' or '-'");
        }
        return name;
    }

    /**
     * Normalises a value to one of String, Integer, Double, Boolean. Long/Short/Byte become Integer when they
     * fit, Float becomes Double; -0.0 becomes 0.0. Rejects null, NaN, infinities and other types.
     *
     * @param owner the parameter or key the value belongs to, for the message
     */
    static Object normalize(Object value, String owner) {
        if (value instanceof String || value instanceof Integer || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                throw new SearchSpaceException("'" + owner + "': value " + value + " is not finite");
            }
            return d == 0.0 ? 0.0 : d;
        }
        if (value instanceof Long || value instanceof Short || value instanceof Byte) {
            long l = ((Number) value).longValue();
            if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
                throw new SearchSpaceException("'" + owner + "': integer value " + value + " does not fit an int");
            }
            return (int) l;
        }
        throw new SearchSpaceException("'" + owner + "': value " + value + " has unsupported type "
                + (value == null ? "null" : value.getClass().getSimpleName())
                + " (use String, Integer, Double or Boolean)");
    }

    /** Human-readable form: strings unquoted. */
    static String display(Object value) {
        return String.valueOf(value);
    }

    /** Unambiguous form for canonical keys: strings quoted and escaped, numbers in Java's round-trip form. */
    static String canonical(Object value) {
        if (value instanceof String s) {
            StringBuilder b = new StringBuilder(s.length() + 2).append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    b.append('\\');
                }
                b.append(c);
            }
            return b.append('"').toString();
        }
        return String.valueOf(value); // Integer, Boolean, Double (Double.toString always has '.' or 'E')
    }

    /** Simple type name for error messages. */
    static String typeName(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName();
    }
}
