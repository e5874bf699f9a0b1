package dev.ringalloc.core;

/**
 * A buffer of fixed capacity in a ring: write to it, read it back, view it as a
 * {@link java.nio.ByteBuffer}, then {@link #close()} it (from any thread) or {@link #freeze()} it to
 * share it read-only. A write that does not fit throws {@link IndexOutOfBoundsException} and writes
 * nothing. Any use after close, freeze or finish throws {@link IllegalStateException} (see
 * {@link RegionHolder} for recycled objects).
 *
 * <p>Not thread-safe: one holder at a time. Obtain one from {@link RingAllocator#fixed(int)},
 * {@link Rings#fixed(int)} or {@link ExtendableBuffer#finish()}.
 */
public final class FixedBuffer extends RegionBuffer<FixedBuffer> {

    FixedBuffer(RingAllocator allocator, ObjectPool<RegionHolder> pool) {
        super(allocator, pool);
    }

    @Override
    void ensureSpare(int bytes) {
        int capacity = exactRoom();
        if (bytes > capacity - length) {
            throw new IndexOutOfBoundsException("write of " + bytes + " bytes exceeds the fixed buffer's spare "
                    + (capacity - length) + " bytes (capacity " + capacity + ")");
        }
    }

    /**
     * Turns this buffer into a read-only {@link FrozenBuffer} that threads may share, with a reference
     * count of 1. This object is finished with; the frozen buffer holds the region. Creates no garbage on
     * the ring's owner thread; on another thread it makes a new frozen buffer object.
     */
    public FrozenBuffer freeze() {
        int frozenLength = length();
        return allocator.frozen(handOver(), frozenLength);
    }
}
