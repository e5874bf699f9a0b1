package dev.ringalloc.netty;

/**
 * Why a {@link RingByteBufAllocator} served a request from its fallback allocator instead of a ring. Every
 * fallback is counted by reason: see {@link RingByteBufAllocatorMetric#fallbacks(FallbackReason)}.
 */
public enum FallbackReason {
    /** The request (or the capacity a buffer grew to) is above the allocator's maximum ring allocation. */
    TOO_LARGE,
    /** The calling thread's ring had no free run of the requested size within its walk. */
    RING_FULL,
    /**
     * The calling thread has no ring: it is not a {@link io.netty.util.concurrent.FastThreadLocalThread} (and
     * the allocator was not built with rings for all threads), or its ring could not be created.
     */
    NO_RING,
    /** A heap buffer was requested from an allocator built with heap rings turned off. */
    HEAP
}
