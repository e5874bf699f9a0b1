package dev.ringalloc.core;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A ring allocator for short-lived buffers: one fixed block of direct memory, owned by one thread,
 * handing out {@link FixedBuffer}s and {@link ExtendableBuffer}s that any thread may release.
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
 * <p><b>Failure.</b> {@code tryFixed} and {@code tryExtendable} return {@code null} when the ring is
 * full right now; {@code fixed} and {@code extendable} throw {@link RingFullException}. A size the ring
 * can never hold (above {@link #maxAllocation()}), zero or negative, is an
 * {@link IllegalArgumentException}.
 *
 * <p><b>Footprint.</b> Exactly {@link #capacity()} bytes of direct memory (plus up to 63 bytes of
 * alignment) from creation until {@link #close(Duration)}.
 */
public final class RingAllocator {

    /** Default for {@link Builder#maxRegionsVisited(int)}: no bound but the one-lap limit. */
    public static final int UNBOUNDED_VISITS = Integer.MAX_VALUE;

    private final Ring ring;

    /**
     * The owning thread: null until the first allocation, then written once, under this object's
     * monitor, by the first thread to allocate. Read volatile on every allocation (a plain load on
     * x86); a thread that reads itself there wrote it itself, so only a mismatch takes the lock.
     */
    private volatile Thread owner;

    private RingAllocator(Ring ring) {
        this.ring = ring;
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
        return handle == Ring.NO_REGION ? null : new FixedBuffer(this, handle);
    }

    /** A fixed buffer of at least {@code size} bytes. @throws RingFullException if the ring is full right now */
    public FixedBuffer fixed(int size) {
        FixedBuffer buffer = tryFixed(size);
        if (buffer == null) {
            throw full(size);
        }
        return buffer;
    }

    /**
     * An extendable buffer with room for {@code initialSize} bytes to start with, or {@code null} if the
     * ring is full right now. Extendable buffers grow on the owner thread only.
     */
    public ExtendableBuffer tryExtendable(int initialSize) {
        long handle = allocate(initialSize);
        return handle == Ring.NO_REGION ? null : new ExtendableBuffer(this, handle);
    }

    /** An extendable buffer. @throws RingFullException if the ring is full right now */
    public ExtendableBuffer extendable(int initialSize) {
        ExtendableBuffer buffer = tryExtendable(initialSize);
        if (buffer == null) {
            throw full(initialSize);
        }
        return buffer;
    }

    private long allocate(int size) {
        checkSize(size);
        checkOwner();
        if (ring.isRetired()) {
            throw new IllegalStateException("ring is closed");
        }
        return ring.tryAllocate(size);
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
        if (owner != current) {
            bindOwner(current);
        }
    }

    private void bindOwner(Thread current) {
        synchronized (this) {
            if (owner == null) {
                owner = current;
                return;
            }
        }
        throw new IllegalStateException("ring is owned by thread '" + owner.getName() + "'; thread '"
                + current.getName() + "' may not allocate from it, grow its buffers or close it");
    }

    /** Releases a region: a store on the owner thread, a CAS on any other. */
    void release(long handle) {
        if (owner == Thread.currentThread()) {
            ring.releaseOnOwner(handle);
        } else {
            ring.release(handle);
        }
    }

    RingFullException full(int size) {
        return new RingFullException("ring of " + ring.capacity() + " bytes has no free run of " + size
                + " bytes right now");
    }

    Ring ring() {
        return ring;
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
        if (owner != null) {
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
        Thread o = owner;
        return "RingAllocator[capacity=" + capacity() + ", owner=" + (o == null ? "none" : o.getName())
                + (isClosed() ? ", closed" : "") + "]";
    }

    /** Options for a {@link RingAllocator}. */
    public static final class Builder {
        private int capacity = Rings.DEFAULT_CAPACITY;
        private int maxRegionsVisited = UNBOUNDED_VISITS;

        private Builder() {
        }

        /** Ring size in bytes (default 1 MiB). */
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

        /** Allocates the ring's memory. */
        public RingAllocator build() {
            return new RingAllocator(Ring.allocate(capacity, maxRegionsVisited));
        }
    }
}
