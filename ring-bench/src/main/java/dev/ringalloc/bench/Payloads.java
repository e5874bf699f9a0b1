package dev.ringalloc.bench;

import java.util.SplittableRandom;

/** Deterministic test data for the benchmarks: the same bytes and lengths on every run. */
final class Payloads {
    private Payloads() {
    }

    /** {@code size} pseudo-random bytes (fixed seed). */
    static byte[] bytes(int size) {
        byte[] b = new byte[size];
        SplittableRandom random = new SplittableRandom(0x5eed_0f_b1L);
        for (int i = 0; i < size; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        return b;
    }

    /** {@code count} (a power of two) random lengths in {@code [1, max]}, fixed seed. */
    static int[] lengths(int count, int max) {
        int[] lengths = new int[count];
        SplittableRandom random = new SplittableRandom(0x1e_2e_3eL);
        for (int i = 0; i < count; i++) {
            lengths[i] = 1 + random.nextInt(max);
        }
        return lengths;
    }
}
