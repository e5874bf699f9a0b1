package dev.ringalloc.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded queue that any thread offers to and one thread, the consumer, polls: how buffer objects released
 * on other threads go back to their ring's owner. Its slots are allocated once; an offer to a full queue
 * fails (the caller drops the object for the garbage collector) rather than allocating.
 *
 * <p>Protocol (orderings in the vocabulary of the package documentation). A producer claims sequence number
 * {@code p} by {@code cas} on {@code producerIndex}, after checking that {@code p < producerLimit}, a bound below
 * which there is room: {@code consumerIndex + capacity} as some producer last read it. Only when {@code p}
 * reaches it does the producer {@code lv} {@code consumerIndex} and {@code so} a new limit (a stale, lower limit
 * stored by a slower producer only makes a producer read again: the consumer index never goes back). It then
 * stores its element into slot {@code p & mask} with {@code so}. The consumer reads slot
 * {@code consumerIndex & mask} with {@code la}: null means empty, or a producer that has claimed the slot but
 * not yet stored (the poll then reports empty; the element is found by a later poll). Otherwise it clears the
 * slot ({@code sp}) and publishes {@code consumerIndex + 1} with {@code so}. So: everything a producer wrote
 * before its offer happens-before the consumer's use of the element, and the consumer's clearing of a slot
 * happens-before any producer's next store into it (the limit that let the producer claim it came from an
 * {@code lv} of a {@code consumerIndex} stored after the clearing).
 *
 * <p>Layout: the producers' fields and the consumer's index sit on cache lines of their own (the padding idiom
 * of {@link RingOwnerPadding}), so that a poll does not invalidate the line every offer reads and writes.
 */
final class ReturnQueue<E> extends ReturnQueueConsumerField {

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

    /** A queue of {@code capacity} slots, a power of two. */
    ReturnQueue(int capacity) {
        super(capacity);
    }

    /** Adds {@code element}; any thread. @return false if the queue is full (nothing added) */
    boolean offer(E element) {
        long limit = lvProducerLimit();
        long sequence;
        do {
            sequence = lvProducerIndex();
            if (sequence >= limit) {
                limit = lvConsumerIndex() + slots.length;
                if (sequence >= limit) {
                    return false;
                }
                soProducerLimit(limit);
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

/** {@link ReturnQueue}'s slots: read by every thread, the array written once. */
abstract class ReturnQueueSlots {
    /** Producers {@code so}, the consumer {@code la} and {@code sp} (clearing). */
    final Object[] slots;
    final int mask;

    ReturnQueueSlots(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, got " + capacity);
        }
        this.slots = new Object[capacity];
        this.mask = capacity - 1;
    }
}

/** 128 bytes between the slots' fields and the producers' (bytes, not longs: see {@link RingOwnerPadding}). */
@SuppressWarnings("unused")
abstract class ReturnQueueProducerPadding extends ReturnQueueSlots {
    byte a000, a001, a002, a003, a004, a005, a006, a007, a008, a009, a010, a011, a012, a013, a014, a015;
    byte a016, a017, a018, a019, a020, a021, a022, a023, a024, a025, a026, a027, a028, a029, a030, a031;
    byte a032, a033, a034, a035, a036, a037, a038, a039, a040, a041, a042, a043, a044, a045, a046, a047;
    byte a048, a049, a050, a051, a052, a053, a054, a055, a056, a057, a058, a059, a060, a061, a062, a063;
    byte a064, a065, a066, a067, a068, a069, a070, a071, a072, a073, a074, a075, a076, a077, a078, a079;
    byte a080, a081, a082, a083, a084, a085, a086, a087, a088, a089, a090, a091, a092, a093, a094, a095;
    byte a096, a097, a098, a099, a100, a101, a102, a103, a104, a105, a106, a107, a108, a109, a110, a111;
    byte a112, a113, a114, a115, a116, a117, a118, a119, a120, a121, a122, a123, a124, a125, a126, a127;

    ReturnQueueProducerPadding(int capacity) {
        super(capacity);
    }
}

/** The producers' fields of {@link ReturnQueue}. */
abstract class ReturnQueueProducerFields extends ReturnQueueProducerPadding {

    private static final VarHandle PRODUCER_INDEX;
    private static final VarHandle PRODUCER_LIMIT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PRODUCER_INDEX = lookup.findVarHandle(ReturnQueueProducerFields.class, "producerIndex", long.class);
            PRODUCER_LIMIT = lookup.findVarHandle(ReturnQueueProducerFields.class, "producerLimit", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Next sequence number to claim. Any producer: {@code lv}, {@code cas}. */
    @SuppressWarnings("unused")
    private volatile long producerIndex;

    /** Sequence numbers below it have a free slot. Any producer: {@code lv}, {@code so}; the constructor first. */
    @SuppressWarnings("unused")
    private volatile long producerLimit;

    ReturnQueueProducerFields(int capacity) {
        super(capacity);
        producerLimit = capacity;
    }

    final long lvProducerIndex() {
        return (long) PRODUCER_INDEX.getVolatile(this);
    }

    final boolean casProducerIndex(long expected, long update) {
        return PRODUCER_INDEX.compareAndSet(this, expected, update);
    }

    final long lvProducerLimit() {
        return (long) PRODUCER_LIMIT.getVolatile(this);
    }

    final void soProducerLimit(long value) {
        PRODUCER_LIMIT.setRelease(this, value);
    }
}

/** 128 bytes between the producers' fields and the consumer's. */
@SuppressWarnings("unused")
abstract class ReturnQueueConsumerPadding extends ReturnQueueProducerFields {
    byte c000, c001, c002, c003, c004, c005, c006, c007, c008, c009, c010, c011, c012, c013, c014, c015;
    byte c016, c017, c018, c019, c020, c021, c022, c023, c024, c025, c026, c027, c028, c029, c030, c031;
    byte c032, c033, c034, c035, c036, c037, c038, c039, c040, c041, c042, c043, c044, c045, c046, c047;
    byte c048, c049, c050, c051, c052, c053, c054, c055, c056, c057, c058, c059, c060, c061, c062, c063;
    byte c064, c065, c066, c067, c068, c069, c070, c071, c072, c073, c074, c075, c076, c077, c078, c079;
    byte c080, c081, c082, c083, c084, c085, c086, c087, c088, c089, c090, c091, c092, c093, c094, c095;
    byte c096, c097, c098, c099, c100, c101, c102, c103, c104, c105, c106, c107, c108, c109, c110, c111;
    byte c112, c113, c114, c115, c116, c117, c118, c119, c120, c121, c122, c123, c124, c125, c126, c127;

    ReturnQueueConsumerPadding(int capacity) {
        super(capacity);
    }
}

/** The consumer's field of {@link ReturnQueue}. */
abstract class ReturnQueueConsumerField extends ReturnQueueConsumerPadding {

    private static final VarHandle CONSUMER_INDEX;

    static {
        try {
            CONSUMER_INDEX = MethodHandles.lookup().findVarHandle(ReturnQueueConsumerField.class, "consumerIndex",
                    long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Next sequence number to poll. The consumer writes {@code so} (and reads its own value {@code lp});
     * producers {@code lv}.
     */
    @SuppressWarnings("unused")
    private volatile long consumerIndex;

    ReturnQueueConsumerField(int capacity) {
        super(capacity);
    }

    final long lvConsumerIndex() {
        return (long) CONSUMER_INDEX.getVolatile(this);
    }

    final long lpConsumerIndex() {
        return (long) CONSUMER_INDEX.get(this);
    }

    final void soConsumerIndex(long value) {
        CONSUMER_INDEX.setRelease(this, value);
    }
}
