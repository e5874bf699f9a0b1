package dev.ringalloc.netty;

import dev.ringalloc.core.RingStats;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;

import java.util.List;

/**
 * The figures of a {@link RingByteBufAllocator}: Netty's {@link ByteBufAllocatorMetric} plus the rings'.
 * A live view: every call computes its figure now, from any thread. {@link #usedDirectMemory()},
 * {@link #rings()} and {@link #ringCapacity()} are cheap; the other ring figures walk the rings (see
 * {@link dev.ringalloc.core.Ring#stats()}), so such a call costs time proportional to the regions of all
 * rings: use {@link #ringStats()} once to read several figures of one moment.
 */
public final class RingByteBufAllocatorMetric implements ByteBufAllocatorMetric {

    private final RingByteBufAllocator allocator;

    RingByteBufAllocatorMetric(RingByteBufAllocator allocator) {
        this.allocator = allocator;
    }

    /**
     * Direct memory reserved: the capacity of every direct ring not yet freed, plus the fallback allocator's own
     * {@code usedDirectMemory()} when it reports one (a shared fallback such as Netty's default allocator
     * reports what all its users hold). A ring's reserved capacity, not its resident pages (see
     * {@code dev.ringalloc.core.RingMemory}).
     */
    @Override
    public long usedDirectMemory() {
        ByteBufAllocatorMetric fb = fallbackMetric();
        return allocator.ringCountAndCapacity(true)[1] + (fb != null ? Math.max(0, fb.usedDirectMemory()) : 0);
    }

    /** Heap memory: the capacity of every heap ring not yet freed, plus the fallback's {@code usedHeapMemory()}. */
    @Override
    public long usedHeapMemory() {
        ByteBufAllocatorMetric fb = fallbackMetric();
        return allocator.ringCountAndCapacity(false)[1] + (fb != null ? Math.max(0, fb.usedHeapMemory()) : 0);
    }

    private ByteBufAllocatorMetric fallbackMetric() {
        return allocator.fallback() instanceof ByteBufAllocatorMetricProvider
                ? ((ByteBufAllocatorMetricProvider) allocator.fallback()).metric() : null;
    }

    /** A snapshot of each ring not yet freed (a ring is freed when its thread ended and its buffers are released). */
    public List<RingStats> ringStats() {
        return allocator.ringStats();
    }

    /**
     * A snapshot of each ring not yet freed, with its {@code oldestPerRing} oldest live regions (oldest first): owner,
     * memory, figures, and the ages that tell which buffers pin the ring. Walks every ring twice; any thread.
     */
    public List<RingSnapshot> ringSnapshots(int oldestPerRing) {
        return allocator.ringSnapshots(oldestPerRing);
    }

    /** Rings not yet freed, direct and heap. Cheap: no walk of the rings' regions. */
    public int rings() {
        return (int) (allocator.ringCountAndCapacity(true)[0] + allocator.ringCountAndCapacity(false)[0]);
    }

    /** Heap rings not yet freed. Cheap. */
    public int heapRings() {
        return (int) allocator.ringCountAndCapacity(false)[0];
    }

    /** Bytes reserved by the rings not yet freed, direct and heap. Cheap: no walk of the rings' regions. */
    public long ringCapacity() {
        return allocator.ringCountAndCapacity(true)[1] + allocator.ringCountAndCapacity(false)[1];
    }

    /** Payload bytes of ring regions held right now (buffers not yet released), over all rings. */
    public long bytesInUse() {
        long sum = 0;
        for (RingStats s : ringStats()) {
            sum += s.bytesInUse();
        }
        return sum;
    }

    /** Ring regions held right now, over all rings. */
    public long liveRegions() {
        long sum = 0;
        for (RingStats s : ringStats()) {
            sum += s.liveRegions();
        }
        return sum;
    }

    /**
     * Regions handed out by all rings since the allocator was created, retired and collected rings included: the
     * count never goes backwards.
     */
    public long allocations() {
        return allocator.ringCount(false);
    }

    /** Buffers grown in place, without a copy, by all rings since the allocator was created; never goes backwards. */
    public long growthsInPlace() {
        return allocator.ringCount(true);
    }

    /** Capacity increases that copied a buffer to new memory (another ring region or fallback memory). */
    public long moves() {
        return allocator.moves();
    }

    /**
     * Requests served, or moves placed, by the fallback allocator for {@code reason}. A buffer moved to
     * fallback memory counts here as well as in {@link #moves()}.
     */
    public long fallbacks(FallbackReason reason) {
        return allocator.fallbacks(reason);
    }

    /** Fallbacks of every reason. */
    public long fallbacks() {
        long sum = 0;
        for (FallbackReason reason : FallbackReason.values()) {
            sum += allocator.fallbacks(reason);
        }
        return sum;
    }

    @Override
    public String toString() {
        List<RingStats> stats = ringStats();
        long capacity = 0;
        long inUse = 0;
        for (RingStats s : stats) {
            capacity += s.capacity();
            inUse += s.bytesInUse();
        }
        return "RingByteBufAllocatorMetric(rings: " + stats.size() + ", ringCapacity: " + capacity
                + ", bytesInUse: " + inUse + ", moves: " + moves() + ", fallbacks: " + fallbacks() + ')';
    }
}
