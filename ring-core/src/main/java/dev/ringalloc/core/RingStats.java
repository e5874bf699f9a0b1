package dev.ringalloc.core;

/**
 * A snapshot of one ring's figures, from {@link Ring#stats()} or {@link RingAllocator#stats()}.
 *
 * @param capacity          bytes of the ring, guards included
 * @param allocations       regions handed out since the ring was created
 * @param failures          allocation walks that found no room
 * @param regionsSkipped    held regions the allocation walks stepped over (a plain ring would have stopped there)
 * @param growthsInPlace    regions grown by absorbing the free space behind them, without a copy
 * @param bytesInUse        payload bytes of the regions held right now
 * @param liveRegions       regions held right now
 * @param highWaterMark     the most bytes ever held or released-but-not-yet-reclaimed by the allocation walk:
 *                          an upper bound of the peak of {@code bytesInUse}
 * @param largestFreeRegion payload bytes of the largest run of free regions: the largest allocation that
 *                          would succeed right now
 */
public record RingStats(
        long capacity,
        long allocations,
        long failures,
        long regionsSkipped,
        long growthsInPlace,
        long bytesInUse,
        long liveRegions,
        long highWaterMark,
        long largestFreeRegion) {
}
