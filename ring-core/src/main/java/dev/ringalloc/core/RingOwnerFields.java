package dev.ringalloc.core;

/**
 * The fields of a {@link Ring} that its owner thread writes on every allocation, kept off the cache lines
 * that other threads read on every release. Layout only; all logic is in {@code Ring}.
 *
 * <p>Why: a release on another thread reads {@code Ring}'s final fields and its {@code state}. Were the
 * owner's walk state and counters on the same lines, each allocation would invalidate them in the releasing
 * core's cache, and each release would miss (false sharing: async-profiler put ~9 % of the cross-thread
 * 64 B benchmark on those two loads). HotSpot lays out a superclass's fields before a subclass's, so the
 * chain {@code RingOwnerFields -> RingOwnerPadding -> Ring} puts these fields right after the object header,
 * then 128 bytes of padding, then {@code Ring}'s own fields (the padding idiom of JCTools).
 */
abstract class RingOwnerFields {

    /**
     * Seqlock over the structure. Written by the owner only: odd (store-opaque, then a store-store
     * fence) before a walk merges regions or a region grows or shrinks, even again (store-release)
     * after; not around the hand-out of a single free region (see "Accounting" in {@code Ring}). Read
     * by {@link Ring#stats()} with acquire.
     */
    long structureVersion;

    // Owner-only walk state: plain fields, never read by other threads.

    /** Guard where the next walk starts: just behind the newest allocation. */
    int head;
    /** Guard of the newest allocation (its next is head), or -1 once a merge or growth absorbed it. */
    int last = -1;
    /**
     * Guard the owner released last through {@link Ring#releaseOnOwner}, for the next allocation to try
     * first; -1 once that allocation ran, or if growth absorbed the guard.
     */
    int releasedOnOwner = -1;
    /**
     * Where {@code head} was when an allocation went back to the ring's first region, for the walk to resume
     * at once it meets the buffers in flight; -1 if none, or once reached or absorbed.
     */
    int frontier = -1;
    /** Stamp of the next allocation; never 0. */
    int nextStamp = 1;
    /** Bytes held or released but not yet reclaimed by a walk. */
    long occupied;

    // Statistics. Written by the owner only, with store-release (single writer: no RMW needed);
    // read by any thread with load-acquire. Values may lag behind the owner by a few operations.
    long allocations;
    long failures;
    long regionsSkipped;
    long growthsInPlace;
    long highWater;
}

/** 128 bytes between {@link RingOwnerFields} and {@link Ring}'s own fields: see {@link RingOwnerFields}. */
abstract class RingOwnerPadding extends RingOwnerFields {
    @SuppressWarnings("unused")
    private long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}
