package dev.ringalloc.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * A bounded single-producer single-consumer queue: the hand-off between the allocating and the
 * releasing thread of {@link CrossThreadBenchmark}. Garbage-free and lock-free, so the benchmark
 * measures the allocators' cross-thread release, not the queue. Written here to keep the module free of
 * further dependencies.
 *
 * <p>Exactly one thread may call {@link #offer}, exactly one other thread {@link #poll}; {@link #drain}
 * only when both have stopped.
 *
 * <h2>Why the indexes are published in batches</h2>
 * A queue that publishes its head and tail after every element (Lamport's) makes the benchmark measure
 * the queue: whichever side is faster waits, re-reading the other side's index, and each read pulls
 * that index's cache line away from the side that is working, so the slower side stalls on a
 * cache-line transfer per element. Which side is slower depends on the allocator (for the ring, the
 * releasing side; for pooled and adaptive, the allocating side), so the stall lands on different code
 * for each, and on two cores the forks of one allocator split into a fast and a slow mode. Here each
 * side keeps its own index in a plain field and its view of the other side's in another, and
 * publishes its index every {@code publishEvery} elements (as MCRingBuffer does: Lee, Bu, Chandranmenon,
 * "A Lock-Free, Cache-Efficient Multi-Core Synchronization Mechanism for Line-Rate Network Traffic
 * Monitoring", IPDPS 2010). No side can wait on progress the other has made but not published: both
 * published indexes are multiples of {@code publishEvery}, which divides the capacity, so a producer
 * that finds the queue full, and a consumer that finds it empty, stand at such a multiple themselves and
 * have published it. The consumer does not clear the slots it has read: the producer overwrites them,
 * and a cleared slot would be a write to a line the producer is about to write. The slots keep the last
 * references they held until overwritten, which is harmless here (nothing reads a slot outside
 * {@code [head, tail)}).
 *
 * <p>So the producer sees free slots, and the consumer elements, up to {@code publishEvery - 1} late: with
 * {@code publishEvery} 1 this is an exact queue.
 *
 * @param <E> element type
 */
public final class SpscHandOff<E> {
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

    /**
     * Written by the producer with plain stores before it publishes {@link #tail} with a store-release;
     * read by the consumer with plain loads after a load-acquire of {@link #tail} showed them.
     */
    private final Object[] slots;
    private final int mask;
    private final int publishMask;

    // Padding keeps the producer's and the consumer's fields off one cache line (128 bytes: adjacent-line
    // prefetch pulls lines in pairs).
    @SuppressWarnings("unused")
    private long p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12, p13, p14, p15;
    /** Slots the producer has filled, published: the producer stores (release), the consumer loads (acquire). */
    private volatile long tail;
    /** Producer only: slots filled, including those not published yet. */
    private long producerIndex;
    /** Producer only: its last view of {@link #head}. */
    private long headSeen;
    @SuppressWarnings("unused")
    private long q0, q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11, q12, q13, q14, q15;
    /** Slots the consumer has emptied, published: the consumer stores (release), the producer loads (acquire). */
    private volatile long head;
    /** Consumer only: slots emptied, including those not published yet. */
    private long consumerIndex;
    /** Consumer only: its last view of {@link #tail}. */
    private long tailSeen;
    @SuppressWarnings("unused")
    private long r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15;

    /** An exact queue (every element published at once) of up to {@code capacity} elements. */
    public SpscHandOff(int capacity) {
        this(capacity, 1);
    }

    /**
     * A queue of up to {@code capacity} elements (rounded up to a power of two) whose sides publish their
     * progress every {@code publishEvery} elements (a power of two, at most the capacity).
     */
    public SpscHandOff(int capacity, int publishEvery) {
        if (capacity < 1 || capacity > (1 << 30)) {
            throw new IllegalArgumentException("capacity must be in [1, 2^30], got " + capacity);
        }
        int size = capacity == 1 ? 1 : Integer.highestOneBit(capacity - 1) << 1;
        if (publishEvery < 1 || Integer.bitCount(publishEvery) != 1 || publishEvery > size) {
            throw new IllegalArgumentException(
                    "publishEvery must be a power of two in [1, " + size + "], got " + publishEvery);
        }
        this.slots = new Object[size];
        this.mask = size - 1;
        this.publishMask = publishEvery - 1;
    }

    /** The number of elements it can hold. */
    public int capacity() {
        return slots.length;
    }

    /** Producer: appends {@code e}, or returns false if the queue is full (as far as the consumer has said). */
    public boolean offer(E e) {
        if (e == null) {
            throw new NullPointerException("element");
        }
        long t = producerIndex;
        if (t - headSeen >= slots.length) {
            headSeen = (long) HEAD.getAcquire(this);
            if (t - headSeen >= slots.length) {
                return false;
            }
        }
        slots[(int) (t & mask)] = e;
        producerIndex = ++t;
        if ((t & publishMask) == 0) {
            TAIL.setRelease(this, t);
        }
        return true;
    }

    /** Consumer: removes and returns the oldest element, or null if the queue is empty (as far as the producer has said). */
    @SuppressWarnings("unchecked")
    public E poll() {
        long h = consumerIndex;
        if (h >= tailSeen) {
            tailSeen = (long) TAIL.getAcquire(this);
            if (h >= tailSeen) {
                return null;
            }
        }
        E e = (E) slots[(int) (h & mask)];
        consumerIndex = ++h;
        if ((h & publishMask) == 0) {
            HEAD.setRelease(this, h);
        }
        return e;
    }

    /** Elements in the queue now; exact only when neither side is running. */
    public int size() {
        return (int) (producerIndex - consumerIndex);
    }

    /**
     * Removes every element, handing each to {@code sink}; only when producer and consumer have stopped
     * (and the calling thread has synchronised with both, as JMH's iteration barrier does).
     */
    public int drain(Consumer<? super E> sink) {
        int n = 0;
        while (consumerIndex < producerIndex) {
            @SuppressWarnings("unchecked")
            E e = (E) slots[(int) (consumerIndex & mask)];
            consumerIndex++;
            sink.accept(e);
            n++;
        }
        // Both sides restart at the next multiple of publishEvery, so that published indexes stay multiples of it.
        long restart = (producerIndex + publishMask) & ~(long) publishMask;
        producerIndex = consumerIndex = tailSeen = headSeen = restart;
        TAIL.setRelease(this, restart);
        HEAD.setRelease(this, restart);
        return n;
    }
}
