package dev.ringalloc.core;

import java.nio.IntBuffer;

/**
 * A fixed-capacity buffer of {@code int} values in a ring (RingAl's generic buffer): {@link #push} and
 * {@link #pop} at the end, {@link #get} and {@link #set} by index, {@link #asIntBuffer()} for bulk access. Allocating,
 * pushing, popping, getting, setting and closing create no garbage. A push onto a full buffer throws
 * {@link IndexOutOfBoundsException}, a pop from an empty one {@link java.util.NoSuchElementException}, an index
 * outside {@code [0, size())} {@link IndexOutOfBoundsException}; nothing changes then. Any use after close or
 * freeze throws {@link IllegalStateException}. {@link #freeze()} shares the values read-only as bytes.
 *
 * <p>Not thread-safe: one holder at a time; close it from any thread. Obtain one from
 * {@link RingAllocator#ints(int)}.
 */
public final class FixedIntBuffer extends ElementBuffer {

    FixedIntBuffer(RingAllocator allocator, ObjectPool<RegionHolder> pool) {
        super(allocator, pool, Kind.INTS);
    }

    /** Appends {@code value}. @throws IndexOutOfBoundsException if the buffer is full */
    public FixedIntBuffer push(int value) {
        memory.putInt(pushAt(), value);
        return this;
    }

    /** Removes and returns the last value. @throws java.util.NoSuchElementException if the buffer is empty */
    public int pop() {
        return memory.getInt(popAt());
    }

    /** The value at {@code index}, 0 to {@code size() - 1}. */
    public int get(int index) {
        return memory.getInt(at(index));
    }

    /** Replaces the value at {@code index}, 0 to {@code size() - 1}. */
    public FixedIntBuffer set(int index, int value) {
        memory.putInt(at(index), value);
        return this;
    }

    /**
     * A {@link IntBuffer} over the values in use: position 0, limit and capacity {@code size()}. Writes through it
     * change the values; it does not change {@code size()}. Valid until this buffer is closed or frozen.
     */
    public IntBuffer asIntBuffer() {
        return elementBytes().asIntBuffer();
    }
}
