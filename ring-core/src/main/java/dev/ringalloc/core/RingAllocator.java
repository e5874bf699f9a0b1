package dev.ringalloc.core;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * A ring allocator for short-lived buffers: one fixed block of direct memory, owned by one thread,
 * handing out {@link FixedBuffer}s, {@link ExtendableBuffer}s and typed buffers ({@link FixedLongBuffer},
 * {@link FixedIntBuffer}, {@link FixedDoubleBuffer}) that any thread may release.
 *
 * <pre>{@code
 * RingAllocator ring = RingAllocator.create(1 << 20);
 * try (FixedBuffer buf = ring.fixed(128)) {
 *     buf.writeInt(42).write(payload);
 *     channel.write(buf.asByteBuffer());
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> The <em>owner</em> is the first thread that allocates from the ring (so a ring may
 * be built on one thread and handed to the worker that uses it). Only the owner allocates, grows
 * extendable buffers and closes the ring; any other thread doing so gets an
 * {@link IllegalStateException}. Buffers may be passed to other threads (through any safe
 * hand-off: a queue, a future, a volatile field) and closed there.
 *
 * <p><b>Failure.</b> The {@code try} methods return {@code null} when the ring is full right now; the
 * others throw {@link RingFullException}. A size the ring can never hold (above {@link #maxAllocation()}),
 * zero or negative, is an {@link IllegalArgumentException}.
 *
 * <p><b>Garbage.</b> None in the steady state: buffer objects are recycled per ring (see {@link RegionHolder}
 * for what that means for a reference kept after {@code close()}).
 *
 * <p><b>Footprint.</b> Exactly {@link #capacity()} bytes of direct memory (plus up to 63 bytes of
 * alignment) from creation until {@link #close(Duration)}.
 */
public final class RingAllocator {

    /** Capacity of a ring when nothing else is configured: 1 MiB. */
    public static final int DEFAULT_CAPACITY = 1 << 20;

    /**
     * Bytes an extendable buffer claims up front when the free space at the ring's head holds them (never less
     * than asked for): growth in place costs a guard CAS each time, and {@code finish()} returns what was not
     * written. 4 KiB covers the usual message without a growth (benchmark 4's extendable rows grew twice per
     * buffer up to 1 KiB, a quarter of their time).
     */
    static final int EXTENDABLE_CLAIM = 4096;

    /** Slots per pool for buffer objects released on other threads (see {@link ObjectPool}). */
    static final int RETURN_SLOTS = 1024;

    /** Default for {@link Builder#maxRegionsVisited(int)}: no bound but the one-lap limit. */
    public static final int UNBOUNDED_VISITS = Integer.MAX_VALUE;

    private final Ring ring;
    /** The address of the ring's byte 0 where bulk copies go by address, else -1: see {@link PayloadCopy}. */
    final long address;
    private final int quarantine;
    private final boolean recycling;
    private final ObjectPool<RegionHolder> fixedPool;
    private final ObjectPool<RegionHolder> extendablePool;
    private final ObjectPool<RegionHolder> frozenPool;
    /**
     * The typed buffers' pools, by {@link ElementBuffer.Kind}: made on first use, by the owner (only the owner
     * allocates typed buffers); other threads reach a pool only through the objects it made.
     */
    @SuppressWarnings("unchecked")
    private final ObjectPool<RegionHolder>[] elementPools =
            (ObjectPool<RegionHolder>[]) new ObjectPool<?>[ElementBuffer.Kind.values().length];


    RingAllocator(Ring ring, int quarantine, boolean recycling) {
        this.ring = ring;
        this.address = PayloadCopy.addressOf(ring.memory());
        this.quarantine = quarantine;
        this.recycling = recycling;
        this.fixedPool = pool(p -> new FixedBuffer(this, p));
        this.extendablePool = pool(p -> new ExtendableBuffer(this, p));
        this.frozenPool = pool(p -> new FrozenBuffer(this, p));
    }

    private ObjectPool<RegionHolder> pool(Function<ObjectPool<RegionHolder>, RegionHolder> factory) {
        return new ObjectPool<>(factory, quarantine, recycling ? RETURN_SLOTS : 0);
    }

    /**
     * Creates a ring of {@code capacity} bytes (rounded up to a multiple of 8; the guards live inside
     * it, so the largest buffer is {@code capacity - 16} bytes).
     *
     * @throws IllegalArgumentException if capacity is below {@value Ring#MIN_CAPACITY} or above
     *                                  {@link Ring#MAX_CAPACITY}
     */
    public static RingAllocator create(int capacity) {
        return builder().capacity(capacity).build();
    }

    /** A builder, for the options beyond capacity. */
    public static Builder builder() {
        return new Builder();
    }

    // ---- allocation -----------------------------------------------------------------------------

    /** A fixed buffer of at least {@code size} bytes, or {@code null} if the ring is full right now. */
    public FixedBuffer tryFixed(int size) {
        long handle = allocate(size);
        if (handle == Ring.NO_REGION) {
            return null;
        }
        return fixedOver(handle, ring.nextOfLastAllocation(), Ring.regionBytes(size), 0);
    }

    /** A fixed buffer of at least {@code size} bytes. @throws RingFullException if the ring is full right now */
    public FixedBuffer fixed(int size) {
        return orFull(tryFixed(size), size);
    }

    /**
     * An extendable buffer with room for {@code initialSize} bytes to start with, or {@code null} if the
     * ring is full right now. Extendable buffers grow on the owner thread only.
     */
    public ExtendableBuffer tryExtendable(int initialSize) {
        checkAllocation(initialSize);
        long handle = ring.tryAllocateGrowable(initialSize,
                Math.max(initialSize, Math.min(EXTENDABLE_CLAIM, ring.maxAllocation())));
        return handle == Ring.NO_REGION ? null
                : ((ExtendableBuffer) extendablePool.get()).init(handle, RegionHolder.NO_NEXT,
                        Ring.regionBytes(initialSize), 0);
    }

    /** An extendable buffer. @throws RingFullException if the ring is full right now */
    public ExtendableBuffer extendable(int initialSize) {
        return orFull(tryExtendable(initialSize), initialSize);
    }

    /** A buffer of at least {@code capacity} longs, or {@code null} if the ring is full right now. */
    public FixedLongBuffer tryLongs(int capacity) {
        return (FixedLongBuffer) tryElements(ElementBuffer.Kind.LONGS, capacity);
    }

    /** A buffer of at least {@code capacity} longs. @throws RingFullException if the ring is full right now */
    public FixedLongBuffer longs(int capacity) {
        return orFull(tryLongs(capacity), capacity * Long.BYTES);
    }

    /** A buffer of at least {@code capacity} ints, or {@code null} if the ring is full right now. */
    public FixedIntBuffer tryInts(int capacity) {
        return (FixedIntBuffer) tryElements(ElementBuffer.Kind.INTS, capacity);
    }

    /** A buffer of at least {@code capacity} ints. @throws RingFullException if the ring is full right now */
    public FixedIntBuffer ints(int capacity) {
        return orFull(tryInts(capacity), capacity * Integer.BYTES);
    }

    /** A buffer of at least {@code capacity} doubles, or {@code null} if the ring is full right now. */
    public FixedDoubleBuffer tryDoubles(int capacity) {
        return (FixedDoubleBuffer) tryElements(ElementBuffer.Kind.DOUBLES, capacity);
    }

    /** A buffer of at least {@code capacity} doubles. @throws RingFullException if the ring is full right now */
    public FixedDoubleBuffer doubles(int capacity) {
        return orFull(tryDoubles(capacity), capacity * Double.BYTES);
    }

    /** {@code buffer}, unless it is null: the ring had no free run of {@code size} bytes. */
    private <B extends RegionHolder> B orFull(B buffer, int size) {
        if (buffer == null) {
            throw full(size);
        }
        return buffer;
    }

    /** A typed buffer of {@code kind} with room for {@code capacity} values, or null if the ring is full. */
    private ElementBuffer tryElements(ElementBuffer.Kind kind, int capacity) {
        long handle = allocate(elementBytes(capacity, kind.width));
        if (handle == Ring.NO_REGION) {
            return null;
        }
        ObjectPool<RegionHolder> pool = elementPools[kind.ordinal()];
        if (pool == null) {
            pool = pool(p -> kind.make(this, p));
            elementPools[kind.ordinal()] = pool;
        }
        ElementBuffer buffer = (ElementBuffer) pool.get();
        buffer.init(handle, ring.nextOfLastAllocation());
        return buffer;
    }

    /** Bytes for {@code capacity} elements of {@code width} bytes; checked as a size. */
    private int elementBytes(int capacity, int width) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("buffer capacity must be positive, got " + capacity);
        }
        long bytes = (long) capacity * width;
        if (bytes > ring.maxAllocation()) {
            throw new IllegalArgumentException("a buffer of " + capacity + " elements of " + width + " bytes exceeds"
                    + " the ring's largest possible buffer (" + ring.maxAllocation() + " bytes of a " + ring.capacity()
                    + "-byte ring)");
        }
        return (int) bytes;
    }

    // The checks are written out here rather than called through checkAllocation: with the extra call level the
    // JIT compiled benchmark 4's fixed 64 B row 7-11 % slower (three interleaved A/B runs).
    private long allocate(int size) {
        checkSize(size);
        checkOwner();
        if (ring.isRetired()) {
            throw new IllegalStateException("ring is closed");
        }
        return ring.tryAllocate(size);
    }

    /** The checks of {@link #allocate(int)}, for the extendable buffer's allocation. */
    private void checkAllocation(int size) {
        checkSize(size);
        checkOwner();
        if (ring.isRetired()) {
            throw new IllegalStateException("ring is closed");
        }
    }

    void checkSize(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("buffer size must be positive, got " + size);
        }
        if (size > ring.maxAllocation()) {
            throw new IllegalArgumentException("buffer size " + size + " exceeds the ring's largest possible buffer ("
                    + ring.maxAllocation() + " bytes of a " + ring.capacity() + "-byte ring)");
        }
    }

    void checkOwner() {
        Thread current = Thread.currentThread();
        if (ring.owner() != current) {
            ring.bindOwner(current); // the first thread to allocate; throws for any other
        }
    }

    private Thread lvOwner() {
        return ring.owner();
    }

    /**
     * A fixed buffer object over the held region {@code handle}, whose {@code next} it keeps (a fixed buffer never
     * grows; {@link RegionHolder#NO_NEXT} if unknown), known to hold {@code room} bytes, {@code length} written.
     */
    FixedBuffer fixedOver(long handle, int next, int room, int length) {
        return ((FixedBuffer) fixedPool.get()).init(handle, next, room, length);
    }

    /**
     * A frozen buffer object over the held region {@code handle}: from the pool on the owner thread, a new
     * object on any other (the pool hands out on its owner only).
     */
    FrozenBuffer frozen(long handle, int length) {
        FrozenBuffer frozen = lvOwner() == Thread.currentThread()
                ? (FrozenBuffer) frozenPool.get() : new FrozenBuffer(this, frozenPool);
        return frozen.init(handle, length);
    }

    /**
     * Releases a holder's region and takes the object back into its pool, both by the path of the calling
     * thread, read once: on the owner the ring's store and the pool's waiting line, on any other thread the
     * ring's CAS and the pool's return queue. The object is not touched after it is queued: from then on the
     * owner may hand it out again.
     *
     * <p>On the owner a holder that kept its region's {@code next} releases without reading the guard
     * ({@link Ring#releaseOnOwner(long, int)}), which checks neither lock nor stamp. What those checks would catch
     * there is caught before: a second release by the same object fails its holder count
     * ({@link RegionHolder#checkLive()}), which on the owner thread always reads the owner's own last write, and a
     * holder on another thread releases through the CAS. Only a buffer closed on two threads at once, which breaks
     * the one-thread-at-a-time rule, may go unreported, as with the checked store.
     */
    void release(long handle, RegionHolder holder) {
        if (lvOwner() == Thread.currentThread()) {
            int next = holder.next;
            if (next != RegionHolder.NO_NEXT) {
                ring.releaseOnOwner(handle, next);
            } else {
                ring.releaseOnOwner(handle);
            }
            holder.pool.recycleOnOwner(holder);
        } else {
            ring.releaseElsewhere(handle);
            holder.pool.recycleElsewhere(holder);
        }
    }

    /** Takes an object back into its pool without releasing a region (its region moved on to another object). */
    void recycle(RegionHolder holder) {
        if (lvOwner() == Thread.currentThread()) {
            holder.pool.recycleOnOwner(holder);
        } else {
            holder.pool.recycleElsewhere(holder);
        }
    }

    RingFullException full(int size) {
        return new RingFullException("ring of " + ring.capacity() + " bytes has no free run of " + size
                + " bytes right now");
    }

    Ring ring() {
        return ring;
    }

    // ---- ownership ------------------------------------------------------------------------------

    /**
     * True if {@code buffer} is a live buffer of this ring.
     *
     * @throws IllegalStateException if {@code buffer} was already released
     * @throws NullPointerException  if {@code buffer} is null
     */
    public boolean owns(RegionHolder buffer) {
        buffer.checkLive();
        return buffer.allocator == this;
    }

    /**
     * True if all of {@code buffer}'s memory (its capacity, from its address) lies in this ring's memory: a
     * view from {@code asByteBuffer()} of one of its buffers, or a slice of {@link Ring#memory()}. False for any
     * other memory: a heap buffer, another ring's buffer, a direct buffer next to this ring, and any buffer once
     * this ring's memory was freed. Any thread; see {@link BufferAddresses} for how addresses are read.
     *
     * @throws NullPointerException          if {@code buffer} is null
     * @throws UnsupportedOperationException for a direct buffer on a JVM that lets the library read no direct
     *                                       buffer address: JDK 17 to 21 with {@code sun.misc.Unsafe} turned off
     */
    public boolean owns(ByteBuffer buffer) {
        Objects.requireNonNull(buffer, "buffer");
        return !ring.isFreed() && BufferAddresses.within(ring.memory(), buffer);
    }

    // ---- figures and lifecycle ------------------------------------------------------------------

    /** Bytes of the ring, guards included: its whole footprint. */
    public int capacity() {
        return ring.capacity();
    }

    /** The largest buffer this ring can ever hand out. */
    public int maxAllocation() {
        return ring.maxAllocation();
    }

    /** The ring's figures now; any thread. */
    public RingStats stats() {
        return ring.stats();
    }

    /** True once {@link #close(Duration)} was called (the ring allocates no more). */
    public boolean isClosed() {
        return ring.isRetired();
    }

    /** True once the ring's memory has been given back. */
    public boolean isFreed() {
        return ring.isFreed();
    }

    /**
     * Closes the ring: it allocates no more, and its memory is freed as soon as every buffer is
     * released. Waits up to {@code timeout} for that. Owner thread only (or any thread if the ring
     * never allocated).
     *
     * @return true if the memory was freed within the timeout; false if buffers are still held: nothing
     *         is freed under them, they stay usable, and the release of the last one frees the memory
     */
    public boolean close(Duration timeout) {
        if (lvOwner() != null) {
            checkOwner();
        }
        ring.retire();
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = TimeUnit.MICROSECONDS.toNanos(10);
        while (!ring.isFreed()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || Thread.currentThread().isInterrupted()) {
                return false;
            }
            LockSupport.parkNanos(Math.min(pause, left));
            pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(10));
        }
        return true;
    }

    @Override
    public String toString() {
        Thread o = lvOwner();
        return "RingAllocator[capacity=" + capacity() + ", owner=" + (o == null ? "none" : o.getName())
                + (isClosed() ? ", closed" : "") + "]";
    }

    /** Options for a {@link RingAllocator}. */
    public static final class Builder {
        private int capacity = DEFAULT_CAPACITY;
        private int maxRegionsVisited = UNBOUNDED_VISITS;
        private boolean recycleBuffers = true;
        private int quarantine = RegionHolder.QUARANTINE;

        private Builder() {
        }

        /** Ring size in bytes (default {@value RingAllocator#DEFAULT_CAPACITY}). */
        public Builder capacity(int capacity) {
            this.capacity = capacity;
            return this;
        }

        /**
         * The most regions one allocation may look at before it reports the ring full: a bound on
         * allocation latency when many long-lived buffers are held. Default: one full lap.
         */
        public Builder maxRegionsVisited(int maxRegionsVisited) {
            this.maxRegionsVisited = maxRegionsVisited;
            return this;
        }

        /**
         * Whether buffer objects are recycled (default true): no garbage per allocation, and a reference used
         * after {@code close()} throws until {@value RegionHolder#QUARANTINE} more buffers of its kind were
         * released (see {@link RegionHolder}). False: a new object per allocation, and a reference used after
         * {@code close()} throws forever.
         */
        public Builder recycleBuffers(boolean recycle) {
            this.recycleBuffers = recycle;
            return this;
        }

        /** The quarantine of recycled objects; for tests. */
        Builder quarantine(int objects) {
            this.quarantine = objects;
            return this;
        }

        /** Allocates the ring's memory. */
        public RingAllocator build() {
            return new RingAllocator(Ring.allocate(capacity, maxRegionsVisited), quarantine, recycleBuffers);
        }
    }
}
