package dev.ringalloc.netty;

import io.netty.util.internal.PlatformDependent;

import java.util.Queue;

/**
 * The {@link RingByteBuf} objects of one thread's ring, kept for reuse so that an allocation creates no
 * garbage, whichever thread releases the buffer.
 *
 * <p>Why not Netty's {@code Recycler}: its return queue for other threads is a chunked MPSC queue that
 * allocates a chunk each time it grows past a chunk and drops it once drained, so a steady stream of
 * cross-thread releases (an event loop allocating, another thread releasing) costs a few bytes of
 * garbage per buffer. Here the cross-thread queue is preallocated and bounded; when it is full the object
 * is dropped for the GC instead, which takes more than {@value #MAX_POOLED} buffers in flight at once.
 *
 * <p>Threads: {@link #get()} runs on the owner only (allocation is owner-only). {@link #recycle} runs on
 * whichever thread releases the buffer: the owner pushes onto {@link #stack} (owner-only, plain fields);
 * any other thread offers to {@link #returns}, a fixed MPSC queue whose offer is a release-store of the
 * element and whose poll on the owner an acquire-load, so a recycled object's fields written by the
 * releasing thread are visible to the owner that reuses it.
 */
final class RingByteBufPool {

    /** Objects kept per thread and per path (same-thread stack, cross-thread queue), as Netty's Recycler. */
    static final int MAX_POOLED = 4096;

    private final Thread owner;
    private final Factory factory;
    /** Owner only: buffers released on the owner thread. Grows to {@value #MAX_POOLED} during warm-up. */
    private RingByteBuf[] stack = new RingByteBuf[64];
    private int size;
    /** Other threads offer, the owner polls. */
    private final Queue<RingByteBuf> returns = PlatformDependent.newFixedMpscQueue(MAX_POOLED);

    /** Makes a new buffer object whose home is the given pool. */
    interface Factory {
        RingByteBuf newBuffer(RingByteBufPool home);
    }

    RingByteBufPool(Thread owner, Factory factory) {
        this.owner = owner;
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
        return returned != null ? returned : factory.newBuffer(this);
    }

    /** Takes back a buffer whose last reference was released; any thread. */
    void recycle(RingByteBuf buf) {
        if (Thread.currentThread() != owner) {
            returns.offer(buf); // full: dropped for the GC
            return;
        }
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
}
