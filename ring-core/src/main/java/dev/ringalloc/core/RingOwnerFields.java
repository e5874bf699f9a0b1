package dev.ringalloc.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The fields of a {@link Ring} that its owner thread writes on every allocation, kept off the cache lines
 * that other threads read on every release. Layout and ordered accessors only; the logic is in {@code Ring}.
 *
 * <p>Why: a release on another thread reads {@code Ring}'s final fields and its {@code state}. Were the
 * owner's walk state and counters on the same lines, each allocation would invalidate them in the releasing
 * core's cache, and each release would miss (false sharing: async-profiler put ~9 % of the cross-thread
 * 64 B benchmark on those two loads). HotSpot lays out a superclass's fields before a subclass's, so the
 * chain {@code RingOwnerFields -> RingOwnerPadding -> Ring} puts these fields right after the object header,
 * then 128 bytes of padding, then {@code Ring}'s own fields (the padding idiom of JCTools). A test reads the
 * offsets and checks the distance.
 */
abstract class RingOwnerFields {

    private static final VarHandle STRUCTURE_VERSION;
    private static final VarHandle ALLOCATIONS;
    private static final VarHandle FAILURES;
    private static final VarHandle REGIONS_SKIPPED;
    private static final VarHandle GROWTHS_IN_PLACE;
    private static final VarHandle HIGH_WATER;
    private static final VarHandle RELEASED_GUARD;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STRUCTURE_VERSION = lookup.findVarHandle(RingOwnerFields.class, "structureVersion", long.class);
            ALLOCATIONS = lookup.findVarHandle(RingOwnerFields.class, "allocations", long.class);
            FAILURES = lookup.findVarHandle(RingOwnerFields.class, "failures", long.class);
            REGIONS_SKIPPED = lookup.findVarHandle(RingOwnerFields.class, "regionsSkipped", long.class);
            GROWTHS_IN_PLACE = lookup.findVarHandle(RingOwnerFields.class, "growthsInPlace", long.class);
            HIGH_WATER = lookup.findVarHandle(RingOwnerFields.class, "highWater", long.class);
            RELEASED_GUARD = lookup.findVarHandle(RingOwnerFields.class, "releasedGuard", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Seqlock over the ring's structure. Owner writes, store-ordered: odd before it merges regions, grows or
     * shrinks one (followed by a store-store fence), even after. Other threads read it with acquire before a
     * read-only walk and opaque after it (see {@code Ring.stats()}).
     */
    long structureVersion;

    // ---- owner-only walk state: plain fields, never read by other threads (but releasedGuard: see there) ----

    /**
     * Guard where the walk from head begins: just behind the newest allocation, or on the newest allocation
     * itself once the owner has released it.
     */
    int head;
    /**
     * Where the free region at {@code head} ends (its next), while the owner knows it without reading the guard:
     * set by a hand-out that leaves a split-off region at head, or by a shrink of the region just behind head
     * (neither when that region is the frontier), -1 after anything else that
     * could change head or its region (a merge, growth, another shrink, head moving back).
     */
    int gapEnd = -1;
    /** Guard of the ring's last region, whose next is the tail: see "frontier" in {@code Ring}'s glossary. */
    int frontier;
    /**
     * Guard the owner released last, for the next allocation to look at first; -1 once it has, or once that
     * release is stored into the guard where releases are stored late (see "Release" in {@code Ring}).
     */
    int releasedOnOwner = -1;
    /**
     * The free region the owner's releases made last, {@code guard << 32 | next}: its own last release once that was
     * left free (the next allocation did not reuse it in place, or another release came first), or the run its
     * releases in order joined onto it (see "Release" in {@code Ring}); -1 once a merge or growth made that guard
     * payload. A hand-out of it is not recorded here: the join loads the guard and checks it.
     */
    long lastFree = -1L;
    /**
     * The word the owner's release of {@code releasedOnOwner} leaves there (unlocked, with its stamp). No other
     * thread writes an unlocked guard, and the owner resets {@code releasedOnOwner} before it changes that one (a
     * merge, a growth over it), so the next allocation reads this instead of the guard. Where releases are stored
     * late, the owner writes it store-ordered, after the release's last use of the payload, and other threads read
     * it with acquire; elsewhere only the owner reads it. Its stamp stays after the release is stored or the
     * region reused, until the owner's next release or a wrap of the stamps ({@code Ring.isHeld}).
     */
    long releasedGuard;
    /** Allocations to let pass before the walk looks back at the start again, after it found it pinned. */
    int startRetryIn;
    /** The last such wait: 0 after a look that succeeded, then 1, 2, 4, 8. */
    int startBackoff;
    /** Set by each allocation walk: true if it stopped at the frontier, the end of the zone in use. */
    boolean stoppedAtFrontier;
    /** Regions the current allocation may still look at (its share of {@code maxVisits}). */
    int visitsLeft;
    /** True while the current allocation holds the seqlock odd. */
    boolean changing;
    /** The {@code next} of the region handed out last: see {@code Ring.nextOfLastAllocation()}. */
    int lastNext;
    /** Stamp of the next allocation; never 0. */
    int nextStamp = 1;
    /** Bytes held, or released but not yet seen free by the owner. */
    long occupied;
    /** Allocations of more than this many words are watched for far walks ({@code Ring.watchCrowding}). */
    int crowdingWords = Integer.MAX_VALUE;
    /** {@code allocations} at the last far walk of a watched request; far enough back not to count at first. */
    long lastFarWalk = -Ring.CROWDING_SPAN - 1L;
    /** Set by a second far walk within {@code Ring.CROWDING_SPAN} allocations; never cleared. */
    boolean crowded;

    // ---- statistics: owner writes store-ordered (one writer, no read-modify-write), any thread loads acquire -

    long allocations;
    long failures;
    long regionsSkipped;
    long growthsInPlace;
    long highWater;

    final long laReleasedGuard() {
        return (long) RELEASED_GUARD.getAcquire(this);
    }

    final void soReleasedGuard(long value) {
        RELEASED_GUARD.setRelease(this, value);
    }

    final long laStructureVersion() {
        return (long) STRUCTURE_VERSION.getAcquire(this);
    }

    final long loStructureVersion() {
        return (long) STRUCTURE_VERSION.getOpaque(this);
    }

    final void soStructureVersion(long value) {
        STRUCTURE_VERSION.setRelease(this, value);
    }

    final long laAllocations() {
        return (long) ALLOCATIONS.getAcquire(this);
    }

    final void soAllocations(long value) {
        ALLOCATIONS.setRelease(this, value);
    }

    final long laFailures() {
        return (long) FAILURES.getAcquire(this);
    }

    final void soFailures(long value) {
        FAILURES.setRelease(this, value);
    }

    final long laRegionsSkipped() {
        return (long) REGIONS_SKIPPED.getAcquire(this);
    }

    final void soRegionsSkipped(long value) {
        REGIONS_SKIPPED.setRelease(this, value);
    }

    final long laGrowthsInPlace() {
        return (long) GROWTHS_IN_PLACE.getAcquire(this);
    }

    final void soGrowthsInPlace(long value) {
        GROWTHS_IN_PLACE.setRelease(this, value);
    }

    final long laHighWater() {
        return (long) HIGH_WATER.getAcquire(this);
    }

    final void soHighWater(long value) {
        HIGH_WATER.setRelease(this, value);
    }
}

/**
 * 128 bytes between {@link RingOwnerFields} and {@link Ring}'s own fields: see {@link RingOwnerFields}. Bytes, not
 * longs, as in JCTools: HotSpot fills the gaps a superclass leaves with the subclass's smaller fields, and longs
 * would leave a gap after the owner's fields that {@code Ring}'s ints and booleans would then move into.
 * {@code RingLayoutTest} checks the distance.
 */
@SuppressWarnings("unused")
abstract class RingOwnerPadding extends RingOwnerFields {
    byte b000, b001, b002, b003, b004, b005, b006, b007, b008, b009, b010, b011, b012, b013, b014, b015;
    byte b016, b017, b018, b019, b020, b021, b022, b023, b024, b025, b026, b027, b028, b029, b030, b031;
    byte b032, b033, b034, b035, b036, b037, b038, b039, b040, b041, b042, b043, b044, b045, b046, b047;
    byte b048, b049, b050, b051, b052, b053, b054, b055, b056, b057, b058, b059, b060, b061, b062, b063;
    byte b064, b065, b066, b067, b068, b069, b070, b071, b072, b073, b074, b075, b076, b077, b078, b079;
    byte b080, b081, b082, b083, b084, b085, b086, b087, b088, b089, b090, b091, b092, b093, b094, b095;
    byte b096, b097, b098, b099, b100, b101, b102, b103, b104, b105, b106, b107, b108, b109, b110, b111;
    byte b112, b113, b114, b115, b116, b117, b118, b119, b120, b121, b122, b123, b124, b125, b126, b127;
}
