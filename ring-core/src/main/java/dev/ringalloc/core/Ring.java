package dev.ringalloc.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.function.LongConsumer;

/**
 * The ring: one block of memory cut into regions by 8-byte guard words. This class is the whole algorithm:
 * the guard layout, the allocation walk, growth and shrink in place, release, the lifecycle, and the
 * read-only walks behind the statistics. Everything above it ({@link RingAllocator}, the buffers, the Netty
 * allocator) holds <em>handles</em> and never reads a guard itself; {@link RingMemory} holds the words.
 *
 * <h2>Glossary</h2>
 * <dl>
 *   <dt>region</dt><dd>a guard and the payload behind it, up to the next guard.</dd>
 *   <dt>guard</dt><dd>the 8-byte word that starts a region: a locked bit, a stamp and the index of the next
 *       guard.</dd>
 *   <dt>stamp</dt><dd>which allocation holds a region: a per-ring counter, never 0 when issued.</dd>
 *   <dt>handle</dt><dd>names one allocation: {@code guardIndex << 32 | stamp}.</dd>
 *   <dt>run</dt><dd>consecutive free regions, merged into the first by rewriting its {@code next}.</dd>
 *   <dt>join</dt><dd>the owner's release of the region right behind the free region its releases made last
 *       ({@code lastFree}), merged into it at once: see "Release".</dd>
 *   <dt>head</dt><dd>the guard just behind the newest allocation (or on it, once the owner released it).</dd>
 *   <dt>frontier</dt><dd>the ring's last region, whose {@code next} is the tail: beyond the memory in use,
 *       untouched until the ring needs it.</dd>
 *   <dt>tail</dt><dd>a permanent guard in the last word, pointing back to word 0, never handed out.</dd>
 *   <dt>owner</dt><dd>the one thread that allocates, grows and shrinks; any thread releases.</dd>
 *   <dt>crowded</dt><dd>large requests keep walking far: see "Crowding".</dd>
 * </dl>
 *
 * <h2>Layout</h2>
 * <pre>
 *  word 0                                                              word tail = capacity/8 - 1
 *  +-------+-----------+-------+---------------+-------+------+ ... +-------+
 *  | guard | payload   | guard | payload       | guard | pay. |     | tail  |--next = 0 (closes the ring)
 *  +-------+-----------+-------+---------------+-------+------+ ... +-------+
 *      |                 ^  |                    ^
 *      +----- next ------+  +------ next --------+
 * </pre>
 * A region's capacity is {@code (next - this - 1) * 8} bytes. A guard word is
 * <pre>
 *   bit 63       locked: the region is held by a buffer
 *   bits 32..62  stamp of the allocation that holds (or last held) it; 0 once the owner has seen it free
 *   bits 0..31   next: word index of the following guard
 * </pre>
 * Word 0 always holds a guard. Direct memory starts 8 bytes before a cache-line boundary, so the payload of
 * every guard at a multiple of 8 words is 64-byte aligned; a request of 1 KiB or more ends on such a boundary
 * (keeping up to 56 bytes of slack), so the region behind it starts aligned: copies into large buffers touch
 * no more cache lines than they must (measured +7 % at 16 KiB, window 64). Smaller requests are packed.
 *
 * <h2>Allocation (owner thread only)</h2>
 * The basic walk:
 * <ol>
 *   <li>Start at {@code head}, with an empty run.</li>
 *   <li>Read the guard. If the region is held, step over it: the run restarts behind it. One long-lived
 *       buffer costs its own bytes and one guard read per lap, not a jammed ring.</li>
 *   <li>If it is free, it starts the run, or is merged into it: the run's first guard now points past it and
 *       its own guard becomes payload.</li>
 *   <li>Once the run holds the request: split off what is left over as a new free region (unless that would
 *       be under {@link #MIN_SPLIT_WORDS} words: then the whole run is handed out), lock the first guard with
 *       a fresh stamp, move {@code head} behind it, return the handle.</li>
 *   <li>At the tail, go on at word 0 with an empty run: a buffer is contiguous.</li>
 *   <li>After one lap, or {@code maxVisits} regions read, give up: {@link #NO_REGION}.</li>
 * </ol>
 * Around that walk, in this order, shortcuts that keep the bytes in use few and warm. Buffers die roughly in
 * the order they were born, so the ring cycles through a <em>zone</em>, from word 0 to the frontier, of about
 * the bytes in flight, and grows it only when the walk catches up with buffers still in flight: the caches and
 * the operating system's resident pages then hold about those bytes, never the whole ring.
 * <ol type="a">
 *   <li><b>Reuse in place.</b> The region the owner itself released last ({@code releasedOnOwner}), if it
 *       holds the request without a split, is handed out again where it is and {@code head} stays (its size
 *       comes from the word that release left, {@code releasedGuard}: no guard is read): an
 *       allocate-release loop, and per-message buffers of one size released oldest first, touch nothing
 *       else. If it is the newest region and does not hold the request so, {@code head} moves back onto it,
 *       so that the walk of (c) begins there. Releases by other threads are not recorded: their cache lines
 *       are in the other thread's cache.</li>
 *   <li><b>The gap at {@code head}.</b> After a hand-out that split a run, the owner knows where the free region
 *       left at {@code head} ends ({@code gapEnd}): a request that fits there is handed out without reading a
 *       guard. When the walk had to merge to fit a request, it merges up to {@value #MERGE_AHEAD} more free
 *       regions ahead, so that this gap is large and the next requests fit at once (together, -20 % time per
 *       allocation at random sizes, bare ring). A shrink of the region just behind {@code head} leaves its freed
 *       end as that gap; an extendable buffer's allocation ({@link #tryAllocateGrowable}) takes as much of the
 *       gap as it may grow into, up to a bound, and gives the rest back when it shrinks.</li>
 *   <li><b>Near {@code head}.</b> The basic walk from {@code head}, stepping over at most
 *       {@value #SKIPS_NEAR_HEAD} held regions (long-lived buffers), within the zone: at the frontier it stops,
 *       after merging into it the free regions just before it (the zone's end retreats over them).</li>
 *   <li><b>Back to the start.</b> If (c) stopped at the frontier, the end of the zone: the basic walk from
 *       word 0, stepping over at most {@value #SKIPS_AT_START} held regions, within the zone. The oldest
 *       buffers of the zone were there and have died: the ring goes round the zone again rather than on into
 *       memory it has not touched. After a failure it looks again only after 1, 2, 4, then 8 allocations, so
 *       that a start still in use (the ring filling up, a zone that must grow) is not read over and over.</li>
 *   <li><b>The frontier.</b> The ring's last region, if it is free and holds the request: the zone grows by
 *       this buffer. If (c) stopped at the frontier, {@code head} moves behind it; if (c) was blocked by
 *       buffers in flight, {@code head} stays, so that the next allocation goes back to where the walk was
 *       blocked, which the oldest of them are leaving meanwhile.</li>
 *   <li><b>The rest.</b> The basic walk from {@code head}, the whole lap.</li>
 * </ol>
 * A free region that the walk merges or hands out is accounted for then (see "Accounting"); nothing else is
 * written on the way.
 *
 * <h2>Growth and shrink (owner thread only)</h2>
 * A held region grows in place by absorbing the free regions behind it (typically the newest buffer, with
 * {@code head} right behind it). Its guard stays locked and keeps its stamp; only {@code next} changes. A
 * shrink splits the unused end off as a new free region.
 *
 * <h2>Release (any thread)</h2>
 * One compare-and-set of the guard from {@code locked|stamp|next} to {@code stamp|next}. It is volatile, and
 * the owner reads guards with acquire, so everything the releasing thread did to the payload happens-before
 * the owner reuses those bytes. A CAS that finds the guard unlocked or with another stamp is a double or stale
 * release: it throws and changes nothing. Only the owner changes the structure (split, merge, {@code head});
 * other threads only clear lock bits. A held guard is written only by the owner and by the region's releaser,
 * so when the releaser is the owner ({@link #releaseOnOwner(long)}) the same check is followed by a store-release.
 * A holder whose release already happens once per allocation (ring-netty's buffers count references
 * atomically) keeps its region's {@code next} from the hand-out and releases on the owner with the store alone
 * ({@link #releaseOnOwner(long, int)}): no load of a guard that has usually left the cache.
 *
 * <p><b>Releases in order, joined.</b> Buffers die roughly in the order they were born, and the owner releases
 * most of them, so its release is often of the region right behind the one it released before. Once that one is
 * left free (the next allocation did not reuse it in place, or another release came first), it is the region to
 * join ({@code lastFree}): a release that begins where it ends is merged into it at once. After the release's own
 * store, the owner rewrites {@code lastFree}'s guard to reach past the region, under the seqlock, as a merge
 * would. That guard is one the owner wrote a release ago, still in its cache; the walk later finds one free region
 * where it would have read a guard per buffer, a line that has left the cache by then, each load waiting for the
 * one before (benchmark 7, framing 0 %, a first shape of this: guard loads per allocation 1.04 to 0.17). Before it
 * joins, the owner loads that guard (in its cache) to see the region is still free and still ends there: a
 * hand-out of it since, in place or split, costs the allocation path nothing. A merge or growth that makes the
 * guard payload forgets {@code lastFree}. Only the owner joins: releases on other threads stay single regions
 * until the walk merges them. A region joined so is not reused in place: it is no longer the owner's last
 * release; and a release reused in place at once (benchmark 1's loop) never becomes one to join.
 *
 * <p><b>The owner's last release, stored late.</b> Where words go through a segment's checks (JDK 22+ without
 * Unsafe), the owner's release on its own thread does not store the guard: it leaves the unlocked word in
 * {@code releasedGuard} (store-release), and the owner stores it only before something of its own reads that
 * guard: the next allocation that does not reuse the region in place, a growth, the next release, a retire.
 * A region reused in place then costs one guard store, the lock, instead of two. On a retired ring the owner
 * stores the guard at once: there the release may free the ring as soon as another thread can see it, and no
 * store of the owner's may follow. Until the store, the guard in
 * memory still says locked, under the stamp {@code releasedGuard} carries; every reader on another thread (the
 * statistics' walk, the empty check of a retired ring, {@link #capacity(long)} on a holder's thread) reads
 * {@code releasedGuard} after the guard and counts a locked guard with that stamp as released ({@link #isHeld}).
 * That stamp is no held region's: {@code releasedGuard} keeps it until the owner's next release, and clears it
 * before the stamps, which wrap after 2^31 allocations, could issue it again.
 *
 * <h2>Accounting</h2>
 * The owner learns of a release only when it meets the unlocked guard, still carrying its stamp: it then
 * takes the region's bytes off {@code occupied} (held, or released but not yet seen), whose peak is the
 * high-water mark, and the guard is rewritten without the stamp by the merge or hand-out that uses it. Exact
 * figures come from {@link #stats()}, a read-only walk any thread may run, validated against
 * {@code structureVersion}, a seqlock the owner makes odd while it merges regions or grows or shrinks one.
 * Handing out a single free region needs no seqlock: it turns no guard into payload, and the guard a split
 * adds is stored before the lock that points to it, so a walk with acquire loads follows valid guards either
 * way. That hand-out is one guard load and one or two guard stores.
 *
 * <h2>Crowding (owner thread only)</h2>
 * Small buffers that live long, scattered over the zone, leave a large request no run near {@code head}: it walks
 * back to the start and round the ring, stepping over hundreds of them, and sometimes finds none. The owner may
 * ask the ring to watch for that ({@link #watchCrowding(int)}): an allocation above the watched size whose walk
 * stepped over more than {@value #FAR_WALK_SKIPS} held regions (more than the walks near {@code head} and back at
 * the start may, so it went on round the ring), or that found no run, is a <em>far walk</em>; so is one of a
 * request more than four times the watched size that stepped over more than {@value #SKIPS_AT_START} held
 * regions while the zone reaches beyond a quarter of the ring (the frontier past
 * {@code tail >>> }{@value #SPREAD_ZONE_SHIFT}: the zone has <em>spread</em>). A second far walk within
 * {@value #CROWDING_SPAN} allocations of the one before makes the ring <em>crowded</em>, for good
 * ({@link #isCrowded()}). The ring itself goes on as before; its owner may send such requests elsewhere
 * (ring-netty: to a second ring of the thread). Only the slow path (c) to (f) looks: the shortcuts step over
 * nothing. Measured on benchmark 7 (requests above 8 KiB): only the framing mix with 5 % of its buffers
 * long-lived makes far walks by their skips (tens of thousands a second); walks that step over 33 to 48 held
 * regions, through the two bounded walks, happen with nothing long-lived too, and are not the sign. The spread
 * is the sign of fewer buffers held long: with 1 % of them so, a 4 MiB ring's zone spreads over 2.2 MiB, and the
 * largest requests, stepping over them, land in memory that has left the caches (the framing mix's p99.9 three
 * times what a second ring for them gives); with none held long its zone stays within an eighth of the ring.
 * Only requests of more than four times the watched size count there: a zone also spreads when buffers are
 * released late by other threads, and moving requests of 8 to 16 KiB out of it then cost a tenth of the
 * throughput for no better tail (benchmark 7's hand-off, log-uniform sizes).
 *
 * <h2>Lifecycle</h2>
 * {@code OPEN} until {@link #retire()} (the owner will allocate no more: its thread ended or the ring is being
 * closed). A retired ring frees its memory as soon as no region is held, whichever thread notices first:
 * {@code retire()} itself, or the release that unlocks the last region.
 */
public final class Ring extends RingOwnerPadding {

    /** Returned by {@link #tryAllocate(int)} when no region fits. Never a valid handle. */
    public static final long NO_REGION = -1L;

    /** The smallest region split off as free space, guard included (RingAl's minimum). */
    public static final int MIN_SPLIT_WORDS = 8;

    /** The smallest ring: head region plus tail guard with room for a minimal split. */
    public static final int MIN_CAPACITY = 64;

    /** The largest ring: the largest multiple of 64 a direct buffer can hold, less alignment. */
    public static final int MAX_CAPACITY = (Integer.MAX_VALUE - 127) & ~63;

    /** Held regions the walk near {@code head} may step over before the frontier is tried: see "Allocation". */
    static final int SKIPS_NEAR_HEAD = 32;
    /** Free regions merged ahead of a run that needed merging: see "Allocation". */
    static final int MERGE_AHEAD = 16;
    /** Held regions the walk back at the start may step over: see "Allocation". */
    static final int SKIPS_AT_START = 16;
    /**
     * Held regions stepped over in one allocation that make it a far walk: more than the walks near {@code head} and
     * back at the start may step over together, so it went on round the ring (see "Crowding").
     */
    static final int FAR_WALK_SKIPS = SKIPS_NEAR_HEAD + SKIPS_AT_START;
    /** A zone that ends beyond {@code 1 / 2^SPREAD_ZONE_SHIFT} of the ring (a quarter) has spread: see "Crowding". */
    static final int SPREAD_ZONE_SHIFT = 2;
    /**
     * Only requests of more than {@code 2^SPREAD_SIZE_SHIFT} times the watched size (four) that step over more than
     * {@link #SKIPS_AT_START} held regions of a spread zone are far walks: see "Crowding".
     */
    static final int SPREAD_SIZE_SHIFT = 2;
    /** Allocations within which a second far walk makes the ring crowded: see "Crowding". */
    static final int CROWDING_SPAN = 1024;
    /** The most allocations between two looks back at the start after it was found pinned. */
    private static final int MAX_START_BACKOFF = 8;

    /**
     * Whether the owner's releases may wait in {@code releasedGuard} until something reads their guard (see
     * "Release"): where words go through a segment's or a {@code VarHandle}'s checks, the guard store costs more
     * than the fields, and waiting saves it whenever the region is reused in place (benchmark 1 on JDK 25
     * without Unsafe, 1.11x at window 64). Through Unsafe the store is one instruction and waiting measured level
     * (0.99-1.03x, JDK 17), so that path stores at once, as it always did. {@code static final}: folded away.
     */
    private static final boolean WORDS_THROUGH_CHECKS = !RingMemory.wordsThroughUnsafe();

    /** Words per 64-byte cache line. */
    private static final int LINE_WORDS = 8;
    /** Requests of at least this many words (1 KiB) end on a cache-line boundary: see "Layout". */
    private static final int ALIGN_WORDS = 128;

    // ---- guard word layout ---------------------------------------------------------------------

    private static final long LOCKED = 1L << 63;
    private static final int STAMP_SHIFT = 32;
    private static final long STAMP_MASK = 0x7FFF_FFFFL;
    private static final long NEXT_MASK = 0xFFFF_FFFFL;

    private static long guard(boolean locked, int stamp, int next) {
        return (locked ? LOCKED : 0L) | ((stamp & STAMP_MASK) << STAMP_SHIFT) | (next & NEXT_MASK);
    }

    private static boolean isLocked(long guard) {
        return guard < 0;
    }

    /** {@link #lateReleaseStore}, folded to false where words go through Unsafe. */
    private boolean storesReleaseLate() {
        return WORDS_THROUGH_CHECKS && lateReleaseStore;
    }

    /**
     * Whether the region of guard {@code guard}, just read, is held: locked, and not under the stamp of the owner's
     * last release, which may not be in memory yet (see "Release"). Any thread. {@code releasedGuard} keeps that
     * stamp until the owner's next release, stored or not; no other allocation carries it meanwhile (the stamps of
     * the cycle are unique, and {@link #stampsWrap()} and {@link #forgetIfBeforeWrap} clear it before the stamp
     * could be issued again). Reads {@code releasedGuard} after the guard, so a reader that sees a guard the owner
     * stored after a wrap sees the clearing too.
     */
    private boolean isHeld(long guard) {
        return isLocked(guard) && (!storesReleaseLate() || stampOf(guard) != stampOf(laReleasedGuard()));
    }

    private static int stampOf(long guard) {
        return (int) ((guard >>> STAMP_SHIFT) & STAMP_MASK);
    }

    private static int nextOf(long guard) {
        return (int) (guard & NEXT_MASK);
    }

    private static long handle(int index, int stamp) {
        return ((long) index << 32) | stamp;
    }

    private static int indexOf(long handle) {
        return (int) (handle >>> 32);
    }

    private static int stampOfHandle(long handle) {
        return (int) handle;
    }

    /** Byte offset of the payload of the region named by {@code handle}, within {@link #memory()}. */
    public static int payloadOffset(long handle) {
        return (indexOf(handle) + 1) << 3;
    }

    /** The {@code next} of the region named by {@code handle} when its payload is exactly {@code capacity} bytes. */
    public static int nextAfter(long handle, int capacity) {
        return indexOf(handle) + 1 + (capacity >>> 3);
    }

    /** The payload bytes of the region named by {@code handle} when its guard's {@code next} is {@code next}. */
    public static int payloadBytes(long handle, int next) {
        return (next - indexOf(handle) - 1) << 3;
    }

    /**
     * The payload bytes that a region handed out for a request of {@code bytes} (at least 1) holds at the
     * least: the request rounded up to a multiple of 8. The region may hold more (a remainder too small to
     * split off stays with it); {@link #capacity(long)} tells exactly, at the cost of reading its guard.
     */
    public static int regionBytes(int bytes) {
        return wordsFor(bytes) << 3;
    }

    /** Words needed to hold {@code bytes} (rounded up to 8 bytes). */
    private static int wordsFor(int bytes) {
        return (int) ((bytes + 7L) >>> 3);
    }

    // ---- fields -------------------------------------------------------------------------------

    private static final int OPEN = 0;
    private static final int RETIRED = 1;
    private static final int FREED = 2;

    private static final VarHandle STATE;
    private static final VarHandle WALKERS;
    private static final VarHandle MEMORY_RELEASED;
    private static final VarHandle OWNER;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(Ring.class, "state", int.class);
            WALKERS = lookup.findVarHandle(Ring.class, "walkers", int.class);
            MEMORY_RELEASED = lookup.findVarHandle(Ring.class, "memoryReleased", boolean.class);
            OWNER = lookup.findVarHandle(Ring.class, "owner", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // The owner's walk state and the statistics are in RingOwnerFields, padded away from these, which every
    // release reads.

    /** The words. */
    private final RingMemory memory;
    private final int capacity;
    /** Word index of the permanent tail guard. */
    private final int tail;
    private final int maxVisits;
    /**
     * {@link #WORDS_THROUGH_CHECKS}, but for a heap ring whose releases are serialized: those store the guard at
     * once on every path, so the owner's last release is always in memory already.
     */
    private final boolean lateReleaseStore;

    /**
     * The thread that allocates, once bound ({@link #bindOwner}); null before. Set once by {@code casOwner}; any
     * thread {@code lvOwner}. A release reads it to choose its path: a thread that reads itself here is the
     * owner; any other answer, a stale null included, takes the path that is safe for every thread.
     */
    private volatile Thread owner;

    /** OPEN, RETIRED or FREED. Any thread: {@code casState}, {@code lvState}. */
    private volatile int state;

    /** Threads inside a walk that is not the owner's (see {@link #enterWalk()}). Any thread: {@code gaaWalkers}. */
    private volatile int walkers;

    /** Set once, by the thread that gives the memory back: {@code casMemoryReleased}. */
    @SuppressWarnings("unused")
    private volatile boolean memoryReleased;

    private Ring(RingMemory memory, int capacity, int maxVisits) {
        this.memory = memory;
        this.capacity = capacity;
        this.tail = (capacity >>> 3) - 1;
        this.maxVisits = maxVisits;
        this.lateReleaseStore = WORDS_THROUGH_CHECKS && !memory.serializesReleases();
        soGuardOnOwner(0, guard(false, 0, tail));
        soGuard(tail, guard(false, 0, 0));
        VarHandle.releaseFence(); // publish the initial guards with the ring
    }

    /**
     * Creates a ring in direct memory: reserved in full, resident only where its buffers have been (see
     * {@link RingMemory}).
     *
     * @param capacity  bytes, rounded up to a multiple of 8; {@value #MIN_CAPACITY} to {@link #MAX_CAPACITY}
     * @param maxVisits the most regions one allocation may look at (at least 1); a walk also stops after one lap
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static Ring allocate(int capacity, int maxVisits) {
        int bytes = checkArguments(capacity, maxVisits);
        return new Ring(RingMemory.direct(bytes), bytes, maxVisits);
    }

    /** Creates a ring over a {@code byte[]}, for heap buffers; otherwise as {@link #allocate(int, int)}. */
    public static Ring allocateHeap(int capacity, int maxVisits) {
        int bytes = checkArguments(capacity, maxVisits);
        return new Ring(RingMemory.heap(bytes), bytes, maxVisits);
    }

    private static int checkArguments(int capacity, int maxVisits) {
        checkCapacity(capacity);
        if (maxVisits < 1) {
            throw new IllegalArgumentException("maxVisits must be at least 1, got " + maxVisits);
        }
        return (capacity + 7) & ~7;
    }

    /**
     * Returns {@code capacity} if a ring can have it: {@value #MIN_CAPACITY} to {@link #MAX_CAPACITY} bytes.
     *
     * @throws IllegalArgumentException otherwise
     */
    public static int checkCapacity(int capacity) {
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException(
                    "ring capacity " + capacity + " is outside [" + MIN_CAPACITY + ", " + MAX_CAPACITY + "]");
        }
        return capacity;
    }

    /**
     * The largest request a ring of {@code capacity} bytes can ever satisfy: one region spanning the ring,
     * less its first guard and the tail guard.
     */
    public static int maxAllocationOf(int capacity) {
        return ((capacity + 7) & ~7) - 16;
    }

    /**
     * The ring's bytes, big-endian: a direct buffer, or a heap buffer over the ring's array. Use absolute access
     * only: the buffer's position and limit are shared.
     */
    public ByteBuffer memory() {
        return memory.buffer();
    }

    /**
     * The ring's memory as a {@code java.lang.foreign.MemorySegment} (see {@link SegmentAccess}) where that is the
     * faster way to it without {@code sun.misc.Unsafe}: direct memory of an arena, on JDK 22 and later. Null
     * otherwise, {@link #memory()} then being the faster. Typed {@code Object} so that this class compiles for Java 17.
     */
    public Object memorySegment() {
        return memory.segment();
    }

    /**
     * What the ring's memory is: {@code "mapped"} (direct, committed page by page as its buffers first touch it),
     * {@code "allocated"} (direct, all resident from the start) or {@code "heap"}. See {@link RingMemory}.
     */
    public String memoryKind() {
        return memory.toString();
    }

    /** True for a ring in direct memory, false for a heap ring. */
    public boolean isDirect() {
        return memory.buffer().isDirect();
    }

    /** Total bytes of the ring, guards included. */
    public int capacity() {
        return capacity;
    }

    /** The largest request this ring can ever satisfy: one region spanning the whole ring. */
    public int maxAllocation() {
        return maxAllocationOf(capacity);
    }

    // ---- guard access, in the vocabulary of the package documentation ---------------------------

    /** Load-acquire of a guard: pairs with the releasing CAS, so the releaser's payload writes are visible. */
    private long laGuard(int index) {
        return memory.laWord(index);
    }

    /** Load-volatile of a guard: for the retire / last-release handshake, which needs a total order. */
    private long lvGuard(int index) {
        return memory.lvWord(index);
    }

    /** Store-ordered of a guard: the owner, or the releaser of a held guard on the owner thread. */
    private void soGuard(int index, long guard) {
        memory.soWord(index, guard);
    }

    /** Compare-and-set of a guard: release from any thread, growth or shrink on the owner. */
    private boolean casGuard(int index, long expected, long update) {
        return memory.casWord(index, expected, update);
    }

    /** {@link #soGuard} by the owner, which also keeps {@code frontier} on the region that reaches the tail. */
    private void soGuardOnOwner(int index, long guard) {
        soGuard(index, guard);
        if (nextOf(guard) == tail) {
            frontier = index;
        }
    }

    // ---- allocation (owner only) ---------------------------------------------------------------

    /**
     * Allocates a region of at least {@code bytes} bytes. Owner thread only.
     *
     * @param bytes 1 to {@link #maxAllocation()}; the caller validates
     * @return a handle, or {@link #NO_REGION} if no free run of that size was found within one lap (or within
     *         {@code maxVisits} regions)
     */
    public long tryAllocate(int bytes) {
        // Shortcuts (a) and (b), kept small so that the JIT inlines them; the rest is a method of its own.
        final int words = wordsFor(bytes);
        final int released = releasedOnOwner;
        if (released >= 0) {
            releasedOnOwner = -1;
            final long g = releasedGuard; // the word the release left there: no load
            int next = checkedNext(g, released);
            int spare = next - released - 1 - words;
            if (spare >= 0 && spare < MIN_SPLIT_WORDS) {
                // head stays: if this is the newest region, head is right behind it, where it belongs
                return reuseInPlace(released, next);
            }
            if (storesReleaseLate()) {
                soGuard(released, g); // the release, into memory before the walk reads it
            }
            leftFree(released, next);
            if (next == head) {
                head = released; // the newest region, released: the walk from head begins at it
                gapEnd = -1;
            }
        }
        final int h = head;
        final int end = gapEnd;
        if (end - h - 1 >= words) { // the free region at head, known without reading its guard
            return take(h, guard(false, 0, end), end, words, true);
        }
        return allocate(words);
    }

    /**
     * Allocates a region for a buffer that will grow (an extendable buffer): at least {@code minBytes}, and as much
     * more of the free region at {@code head} as the owner knows of without reading a guard (shortcut (b)), up to
     * {@code maxBytes}; otherwise exactly as {@link #tryAllocate(int)} for {@code minBytes}. Growing in place
     * later costs a guard CAS per growth; bytes claimed up front cost nothing, and {@link #shrink} gives back
     * what the buffer did not use. Owner thread only.
     *
     * @param minBytes 1 to {@link #maxAllocation()}; the caller validates
     * @param maxBytes at least {@code minBytes}, at most {@link #maxAllocation()}
     * @return a handle, or {@link #NO_REGION} as for {@link #tryAllocate(int)}
     */
    public long tryAllocateGrowable(int minBytes, int maxBytes) {
        // The gap is not the owner's last release (that was held when the gap was last known), so that release
        // may stay out of memory: tryAllocate, below, deals with it.
        final int h = head;
        final int end = gapEnd;
        final int gap = end - h - 1;
        if (gap >= wordsFor(minBytes)) {
            return take(h, guard(false, 0, end), end, Math.min(gap, wordsFor(maxBytes)), true);
        }
        return tryAllocate(minBytes);
    }

    /** Shortcuts (c) to (f) of "Allocation", the failure count and the watch for crowding. */
    private long allocate(int words) {
        visitsLeft = maxVisits;
        final long skippedBefore = regionsSkipped;
        try {
            // A merge may absorb the guard head was on: every step reads the field afresh.
            long handle = walk(head, words, SKIPS_NEAR_HEAD, false, true);
            boolean endOfZone = stoppedAtFrontier;
            if (handle == NO_REGION && endOfZone && head != 0) {
                handle = backToStart(words);
            }
            if (handle == NO_REGION) {
                handle = takeFrontier(words, endOfZone);
            }
            if (handle == NO_REGION) {
                handle = walk(head, words, Integer.MAX_VALUE, true, false);
            }
            if (handle == NO_REGION) {
                soFailures(failures + 1);
            }
            final long skipped = regionsSkipped - skippedBefore;
            if (words > crowdingWords && (handle == NO_REGION || skipped > FAR_WALK_SKIPS
                    || (skipped > SKIPS_AT_START && words >>> SPREAD_SIZE_SHIFT > crowdingWords
                            && frontier > tail >>> SPREAD_ZONE_SHIFT))) {
                farWalk();
            }
            return handle;
        } finally {
            if (changing) {
                changing = false;
                endStructureChange();
            }
        }
    }

    /** A far walk of a watched request, now: see "Crowding". */
    private void farWalk() {
        long now = allocations;
        if (now - lastFarWalk <= CROWDING_SPAN) {
            crowded = true;
        }
        lastFarWalk = now;
    }

    /**
     * Owner only: from now on, watches the allocations of more than {@code bytes} (rounded up to 8) for far walks,
     * and turns the ring {@linkplain #isCrowded() crowded} after two within {@value #CROWDING_SPAN} allocations
     * (see "Crowding").
     *
     * @param bytes 0 or more
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public void watchCrowding(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be 0 or more, got " + bytes);
        }
        crowdingWords = wordsFor(bytes);
    }

    /**
     * Owner only: true once two far walks of watched requests came within {@value #CROWDING_SPAN} allocations of
     * each other ({@link #watchCrowding(int)}; see "Crowding"). Never cleared: the traffic that crowded the ring
     * once, buffers held long among large ones, is the kind its owner keeps seeing.
     */
    public boolean isCrowded() {
        return crowded;
    }

    /**
     * The basic walk of "Allocation" from {@code start}: hands out {@code words} from the first run that holds
     * them, stepping over at most {@code maxSkips} held regions; after the tail it goes on at word 0 only if
     * {@code lap}; if {@code withinZone}, it stops at the frontier and says so in {@code stoppedAtFrontier}.
     * {@link #NO_REGION} if there is no such run within those bounds or the allocation's visits.
     */
    private long walk(int start, int words, int maxSkips, boolean lap, boolean withinZone) {
        stoppedAtFrontier = false;
        int cur = start;
        int run = -1;        // first guard of the current run of free regions, or -1
        long runGuard = 0L;  // its guard word as last read or written
        int skips = 0;
        boolean lapped = false;
        while (true) {
            if (cur == tail) {
                if (!lap || lapped) {
                    break;
                }
                lapped = true;
                run = -1; // a buffer is contiguous: a run does not reach across the tail
                cur = 0;
            }
            // One lap: stop once back at the start, unless a run reaching into the start may still grow.
            if (lapped && (cur > start || (cur == start && run < 0))) {
                break;
            }
            if (withinZone && cur == frontier && run < 0) {
                stoppedAtFrontier = true; // with no run to merge into it, the frontier's guard is not needed
                break;
            }
            if (--visitsLeft < 0) {
                break;
            }
            long g = laGuard(cur);
            int next = checkedNext(g, cur);
            if (withinZone && cur == frontier) {
                if (!isLocked(g)) {
                    merge(run, runGuard, cur, g, next); // free space before the frontier: the frontier retreats
                }
                stoppedAtFrontier = true;
                break;
            }
            if (isLocked(g)) {
                if (skips == maxSkips) {
                    break;
                }
                skips++;
                run = -1;
                cur = next;
                continue;
            }
            if (run < 0) {
                run = cur;
                runGuard = g;
            } else {
                runGuard = merge(run, runGuard, cur, g, next);
                if (next - run - 1 >= words) {
                    // Merging was needed: merge the free regions that follow too, up to a bound, so that the
                    // next allocations find the space at head at once (a guard read fewer, a branch predicted).
                    next = mergeAhead(run, next);
                    runGuard = guard(false, 0, next);
                }
            }
            if (next - run - 1 >= words) {
                countSkips(skips);
                return take(run, runGuard, next, words, true);
            }
            cur = next;
        }
        countSkips(skips);
        return NO_REGION;
    }

    /**
     * Shortcut (d): the walk from word 0, unless it failed lately. After a failure it waits 1, 2, 4, then 8
     * allocations before it looks again: a start pinned by buffers still in flight (the ring filling up, or a
     * zone that must grow) is then not read over and over, and the zone grows by at most that many buffers in
     * between.
     */
    private long backToStart(int words) {
        if (startRetryIn > 0) {
            startRetryIn--;
            return NO_REGION;
        }
        long handle = walk(0, words, SKIPS_AT_START, false, true);
        if (handle == NO_REGION) {
            startBackoff = Math.min(Math.max(1, startBackoff * 2), MAX_START_BACKOFF);
            startRetryIn = startBackoff;
        } else {
            startBackoff = 0;
        }
        return handle;
    }

    /**
     * Shortcut (e): the frontier, if it is free and holds {@code words}. Where the walk from head was blocked
     * by buffers in flight, {@code head} stays, so that the next allocation goes back there, to the space the
     * oldest of them leave meanwhile; where the walk reached the end of the zone in use ({@code endOfZone}),
     * {@code head} moves behind the new buffer and the zone grows.
     */
    private long takeFrontier(int words, boolean endOfZone) {
        final int at = frontier; // one read, whatever is left of the allocation's visits
        long g = laGuard(at);
        if (isLocked(g) || tail - at - 1 < words) {
            return NO_REGION;
        }
        return take(at, g, checkedNext(g, at), words, endOfZone);
    }

    /**
     * Merges into the run [run, next) the free regions that follow it, up to {@value #MERGE_AHEAD} of them, a held
     * region, the frontier or the tail; returns the run's new end.
     */
    private int mergeAhead(int run, int next) {
        long runGuard = guard(false, 0, next);
        for (int i = 0; i < MERGE_AHEAD && next != tail && next != frontier && --visitsLeft >= 0; i++) {
            long g = laGuard(next);
            if (isLocked(g)) {
                break;
            }
            int after = checkedNext(g, next);
            runGuard = merge(run, runGuard, next, g, after);
            next = after;
        }
        return next;
    }

    /**
     * Merges free region {@code cur} (guard {@code g}, next {@code next}) into the run starting at {@code run}
     * (guard {@code runGuard}): accounts for both if released and unseen, and returns the run's new guard.
     */
    private long merge(int run, long runGuard, int cur, long g, int next) {
        absorb(run, runGuard, cur, g, next);
        long merged = guard(false, 0, next);
        soGuardOnOwner(run, merged); // cur's guard is payload of run from here on
        return merged;
    }

    /**
     * All of a merge but the store of the run's guard (which the caller makes, or the hand-out that follows):
     * the seqlock, the accounting of both guards, and the cursors on {@code cur}.
     */
    private void absorb(int run, long runGuard, int cur, long g, int next) {
        if (!changing) {
            changing = true;
            beginStructureChange();
        }
        gapEnd = -1;
        accountRelease(runGuard, run);
        accountRelease(g, cur);
        forgetAbsorbed(cur, next, run);
    }

    /**
     * Words [from, to) have become payload of another region (a merge, a growth): no cursor may point at a guard
     * there any more. {@code head} moves to {@code replacement}, the guard that now begins where it was; the
     * owner's last release, and the free region its releases made, are forgotten. ({@code frontier} needs nothing:
     * it moves with every store of a guard that reaches the tail.)
     */
    private void forgetAbsorbed(int from, int to, int replacement) {
        if (head >= from && head < to) {
            head = replacement;
        }
        if (releasedOnOwner >= from && releasedOnOwner < to) {
            releasedOnOwner = -1;
        }
        final int free = lastFreeGuard();
        if (free >= from && free < to) {
            lastFree = -1L;
        }
    }

    /**
     * Hands out the free run [run, next), whose first guard reads {@code runGuard}, for {@code words} words:
     * split, lock, and, if {@code advanceHead}, move {@code head} behind it.
     */
    private long take(int run, long runGuard, int next, int words, boolean advanceHead) {
        accountRelease(runGuard, run);
        int end = run + 1 + words;
        if (words >= ALIGN_WORDS) {
            // End at a multiple of 8 words, so the region behind starts with an aligned payload.
            end = Math.min((end + LINE_WORDS - 1) & -LINE_WORDS, next);
        }
        if (next - end >= MIN_SPLIT_WORDS) {
            soGuardOnOwner(end, guard(false, 0, next));
        } else {
            end = next;
        }
        int stamp = issueStamp();
        soGuardOnOwner(run, guard(true, stamp, end));
        lastNext = end;
        if (advanceHead) {
            head = end == tail ? 0 : end;
            // A split leaves a free, accounted region at head: its end is known, unless it is the frontier.
            gapEnd = end != next && next != tail ? next : -1;
        }
        occupy((long) (end - run - 1) << 3);
        soAllocations(allocations + 1);
        return handle(run, stamp);
    }

    /**
     * Shortcut (a): hands out again, whole, the region [run, next) that the owner released last and has not seen
     * since. That release left its bytes in {@code occupied} (unseen), so the count stands as it is. It repeats the
     * last lines of {@link #take} on purpose: with {@code take} ending in a call to this method instead, benchmark 1
     * at 1 KiB on JDK 25 ran 0.94× (3 rounds, 0.93-0.95). The stamp is fresh even where the releaser holds no
     * handle any more: keeping the old one, with no guard store, gained +3 % once ages stayed exact within 1,024
     * allocations (docs/benchmarks.md, "JDK 25: reuse in place under the same stamp, tried, not kept").
     */
    private long reuseInPlace(int run, int next) {
        int stamp = issueStamp();
        soGuardOnOwner(run, guard(true, stamp, next));
        lastNext = next;
        soAllocations(allocations + 1);
        return handle(run, stamp);
    }

    /** The next allocation's stamp: never 0, which marks a guard the owner has seen free. */
    private int issueStamp() {
        int stamp = nextStamp;
        if (stamp != (int) STAMP_MASK) {
            nextStamp = stamp + 1;
        } else {
            nextStamp = 1;
            if (storesReleaseLate()) {
                stampsWrap();
            }
        }
        return stamp;
    }

    /**
     * Stamps start again at 1 (once per 2^31 allocations), where releases are stored late: the stamp
     * {@code releasedGuard} keeps must not make a later allocation with that stamp look released ({@link #isHeld}).
     * That release is stored, forgotten and its stamp cleared.
     */
    private void stampsWrap() {
        publishRelease();
        releasedOnOwner = -1;
        soReleasedGuard(0L);
    }

    /**
     * The owner's release of an allocation made before the stamps last wrapped (its stamp is at or above
     * {@code nextStamp}, so it will be issued again in this cycle): stored and forgotten at once, as
     * {@link #stampsWrap()} does. So the stamp {@code releasedGuard} keeps is always below {@code nextStamp}.
     */
    private void forgetIfBeforeWrap(int stamp) {
        if (stamp >= nextStamp) {
            stampsWrap();
        }
    }

    /**
     * A free guard still carrying a stamp was released since the owner last saw it: takes its bytes off
     * {@code occupied}. Called just before the guard is rewritten, so each release is counted once.
     */
    private void accountRelease(long g, int index) {
        if (stampOf(g) != 0) {
            occupied -= (long) (nextOf(g) - index - 1) << 3;
        }
    }

    private void countSkips(int skips) {
        if (skips > 0) {
            soRegionsSkipped(regionsSkipped + skips);
        }
    }

    private void occupy(long bytes) {
        occupied += bytes;
        if (occupied > highWater) {
            soHighWater(occupied);
        }
    }

    private void beginStructureChange() {
        soStructureVersion(structureVersion + 1);
        VarHandle.storeStoreFence(); // odd before any guard it covers
    }

    private void endStructureChange() {
        soStructureVersion(structureVersion + 1);
    }

    // ---- growth and shrink (owner only) ---------------------------------------------------------

    /** Payload bytes of the region named by {@code handle}. Its holder or the owner may ask. */
    public int capacity(long handle) {
        int index = indexOf(handle);
        return (nextOf(heldGuard(handle)) - index - 1) << 3;
    }

    /**
     * Grows the held region to at least {@code bytes} by absorbing the free regions behind it. Owner
     * thread only. The guard stays locked and keeps its stamp.
     *
     * @return true if the region now holds {@code bytes}; false if the regions behind it are not free
     *         (the region is unchanged)
     * @throws IllegalStateException if the handle is not held
     */
    public boolean tryGrowInPlace(long handle, int bytes) {
        final int index = indexOf(handle);
        final int words = wordsFor(bytes);
        final long g = heldGuard(handle);
        final int end = checkedNext(g, index);
        if (end - index - 1 >= words) {
            return true;
        }
        publishRelease(); // the regions behind may be the one the owner released last
        int cur = end;
        while (cur != tail && cur - index - 1 < words) {
            long n = laGuard(cur);
            if (isLocked(n)) {
                return false;
            }
            cur = checkedNext(n, cur);
        }
        if (cur - index - 1 < words) {
            return false;
        }
        beginStructureChange();
        gapEnd = -1;
        try {
            for (int r = end; r != cur; ) {
                long n = laGuard(r);
                accountRelease(n, r);
                r = nextOf(n);
            }
            int newEnd = index + 1 + words;
            if (cur - newEnd >= MIN_SPLIT_WORDS) {
                soGuardOnOwner(newEnd, guard(false, 0, cur));
            } else {
                newEnd = cur;
            }
            long grown = guard(true, stampOf(g), newEnd);
            if (!casGuard(index, g, grown)) {
                throw released(handle);
            }
            if (newEnd == tail) {
                frontier = index;
            }
            forgetAbsorbed(end, cur, newEnd == tail ? 0 : newEnd); // the old guards in [end, cur) are payload now
            occupy((long) (newEnd - end) << 3);
            soGrowthsInPlace(growthsInPlace + 1);
            return true;
        } finally {
            endStructureChange();
        }
    }

    /**
     * Returns the end of the held region beyond {@code bytes} to the ring, if at least
     * {@link #MIN_SPLIT_WORDS} words would be freed. Owner thread only.
     *
     * @return the region's payload capacity afterwards
     * @throws IllegalStateException if the handle is not held
     */
    public int shrink(long handle, int bytes) {
        // The owner's last release may stay out of memory: a shrink reads and writes only this region's words.
        final int index = indexOf(handle);
        final long g = heldGuard(handle);
        final int end = checkedNext(g, index);
        final int newEnd = index + 1 + Math.max(1, wordsFor(bytes));
        if (end - newEnd < MIN_SPLIT_WORDS) {
            return (end - index - 1) << 3;
        }
        beginStructureChange();
        gapEnd = -1;
        try {
            soGuardOnOwner(newEnd, guard(false, 0, end));
            if (!casGuard(index, g, guard(true, stampOf(g), newEnd))) {
                throw released(handle);
            }
            if (head == end) {
                head = newEnd; // the freed end is where the next walk from head begins,
                gapEnd = end != tail ? end : -1; // and a known gap there, unless it is the frontier
            }
            occupied -= (long) (end - newEnd) << 3;
            return (newEnd - index - 1) << 3;
        } finally {
            endStructureChange();
        }
    }

    /**
     * The {@code next} of guard {@code g} at word {@code index}, which this class only ever writes pointing
     * forward and at most to the tail. Anything else means the guard was overwritten through
     * {@link #memory()}: reported here, before it could become an access outside the ring.
     */
    private int checkedNext(long g, int index) {
        int next = nextOf(g);
        if (next <= index || next > tail) {
            throw new IllegalStateException("ring corrupted: the guard at word " + index + " points to word "
                    + next + " (the ring's guards were overwritten through memory())");
        }
        return next;
    }

    private long heldGuard(long handle) {
        long g = laGuard(checkedIndex(handle));
        if (!isHeld(g) || stampOf(g) != stampOfHandle(handle)) {
            throw released(handle);
        }
        return g;
    }

    // ---- release (any thread) -------------------------------------------------------------------

    /**
     * Releases the region named by {@code handle}. Any thread: on the owner (see {@link #bindOwner}) it is
     * {@link #releaseOnOwner(long)}, on any other {@link #releaseElsewhere}. A caller that already knows which thread
     * it runs on (and needs to know it for its own state, such as a pool of buffer objects) calls those directly.
     *
     * @return true if this release freed the ring: it was retired, and this was its last held region
     * @throws IllegalStateException if the region is not held under this handle (a double or stale
     *                               release); the ring is unchanged
     */
    public boolean release(long handle) {
        return lvOwner() == Thread.currentThread() ? releaseOnOwner(handle) : releaseElsewhere(handle);
    }

    /**
     * {@link #release(long)} on a thread that is not the owner: one CAS of the guard from locked to unlocked,
     * retried only if its {@code next} moved. Correct on the owner too, only slower than {@link #releaseOnOwner(long)}.
     *
     * @return true if this release freed the ring: it was retired, and this was its last held region
     * @throws IllegalStateException as {@link #release(long)}
     */
    public boolean releaseElsewhere(long handle) {
        final int index = checkedIndex(handle);
        final int stamp = stampOfHandle(handle);
        long g;
        do {
            g = lvGuard(index);
            if (!isLocked(g) || stampOf(g) != stamp) {
                throw released(handle);
            }
        } while (!casGuard(index, g, g & ~LOCKED)); // retries only if the owner moved `next` meanwhile
        return lvState() == RETIRED && freeIfEmpty();
    }

    /**
     * {@link #release(long)} for the owner thread, and only for it: the same checks, then a store-release instead
     * of a CAS. A held guard is written only by the owner (growth, shrink) and by the region's releaser; here
     * both are the calling thread, so no atomic read-modify-write is needed. (A racing double release
     * from another thread, itself a bug, may then go unreported; it cannot corrupt the ring, as both
     * write the same unlocked word and the owner cannot reuse the region while it is in this method.)
     *
     * @return true if this release freed the ring: it was retired, and this was its last held region
     * @throws IllegalStateException as {@link #release(long)}
     */
    public boolean releaseOnOwner(long handle) {
        publishRelease(); // so that releasing that region again reads it released
        if (memory.serializesReleases()) {
            boolean freed = releaseElsewhere(handle);
            releasedOnOwner = indexOf(handle);
            // Unlocked now, so only the owner writes it from here on. Serialized releases are a heap ring's,
            // whose array stays readable even if a last release elsewhere frees the ring meanwhile.
            releasedGuard = laGuard(releasedOnOwner);
            return freed;
        }
        final long unlocked = heldGuard(handle) & ~LOCKED;
        return recordOwnersRelease(indexOf(handle), unlocked);
    }

    /**
     * The {@code next} of the region the last allocation handed out: the word index of the guard just behind it.
     * Owner only, right after that allocation. A holder that keeps it may release the region on the owner with
     * {@link #releaseOnOwner(long, int)}, until the region grows or shrinks.
     */
    public int nextOfLastAllocation() {
        return lastNext;
    }

    /**
     * {@link #releaseOnOwner(long)} without reading the guard: one store-release of {@code stamp|next}, built from
     * the handle and the {@code next} its holder kept ({@link #nextOfLastAllocation()}). For the owner thread, and
     * only for a holder that already makes each allocation's release happen once (ring-netty's atomic reference
     * count; ring-core's holder count, on the one thread that uses a buffer at a time): this method checks neither
     * the lock nor the stamp. The guard it skips is the oldest
     * buffer's, one window of allocations back and out of the first-level cache (benchmark 7 with long-lived buffers
     * +3-7 %; benchmark 1 on JDK 25 +12-15 %, where that load goes through a segment's checks). The owner writes a
     * held guard only at its holder's request (growth, shrink), so a {@code next} kept since the allocation is the
     * guard's, as long as the holder grew or shrank nothing; heap rings whose releases are serialized (no Unsafe,
     * see {@code RingMemory}) take the checked path.
     *
     * @param handle the region, as its allocation returned it
     * @param next   the region's {@code next}, as {@link #nextOfLastAllocation()} gave it at the hand-out
     * @return true if this release freed the ring: it was retired, and this was its last held region
     * @throws IllegalStateException    if the ring was freed (the region cannot be held)
     * @throws IllegalArgumentException if {@code next} is not behind the region, within the ring
     */
    public boolean releaseOnOwner(long handle, int next) {
        if (memory.serializesReleases()) {
            return releaseOnOwner(handle);
        }
        publishRelease();
        final int index = checkedIndex(handle);
        if (next <= index || next > tail) {
            throw new IllegalArgumentException("next " + next + " is not behind region " + index + " within the ring");
        }
        return recordOwnersRelease(index, guard(false, stampOfHandle(handle), next));
    }

    /**
     * The end of both releases on the owner: joins the region to the free region the owner's releases made last,
     * if it begins where that one ends; otherwise records it as the owner's last release, whose word goes into
     * memory only when something is to read it (see "Release"); on a retired ring, {@link #releaseOnRetired}.
     */
    private boolean recordOwnersRelease(int index, long unlocked) {
        if (lvState() == RETIRED) {
            return releaseOnRetired(index, unlocked);
        }
        final int previous = releasedOnOwner;
        if (previous >= 0) {
            // The owner's last release, left free with no allocation since (where releases are stored late,
            // publishRelease has stored it and recorded it already).
            leftFree(previous, nextOf(releasedGuard));
        }
        if (index == lastFreeEnd() && joinLastFree(index, unlocked)) {
            return false;
        }
        releasedOnOwner = index;
        if (storesReleaseLate()) {
            soReleasedGuard(unlocked); // after the last use of the payload: read by other threads (isHeld)
            forgetIfBeforeWrap(stampOf(unlocked));
        } else {
            soGuard(index, unlocked);
            releasedGuard = unlocked; // the owner's own copy: no other thread reads it here
        }
        return false;
    }

    /**
     * Releases in order, joined (see "Release"): if the owner's last free region, which ended where the region at
     * {@code index} begins, is still free and still ends there, the region just released becomes its payload. That
     * guard is loaded, not remembered: a hand-out since (in place, or split) left it locked or shorter, and the
     * allocation path pays nothing to say so. Its own word is stored first, unlocked as any release leaves it, so
     * that a stale release of its handle reads it released; then the free region's guard, under the seqlock, as a
     * region the owner has seen (both releases leave {@code occupied} now).
     *
     * @return false, changing nothing, if that region was handed out since
     */
    private boolean joinLastFree(int index, long unlocked) {
        final int free = lastFreeGuard();
        final long g = laGuard(free); // the owner's own store, a release ago: in its cache
        if (isLocked(g) || nextOf(g) != index) {
            return false;
        }
        soGuard(index, unlocked);
        beginStructureChange();
        try {
            accountRelease(g, free);
            accountRelease(unlocked, index);
            final int end = nextOf(unlocked);
            soGuardOnOwner(free, guard(false, 0, end)); // the frontier, if the region released was
            if (head == index || head == free) {
                head = free; // a walk from head begins at the joined region's guard
                gapEnd = -1;
            }
            leftFree(free, end);
            releasedOnOwner = -1; // its word describes a region that is no longer there
        } finally {
            endStructureChange();
        }
        return true;
    }

    /** Records the free region [guard, next) as the one the owner's next release may join (see "Release"). */
    private void leftFree(int guard, int next) {
        lastFree = (long) guard << 32 | next;
    }

    /** The guard of the free region the owner's next release may join, or -1. */
    private int lastFreeGuard() {
        return (int) (lastFree >> 32);
    }

    /** Where the free region the owner's next release may join ends, or -1. */
    private int lastFreeEnd() {
        return (int) lastFree;
    }

    /**
     * The owner's release on a retired ring: the guard is stored at once, never late. Once the release is visible,
     * the ring may be freed, here or by a racing last release on another thread, and the owner must write nothing
     * after that; a late store published through {@code releasedGuard} first would be such a write. (The
     * previous late release was stored by {@link #publishRelease()} at the start of the release, while this
     * region, still held, kept the ring from being freed.)
     */
    private boolean releaseOnRetired(int index, long unlocked) {
        soGuard(index, unlocked);
        // The retire / last-release handshake needs the store ordered before the walk's loads.
        VarHandle.fullFence();
        return freeIfEmpty();
    }

    /**
     * Stores the owner's last release into its guard, if the owner has not used that region since, and forgets
     * it. Owner only, before it reads a guard or changes the structure.
     */
    private void publishRelease() {
        final int released = releasedOnOwner;
        if (storesReleaseLate() && released >= 0) {
            releasedOnOwner = -1;
            final long g = releasedGuard;
            soGuard(released, g);
            leftFree(released, nextOf(g));
        }
    }

    private int checkedIndex(long handle) {
        int index = indexOf(handle);
        if (index < 0 || index >= tail || lvState() == FREED) {
            throw released(handle);
        }
        return index;
    }

    private static IllegalStateException released(long handle) {
        return new IllegalStateException("ring region " + indexOf(handle) + " (stamp " + stampOfHandle(handle)
                + ") is not held: released twice, or used after release");
    }

    // ---- owner and lifecycle --------------------------------------------------------------------

    /** The owner thread, or null while none is bound. Any thread. */
    public Thread owner() {
        return lvOwner();
    }

    /**
     * Makes {@code thread} this ring's owner, the one thread that may allocate, grow and shrink, if no thread is
     * yet; a no-op if it already is. Any thread; the first binding wins.
     *
     * @throws IllegalStateException if another thread owns the ring
     */
    public void bindOwner(Thread thread) {
        Thread current = lvOwner();
        if (current == null && casOwner(thread)) {
            return;
        }
        current = lvOwner();
        if (current != thread) {
            throw new IllegalStateException("ring is owned by thread '" + current.getName() + "'; thread '"
                    + thread.getName() + "' may not allocate from it, grow its buffers or close it");
        }
    }

    private Thread lvOwner() {
        return owner;
    }

    private boolean casOwner(Thread thread) {
        return OWNER.compareAndSet(this, (Thread) null, thread);
    }

    private int lvState() {
        return state;
    }

    private boolean casState(int expected, int update) {
        return STATE.compareAndSet(this, expected, update);
    }

    /**
     * The owner will allocate no more. The memory is freed now if no region is held, else by the
     * release of the last held region. Idempotent. After this, {@link #tryAllocate(int)} must not be
     * called.
     */
    public void retire() {
        if (lvOwner() == Thread.currentThread()) {
            publishRelease(); // into memory now: the owner writes no guard once the ring may be freed
        }
        if (casState(OPEN, RETIRED)) {
            freeIfEmpty();
        }
    }

    /** True once the ring's memory has been given back. */
    public boolean isFreed() {
        return lvState() == FREED;
    }

    /** True once {@link #retire()} was called. */
    public boolean isRetired() {
        return lvState() != OPEN;
    }

    /**
     * Frees the memory if no region is held. Called after a state write or a release CAS, both
     * volatile, and reads guards volatile: of a retire racing the last release, at least one sees the
     * other's write, and the state CAS lets exactly one of them mark the ring FREED.
     *
     * @return true if this call marked the ring FREED
     */
    private boolean freeIfEmpty() {
        enterWalk();
        try {
            if (lvState() != RETIRED) {
                return false;
            }
            for (int cur = 0; cur != tail; ) {
                long g = lvGuard(cur);
                if (isHeld(g)) {
                    return false;
                }
                cur = checkedNext(g, cur);
            }
            return casState(RETIRED, FREED);
        } finally {
            leaveWalk();
        }
    }

    /**
     * Every walk by a thread that is not the owner (statistics, the empty check of a retired ring) is
     * bracketed by enterWalk / leaveWalk and first checks that the ring is not FREED. The thread that
     * leaves last once the ring is FREED gives the memory back, so no walk reads freed memory.
     */
    private void enterWalk() {
        gaaWalkers(1);
    }

    private void leaveWalk() {
        if (gaaWalkers(-1) == 1 && isFreed() && casMemoryReleased()) {
            memory.free();
        }
    }

    private int gaaWalkers(int delta) {
        return (int) WALKERS.getAndAdd(this, delta);
    }

    private boolean casMemoryReleased() {
        return MEMORY_RELEASED.compareAndSet(this, false, true);
    }

    // ---- read-only walks (any thread) -----------------------------------------------------------

    /**
     * A snapshot of the ring's figures. Any thread; exact when the owner is not allocating at the same
     * moment (the structure walk waits while the owner is inside a change, retries when one came during it, and
     * gives the last attempt after a bounded number of such tries).
     */
    public RingStats stats() {
        long[] figures = new long[3]; // bytes in use, live regions, largest free run
        enterWalk();
        try {
            consistentWalk(figures, null);
        } finally {
            leaveWalk();
        }
        return new RingStats(capacity, laAllocations(), laFailures(), laRegionsSkipped(), laGrowthsInPlace(),
                figures[0], (int) figures[1], laHighWater(), figures[2]);
    }

    /**
     * Calls {@code onLiveRegion} with the handle of every region held right now, in ring order, from a walk
     * validated as {@link #stats()}'s is (a region is reported once even if the walk was retried). Any
     * thread; the handles are for reading ({@link #payloadOffset}, {@link #stampAge}), not for releasing.
     */
    public void forEachLiveRegion(LongConsumer onLiveRegion) {
        long[] figures = new long[3];
        enterWalk();
        try {
            long[] handles = consistentWalk(figures, new long[16]);
            for (int i = 0; i < (int) figures[1]; i++) {
                onLiveRegion.accept(handles[i]);
            }
        } finally {
            leaveWalk();
        }
    }

    /**
     * How many allocations this ring made after the one that holds {@code handle}: the age of a live region in
     * allocations. Any thread; exact while fewer than 2^31 allocations separate the two.
     */
    public long stampAge(long handle) {
        long latest = (laAllocations() - 1) % STAMP_MASK + 1; // the stamp of the newest allocation
        return Math.floorMod(latest - stampOfHandle(handle), STAMP_MASK);
    }

    /**
     * Walks the ring read-only until a walk is consistent with {@code structureVersion}: fills {@code figures}
     * (bytes in use, live regions, largest free run) and, if {@code handles} is given, returns the live
     * handles (the array grown as needed).
     */
    private long[] consistentWalk(long[] figures, long[] handles) {
        int waits = 0;
        for (int attempt = 0; attempt < 64 && !isFreed(); ) {
            long version = laStructureVersion();
            if ((version & 1) != 0) {
                // The owner is inside a change, a few stores long: wait for it instead of spending an attempt
                // (64 spent so would leave no walk at all), and yield once it seems not to be running.
                if (++waits < 64) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
                continue;
            }
            attempt++;
            long inUse = 0;
            long largestFree = 0;
            int live = 0;
            boolean consistent = true;
            int runStart = -1;
            int steps = 0;
            for (int cur = 0; cur != tail; ) {
                long g = laGuard(cur);
                int next = nextOf(g);
                if (next <= cur || next > tail || ++steps > tail) {
                    consistent = false; // read a guard the owner was rewriting
                    break;
                }
                if (isHeld(g)) {
                    inUse += (long) (next - cur - 1) << 3;
                    if (handles != null) {
                        if (live == handles.length) {
                            handles = java.util.Arrays.copyOf(handles, live * 2);
                        }
                        handles[live] = handle(cur, stampOf(g));
                    }
                    live++;
                    runStart = -1;
                } else {
                    if (runStart < 0) {
                        runStart = cur;
                    }
                    largestFree = Math.max(largestFree, (long) (next - runStart - 1) << 3);
                }
                cur = next;
            }
            VarHandle.acquireFence();
            figures[0] = inUse;
            figures[1] = live;
            figures[2] = largestFree;
            if (consistent && version == loStructureVersion()) {
                break;
            }
        }
        return handles;
    }

    @Override
    public String toString() {
        return "Ring[capacity=" + capacity + ", memory=" + memory + ", state=" + lvState() + "]";
    }

    // ---- read-only figures for observers (any thread) --------------------------------------------

    /**
     * Regions handed out since the ring was created: {@link RingStats#allocations()} without a walk. Any thread
     * (one load-acquire); on the owner, exact.
     */
    public long allocationCount() {
        return laAllocations();
    }

    /**
     * Payload bytes of the region named by {@code handle} if it is still held under that handle, else -1. Any
     * thread: unlike {@link #capacity(long)} it never throws, for observers whose handle came from
     * {@link #forEachLiveRegion} and may have been released since.
     */
    public int liveRegionBytes(long handle) {
        enterWalk();
        try {
            int index = indexOf(handle);
            if (isFreed() || index < 0 || index >= tail) {
                return -1;
            }
            long g = laGuard(index);
            int next = nextOf(g);
            if (!isHeld(g) || stampOf(g) != stampOfHandle(handle) || next <= index || next > tail) {
                return -1;
            }
            return (next - index - 1) << 3;
        } finally {
            leaveWalk();
        }
    }
}
