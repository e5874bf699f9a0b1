package dev.ringalloc.netty;

import dev.ringalloc.core.Ring;
import io.netty.util.internal.PlatformDependent;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Function;

/**
 * One thread's ring of one kind of memory (direct or heap) as the allocator sees it: the ring, its owner thread,
 * the buffers' view of its memory, the pool of buffer objects and the ring's {@link RingHistory}. Immutable after
 * construction (the history has its own threading rules) and published to
 * other threads through the allocator's registry (a concurrent map) or through a {@link RingByteBuf} handed over by
 * the application, so every field is final.
 */
final class ThreadRing {

    final Ring ring;
    /** The only thread that may allocate, grow or shrink in {@link #ring}. */
    final Thread owner;
    /**
     * This allocator's own view of the ring's memory: big-endian, absolute access only. A private duplicate, so
     * that nothing else that holds {@code ring.memory()} can change the byte order we read with. A heap ring's
     * view is backed by the ring's array, at array offset 0.
     */
    final ByteBuffer memory;
    /** Native address of {@link #memory} index 0, or 0 for a heap ring or when Netty has no Unsafe. */
    final long address;
    /** {@link Ring#memorySegment()}: for buffers without an address, the faster way to the memory where not null. */
    final Object segment;
    /**
     * The buffer objects this thread allocates (from this ring or, when the ring cannot serve, over fallback
     * memory), taken back from any thread.
     */
    final RingByteBufPool pool;
    /** Time samples and, in allocation-site mode, allocation sites: for the ages of live regions. */
    final RingHistory history;

    /** @param newBuffer makes a new buffer object whose home is the given thread ring */
    ThreadRing(Ring ring, Thread owner, RingHistory history, Function<ThreadRing, RingByteBuf> newBuffer) {
        ring.bindOwner(owner); // releases on the owner then take the store path (Ring.release)
        this.ring = ring;
        this.owner = owner;
        this.history = history;
        this.memory = ring.memory().duplicate().order(ByteOrder.BIG_ENDIAN);
        this.address = ring.isDirect() && PlatformDependent.hasUnsafe() ? PlatformDependent.directBufferAddress(memory)
                : 0L;
        this.segment = ring.memorySegment();
        this.pool = new RingByteBufPool(() -> newBuffer.apply(this)); // called once constructed
    }

    /**
     * Owner only, after each allocation from this ring (a new buffer, or one moved here by growth): a time sample
     * every {@value RingHistory#SAMPLE_EVERY} allocations, and the site in allocation-site mode. Off the sampled
     * allocations and with sites off, one test of the handle, already in a register, and one of a static final.
     */
    void allocated(long handle) {
        if (RingHistory.isSampled(handle)) {
            history.sample(ring.allocationCount());
        }
        if (RingHistory.SITES) {
            history.recordSite(handle);
        }
    }

    /**
     * Releases a region of this ring on thread {@code current}: the owner's store or another thread's CAS,
     * forgetting its site in allocation-site mode. A release that frees a retired ring reports it.
     *
     * @param next the region's {@code next} as its buffer kept it from the hand-out, or -1 if unknown (it grew or
     *             shrank): on the owner, a known {@code next} spares the load of the guard
     */
    void release(long handle, Thread current, int next) {
        if (RingHistory.SITES) {
            history.forgetSite(handle);
        }
        if (current == owner ? (next >= 0 ? ring.releaseOnOwner(handle, next) : ring.releaseOnOwner(handle))
                : ring.releaseElsewhere(handle)) {
            RingEvents.ringFreed(ring, history);
        }
    }

    /** Takes back a buffer object whose home is this thread ring, released on thread {@code current}. */
    void recycle(RingByteBuf buf, Thread current) {
        if (current == owner) {
            pool.recycleOnOwner(buf);
        } else {
            pool.recycleElsewhere(buf);
        }
    }

    /**
     * True when the calling thread may change this ring's structure: it is the owner and the ring is not
     * retired. A ring is retired only by its owner ({@code FastThreadLocal.onRemoval}) or after its owner
     * ended, so this answer cannot change under the owner's feet.
     */
    boolean ownedByCurrentThread() {
        return owner == Thread.currentThread() && !ring.isRetired();
    }
}
