package dev.ringalloc.core;

/**
 * A buffer that grows as it is written. It starts with up to {@code RingAllocator.EXTENDABLE_CLAIM} bytes
 * when the free space the ring knows of at its head holds them (never less than asked for). A write that does
 * not fit first tries to grow the region in
 * place, absorbing the free space behind it (no copy: the usual case for the newest buffer); failing
 * that, it moves the bytes to a larger region of the same ring and releases the old one. Growth
 * in place quadruples the capacity, a move doubles it; either takes exactly what the write needs when that
 * does not fit. When the
 * ring has no room at all, the write throws {@link RingFullException} and the buffer keeps what it
 * had.
 *
 * <p>Grows on the ring's owner thread only. {@link #finish()} returns the unused end to the ring and
 * hands the bytes on as a {@link FixedBuffer}, which may then travel to other threads.
 */
public final class ExtendableBuffer extends RegionBuffer<ExtendableBuffer> {

    /**
     * Growth in place takes four times the capacity: it only rewrites guards (no bytes move), and
     * {@link #finish()} gives the unused end back, so asking for more costs nothing but halves the number of
     * growths, each a guard compare-and-set between two seqlock stores (profile of benchmark 4, extendable rows).
     */
    static final int IN_PLACE_GROWTH = 4;
    /** A move copies the bytes into a new region twice the capacity: the usual doubling. */
    static final int MOVE_GROWTH = 2;

    ExtendableBuffer(RingAllocator allocator, ObjectPool<RegionHolder> pool) {
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
        int capacity = exactRoom();
        if (needed <= capacity) {
            return; // the region held more than was asked for
        }
        int exact = (int) needed;
        int inPlace = grownSize(needed, capacity, IN_PLACE_GROWTH, ring);
        if (ring.tryGrowInPlace(handle, inPlace)) {
            room = Ring.regionBytes(inPlace);
            return;
        }
        if (ring.tryGrowInPlace(handle, exact)) {
            room = Ring.regionBytes(exact);
            return;
        }
        int moveTo = grownSize(needed, capacity, MOVE_GROWTH, ring);
        long moved = ring.tryAllocate(moveTo);
        if (moved == Ring.NO_REGION) {
            moveTo = exact;
            moved = ring.tryAllocate(exact);
        }
        if (moved == Ring.NO_REGION) {
            throw allocator.full(exact);
        }
        memory.put(Ring.payloadOffset(moved), memory, base, length);
        long old = handle;
        bind(moved, NO_NEXT); // it may grow again
        room = Ring.regionBytes(moveTo);
        allocator.ring().release(old);
    }

    /** {@code capacity * factor}, at least {@code needed}, at most the ring's largest buffer. */
    private static int grownSize(long needed, int capacity, int factor, Ring ring) {
        return (int) Math.min(Math.max(needed, (long) factor * capacity), ring.maxAllocation());
    }

    /**
     * Ends writing: returns the unused end of the region to the ring and hands the bytes on as a
     * {@link FixedBuffer}. Owner thread only. This object is finished with.
     */
    public FixedBuffer finish() {
        allocator.checkOwner();
        int finalLength = length();
        int capacity = allocator.ring().shrink(handle, finalLength);
        int next = Ring.nextAfter(handle, capacity); // capacity is the shrunk region's whole payload
        return allocator.fixedOver(handOver(), next, capacity, finalLength);
    }
}
