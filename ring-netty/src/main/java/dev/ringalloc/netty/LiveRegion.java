package dev.ringalloc.netty;

/**
 * One region of a ring held right now by a buffer, as {@link RingSnapshot#oldestRegions()} reports it: the buffers
 * that live longest are the ones that pin a ring's memory and push allocations to the fallback.
 *
 * @param ageInAllocations allocations the ring made since this region's (exact below 2^31)
 * @param minAgeNanos      time since its allocation, at least: exact in allocation-site mode (which records each
 *                         allocation's time), else from the ring's time samples, taken every 1024 allocations; -1
 *                         when unknown (no sample since: a region younger than about 1024 allocations)
 * @param maxAgeNanos      time since its allocation, at most: equal to {@code minAgeNanos} in allocation-site mode,
 *                         else from the time samples or the ring's creation
 * @param bytes            payload bytes of the region (the buffer's capacity rounded up to 8, or more after growth)
 * @param site             in allocation-site mode, the stack that allocated it (trimmed of the allocator's frames,
 *                         one {@code at ...} line per frame); otherwise null
 */
public record LiveRegion(long ageInAllocations, long minAgeNanos, long maxAgeNanos, int bytes, String site) {

    /** True when the age in time is exact (allocation-site mode), not a range. */
    public boolean exactAge() {
        return minAgeNanos == maxAgeNanos;
    }
}
