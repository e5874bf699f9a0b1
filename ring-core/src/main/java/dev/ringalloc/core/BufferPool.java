package dev.ringalloc.core;

import java.util.function.Function;

/**
 * The buffer objects of one kind (fixed, frozen, ...) of one ring, kept for reuse so that an allocation
 * creates no garbage, whichever thread releases the buffer.
 *
 * <p><b>Quarantine.</b> Objects are reused oldest first, and only while more than {@link #quarantine} others
 * wait behind them: an object is handed out again only after at least that many objects of its kind were
 * released after it. Until then every use of a stale reference to it throws (its holder count is 0); see
 * {@link RegionHolder} for what happens after.
 *
 * <p><b>Threads.</b> {@link #get()} runs on the ring's owner only (allocation is owner-only), and so does
 * {@link #recycleOnOwner}: the waiting line is a circular array in plain owner-only fields. Any other thread
 * returns objects through {@link #recycleElsewhere}, a bounded {@link ReturnQueue} (release store of the
 * object, acquire load by the owner, so the releasing thread's writes to the object happen-before its reuse);
 * the owner moves them into the waiting line when it needs objects. When either is full, the object is
 * dropped for the garbage collector: that takes more than {@value #MAX_WAITING} objects of a kind released and
 * not yet reused.
 */
final class BufferPool {

    /** The most objects the waiting line keeps. */
    static final int MAX_WAITING = 4096;
    /** Slots of the queue for objects released on other threads. */
    static final int RETURN_SLOTS = 1024;

    private final Function<BufferPool, RegionHolder> factory;
    private final int quarantine;
    private final boolean recycling;
    private final ReturnQueue<RegionHolder> returns;

    // ---- owner only: the waiting line, a circular array, oldest at `first` ---------------------------

    private RegionHolder[] waiting = new RegionHolder[16];
    private int first;
    private int count;

    /**
     * @param factory    makes a new object of this pool's kind
     * @param quarantine objects released after an object before it is reused
     * @param recycling  false: every {@link #get()} makes a new object and released objects are dropped
     */
    BufferPool(Function<BufferPool, RegionHolder> factory, int quarantine, boolean recycling) {
        this.factory = factory;
        this.quarantine = quarantine;
        this.recycling = recycling;
        this.returns = recycling ? new ReturnQueue<>(RETURN_SLOTS) : null;
    }

    /** An object to hand out; the owner thread only. Its fields are for the caller to set. */
    RegionHolder get() {
        if (count <= quarantine) {
            RegionHolder returned = recycling ? returns.poll() : null;
            if (returned == null) {
                return factory.apply(this);
            }
            add(returned);
            if (count <= quarantine) {
                return factory.apply(this);
            }
        }
        RegionHolder oldest = waiting[first];
        waiting[first] = null; // a released object stays reachable only from the waiting line
        first = (first + 1) & (waiting.length - 1);
        count--;
        return oldest;
    }

    /** Takes back an object released on the owner thread. */
    void recycleOnOwner(RegionHolder holder) {
        if (recycling) {
            add(holder);
        }
    }

    /** Takes back an object released on any other thread. */
    void recycleElsewhere(RegionHolder holder) {
        if (recycling) {
            returns.offer(holder); // full: dropped for the garbage collector
        }
    }

    private void add(RegionHolder holder) {
        if (count == waiting.length) {
            if (count == MAX_WAITING) {
                return;
            }
            grow();
        }
        waiting[(first + count) & (waiting.length - 1)] = holder;
        count++;
    }

    private void grow() {
        RegionHolder[] larger = new RegionHolder[waiting.length * 2];
        for (int i = 0; i < count; i++) {
            larger[i] = waiting[(first + i) & (waiting.length - 1)];
        }
        waiting = larger;
        first = 0;
    }
}
