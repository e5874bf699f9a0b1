package dev.ringalloc.netty;

import dev.ringalloc.core.Ring;
import dev.ringalloc.core.RingStats;

import java.util.ArrayList;
import java.util.List;

/**
 * One ring of a {@link RingByteBufAllocator} at one moment: whose it is, what memory, its figures, and its oldest
 * live regions. From {@link RingByteBufAllocatorMetric#ringSnapshots(int)}; rendered by
 * {@link RingByteBufAllocator#dump()}.
 *
 * @param owner         name of the thread that owns (allocates from) the ring
 * @param ownerAlive    false once that thread has ended: the ring is retired and is freed by its last release
 * @param direct        direct memory (true) or heap
 * @param large         the owner's large ring, which serves only requests above
 *                      {@link RingByteBufAllocator#largeRingAbove()}, or above
 *                      {@link RingByteBufAllocator#largeRingWhenCrowdedAbove()} once they crowded the owner's ring
 *                      (false: the owner's ring for all other requests)
 * @param memoryKind    {@code mapped} (direct, committed page by page as buffers first touch it),
 *                      {@code allocated} (direct, all resident) or {@code heap}: {@link Ring#memoryKind()}
 * @param retired       the ring allocates no more (its owner ended or cleaned up its thread-locals)
 * @param stats         its figures: bytes in use, live regions, largest free run, high-water mark, ...
 * @param oldestRegions its oldest live regions, oldest first
 */
public record RingSnapshot(String owner, boolean ownerAlive, boolean direct, boolean large, String memoryKind,
                           boolean retired, RingStats stats, List<LiveRegion> oldestRegions) {

    /** Copies the list: a snapshot does not change. */
    public RingSnapshot {
        oldestRegions = List.copyOf(oldestRegions);
    }

    /** Walks {@code ring} (any thread) for its figures and its {@code oldest} oldest live regions. */
    static RingSnapshot take(Ring ring, RingHistory history, int oldest) {
        RingStats stats = ring.stats();
        return new RingSnapshot(history.ownerName(), history.ownerAlive(), ring.isDirect(), history.large(),
                ring.memoryKind(), ring.isRetired(), stats, oldestRegions(ring, history, oldest));
    }

    /** The {@code n} oldest live regions of {@code ring}, oldest first. Any thread; one walk of the ring. */
    static List<LiveRegion> oldestRegions(Ring ring, RingHistory history, int n) {
        if (n <= 0) {
            return List.of();
        }
        // The n largest ages, kept sorted, oldest first: n is small.
        long[] handles = new long[n];
        long[] ages = new long[n];
        int[] size = new int[1];
        ring.forEachLiveRegion(handle -> {
            long age = ring.stampAge(handle);
            int at = size[0];
            while (at > 0 && ages[at - 1] < age) {
                at--;
            }
            if (at == n) {
                return;
            }
            int last = Math.min(size[0], n - 1);
            System.arraycopy(handles, at, handles, at + 1, last - at);
            System.arraycopy(ages, at, ages, at + 1, last - at);
            handles[at] = handle;
            ages[at] = age;
            size[0] = Math.min(size[0] + 1, n);
        });
        long count = ring.allocationCount();
        List<LiveRegion> regions = new ArrayList<>(size[0]);
        for (int i = 0; i < size[0]; i++) {
            int bytes = ring.liveRegionBytes(handles[i]);
            if (bytes < 0) {
                continue; // released since the walk
            }
            RingHistory.Site site = history.site(handles[i]);
            LiveRegion region;
            if (site != null) {
                long age = Math.max(0, history.now() - site.nanoTime());
                region = new LiveRegion(ages[i], age, age, bytes, site.describe());
            } else {
                long allocation = count - ages[i];
                region = new LiveRegion(ages[i], history.minAgeNanos(allocation, ring::allocationCount),
                        history.maxAgeNanos(allocation, ring::allocationCount), bytes, null);
            }
            regions.add(region);
        }
        return regions;
    }
}
