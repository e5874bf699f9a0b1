package dev.ringalloc.core;

/**
 * Test-only bridge into package-private parts of ring-core, for the jcstress tests in
 * {@code dev.ringalloc.core.jcstress}: a frozen buffer over a region the test allocated from a bare
 * {@link Ring}, and the ring behind a {@link RingAllocator}. Lives with the test sources only.
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
}
