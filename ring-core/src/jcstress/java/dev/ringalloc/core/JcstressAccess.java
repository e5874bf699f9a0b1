package dev.ringalloc.core;

/**
 * Test-only bridge into package-private parts of ring-core, for the jcstress tests in
 * {@code dev.ringalloc.core.jcstress}: a frozen buffer over a region the test allocated from a bare
 * {@link Ring}, the ring behind a {@link RingAllocator}, and the pools and return queue of recycled buffer
 * objects.
 * Lives with the test sources only.
 */
public final class JcstressAccess {

    private JcstressAccess() {
    }

    /** A frozen buffer (reference count 1) over {@code length} bytes of the region {@code handle} of {@code ring}. */
    public static FrozenBuffer frozen(Ring ring, long handle, int length) {
        return new RingAllocator(ring, 0, true).frozen(handle, length);
    }

    /** The ring behind an allocator. */
    public static Ring ring(RingAllocator allocator) {
        return allocator.ring();
    }

    /** An allocator whose pools hand a released buffer object out again at once (no quarantine). */
    public static RingAllocator withoutQuarantine(int capacity) {
        return RingAllocator.builder().capacity(capacity).quarantine(0).build();
    }

    /**
     * A fixed buffer of {@code size} bytes from {@code allocator} that does not make the calling thread its owner
     * (the thread that first allocates through the allocator afterwards becomes the owner). Before any owner exists.
     */
    public static FixedBuffer fixedWithoutOwner(RingAllocator allocator, int size) {
        long handle = allocator.ring().tryAllocate(size);
        return allocator.fixedOver(handle, RegionHolder.NO_NEXT, Ring.regionBytes(size), 0);
    }

    /** The region a buffer object holds now: its handle. */
    public static long handle(RegionHolder buffer) {
        return buffer.handle;
    }

    /** A {@code ReturnQueue} of {@code capacity} slots (a power of two): any thread offers, one thread polls. */
    public static <E> Returns<E> returns(int capacity) {
        return new Returns<>(new ReturnQueue<>(capacity));
    }

    /** The return queue's two calls. */
    public static final class Returns<E> {
        private final ReturnQueue<E> queue;

        private Returns(ReturnQueue<E> queue) {
            this.queue = queue;
        }

        /** Any thread. @return false if full */
        public boolean offer(E element) {
            return queue.offer(element);
        }

        /** The consumer only. @return null if nothing is ready */
        public E poll() {
            return queue.poll();
        }
    }
}
