package dev.ringalloc.core;

import java.nio.LongBuffer;

/**
 * A fixed-capacity buffer of {@code long} values in a ring (RingAl's generic buffer): {@link #push} and
 * {@link #pop} at the end, {@link #get} and {@link #set} by index, {@link #asLongBuffer()} for bulk access. Allocating,
 * pushing, popping, getting, setting and closing create no garbage. A push onto a full buffer throws
 * {@link IndexOutOfBoundsException}, a pop from an empty one {@link java.util.NoSuchElementException}, an index
 * outside {@code [0, size())} {@link IndexOutOfBoundsException}; nothing changes then. Any use after close or
 * freeze throws {@link IllegalStateException}. {@link #freeze()} shares the values read-only as bytes.
 *
 * <p>Not thread-safe: one holder at a time; close it from any thread. Obtain one from
 * {@link RingAllocator#longs(int)}.
 */
public final class FixedLongBuffer extends ElementBuffer {

    FixedLongBuffer(RingAllocator allocator, ObjectPool<RegionHolder> pool) {
        super(allocator, pool, Kind.LONGS);
    }

    /** Appends {@code value}. @throws IndexOutOfBoundsException if the buffer is full */
    public FixedLongBuffer push(long value) {
        memory.putLong(pushAt(), value);
        return this;
    }

    /** Removes and returns the last value. @throws java.util.NoSuchElementException if the buffer is empty */
    public long pop() {
        return memory.getLong(popAt());
    }

    /** The value at {@code index}, 0 to {@code size() - 1}. */
    public long get(int index) {
        return memory.getLong(at(index));
    }

    /** Replaces the value at {@code index}, 0 to {@code size() - 1}. */
    public FixedLongBuffer set(int index, long value) {
        memory.putLong(at(index), value);
        return this;
    }

    /**
     * A {@link LongBuffer} over the values in use: position 0, limit and capacity {@code size()}. Writes through it
     * change the values; it does not change {@code size()}. Valid until this buffer is closed or frozen.
     */
    public LongBuffer asLongBuffer() {
        return elementBytes().asLongBuffer();
    }
}
