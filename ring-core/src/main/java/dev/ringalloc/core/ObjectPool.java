package dev.ringalloc.core;

import java.util.function.Function;

/**
 * The buffer objects of one kind of one ring, kept for reuse so that an allocation creates no garbage,
 * whichever thread releases the buffer. ring-core keeps one per kind (fixed, extendable, frozen, each typed
 * kind) per {@link RingAllocator}; ring-netty one per thread ring for its {@code ByteBuf}s. Public for
 * ring-netty; applications have no use for it.
 *
 * <p><b>Order.</b> With a quarantine of 0 the newest object released is handed out first: its lines are the
 * likeliest to be in the cache. With a quarantine of {@code q > 0} the oldest is, and only while more than
 * {@code q} others wait behind it: an object is handed out again only after at least {@code q} objects of
 * its kind were released after it. Until then every use of a stale reference to it can still throw (see
 * {@link RegionHolder}).
 *
 * <p><b>Threads.</b> {@link #get()} runs on the ring's owner only (allocation is owner-only), and so does
 * {@link #recycleOnOwner}: the waiting line is a circular array in plain owner-only fields. Any other thread
 * returns objects through {@link #recycleElsewhere}, a bounded {@link ReturnQueue} (release store of the
 * object, acquire load by the owner, so the releasing thread's writes to the object happen-before its reuse);
 * the owner moves them into the waiting line when it has none left. The caller says which path applies: it
 * knows whether it runs on the owner, and asks once for both the region's release and the object's. When
 * the line or the queue is full, the object is dropped for the garbage collector: that takes more than
 * {@value #MAX_WAITING} objects released and not yet reused.
 *
 * @param <T> the objects' type
 */
public final class ObjectPool<T> {

    /** The most objects the waiting line keeps. */
    public static final int MAX_WAITING = 4096;

    private final Function<ObjectPool<T>, ? extends T> factory;
    private final int quarantine;
    private final ReturnQueue<T> returns;

    // ---- owner only: the waiting line, a circular array, oldest at `first` ---------------------------

    private Object[] waiting = new Object[16];
    private int first;
    private int count;

    /**
     * @param factory     makes a new object whose home is this pool
     * @param quarantine  objects released after an object before it is reused (0: newest first, at once)
     * @param returnSlots slots of the queue for objects released on other threads (a power of two), or 0 for
     *                    no recycling at all: every {@link #get()} then makes a new object and released objects
     *                    are dropped
     * @throws IllegalArgumentException if {@code quarantine} is negative or {@code returnSlots} is neither 0
     *                                  nor a power of two
     */
    public ObjectPool(Function<ObjectPool<T>, ? extends T> factory, int quarantine, int returnSlots) {
        if (quarantine < 0) {
            throw new IllegalArgumentException("quarantine must not be negative, got " + quarantine);
        }
        this.factory = factory;
        this.quarantine = quarantine;
        this.returns = returnSlots == 0 ? null : new ReturnQueue<>(returnSlots);
    }

    /** An object to hand out; the owner thread only. Its fields are for the caller to set. */
    public T get() {
        if (count <= quarantine) {
            T returned = returns != null ? returns.poll() : null;
            if (returned == null) {
                return factory.apply(this);
            }
            add(returned);
            if (count <= quarantine) {
                return factory.apply(this);
            }
        }
        int slot = quarantine == 0 ? (first + count - 1) & (waiting.length - 1) : first;
        @SuppressWarnings("unchecked")
        T object = (T) waiting[slot];
        // Not only tidiness: a stale slot would keep a leaked buffer reachable, and Netty's leak detector
        // reports a buffer only once it is unreachable.
        waiting[slot] = null;
        if (slot == first) {
            first = (first + 1) & (waiting.length - 1);
        }
        count--;
        return object;
    }

    /** Takes back an object released on the owner thread. */
    public void recycleOnOwner(T object) {
        if (returns != null) {
            add(object);
        }
    }

    /** Takes back an object released on any thread but the owner. */
    public void recycleElsewhere(T object) {
        if (returns != null) {
            returns.offer(object); // full: dropped for the garbage collector
        }
    }

    private void add(T object) {
        if (count == waiting.length) {
            if (count == MAX_WAITING) {
                return;
            }
            grow();
        }
        waiting[(first + count) & (waiting.length - 1)] = object;
        count++;
    }

    private void grow() {
        Object[] larger = new Object[waiting.length * 2];
        for (int i = 0; i < count; i++) {
            larger[i] = waiting[(first + i) & (waiting.length - 1)];
        }
        waiting = larger;
        first = 0;
    }
}
