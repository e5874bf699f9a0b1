package dev.ringalloc.core;

import java.nio.DoubleBuffer;

/**
 * A fixed-capacity buffer of {@code double} values in a ring (RingAl's generic buffer): {@link #push} and
 * {@link #pop} at the end, {@link #get} and {@link #set} by index, {@link #asDoubleBuffer()} for bulk access. Allocating,
 * pushing, popping, getting, setting and closing create no garbage. A push onto a full buffer throws
 * {@link IndexOutOfBoundsException}, a pop from an empty one {@link java.util.NoSuchElementException}, an index
 * outside {@code [0, size())} {@link IndexOutOfBoundsException}; nothing changes then. Any use after close or
 * freeze throws {@link IllegalStateException}. {@link #freeze()} shares the values read-only as bytes.
 *
 * <p>Not thread-safe: one holder at a time; close it from any thread. Obtain one from
 * {@link RingAllocator#doubles(int)}.
 */
public final class FixedDoubleBuffer extends ElementBuffer {

    FixedDoubleBuffer(RingAllocator allocator, ObjectPool<RegionHolder> pool) {
        super(allocator, pool, Kind.DOUBLES);
    }

    /** Appends {@code value}. @throws IndexOutOfBoundsException if the buffer is full */
    public FixedDoubleBuffer push(double value) {
        memory.putDouble(pushAt(), value);
        return this;
    }

    /** Removes and returns the last value. @throws java.util.NoSuchElementException if the buffer is empty */
    public double pop() {
        return memory.getDouble(popAt());
    }

    /** The value at {@code index}, 0 to {@code size() - 1}. */
    public double get(int index) {
        return memory.getDouble(at(index));
    }

    /** Replaces the value at {@code index}, 0 to {@code size() - 1}. */
    public FixedDoubleBuffer set(int index, double value) {
        memory.putDouble(at(index), value);
        return this;
    }

    /**
     * A {@link DoubleBuffer} over the values in use: position 0, limit and capacity {@code size()}. Writes through it
     * change the values; it does not change {@code size()}. Valid until this buffer is closed or frozen.
     */
    public DoubleBuffer asDoubleBuffer() {
        return elementBytes().asDoubleBuffer();
    }
}
