package dev.ringalloc.core;

import java.util.function.Function;

/**
 * The buffer objects of one kind of one ring, kept for reuse so that an allocation creates no garbage,
 * whichever thread releases the buffer: one per kind (fixed, extendable, frozen, each typed kind) per
 * {@link RingAllocator}. (ring-netty keeps its own typed stack for its {@code ByteBuf}s: this generic line ran
 * its benchmarks 8-14 % slower; see its {@code RingByteBufPool}.)
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
final class ObjectPool<T> extends ObjectPoolPadding {

    /** The most objects the waiting line keeps. */
    static final int MAX_WAITING = 4096;

    // Read by every thread that recycles (other threads read `returns`), never written after construction: a
    // cache line away from the owner's fields (ObjectPoolPadding), which the owner writes on every get.
    private final Function<ObjectPool<T>, ? extends T> factory;
    private final int quarantine;
    private final ReturnQueue<T> returns;

    /**
     * @param factory     makes a new object whose home is this pool
     * @param quarantine  objects released after an object before it is reused (0: newest first, at once)
     * @param returnSlots slots of the queue for objects released on other threads (a power of two), or 0 for
     *                    no recycling at all: every {@link #get()} then makes a new object and released objects
     *                    are dropped
     * @throws IllegalArgumentException if {@code quarantine} is negative or {@code returnSlots} is neither 0
     *                                  nor a power of two
     */
    ObjectPool(Function<ObjectPool<T>, ? extends T> factory, int quarantine, int returnSlots) {
        if (quarantine < 0) {
            throw new IllegalArgumentException("quarantine must not be negative, got " + quarantine);
        }
        this.factory = factory;
        this.quarantine = quarantine;
        this.returns = returnSlots == 0 ? null : new ReturnQueue<>(returnSlots);
    }

    /** An object to hand out; the owner thread only. Its fields are for the caller to set. */
    T get() {
        return count > quarantine ? take() : refill();
    }

    /** Takes back an object released on the owner thread. */
    void recycleOnOwner(T object) {
        if (returns != null) {
            add(object);
        }
    }

    /** Takes back an object released on any thread but the owner. */
    void recycleElsewhere(T object) {
        if (returns != null) {
            returns.offer(object); // full: dropped for the garbage collector
        }
    }

    /** The next object of the waiting line: its newest without a quarantine, else its oldest. */
    @SuppressWarnings("unchecked")
    private T take() {
        final Object[] line = waiting;
        final int slot;
        if (quarantine == 0) {
            slot = --count; // newest first: `first` stays 0, the line is a stack
        } else {
            slot = first;
            first = (slot + 1) & (line.length - 1);
            count--;
        }
        T object = (T) line[slot];
        // Not only tidiness: a stale slot would keep a leaked buffer reachable, and Netty's leak detector
        // reports a buffer only once it is unreachable.
        line[slot] = null;
        return object;
    }

    /** Too few objects wait: one released on another thread, else a new one. */
    private T refill() {
        T returned = returns != null ? returns.poll() : null;
        if (returned == null) {
            return factory.apply(this);
        }
        if (quarantine == 0) {
            return returned; // the line is empty: hand it out without writing the owner's fields
        }
        add(returned);
        return count > quarantine ? take() : factory.apply(this);
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

/** {@link ObjectPool}'s owner-only fields: the waiting line, a circular array, oldest at {@code first}. */
abstract class ObjectPoolOwnerFields {
    Object[] waiting = new Object[16];
    int first;
    int count;
}

/**
 * 128 bytes between {@link ObjectPoolOwnerFields} and {@link ObjectPool}'s own fields, which other threads read
 * on every recycle (bytes, not longs: see {@link RingOwnerPadding}).
 */
@SuppressWarnings("unused")
abstract class ObjectPoolPadding extends ObjectPoolOwnerFields {
    byte p000, p001, p002, p003, p004, p005, p006, p007, p008, p009, p010, p011, p012, p013, p014, p015;
    byte p016, p017, p018, p019, p020, p021, p022, p023, p024, p025, p026, p027, p028, p029, p030, p031;
    byte p032, p033, p034, p035, p036, p037, p038, p039, p040, p041, p042, p043, p044, p045, p046, p047;
    byte p048, p049, p050, p051, p052, p053, p054, p055, p056, p057, p058, p059, p060, p061, p062, p063;
    byte p064, p065, p066, p067, p068, p069, p070, p071, p072, p073, p074, p075, p076, p077, p078, p079;
    byte p080, p081, p082, p083, p084, p085, p086, p087, p088, p089, p090, p091, p092, p093, p094, p095;
    byte p096, p097, p098, p099, p100, p101, p102, p103, p104, p105, p106, p107, p108, p109, p110, p111;
    byte p112, p113, p114, p115, p116, p117, p118, p119, p120, p121, p122, p123, p124, p125, p126, p127;
}
