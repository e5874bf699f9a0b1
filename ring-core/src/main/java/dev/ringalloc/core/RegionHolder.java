package dev.ringalloc.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * What every buffer object of a {@link RingAllocator} is: the holder of one region of its ring. Fixed,
 * extendable, frozen and typed buffers all extend it; {@link RingAllocator#owns(RegionHolder)} and
 * {@link Rings#isLocal(RegionHolder)} take any of them.
 *
 * <p><b>Recycled objects.</b> Once its region is released, the object goes back to a pool of its ring and is
 * handed out again by a later allocation, so that allocating creates no garbage. Every use of a released
 * object throws {@link IllegalStateException}, and the pool keeps a released object back until at least
 * {@value #QUARANTINE} more objects of its kind were released after it (a quarantine). A reference
 * kept past its {@code close()} and used after that many further releases may reach the buffer's next
 * holder: Java cannot tell two copies of one reference apart. Rings built with
 * {@link RingAllocator.Builder#recycleBuffers(boolean) recycleBuffers(false)} make a new object per
 * allocation instead: then a stale reference throws forever. See {@code docs/ring-core.md}.
 */
public abstract class RegionHolder implements AutoCloseable {

    /** Buffers of its kind released after a buffer object before the ring's pool hands that object out again. */
    public static final int QUARANTINE = 64;

    /** {@link #next} of a holder that keeps none: its release on the owner reads and checks the guard. */
    static final int NO_NEXT = -1;

    private static final VarHandle HOLDERS;

    static {
        try {
            HOLDERS = MethodHandles.lookup().findVarHandle(RegionHolder.class, "holders", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final RingAllocator allocator;
    /** The pool this object returns to once its region is released. */
    final ObjectPool<RegionHolder> pool;
    /** The ring's bytes; absolute access only. */
    final ByteBuffer memory;
    /** The address of {@link #memory}'s byte 0 where bulk copies go by address, else -1: see {@link PayloadCopy}. */
    final long address;

    // Written by the owner when it hands this object out, read by its holders: the hand-out and every later
    // hand-over between threads is a safe publication (the allocating thread, or the holder's own hand-off).
    /** The held region. */
    long handle;
    /** Offset of the region's payload in {@link #memory}. */
    int base;
    /**
     * The region's {@code next} as the allocation that handed it out left it ({@link Ring#nextOfLastAllocation()}),
     * or as the shrink of {@link ExtendableBuffer#finish()} left it, so that a release on the owner need not read
     * the guard; {@link #NO_NEXT} where the region may grow or may have changed since (extendable and frozen
     * buffers), which release through the checked path.
     */
    int next;

    /**
     * Holders of the region: 0 once released, when every use throws. A single-holder buffer (fixed,
     * extendable, typed) is used by one thread at a time, its holder's: 1 while held, plain ({@code lp},
     * {@code sp}). A frozen buffer's reference count, changed from any thread: {@code lv}, {@code cas}; the
     * freezing thread stores the first count ({@code sp}) before the buffer is published.
     */
    private int holders;

    RegionHolder(RingAllocator allocator, ObjectPool<RegionHolder> pool) {
        this.allocator = allocator;
        this.pool = pool;
        this.memory = allocator.ring().memory();
        this.address = allocator.address;
    }

    /**
     * Points this object at {@code newHandle}, whose {@code next} it keeps ({@code newNext}) or not
     * ({@link #NO_NEXT}); the holder count is set by the caller.
     */
    void bind(long newHandle, int newNext) {
        handle = newHandle;
        base = Ring.payloadOffset(newHandle);
        next = newNext;
    }

    /** True until this buffer is released (closed, or handed on by a freeze or finish). */
    public boolean isLive() {
        return lpHolders() != 0;
    }

    /**
     * Releases the region to the ring (for a frozen buffer: removes a holder; the last one releases). Any thread
     * that holds the buffer may close it.
     *
     * @throws IllegalStateException if the buffer was already released
     */
    @Override
    public abstract void close();

    void checkLive() {
        if (lpHolders() == 0) {
            throw released();
        }
    }

    IllegalStateException released() {
        return new IllegalStateException("buffer was already released (closed, frozen or finished)");
    }

    /**
     * Ends a single holder's hold without releasing the region, which moves on to another object (freeze,
     * finish): recycles this object and returns the handle.
     */
    final long handOver() {
        checkLive();
        spHolders(0);
        long held = handle;
        allocator.recycle(this); // last touch: on another thread the owner may reuse this object from here on
        return held;
    }

    /** Ends a single holder's hold: releases the region and recycles this object. */
    final void closeSingleHolder() {
        checkLive();
        spHolders(0);
        allocator.release(handle, this);
    }

    // ---- the holder count, in the vocabulary of the package documentation -------------------------

    final int lpHolders() {
        return holders;
    }

    final void spHolders(int value) {
        holders = value;
    }

    final int lvHolders() {
        return (int) HOLDERS.getVolatile(this);
    }

    final boolean casHolders(int expected, int update) {
        return HOLDERS.compareAndSet(this, expected, update);
    }
}
