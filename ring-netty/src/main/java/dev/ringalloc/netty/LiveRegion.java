package dev.ringalloc.netty;

/**
 * One region of a ring held right now by a buffer, as {@link RingSnapshot#oldestRegions()} reports it: the buffers
 * that live longest are the ones that pin a ring's memory and push allocations to the fallback.
 *
 * @param ageInAllocations allocations the ring made since this region's (exact below 2^31)
 * @param ageNanos         time since its allocation: exact when {@code exactAge}, else a lower bound from the ring's
 *                         time samples, taken every 1024 allocations; -1 when unknown (no sample since: a region
 *                         younger than about 1024 allocations)
 * @param exactAge         true in allocation-site mode, which records each allocation's time
 * @param bytes            payload bytes of the region (the buffer's capacity rounded up to 8, or more after growth)
 * @param site             in allocation-site mode, the stack that allocated it (trimmed of the allocator's frames,
 *                         one {@code at ...} line per frame); otherwise null
 */
public record LiveRegion(long ageInAllocations, long ageNanos, boolean exactAge, int bytes, String site) {
}
