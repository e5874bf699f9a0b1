package dev.ringalloc.core;

import java.nio.ByteBuffer;

/**
 * Read-only bytes in a ring, shared by any number of threads and reference counted. Made by
 * {@link FixedBuffer#freeze()} (or the {@code freeze()} of a typed buffer) with a count of 1; each
 * {@link #retain()} adds a holder, each {@link #close()} removes one, and the last close releases the
 * region to the ring (from whichever thread it runs on). Reads after the last close throw
 * {@link IllegalStateException}; so do a retain or a close after it.
 *
 * <p>Thread-safe. A holder must still hand the buffer to another thread through a safe publication,
 * and must call {@link #retain()} before it does if both keep using it.
 */
public final class FrozenBuffer extends ReadableBytes {

    FrozenBuffer(RingAllocator allocator, ObjectPool<RegionHolder> pool) {
        super(allocator, pool);
    }

    /** Hands this object out over {@code newHandle} with {@code newLength} bytes and one holder. Before publication. */
    FrozenBuffer init(long newHandle, int newLength) {
        bind(newHandle, NO_NEXT); // released by a count from any thread: the last release checks the guard
        length = newLength;
        spHolders(1);
        return this;
    }

    /** Current number of holders (0 once released). */
    public int refCount() {
        return lvHolders();
    }

    @Override
    public boolean isLive() {
        return lvHolders() != 0;
    }

    /**
     * Adds a holder (RingAl's {@code Arc} clone) and returns this buffer.
     *
     * @throws IllegalStateException if the buffer was already released
     */
    public FrozenBuffer retain() {
        int count;
        do {
            count = lvHolders();
            if (count == 0) {
                throw released();
            }
            if (count == Integer.MAX_VALUE) {
                throw new IllegalStateException("reference count overflow");
            }
        } while (!casHolders(count, count + 1));
        return this;
    }

    /**
     * Removes a holder; the last one releases the region to the ring.
     *
     * @throws IllegalStateException if the buffer was already released
     */
    @Override
    public void close() {
        long held = handle; // read while this holder still counts: the object is not recycled under it
        int count;
        do {
            count = lvHolders();
            if (count == 0) {
                throw released();
            }
        } while (!casHolders(count, count - 1));
        if (count == 1) {
            allocator.release(held, this);
        }
    }

    /** A read-only {@link ByteBuffer} over the bytes, valid while this holder has not closed. */
    public ByteBuffer asByteBuffer() {
        checkLive();
        return memory.slice(base, length).asReadOnlyBuffer();
    }

    @Override
    void checkLive() {
        if (lvHolders() == 0) {
            throw released();
        }
    }

    @Override
    IllegalStateException released() {
        return new IllegalStateException("frozen buffer was already released");
    }

    @Override
    public String toString() {
        return "FrozenBuffer[length=" + length + ", refCount=" + lvHolders() + "]";
    }
}
