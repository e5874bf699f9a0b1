package dev.ringalloc.core;

import java.util.Locale;

/**
 * The library's system properties, read one way everywhere: every name starts with {@value #PREFIX}, sizes take
 * a {@code k}, {@code m} or {@code g} suffix (binary: 1k = 1024), and a value that does not parse or lies outside
 * its range is reported through {@link System.Logger} (level WARNING) and the default used instead: a bad
 * property never stops a program.
 *
 * <pre>{@code
 * int capacity = RingProperties.size("dev.ringalloc.capacity", 1 << 20, Ring.MIN_CAPACITY, Ring.MAX_CAPACITY);
 * }</pre>
 */
public final class RingProperties {

    /** The prefix of every system property of the library. */
    public static final String PREFIX = "dev.ringalloc.";

    private static final System.Logger LOGGER = System.getLogger(RingProperties.class.getName());

    private RingProperties() {
    }

    /**
     * The system property {@code key}, or {@code def} if it is not set or may not be read.
     *
     * @throws IllegalArgumentException if {@code key} does not start with {@value #PREFIX}
     */
    public static String get(String key, String def) {
        checkKey(key);
        try {
            String value = System.getProperty(key);
            return value == null ? def : value;
        } catch (SecurityException e) {
            return def;
        }
    }

    /**
     * The size in system property {@code key} ({@link #parseSize}), if set and within {@code [min, max]};
     * otherwise {@code def}. A value that is set but does not parse or lies outside the range is logged as a
     * warning naming the property, the value, the reason and the default used.
     *
     * @throws IllegalArgumentException if {@code key} does not start with {@value #PREFIX}, or
     *                                  {@code min > max}
     */
    public static int size(String key, int def, int min, int max) {
        if (min > max) {
            throw new IllegalArgumentException("min " + min + " > max " + max);
        }
        String value = get(key, null);
        if (value == null) {
            return def;
        }
        try {
            long size = parseSize(value);
            if (size < min || size > max) {
                throw new NumberFormatException("outside [" + min + ", " + max + "]");
            }
            return (int) size;
        } catch (NumberFormatException e) {
            warn(key, value, e.getMessage(), String.valueOf(def));
            return def;
        }
    }

    /**
     * The boolean in system property {@code key}: {@code true} or {@code false} (either case, blanks ignored), or
     * {@code def} if it is not set. Any other value is logged as a warning and {@code def} used: a typo such as
     * {@code -Dx=ture} must not silently mean {@code false}.
     *
     * @throws IllegalArgumentException if {@code key} does not start with {@value #PREFIX}
     */
    public static boolean flag(String key, boolean def) {
        String value = get(key, null);
        if (value == null) {
            return def;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("true") || v.equals("false")) {
            return v.equals("true");
        }
        warn(key, value, "expected true or false", String.valueOf(def));
        return def;
    }

    /**
     * The value of system property {@code key} if it is one of {@code choices} (either case, blanks ignored;
     * returned as the choice is spelled), or {@code def} if it is not set. Any other value is logged as a warning
     * and {@code def} used.
     *
     * @throws IllegalArgumentException if {@code key} does not start with {@value #PREFIX}
     */
    public static String choice(String key, String def, String... choices) {
        String value = get(key, null);
        if (value == null) {
            return def;
        }
        for (String choice : choices) {
            if (choice.equalsIgnoreCase(value.trim())) {
                return choice;
            }
        }
        warn(key, value, "expected one of " + String.join(", ", choices), def);
        return def;
    }

    /**
     * Parses a size: a decimal number of bytes, optionally followed by {@code k}, {@code m} or {@code g}
     * (either case; times 2^10, 2^20, 2^30), surrounding blanks ignored: {@code "4m"} is 4194304.
     *
     * @throws NumberFormatException if {@code value} is no such size, or the size exceeds {@code Long.MAX_VALUE}
     */
    public static long parseSize(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (v.endsWith("k")) {
            unit = 1L << 10;
        } else if (v.endsWith("m")) {
            unit = 1L << 20;
        } else if (v.endsWith("g")) {
            unit = 1L << 30;
        }
        if (unit != 1) {
            v = v.substring(0, v.length() - 1).trim();
        }
        long n = Long.parseLong(v);
        if (n > Long.MAX_VALUE / unit || n < Long.MIN_VALUE / unit) {
            throw new NumberFormatException("too large");
        }
        return n * unit;
    }

    private static void warn(String key, String value, String reason, String def) {
        LOGGER.log(System.Logger.Level.WARNING, "-D{0}={1}: {2}; using {3}", key, value, reason, def);
    }

    private static void checkKey(String key) {
        if (!key.startsWith(PREFIX)) {
            throw new IllegalArgumentException("property " + key + " does not start with " + PREFIX);
        }
    }
}
