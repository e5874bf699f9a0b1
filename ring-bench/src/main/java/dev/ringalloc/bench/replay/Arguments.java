package dev.ringalloc.bench.replay;

import dev.ringalloc.bench.NettyAllocator;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Helpers for the command lines (and results folders) of the replay, the HTTP server and the HTTP load driver. */
public final class Arguments {
    private Arguments() {
    }

    /** The value after option {@code argv[i - 1]}. @throws IllegalArgumentException if there is none */
    public static String value(String[] argv, int i, String option) {
        if (i >= argv.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return argv[i];
    }

    /**
     * A non-negative int, with an optional {@code k}, {@code m} or {@code g} suffix (powers of 1024).
     *
     * @throws IllegalArgumentException naming {@code option} if it is not one
     */
    public static int size(String text, String option) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int shift = t.endsWith("k") ? 10 : t.endsWith("m") ? 20 : t.endsWith("g") ? 30 : 0;
        try {
            long n = Long.parseLong(shift == 0 ? t : t.substring(0, t.length() - 1)) << shift;
            if (n < 0 || n > Integer.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return (int) n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": not a size or count: '" + text + "'");
        }
    }

    /** The allocators of a comma-separated list of names (see {@link #allocator}). */
    public static List<NettyAllocator> allocators(String list) {
        List<NettyAllocator> result = new ArrayList<>();
        for (String name : list.split(",")) {
            result.add(allocator(name));
        }
        return result;
    }

    /**
     * The allocator named {@code name}: a {@link NettyAllocator#of} name, or {@code unpooled} for unpooled
     * direct buffers. @throws IllegalArgumentException if unknown
     */
    public static NettyAllocator allocator(String name) {
        String n = name.trim();
        return n.equalsIgnoreCase("unpooled") ? NettyAllocator.UNPOOLED_DIRECT : NettyAllocator.of(n);
    }

    /** The folder of this run under {@code out}: {@code out/<UTC timestamp>}, as the comparison names its own. */
    public static Path runFolder(Path out) {
        return out.resolve(LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }
}
