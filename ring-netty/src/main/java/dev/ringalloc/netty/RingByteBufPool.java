package dev.ringalloc.netty;

import io.netty.util.internal.PlatformDependent;

import java.util.Queue;
import java.util.function.Supplier;

/**
 * The {@link RingByteBuf} objects of one thread ring, kept for reuse so that an allocation creates no garbage,
 * whichever thread releases the buffer: a stack for those released on the owner (newest first: its lines are
 * the likeliest to be in the cache) and a fixed MPSC queue for those released on other threads.
 *
 * <p>Why not Netty's {@code Recycler}: its return queue for other threads is a chunked MPSC queue that
 * allocates a chunk each time it grows past a chunk and drops it once drained, so a steady stream of
 * cross-thread releases (an event loop allocating, another thread releasing) costs a few bytes of
 * garbage per buffer. Here the cross-thread queue is preallocated and bounded; when it is full the object
 * is dropped for the GC instead, which takes more than {@value #MAX_POOLED} buffers in flight at once.
 *
 * <p>Why not ring-core's generic {@code ObjectPool} (a circular line, newest first when it has no quarantine,
 * with its own return queue), which was tried in its place: the same JMH runs, 3 to 4 interleaved rounds against this class, put
 * it at 0.86-0.92x on benchmark 1 (64 B and 1 KiB, window 64) and 0.7x on benchmark 2, with every call
 * inlined; under the parallel collector the loss shrank to 0.95x, so part of it is G1's barriers on the
 * generic line's stores. ring-netty has no quarantine to keep (a {@code ByteBuf} must not be used after its
 * last release), so a typed stack and Netty's own queue are kept here.
 *
 * <p>Threads: {@link #get()} runs on the owner only (allocation is owner-only). The owner pushes onto
 * {@link #stack} ({@link #recycleOnOwner}, plain fields); any other thread offers to {@link #returns}
 * ({@link #recycleElsewhere}), a fixed MPSC queue whose offer is a release-store of the element and whose poll
 * on the owner an acquire-load, so a recycled object's fields written by the releasing thread are visible to
 * the owner that reuses it. The caller says which path applies ({@code ThreadRing.recycle} compares the thread
 * that released the buffer with the owner).
 */
final class RingByteBufPool {

    /** Objects kept per thread and per path (same-thread stack, cross-thread queue), as Netty's Recycler. */
    static final int MAX_POOLED = 4096;

    private final Supplier<RingByteBuf> factory;
    /** Owner only: buffers released on the owner thread. Grows to {@value #MAX_POOLED} during warm-up. */
    private RingByteBuf[] stack = new RingByteBuf[64];
    private int size;
    /** Other threads offer, the owner polls. */
    private final Queue<RingByteBuf> returns = PlatformDependent.newFixedMpscQueue(MAX_POOLED);

    /** @param factory makes a new buffer object whose home is this pool's thread ring */
    RingByteBufPool(Supplier<RingByteBuf> factory) {
        this.factory = factory;
    }

    /** A buffer object to initialise; owner thread only. */
    RingByteBuf get() {
        if (size > 0) {
            RingByteBuf buf = stack[--size];
            // Not only tidiness: a stale slot would keep a leaked buffer reachable, and the leak detector
            // reports a buffer only once it is unreachable.
            stack[size] = null;
            return buf;
        }
        RingByteBuf returned = returns.poll();
        return returned != null ? returned : factory.get();
    }

    /** Takes back a buffer whose last reference was released on the owner thread. */
    void recycleOnOwner(RingByteBuf buf) {
        if (size == stack.length) {
            if (size == MAX_POOLED) {
                return;
            }
            RingByteBuf[] larger = new RingByteBuf[Math.min(MAX_POOLED, size * 2)];
            System.arraycopy(stack, 0, larger, 0, size);
            stack = larger;
        }
        stack[size++] = buf;
    }

    /** Takes back a buffer whose last reference was released on any other thread. */
    void recycleElsewhere(RingByteBuf buf) {
        returns.offer(buf); // full: dropped for the GC
    }
}
