package dev.ringalloc.core.jcstress;

import dev.ringalloc.core.Ring;
import dev.ringalloc.core.RingStats;

/**
 * Shared set-up and end-of-test checks for the jcstress tests. Most tests use a 128-byte ring: word 0
 * is the head guard, word 15 the tail guard, so the largest region has 14 payload words (112 bytes).
 * Small enough that every allocation the tests make has exactly one possible place. (A split must
 * leave at least {@link Ring#MIN_SPLIT_WORDS} words, so a small request next to a short free run
 * takes the whole run.)
 */
final class Fixture {

    static final int CAPACITY = 128;
    static final int MAX = 112;

    /** Check passed: nothing held, the whole ring allocatable again, memory freed on retire. */
    static final int OK = 1;
    /** Regions are still held although every holder released. */
    static final int STILL_HELD = 2;
    /** Nothing held, but the full-ring allocation failed: capacity lost. */
    static final int CAPACITY_LOST = 3;
    /** The ring did not free its memory on retire although empty. */
    static final int NOT_FREED = 4;

    private Fixture() {
    }

    static Ring ring() {
        return ring(CAPACITY);
    }

    /**
     * A ring of {@code capacity} bytes: direct, or a heap ring when the run sets {@value #HEAP_RINGS_PROPERTY}
     * (JcstressRunTest's second pass, which also turns Unsafe off: a heap ring's guards are then plain words
     * between fences, with releases serialized; see RingMemory).
     */
    static Ring ring(int capacity) {
        return Boolean.getBoolean(HEAP_RINGS_PROPERTY) ? Ring.allocateHeap(capacity, Integer.MAX_VALUE)
                : Ring.allocate(capacity, Integer.MAX_VALUE);
    }

    /** System property of the jcstress VMs: heap rings instead of direct ones. */
    static final String HEAP_RINGS_PROPERTY = "dev.ringalloc.jcstress.heapRings";

    /**
     * Called by an arbiter (after every actor, so it may act as the owner) once every holder has
     * released: the ring must be empty, give its whole capacity again, and free its memory on retire.
     */
    static int recovered(Ring ring) {
        RingStats stats = ring.stats();
        if (stats.liveRegions() != 0 || stats.bytesInUse() != 0) {
            return STILL_HELD;
        }
        long all = ring.tryAllocate(ring.maxAllocation());
        if (all == Ring.NO_REGION) {
            return CAPACITY_LOST;
        }
        ring.release(all);
        ring.retire();
        return ring.isFreed() ? OK : NOT_FREED;
    }

    /** 1 if {@code action} returned normally, 0 if it threw IllegalStateException (any other exception propagates). */
    static int attempt(Runnable action) {
        try {
            action.run();
            return 1;
        } catch (IllegalStateException expected) {
            return 0;
        }
    }

    /** A recycled object for the return-queue tests: {@code id} is written by the releasing thread before its offer. */
    static final class Item {
        int id;
    }
}
