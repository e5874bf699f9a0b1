package dev.ringalloc.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The ring: one direct {@link ByteBuffer} cut into regions by 8-byte guard words. This class is the
 * whole algorithm: the guard layout, the allocation walk, in-place growth and shrink, release, and
 * the read-only walk behind the statistics. Everything above it ({@link RingAllocator}, the buffers,
 * the Netty allocator) works with <em>handles</em> and never touches a guard word itself.
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
 * The memory is a circular singly linked list of regions. A region starts with a guard word; its
 * payload runs up to the next guard, so its capacity is {@code (next - this - 1) * 8} bytes. Offset 0
 * always holds a guard (accumulation after a wrap restarts there); the tail guard at the last word
 * points back to word 0 and is never handed out. A guard word is
 * <pre>
 *   bit 63       locked: the region is held by a buffer
 *   bits 32..62  stamp: which allocation holds it (a 31-bit per-ring counter, never 0 when issued)
 *   bits 0..31   next: word index of the following guard
 * </pre>
 * A handle names one allocation: {@code guardIndex << 32 | stamp}. A free guard keeps the stamp of
 * its last holder until the owner's walk has accounted for the release (see "Accounting"); then the
 * stamp is 0.
 *
 * <h2>Allocation (owner thread only)</h2>
 * The walk starts at {@code head}, the guard just behind the newest allocation. It accumulates
 * consecutive free regions, merging each into the first by rewriting that guard's {@code next},
 * until the run is large enough. It then splits off what is left as a new free region (unless that
 * would leave less than {@link #MIN_SPLIT_WORDS} words, in which case the whole run is handed out),
 * locks the guard with a fresh stamp, and moves {@code head} behind it. A locked region breaks the
 * run: the walk skips it and restarts accumulation behind it, so one long-lived buffer costs its own
 * bytes rather than jamming the ring. Reaching the tail restarts accumulation at word 0, because a
 * buffer is always contiguous. The walk gives up after one full lap (or after {@code maxVisits}
 * regions, for bounded latency) and returns {@link #NO_REGION}.
 * <p>One exception to starting at {@code head}: the region the owner itself released most recently
 * ({@code releasedOnOwner}) is tried first, so that bytes just freed, still in the owner's cache, are
 * reused instead of the next and coldest part of the ring. On allocate-release-allocate (the newest region,
 * {@code last}, released) the walk simply starts at {@code last}. On release-oldest-then-allocate, the
 * life of per-message buffers with several in flight, the oldest region is handed out again if it alone
 * is large enough, and {@code head} stays where it is: the ring then cycles through about as many bytes
 * as are in flight rather than through all its memory. This costs one guard read; if the region does not
 * fit, the walk from {@code head} runs as usual. Not when another thread released the region: its cache
 * lines are then in that thread's cache, and handing them straight back would make them bounce between
 * the two. A recorded release is used by the next allocation or forgotten by it.
 *
 * <p>Then, before walking from {@code head}, the first region of the ring (word 0) is tried: if it is free
 * and large enough alone, it is handed out and {@code head} moves behind it. When other threads release
 * the buffers (an event loop allocating, a worker releasing), the owner never gets a recorded release,
 * and a walk from {@code head} alone would sweep the whole ring, so large buffers would be written into
 * memory that has long left every cache. Going back to the start as soon as the start is free keeps the
 * bytes in use near the start of the ring, about as many as are in flight. The cost is one guard read.
 * Where {@code head} was before it went back is kept as {@code frontier}: if the walk from the new
 * {@code head} would begin at a held region (it has caught up with the buffers still in flight), it
 * resumes at the frontier instead of skipping all of them; the frontier is forgotten once the walk reaches
 * it in order or a merge absorbs it.
 *
 * <h2>Alignment</h2>
 * The memory starts 8 bytes before a cache-line boundary, so a guard at a multiple of 8 words has a
 * 64-byte aligned payload (guard 0 among them). A request of 1 KiB or more ends on such a boundary (the
 * region keeps up to 56 bytes of slack), so the region behind it, the next one handed out from
 * {@code head}, starts aligned: copies into large buffers then touch no more cache lines than they must
 * (measured: +7 % at 16 KiB, window 64). Smaller requests are packed without rounding.
 *
 * <h2>Growth and shrink (owner thread only)</h2>
 * A held region grows in place by absorbing the free regions that follow it (typically the newest
 * buffer, with {@code head} right behind it). Its guard stays locked and keeps its stamp; only
 * {@code next} changes. A shrink splits the unused end off as a new free region.
 *
 * <h2>Release (any thread)</h2>
 * One compare-and-set of the guard word from {@code locked|stamp|next} to {@code stamp|next}. The
 * CAS is volatile, and the owner reads guards with acquire semantics, so everything the releasing
 * thread did to the payload happens-before the owner reuses those bytes. A CAS that finds the guard
 * unlocked or carrying another stamp is a double or stale release: it throws and changes nothing.
 * Only the owner changes the structure (split, merge, {@code head}); other threads only clear lock
 * bits. A held guard is written by nobody but the owner and the region's releaser, so when the
 * releaser is the owner ({@link #releaseOnOwner}) the same check is followed by a plain store-release.
 *
 * <h2>Accounting</h2>
 * The release path does nothing but its CAS, so the owner learns of a release only when its walk
 * meets the unlocked guard: a free guard with a non-zero stamp is "released, not yet reclaimed".
 * {@code occupied} (bytes held or released-but-unreclaimed) is kept by the owner and its peak is the
 * high-water mark. Exact figures (bytes in use, largest free run) come from {@link #stats()}, a
 * read-only walk that any thread may run: it is validated against {@code structureVersion}, a
 * seqlock the owner makes odd while a walk merges regions or a region grows or shrinks. Handing out
 * a single free region (the first-choice path of "Allocation") skips the seqlock: it turns no guard
 * into payload, and the guard it may add by a split is stored before the lock that points to it, so a
 * walk (acquire loads) follows valid guards before and after it. That path is the hot one: with
 * it, a hand-out is one guard load and one or two guard stores.
 *
 * <h2>Lifecycle</h2>
 * {@code OPEN} until {@link #retire()} (the owner will allocate no more: its thread ended or the ring
 * is being closed). A retired ring frees its memory as soon as no region is held, whichever thread
 * notices first: {@code retire()} itself, or the release that unlocks the last region.
 */
public final class Ring extends RingOwnerPadding {

    /** Returned by {@link #tryAllocate(int)} when no region fits. Never a valid handle. */
    public static final long NO_REGION = -1L;

    /** The smallest region split off as free space, guard included (RingAl's minimum). */
    public static final int MIN_SPLIT_WORDS = 8;

    /** Bytes of a guard word. */
    private static final int GUARD_BYTES = 8;
    /** Words per 64-byte cache line. */
    private static final int LINE_WORDS = 8;
    /** Requests of at least this many words (1 KiB) end on a cache-line boundary: see "Alignment". */
    private static final int ALIGN_WORDS = 128;

    /** The smallest ring: head region plus tail guard with room for a minimal split. */
    public static final int MIN_CAPACITY = 64;

    /** The largest ring: the largest multiple of 64 a direct buffer can hold, less alignment. */
    public static final int MAX_CAPACITY = (Integer.MAX_VALUE - 63) & ~63;

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

    // ---- guard word access: guards are longs in the ring's own memory ----------------------------
    //
    // By address through Unsafe where DirectMemory allows it (one load or store: this is most of what an
    // allocation does), else through a ByteBuffer view VarHandle (the same orderings, plus the buffer's own
    // bounds and state checks). The static final choice folds away when compiled. Every index passed here
    // is in [0, tail]: handles are range-checked (checkedIndex), and the walks only follow `next` values that
    // this class wrote and checks them (checkedNext), so a guard overwritten through memory() is reported
    // instead of sending an address outside the ring.

    private static final sun.misc.Unsafe UNSAFE = DirectMemory.UNSAFE_ACCESS;

    private static final VarHandle WORD =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private long wordAddress(int index) {
        return address + ((long) index << 3);
    }

    /** Load-acquire of a guard: pairs with the releasing CAS, so the releaser's payload writes are visible. */
    private long laGuard(int index) {
        return UNSAFE != null ? UNSAFE.getLongVolatile(null, wordAddress(index))
                : (long) WORD.getAcquire(memory, index << 3);
    }

    /** Load-volatile of a guard: for the retire / last-release handshake, which needs a total order. */
    private long lvGuard(int index) {
        return UNSAFE != null ? UNSAFE.getLongVolatile(null, wordAddress(index))
                : (long) WORD.getVolatile(memory, index << 3);
    }

    /**
     * Store-release of a guard; owner only, or the releaser of a held guard on the owner thread. Other threads
     * reach a guard only through a handle published later.
     */
    private void srGuard(int index, long guard) {
        if (UNSAFE != null) {
            UNSAFE.putOrderedLong(null, wordAddress(index), guard);
        } else {
            WORD.setRelease(memory, index << 3, guard);
        }
    }

    /** Volatile compare-and-set of a guard: release from any thread, and growth or shrink on the owner. */
    private boolean casGuard(int index, long expected, long update) {
        return UNSAFE != null ? UNSAFE.compareAndSwapLong(null, wordAddress(index), expected, update)
                : WORD.compareAndSet(memory, index << 3, expected, update);
    }

    // ---- state ---------------------------------------------------------------------------------

    private static final int OPEN = 0;
    private static final int RETIRED = 1;
    private static final int FREED = 2;

    private static final VarHandle STATE;
    private static final VarHandle WALKERS;
    private static final VarHandle MEMORY_RELEASED;
    private static final VarHandle STRUCTURE_VERSION;
    private static final VarHandle ALLOCATIONS;
    private static final VarHandle FAILURES;
    private static final VarHandle REGIONS_SKIPPED;
    private static final VarHandle GROWTHS_IN_PLACE;
    private static final VarHandle HIGH_WATER;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(Ring.class, "state", int.class);
            WALKERS = lookup.findVarHandle(Ring.class, "walkers", int.class);
            MEMORY_RELEASED = lookup.findVarHandle(Ring.class, "memoryReleased", boolean.class);
            STRUCTURE_VERSION = lookup.findVarHandle(RingOwnerFields.class, "structureVersion", long.class);
            ALLOCATIONS = lookup.findVarHandle(RingOwnerFields.class, "allocations", long.class);
            FAILURES = lookup.findVarHandle(RingOwnerFields.class, "failures", long.class);
            REGIONS_SKIPPED = lookup.findVarHandle(RingOwnerFields.class, "regionsSkipped", long.class);
            GROWTHS_IN_PLACE = lookup.findVarHandle(RingOwnerFields.class, "growthsInPlace", long.class);
            HIGH_WATER = lookup.findVarHandle(RingOwnerFields.class, "highWater", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** What {@code allocateDirect} returned: the only buffer the JDK can free explicitly. */
    private final ByteBuffer allocation;
    /** The view holding guards and payloads, byte 8 cache-line aligned; absolute access only. */
    private final ByteBuffer memory;
    /** Native address of {@link #memory}'s byte 0; 0 when guards are accessed through the VarHandle. */
    private final long address;
    private final int capacity;
    /** Word index of the permanent tail guard. */
    private final int tail;
    private final int maxVisits;

    /** OPEN, RETIRED or FREED. Written by CAS (any thread), read volatile. */
    private volatile int state;

    /**
     * Threads inside a walk that is not the owner's (see {@link #enterWalk()}). Changed by atomic RMW
     * (any thread); the RMW is volatile, so it orders against the volatile state read that follows.
     */
    private volatile int walkers;

    /** Set once, by CAS, by the thread that gives the memory back. */
    @SuppressWarnings("unused")
    private volatile boolean memoryReleased;

    // The owner's walk state and the statistics: in RingOwnerFields, padded away from the fields above.

    private Ring(int capacity, int maxVisits) {
        this.capacity = capacity;
        this.allocation = ByteBuffer.allocateDirect(capacity + 63);
        // Guard 0 sits in the last 8 bytes of a cache line, so that every guard at a multiple of 8 words has
        // a cache-line aligned payload (see "Alignment"). Not alignedSlice: it also rounds the end down.
        int shift = (64 - GUARD_BYTES - allocation.alignmentOffset(0, 64)) & 63;
        this.memory = allocation.slice(shift, capacity);
        this.address = UNSAFE != null ? DirectMemory.address(memory) : 0L;
        this.tail = (capacity >>> 3) - 1;
        this.maxVisits = maxVisits;
        srGuard(0, guard(false, 0, tail));
        srGuard(tail, guard(false, 0, 0));
        VarHandle.releaseFence(); // publish the initial guards with the ring
    }

    /**
     * Creates a ring.
     *
     * @param capacity  bytes, rounded up to a multiple of 8; {@value #MIN_CAPACITY} to {@link #MAX_CAPACITY}
     * @param maxVisits the most regions one allocation walk may look at (at least 1); the walk also
     *                  stops after one full lap
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static Ring allocate(int capacity, int maxVisits) {
        checkCapacity(capacity);
        if (maxVisits < 1) {
            throw new IllegalArgumentException("maxVisits must be at least 1, got " + maxVisits);
        }
        return new Ring((capacity + 7) & ~7, maxVisits);
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

    /** The ring's bytes. Use absolute access only: the buffer's position and limit are shared. */
    public ByteBuffer memory() {
        return memory;
    }

    /** Total bytes of the ring, guards included. */
    public int capacity() {
        return capacity;
    }

    /** The largest request this ring can ever satisfy: one region spanning the whole ring. */
    public int maxAllocation() {
        return (tail - 1) << 3;
    }

    // ---- the allocation walk (owner only) -------------------------------------------------------

    /**
     * Allocates a region of at least {@code bytes} bytes. Owner thread only.
     *
     * @param bytes 1 to {@link #maxAllocation()}; the caller validates
     * @return a handle, or {@link #NO_REGION} if no free run of that size was found within one lap
     *         (or within {@code maxVisits} regions)
     */
    public long tryAllocate(int bytes) {
        // Kept small, so the JIT inlines it into the caller; the walk is a method of its own.
        final int words = wordsFor(bytes);
        final int reuse = releasedOnOwner;
        releasedOnOwner = -1;
        if (reuse >= 0) {
            long handle = tryReuse(reuse, words, reuse == last || reuse == head);
            if (handle != NO_REGION) {
                return handle;
            }
            if (reuse == last && !isLocked(laGuard(last))) {
                return walk(words, last); // the newest region, merged with the free space behind it
            }
        }
        if (head != 0) {
            final int before = head;
            long handle = tryReuse(0, words, true);
            if (handle != NO_REGION) {
                if (frontier < 0) {
                    frontier = before;
                }
                return handle;
            }
        }
        int start = head;
        if (frontier >= 0 && isLocked(laGuard(start))) {
            // Since going back to the start of the ring, the walk has caught up with the buffers still in
            // flight: resume where it was before, rather than skip every one of them.
            start = frontier;
            frontier = -1;
        }
        return walk(words, start);
    }

    /** The walk from {@code start}: see the class comment. */
    private long walk(int words, int start) {
        int cur = start;
        int run = -1; // guard index where the current run of free regions starts, or -1
        int visits = 0;
        long skipped = 0;
        boolean lapped = false;
        beginStructureChange();
        try {
            while (true) {
                if (cur == tail) {
                    if (lapped) {
                        break;
                    }
                    lapped = true;
                    run = -1; // a buffer is contiguous: accumulation restarts at word 0
                    cur = 0;
                }
                // One lap: stop once back at the start, unless a run reaching into the start may still grow.
                if (lapped && (cur > start || (cur == start && run < 0))) {
                    break;
                }
                if (++visits > maxVisits) {
                    break;
                }
                if (cur == frontier) {
                    frontier = -1; // reached in order, or about to be merged away
                }
                long g = laGuard(cur);
                int next = checkedNext(g, cur);
                if (isLocked(g)) {
                    skipped++;
                    run = -1;
                    cur = next;
                    continue;
                }
                reclaim(g, cur);
                if (run < 0) {
                    run = cur;
                } else {
                    srGuard(run, guard(false, 0, next)); // merge: cur's guard becomes payload of run
                    if (cur == head) {
                        head = run;
                    }
                    if (cur == last) {
                        last = -1;
                    }
                }
                if (next - run - 1 >= words) {
                    return take(run, next, words, skipped, true);
                }
                cur = next;
            }
            count(FAILURES, 1);
            count(REGIONS_SKIPPED, skipped);
            return NO_REGION;
        } finally {
            endStructureChange();
        }
    }

    /**
     * Hands out region {@code index} (the owner's last released region, or the ring's first) if it is free
     * and holds {@code words} alone; {@code head} moves behind it only if {@code advanceHead}, i.e. where a
     * walk from {@code head} would have handed it out too (see "Allocation").
     */
    private long tryReuse(int index, int words, boolean advanceHead) {
        long g = laGuard(index);
        if (isLocked(g)) {
            return NO_REGION;
        }
        int next = checkedNext(g, index);
        if (next - index - 1 < words) {
            return NO_REGION;
        }
        // No seqlock and no reclaim store: see "Accounting". take() rewrites this guard, so a release
        // not yet reclaimed is only accounted for.
        accountRelease(g, index);
        return take(index, next, words, 0, advanceHead);
    }

    /**
     * Hands out the free run [run, next) for {@code words} words: split, lock, and, when the run is where
     * the walk from {@code head} found it, advance {@code head} behind it.
     */
    private long take(int run, int next, int words, long skipped, boolean advanceHead) {
        int end = run + 1 + words;
        if (words >= ALIGN_WORDS) {
            // End at a multiple of 8 words, so the region behind starts with an aligned payload.
            end = Math.min((end + LINE_WORDS - 1) & -LINE_WORDS, next);
        }
        if (next - end >= MIN_SPLIT_WORDS) {
            srGuard(end, guard(false, 0, next));
        } else {
            end = next;
        }
        int stamp = nextStamp;
        nextStamp = stamp == (int) STAMP_MASK ? 1 : stamp + 1;
        srGuard(run, guard(true, stamp, end));
        if (advanceHead) {
            last = run;
            head = end == tail ? 0 : end;
        }
        occupy((long) (end - run - 1) << 3);
        count(ALLOCATIONS, 1);
        count(REGIONS_SKIPPED, skipped);
        return handle(run, stamp);
    }

    /** {@link #accountRelease}, then clears the stamp so the release is not accounted for twice. */
    private void reclaim(long g, int index) {
        if (accountRelease(g, index)) {
            srGuard(index, guard(false, 0, nextOf(g)));
        }
    }

    /**
     * A free guard still carrying a stamp was released since the owner last saw it: takes its bytes off
     * {@code occupied}. The caller clears the stamp, or overwrites the guard. True if there was one.
     */
    private boolean accountRelease(long g, int index) {
        if (stampOf(g) == 0) {
            return false;
        }
        occupied -= (long) (nextOf(g) - index - 1) << 3;
        return true;
    }

    private void occupy(long bytes) {
        occupied += bytes;
        if (occupied > highWater) {
            HIGH_WATER.setRelease(this, occupied);
        }
    }

    private void count(VarHandle counter, long delta) {
        if (delta != 0) {
            counter.setRelease(this, (long) counter.get(this) + delta);
        }
    }

    private void beginStructureChange() {
        STRUCTURE_VERSION.setOpaque(this, (long) STRUCTURE_VERSION.get(this) + 1);
        VarHandle.storeStoreFence();
    }

    private void endStructureChange() {
        STRUCTURE_VERSION.setRelease(this, (long) STRUCTURE_VERSION.get(this) + 1);
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
        long g = heldGuard(handle);
        final int end = checkedNext(g, index);
        if (end - index - 1 >= words) {
            return true;
        }
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
        try {
            // Account for what is absorbed, then rewrite: split off the surplus, extend our guard.
            for (int r = end; r != cur; ) {
                long n = laGuard(r);
                reclaim(n, r);
                r = nextOf(n);
            }
            int newEnd = index + 1 + words;
            if (cur - newEnd >= MIN_SPLIT_WORDS) {
                srGuard(newEnd, guard(false, 0, cur));
            } else {
                newEnd = cur;
            }
            if (!casGuard(index, g, guard(true, stampOf(g), newEnd))) {
                throw released(handle);
            }
            if (head >= end && head < cur) {
                head = newEnd == tail ? 0 : newEnd;
            }
            if (last >= end && last < cur) {
                last = -1;
            }
            if (releasedOnOwner >= end && releasedOnOwner < cur) {
                releasedOnOwner = -1; // absorbed: no longer a guard
            }
            if (frontier >= end && frontier < cur) {
                frontier = -1;
            }
            occupy((long) (newEnd - end) << 3);
            count(GROWTHS_IN_PLACE, 1);
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
        final int index = indexOf(handle);
        long g = heldGuard(handle);
        final int end = checkedNext(g, index);
        final int newEnd = index + 1 + Math.max(1, wordsFor(bytes));
        if (end - newEnd < MIN_SPLIT_WORDS) {
            return (end - index - 1) << 3;
        }
        beginStructureChange();
        try {
            srGuard(newEnd, guard(false, 0, end));
            if (!casGuard(index, g, guard(true, stampOf(g), newEnd))) {
                throw released(handle);
            }
            if (head == end) {
                head = newEnd; // the freed tail is the next allocation's first choice
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
     * {@link #memory()}: reported here, before it could become an address outside the ring.
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
        if (!isLocked(g) || stampOf(g) != stampOfHandle(handle)) {
            throw released(handle);
        }
        return g;
    }

    // ---- release (any thread) -------------------------------------------------------------------

    /**
     * Releases the region named by {@code handle}: one CAS on its guard. Any thread.
     *
     * @throws IllegalStateException if the region is not held under this handle (a double or stale
     *                               release); the ring is unchanged
     */
    public void release(long handle) {
        final int index = checkedIndex(handle);
        final int stamp = stampOfHandle(handle);
        long g;
        do {
            g = lvGuard(index);
            if (!isLocked(g) || stampOf(g) != stamp) {
                throw released(handle);
            }
        } while (!casGuard(index, g, g & ~LOCKED)); // retries only if the owner moved `next` meanwhile
        if (stateIs(RETIRED)) {
            freeIfEmpty();
        }
    }

    /**
     * {@link #release(long)} for the owner thread: the same checks, then a store-release instead of a
     * CAS. A held guard is written only by the owner (growth, shrink) and by the region's releaser; here
     * both are the calling thread, so no atomic read-modify-write is needed. (A racing double release
     * from another thread, itself a bug, may then go unreported; it cannot corrupt the ring, as both
     * write the same unlocked word and the owner cannot reuse the region while it is in this method.)
     *
     * @throws IllegalStateException as {@link #release(long)}
     */
    public void releaseOnOwner(long handle) {
        srGuard(indexOf(handle), heldGuard(handle) & ~LOCKED);
        releasedOnOwner = indexOf(handle);
        if (stateIs(RETIRED)) {
            // The retire / last-release handshake needs the store ordered before the walk's loads.
            VarHandle.fullFence();
            freeIfEmpty();
        }
    }

    private int checkedIndex(long handle) {
        int index = indexOf(handle);
        if (index < 0 || index >= tail || stateIs(FREED)) {
            throw released(handle);
        }
        return index;
    }

    private static IllegalStateException released(long handle) {
        return new IllegalStateException("ring region " + indexOf(handle) + " (stamp " + stampOfHandle(handle)
                + ") is not held: released twice, or used after release");
    }

    // ---- lifecycle ------------------------------------------------------------------------------

    /**
     * The owner will allocate no more. The memory is freed now if no region is held, else by the
     * release of the last held region. Idempotent. After this, {@link #tryAllocate(int)} must not be
     * called.
     */
    public void retire() {
        if (STATE.compareAndSet(this, OPEN, RETIRED)) {
            freeIfEmpty();
        }
    }

    /** True once the ring's memory has been given back. */
    public boolean isFreed() {
        return stateIs(FREED);
    }

    /** True once {@link #retire()} was called. */
    public boolean isRetired() {
        return state != OPEN;
    }

    private boolean stateIs(int s) {
        return state == s;
    }

    /**
     * Frees the memory if no region is held. Called after a state write or a release CAS, both
     * volatile, and reads guards volatile: of a retire racing the last release, at least one sees the
     * other's write, and the state CAS lets exactly one of them mark the ring FREED.
     */
    private void freeIfEmpty() {
        enterWalk();
        try {
            if (!stateIs(RETIRED)) {
                return;
            }
            for (int cur = 0; cur != tail; ) {
                long g = lvGuard(cur);
                if (isLocked(g)) {
                    return;
                }
                cur = checkedNext(g, cur);
            }
            STATE.compareAndSet(this, RETIRED, FREED);
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
        WALKERS.getAndAdd(this, 1);
    }

    private void leaveWalk() {
        if ((int) WALKERS.getAndAdd(this, -1) == 1 && isFreed()) {
            releaseMemory();
        }
    }

    private void releaseMemory() {
        if (MEMORY_RELEASED.compareAndSet(this, false, true)) {
            DirectMemory.free(allocation);
        }
    }

    // ---- statistics -----------------------------------------------------------------------------

    /**
     * A snapshot of the ring's figures. Any thread; exact when the owner is not allocating at the same
     * moment (the structure walk retries while the owner changes it, and gives the last attempt after a
     * bounded number of tries).
     */
    public RingStats stats() {
        enterWalk();
        try {
            return walkStats();
        } finally {
            leaveWalk();
        }
    }

    private RingStats walkStats() {
        long inUse = 0;
        long largestFree = 0;
        int liveRegions = 0;
        for (int attempt = 0; attempt < 64 && !isFreed(); attempt++) {
            long version = (long) STRUCTURE_VERSION.getAcquire(this);
            if ((version & 1) != 0) {
                Thread.onSpinWait();
                continue;
            }
            inUse = 0;
            largestFree = 0;
            liveRegions = 0;
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
                if (isLocked(g)) {
                    inUse += (long) (next - cur - 1) << 3;
                    liveRegions++;
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
            if (consistent && version == (long) STRUCTURE_VERSION.getOpaque(this)) {
                break;
            }
        }
        return new RingStats(capacity, (long) ALLOCATIONS.getAcquire(this), (long) FAILURES.getAcquire(this),
                (long) REGIONS_SKIPPED.getAcquire(this), (long) GROWTHS_IN_PLACE.getAcquire(this), inUse,
                liveRegions, (long) HIGH_WATER.getAcquire(this), largestFree);
    }

    @Override
    public String toString() {
        return "Ring[capacity=" + capacity + ", state=" + state + "]";
    }
}
