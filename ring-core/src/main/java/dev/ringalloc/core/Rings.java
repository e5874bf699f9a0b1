package dev.ringalloc.core;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The calling thread's own ring (RingAl's {@code ringal!} macro): each platform thread that uses it gets a
 * {@link RingAllocator} of the default capacity on first use, and owns it.
 *
 * <pre>{@code
 * try (FixedBuffer buf = Rings.fixed(256)) { ... }
 * }</pre>
 *
 * <p>The default capacity is {@link RingAllocator#DEFAULT_CAPACITY}, or the system property
 * {@value #CAPACITY_PROPERTY} (a size, e.g. {@code 4m}: see {@link RingProperties}), or what
 * {@link #setDefaultCapacity(int)} set; it applies to rings made after it is set, so set it before the first
 * use. A thread's ring lives as long as the thread or its buffers: once the thread has ended and its last
 * buffer is dropped, the ring is garbage and its memory goes with it. {@link #closeLocal(Duration)} frees it
 * sooner.
 *
 * <p><b>Virtual threads get no ring.</b> A ring per thread is sized for a few long-lived platform threads (event
 * loops, workers): 100,000 virtual threads would reserve 100,000 rings. Nor can virtual threads share their
 * carrier's ring: a virtual thread may be unmounted between two calls, and another one mounted on the same
 * carrier would then allocate from a ring whose owner is still inside an operation. So on a virtual thread the
 * calls that need a ring ({@link #local()}, {@link #fixed}, {@link #extendable} and their {@code try} forms)
 * throw {@link UnsupportedOperationException} and create nothing; {@link #isLocal} answers false and
 * {@link #closeLocal} true. Virtual threads use a {@link RingAllocator} of their own making, owned by one
 * thread, instead (for instance one per task that allocates many buffers, closed when the task ends).
 */
public final class Rings {

    /** System property that sets the default capacity: a size, {@link RingProperties#parseSize}. */
    public static final String CAPACITY_PROPERTY = RingProperties.PREFIX + "capacity";

    /** The capacity of rings made from now on. Any thread: {@code lvDefaultCapacity}, {@code svDefaultCapacity}. */
    private static volatile int defaultCapacity = RingProperties.size(CAPACITY_PROPERTY,
            RingAllocator.DEFAULT_CAPACITY, Ring.MIN_CAPACITY, Ring.MAX_CAPACITY);

    /** Rings made here since the class was loaded (for tests). Any thread: {@code incrementAndGet}, {@code get}. */
    private static final AtomicLong RINGS_MADE = new AtomicLong();

    /** Each platform thread's ring, or null; never read or set on a virtual thread. */
    private static final ThreadLocal<RingAllocator> LOCAL = new ThreadLocal<>();

    private Rings() {
    }

    /** Sets the capacity of rings created from now on. @throws IllegalArgumentException if out of range */
    public static void setDefaultCapacity(int capacity) {
        svDefaultCapacity(Ring.checkCapacity(capacity));
    }

    /** The capacity new thread rings get. */
    public static int defaultCapacity() {
        return lvDefaultCapacity();
    }

    /**
     * The calling thread's ring, created on first use.
     *
     * @throws UnsupportedOperationException on a virtual thread (see the class documentation)
     */
    public static RingAllocator local() {
        RingAllocator ring = existing();
        return ring != null ? ring : create();
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
     * True if the calling thread has a ring and {@code buffer} is one of its live buffers. Creates no ring.
     *
     * @throws IllegalStateException if {@code buffer} was already released
     */
    public static boolean isLocal(RegionHolder buffer) {
        buffer.checkLive();
        RingAllocator ring = existing();
        return ring != null && ring.owns(buffer);
    }

    /**
     * True if the calling thread has a ring and all of {@code buffer}'s memory lies in it (see
     * {@link RingAllocator#owns(ByteBuffer)}). Creates no ring.
     *
     * @throws UnsupportedOperationException as {@link RingAllocator#owns(ByteBuffer)}
     */
    public static boolean isLocal(ByteBuffer buffer) {
        Objects.requireNonNull(buffer, "buffer");
        RingAllocator ring = existing();
        return ring != null && ring.owns(buffer);
    }

    /**
     * Closes the calling thread's ring, if it has one, and forgets it: the next use makes a new ring. Creates no
     * ring.
     *
     * @return what {@link RingAllocator#close(Duration)} returned, or true if the thread had no ring
     */
    public static boolean closeLocal(Duration timeout) {
        RingAllocator ring = existing();
        if (ring == null) {
            return true;
        }
        LOCAL.remove();
        return ring.close(timeout);
    }

    /** Rings made by this class so far. */
    static long ringsMade() {
        return RINGS_MADE.get();
    }

    /** The calling thread's ring, or null; never touches a virtual thread's thread locals. */
    private static RingAllocator existing() {
        Thread current = Thread.currentThread();
        return VirtualThreads.isVirtual(current) ? null : LOCAL.get();
    }

    private static RingAllocator create() {
        if (VirtualThreads.isVirtual(Thread.currentThread())) {
            throw new UnsupportedOperationException("Rings gives no ring to a virtual thread ("
                    + Thread.currentThread() + "): one ring per virtual thread would reserve " + defaultCapacity()
                    + " bytes each. Use a RingAllocator of your own, owned by one thread (RingAllocator.create)");
        }
        RingAllocator ring = RingAllocator.create(defaultCapacity());
        RINGS_MADE.incrementAndGet();
        LOCAL.set(ring);
        return ring;
    }

    private static int lvDefaultCapacity() {
        return defaultCapacity;
    }

    private static void svDefaultCapacity(int capacity) {
        defaultCapacity = capacity;
    }
}
