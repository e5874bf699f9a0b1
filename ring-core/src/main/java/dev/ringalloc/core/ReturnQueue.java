package dev.ringalloc.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded queue that any thread offers to and one thread, the consumer, polls: how buffer objects released
 * on other threads go back to their ring's owner. Its slots are allocated once; an offer to a full queue
 * fails (the caller drops the object for the garbage collector) rather than allocating.
 *
 * <p>Protocol (orderings in the vocabulary of the package documentation). A producer claims sequence number
 * {@code p} by {@code cas} on {@code producerIndex}, after checking with {@code lv} loads that
 * {@code p - consumerIndex < capacity}, then stores its element into slot {@code p & mask} with {@code so}.
 * The consumer reads slot {@code consumerIndex & mask} with {@code la}: null means empty, or a producer that
 * has claimed the slot but not yet stored (the poll then reports empty; the element is found by a later
 * poll). Otherwise it clears the slot ({@code sp}) and publishes {@code consumerIndex + 1} with {@code so}.
 * So: everything a producer wrote before its offer happens-before the consumer's use of the element, and
 * the consumer's clearing of a slot happens-before any producer's next store into it (that producer saw the
 * new {@code consumerIndex} with {@code lv}).
 */
final class ReturnQueue<E> {

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final VarHandle PRODUCER_INDEX;
    private static final VarHandle CONSUMER_INDEX;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PRODUCER_INDEX = lookup.findVarHandle(ReturnQueue.class, "producerIndex", long.class);
            CONSUMER_INDEX = lookup.findVarHandle(ReturnQueue.class, "consumerIndex", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Producers {@code so}, the consumer {@code la} and {@code sp} (clearing). */
    private final Object[] slots;
    private final int mask;

    /** Next sequence number to claim. Any thread: {@code lv}, {@code cas}. */
    @SuppressWarnings("unused")
    private volatile long producerIndex;

    /** Next sequence number to poll. The consumer writes {@code so} (and reads its own value {@code lp}); producers {@code lv}. */
    @SuppressWarnings("unused")
    private volatile long consumerIndex;

    /** A queue of {@code capacity} slots, a power of two. */
    ReturnQueue(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, got " + capacity);
        }
        this.slots = new Object[capacity];
        this.mask = capacity - 1;
    }

    /** Adds {@code element}; any thread. @return false if the queue is full (nothing added) */
    boolean offer(E element) {
        long sequence;
        do {
            sequence = lvProducerIndex();
            if (sequence - lvConsumerIndex() > mask) {
                return false;
            }
        } while (!casProducerIndex(sequence, sequence + 1));
        soSlot((int) sequence & mask, element);
        return true;
    }

    /** The oldest element, or null if none is ready; the consumer thread only. */
    @SuppressWarnings("unchecked")
    E poll() {
        long sequence = lpConsumerIndex();
        int slot = (int) sequence & mask;
        Object element = laSlot(slot);
        if (element == null) {
            return null;
        }
        spSlot(slot, null);
        soConsumerIndex(sequence + 1);
        return (E) element;
    }

    private long lvProducerIndex() {
        return (long) PRODUCER_INDEX.getVolatile(this);
    }

    private boolean casProducerIndex(long expected, long update) {
        return PRODUCER_INDEX.compareAndSet(this, expected, update);
    }

    private long lvConsumerIndex() {
        return (long) CONSUMER_INDEX.getVolatile(this);
    }

    private long lpConsumerIndex() {
        return (long) CONSUMER_INDEX.get(this);
    }

    private void soConsumerIndex(long value) {
        CONSUMER_INDEX.setRelease(this, value);
    }

    private Object laSlot(int slot) {
        return SLOT.getAcquire(slots, slot);
    }

    private void soSlot(int slot, Object element) {
        SLOT.setRelease(slots, slot, element);
    }

    private void spSlot(int slot, Object element) {
        SLOT.set(slots, slot, element);
    }
}
