package dev.ringalloc.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded single-producer single-consumer queue: the hand-off between the allocating and the
 * releasing thread of {@link CrossThreadBenchmark}. Garbage-free and lock-free, so the benchmark
 * measures the allocators' cross-thread release, not the queue. Written here to keep the module free of
 * further dependencies.
 *
 * <p>Exactly one thread may call {@link #offer}, exactly one other thread {@link #poll}; {@link #drain}
 * only when both have stopped.
 *
 * @param <E> element type
 */
public final class SpscHandOff<E> {
    private static final VarHandle ARRAY = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(SpscHandOff.class, "head", long.class);
            TAIL = lookup.findVarHandle(SpscHandOff.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object[] slots;
    private final int mask;
    // Padding keeps the producer's and the consumer's index off one cache line.
    @SuppressWarnings("unused")
    private long p1, p2, p3, p4, p5, p6, p7;
    /** Next slot the producer fills; written by the producer only. */
    private volatile long tail;
    @SuppressWarnings("unused")
    private long q1, q2, q3, q4, q5, q6, q7;
    /** Next slot the consumer empties; written by the consumer only. */
    private volatile long head;
    @SuppressWarnings("unused")
    private long r1, r2, r3, r4, r5, r6, r7;
    /** The producer's cached view of {@code head}, to touch the consumer's line less often. */
    private long headCache;

    /** A queue holding up to {@code capacity} elements (rounded up to a power of two). */
    public SpscHandOff(int capacity) {
        if (capacity < 1 || capacity > (1 << 30)) {
            throw new IllegalArgumentException("capacity must be in [1, 2^30], got " + capacity);
        }
        int size = Integer.highestOneBit(Math.max(1, capacity - 1) << 1);
        this.slots = new Object[capacity == 1 ? 1 : size];
        this.mask = slots.length - 1;
    }

    /** The number of elements it can hold. */
    public int capacity() {
        return slots.length;
    }

    /** Producer: appends {@code e}, or returns false if the queue is full. */
    public boolean offer(E e) {
        if (e == null) {
            throw new NullPointerException("element");
        }
        long t = (long) TAIL.getOpaque(this);
        if (t - headCache >= slots.length) {
            headCache = (long) HEAD.getAcquire(this);
            if (t - headCache >= slots.length) {
                return false;
            }
        }
        ARRAY.setRelease(slots, (int) (t & mask), e);
        TAIL.setRelease(this, t + 1);
        return true;
    }

    /** Consumer: removes and returns the oldest element, or null if the queue is empty. */
    @SuppressWarnings("unchecked")
    public E poll() {
        long h = (long) HEAD.getOpaque(this);
        if (h >= (long) TAIL.getAcquire(this)) {
            return null;
        }
        int index = (int) (h & mask);
        E e = (E) ARRAY.getAcquire(slots, index);
        ARRAY.setOpaque(slots, index, null);
        HEAD.setRelease(this, h + 1);
        return e;
    }

    /** Elements in the queue now (exact only when neither side is running). */
    public int size() {
        return (int) (tail - head);
    }

    /** Removes every element, handing each to {@code sink}; only when producer and consumer have stopped. */
    public int drain(java.util.function.Consumer<? super E> sink) {
        int n = 0;
        for (E e = poll(); e != null; e = poll()) {
            sink.accept(e);
            n++;
        }
        return n;
    }
}
