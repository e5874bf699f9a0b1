package dev.ringalloc.core;

import java.time.Duration;

/**
 * The calling thread's own ring (RingAl's {@code ringal!} macro): each thread that uses it gets a
 * {@link RingAllocator} of the default capacity on first use, and owns it.
 *
 * <pre>{@code
 * try (FixedBuffer buf = Rings.fixed(256)) { ... }
 * }</pre>
 *
 * <p>The default capacity is {@value #DEFAULT_CAPACITY} bytes, or the system property
 * {@value #CAPACITY_PROPERTY}, or what {@link #setDefaultCapacity(int)} set; it applies to rings made
 * after it is set, so set it before the first use. A thread's ring lives as long as the thread or its
 * buffers: once the thread has ended and its last buffer is dropped, the ring is garbage and its
 * memory goes with it. {@link #closeLocal(Duration)} frees it sooner.
 */
public final class Rings {

    /** Capacity of a thread's ring when nothing else is configured: 1 MiB. */
    public static final int DEFAULT_CAPACITY = 1 << 20;

    /** System property that sets the default capacity, in bytes. */
    public static final String CAPACITY_PROPERTY = "ringalloc.capacity";

    private static volatile int defaultCapacity = Integer.getInteger(CAPACITY_PROPERTY, DEFAULT_CAPACITY);

    private static final ThreadLocal<RingAllocator> LOCAL =
            ThreadLocal.withInitial(() -> RingAllocator.create(defaultCapacity));

    private Rings() {
    }

    /** Sets the capacity of rings created from now on. @throws IllegalArgumentException if out of range */
    public static void setDefaultCapacity(int capacity) {
        defaultCapacity = Ring.checkCapacity(capacity);
    }

    /** The capacity new thread rings get. */
    public static int defaultCapacity() {
        return defaultCapacity;
    }

    /** The calling thread's ring, created on first use. */
    public static RingAllocator local() {
        return LOCAL.get();
    }

    /** {@code local().fixed(size)}. */
    public static FixedBuffer fixed(int size) {
        return local().fixed(size);
    }

    /** {@code local().tryFixed(size)}. */
    public static FixedBuffer tryFixed(int size) {
        return local().tryFixed(size);
    }

    /** {@code local().extendable(initialSize)}. */
    public static ExtendableBuffer extendable(int initialSize) {
        return local().extendable(initialSize);
    }

    /** {@code local().tryExtendable(initialSize)}. */
    public static ExtendableBuffer tryExtendable(int initialSize) {
        return local().tryExtendable(initialSize);
    }

    /**
     * Closes the calling thread's ring, if it has one, and forgets it: the next use makes a new ring.
     *
     * @return what {@link RingAllocator#close(Duration)} returned, or true if the thread had no ring
     */
    public static boolean closeLocal(Duration timeout) {
        RingAllocator ring = LOCAL.get();
        LOCAL.remove();
        return ring.close(timeout);
    }
}
