package dev.ringalloc.core;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Helpers shared by the soak and thread-death tests: checksummed fills, direct-memory readings, reports.
 * Public for ring-netty's stress tests, which use the direct-memory reading, the soak duration and the
 * report through ring-core's test jar.
 */
public final class StressSupport {

    private StressSupport() {
    }

    /** Seconds a soak runs: 3 by default and in CI, 60 with -Pstress (system property ringalloc.stress.seconds). */
    public static int stressSeconds() {
        return Integer.getInteger("ringalloc.stress.seconds", 3);
    }

    /**
     * Bytes of direct memory the JDK accounts for right now: its "direct" buffer pool (allocated memory) plus
     * its "mapped" pool (file mappings, where rings live by default).
     */
    public static long directMemoryUsed() {
        long sum = 0;
        int found = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct") || pool.getName().equals("mapped")) {
                sum += pool.getMemoryUsed();
                found++;
            }
        }
        if (found != 2) {
            throw new AssertionError("no direct or no mapped buffer pool MXBean");
        }
        return sum;
    }

    /** The fill byte at {@code index} of a buffer filled from {@code seed}. */
    static byte patternByte(long seed, int index) {
        long x = seed + index * 0x9E3779B97F4A7C15L;
        x = (x ^ (x >>> 31)) * 0xBF58476D1CE4E5B9L;
        return (byte) (x ^ (x >>> 29));
    }

    /** Writes the pattern of {@code seed} into {@code length} bytes of {@code target} from {@code offset}. */
    static void fill(ByteBuffer target, int offset, int length, long seed) {
        for (int i = 0; i < length; i++) {
            target.put(offset + i, patternByte(seed, i));
        }
    }

    /** Index of the first byte that differs from the pattern of {@code seed}, or -1. */
    static int firstMismatch(ByteBuffer source, int offset, int length, long seed) {
        for (int i = 0; i < length; i++) {
            if (source.get(offset + i) != patternByte(seed, i)) {
                return i;
            }
        }
        return -1;
    }

    /** Prints a report and keeps it under target/stress/{name}.txt, for the closing note. */
    public static void report(String name, String text) {
        System.out.println("[" + name + "]\n" + text);
        try {
            Path dir = Paths.get("target", "stress");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name + ".txt"), text + "\n", StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
