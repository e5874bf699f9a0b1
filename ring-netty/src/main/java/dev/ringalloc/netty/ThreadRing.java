package dev.ringalloc.netty;

import dev.ringalloc.core.Ring;
import io.netty.util.internal.PlatformDependent;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One thread's ring of one kind of memory (direct or heap) as the allocator sees it: the ring, its owner thread,
 * the buffers' view of its memory and the pool of buffer objects. Immutable after construction and published to
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
    /** The buffer objects this thread allocates from this ring, and takes back from any thread. */
    final RingByteBufPool pool;

    ThreadRing(Ring ring, Thread owner, RingByteBufPool.Factory newBuffer) {
        ring.bindOwner(owner); // releases on the owner then take the store path (Ring.release)
        this.ring = ring;
        this.owner = owner;
        this.memory = ring.memory().duplicate().order(ByteOrder.BIG_ENDIAN);
        this.address = ring.isDirect() && PlatformDependent.hasUnsafe() ? PlatformDependent.directBufferAddress(memory)
                : 0L;
        this.pool = new RingByteBufPool(owner, newBuffer);
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
