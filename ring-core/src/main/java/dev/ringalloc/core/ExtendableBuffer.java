package dev.ringalloc.core;

/**
 * A buffer that grows as it is written. A write that does not fit first tries to grow the region in
 * place, absorbing the free space behind it (no copy: the usual case for the newest buffer); failing
 * that, it moves the bytes to a larger region of the same ring and releases the old one. Growth
 * doubles the capacity, or takes exactly what the write needs when doubling does not fit. When the
 * ring has no room at all, the write throws {@link RingFullException} and the buffer keeps what it
 * had.
 *
 * <p>Grows on the ring's owner thread only. {@link #finish()} returns the unused end to the ring and
 * hands the bytes on as a {@link FixedBuffer}, which may then travel to other threads.
 */
public final class ExtendableBuffer extends RegionBuffer<ExtendableBuffer> {

    ExtendableBuffer(RingAllocator allocator, BufferPool pool) {
        super(allocator, pool);
    }

    @Override
    void ensureSpare(int bytes) {
        allocator.checkOwner();
        Ring ring = allocator.ring();
        long needed = (long) length + bytes;
        if (needed > ring.maxAllocation()) {
            throw new IndexOutOfBoundsException("write of " + bytes + " bytes would grow the buffer to " + needed
                    + " bytes, beyond the ring's largest possible buffer (" + ring.maxAllocation() + ")");
        }
        int exact = (int) needed;
        int doubled = (int) Math.min(Math.max(needed, 2L * capacity), ring.maxAllocation());
        if (ring.tryGrowInPlace(handle, doubled) || ring.tryGrowInPlace(handle, exact)) {
            capacity = ring.capacity(handle);
            return;
        }
        long moved = ring.tryAllocate(doubled);
        if (moved == Ring.NO_REGION) {
            moved = ring.tryAllocate(exact);
        }
        if (moved == Ring.NO_REGION) {
            throw allocator.full(exact);
        }
        memory.put(Ring.payloadOffset(moved), memory, base, length);
        long old = handle;
        reset(moved);
        allocator.releaseRegion(old);
    }

    /**
     * Ends writing: returns the unused end of the region to the ring and hands the bytes on as a
     * {@link FixedBuffer}. Owner thread only. This object is finished with.
     */
    public FixedBuffer finish() {
        allocator.checkOwner();
        int finalLength = length();
        allocator.ring().shrink(handle, finalLength);
        return allocator.fixedOver(handOver(), finalLength);
    }
}
