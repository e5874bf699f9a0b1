package dev.ringalloc.netty;

import dev.ringalloc.core.Ring;
import dev.ringalloc.core.RingProperties;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What the allocator remembers of one ring's past, so that the age of a live region can be told in time and not
 * only in allocations ({@link Ring#stampAge}): a table of time samples, and, in allocation-site mode, where each
 * live region was allocated; with it, whose ring it is (the owner, and whether it is the owner's large ring).
 * Shared by the ring's {@link ThreadRing} and the allocator's record of the ring; it refers to neither, and to the
 * owner thread only weakly, so it keeps nothing alive.
 *
 * <h2>Time samples</h2>
 * The owner takes a sample (the time and the ring's allocation count) once every {@value #SAMPLE_EVERY}
 * allocations: when an allocation's stamp, which counts the ring's allocations, is a multiple of it. That is one
 * test of a register on the allocation path, and one {@code nanoTime} per {@value #SAMPLE_EVERY} allocations.
 * The table keeps {@value #LEVELS} samples, sample {@code k} (the {@code k}-th) in slot
 * {@code min(numberOfTrailingZeros(k), LEVELS - 1)}: the newest samples are dense, older ones sparse, so that a
 * region of any age has a sample taken after it and not long after it. The age in time of a region is then told
 * as bounds: at least the time since the first kept sample after its allocation, at most the time since the last
 * kept sample before it (or since the ring was created). Once the region is older than 4 samples, the sample after
 * it was taken no later than two thirds of the region's age (in allocations) after it (checked by brute force over
 * 200,000 samples: the worst case is a third of the age), so with allocations at a steady rate the lower bound is
 * at least a third of the true age. An idle spell between two samples widens the bounds: only allocations take
 * samples. Each slot packs the sample's time (in units of
 * 2^{@value #TIME_SHIFT} ns, 65.5 µs, since the ring was created, rounded up: 42 bits, 9 years) and its number's
 * low {@value #K_BITS} bits into one long, so that a reader never sees half a sample.
 *
 * <h2>Allocation sites</h2>
 * With {@value RingByteBufAllocator#ALLOCATION_SITES_PROPERTY}{@code =true} every allocation from the ring records
 * its stack (as a {@code Throwable}: reported trimmed of the allocator's and Netty's buffer frames,
 * {@value #SITE_FRAMES} frames kept) and its exact time, by handle, and every release forgets it: a debugging mode, like Netty's {@code PARANOID} leak
 * detection. Off, the allocation and release paths test a static final flag and nothing else.
 *
 * <h2>Threads</h2>
 * The samples: the owner stores each slot with release ({@code soSample}), any thread loads it with acquire
 * ({@code laSample}). The sites: a concurrent map, written by the allocating and the releasing thread. The
 * freed flag: compare-and-set, any thread. The ring-full event's rate limit: owner-only plain fields (a ring is
 * full only for its owner, the one thread that allocates).
 */
final class RingHistory {

    /** Allocation-site mode: see {@link RingByteBufAllocator#ALLOCATION_SITES_PROPERTY}. */
    static final boolean SITES = RingProperties.flag(RingByteBufAllocator.ALLOCATION_SITES_PROPERTY, false);

    /** Allocations between two time samples: a power of two. */
    static final int SAMPLE_EVERY = 1024;
    private static final int SAMPLE_SHIFT = Integer.numberOfTrailingZeros(SAMPLE_EVERY);
    /** Slots of the table: sample numbers up to 2^20 apart, beyond the 2^31 allocations a stamp age covers. */
    static final int LEVELS = 21;
    private static final int K_BITS = 22;
    private static final long K_MASK = (1L << K_BITS) - 1;
    private static final int TIME_SHIFT = 16;
    /** Stack frames kept per allocation site, after the allocator's own. */
    static final int SITE_FRAMES = 10;
    /** The least time between two ring-full events of one ring: each walks the ring. */
    static final long RING_FULL_EVENT_INTERVAL_NANOS = 100_000_000L;

    private static final VarHandle SAMPLE = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle FREED_REPORTED;

    static {
        try {
            FREED_REPORTED = MethodHandles.lookup().findVarHandle(RingHistory.class, "freedReported", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final LongSupplier clock;
    private final long createdNanos;
    private final WeakReference<Thread> owner;
    private final String ownerName;
    /** Which of the owner's rings this is: its large ring (true) or its ring (false). Fixed at creation. */
    private final boolean large;
    /** Slot per level, 0 until written; see "Time samples". Owner: {@code soSample}; any thread: {@code laSample}. */
    private final long[] samples = new long[LEVELS];
    /** By handle, in allocation-site mode; null otherwise. */
    private final Map<Long, Site> sites = SITES ? new ConcurrentHashMap<>() : null;

    /** Set once, by the thread that reports the ring freed: {@code casFreedReported}. */
    @SuppressWarnings("unused")
    private volatile boolean freedReported;

    /** Owner only: the earliest time of the next ring-full event, and the ring-full fallbacks since the last one. */
    private long nextRingFullEventNanos;
    private long ringFullsNotReported;

    /**
     * @param large the ring is its owner's large ring (requests above {@code largeRingAbove}, or above
     *              {@code largeRingWhenCrowdedAbove} once they crowded its ring)
     */
    RingHistory(Thread owner, boolean large) {
        this(owner, large, System::nanoTime);
    }

    RingHistory(Thread owner, LongSupplier clock) {
        this(owner, false, clock);
    }

    private RingHistory(Thread owner, boolean large, LongSupplier clock) {
        this.large = large;
        this.clock = clock;
        this.createdNanos = clock.getAsLong();
        this.owner = new WeakReference<>(owner);
        this.ownerName = owner.getName();
        this.nextRingFullEventNanos = createdNanos;
    }

    /** The owner thread, or null once it was collected. */
    Thread owner() {
        return owner.get();
    }

    /** The owner thread's name when the ring was created. */
    String ownerName() {
        return ownerName;
    }

    /**
     * True for the owner's large ring, which serves only requests above {@code largeRingAbove}, or above
     * {@code largeRingWhenCrowdedAbove} once they crowded its ring.
     */
    boolean large() {
        return large;
    }

    /** True while the owner thread runs. */
    boolean ownerAlive() {
        Thread t = owner.get();
        return t != null && t.isAlive();
    }

    // ---- time samples ----------------------------------------------------------------------------------

    /** True when the allocation of {@code handle} is one of every {@value #SAMPLE_EVERY}: its stamp counts them. */
    static boolean isSampled(long handle) {
        return ((int) handle & (SAMPLE_EVERY - 1)) == 0;
    }

    /** Owner only: records that the ring had made {@code allocationCount} allocations by now. */
    void sample(long allocationCount) {
        long k = allocationCount >>> SAMPLE_SHIFT;
        if (k == 0) {
            return;
        }
        long units = (clock.getAsLong() - createdNanos + (1L << TIME_SHIFT) - 1) >>> TIME_SHIFT;
        int level = Math.min(Long.numberOfTrailingZeros(k), LEVELS - 1);
        soSample(level, (units + 1) << K_BITS | (k & K_MASK)); // + 1: a written slot is never 0
    }

    /**
     * A lower bound of the time since the ring's {@code allocation}-th allocation (1 for the first): the time since
     * the first kept sample taken at or after it, or -1 if no sample was taken since (it is younger than
     * {@value #SAMPLE_EVERY} allocations). Any thread; {@code allocationCount} reads the ring's count (after the
     * slots are read, so that no slot is newer than the count).
     */
    long minAgeNanos(long allocation, LongSupplier allocationCount) {
        long units = sampleAround(allocation, allocationCount, true);
        return units < 0 ? -1 : Math.max(0, clock.getAsLong() - (createdNanos + (units << TIME_SHIFT)));
    }

    /**
     * An upper bound of the time since the ring's {@code allocation}-th allocation: the time since the last kept
     * sample taken before it, else since the ring was created. Any thread, as {@link #minAgeNanos}.
     */
    long maxAgeNanos(long allocation, LongSupplier allocationCount) {
        long units = sampleAround(allocation, allocationCount, false);
        // Stored times are rounded up: one unit less is at or before the sample.
        long before = units <= 0 ? createdNanos : createdNanos + ((units - 1) << TIME_SHIFT);
        return Math.max(0, clock.getAsLong() - before);
    }

    /**
     * The time (in units since creation) of the first kept sample at or after {@code allocation} ({@code after}),
     * or of the last one before it; -1 if there is none. A sample {@code k} was taken when the count had reached
     * {@code k << SAMPLE_SHIFT} (exactly that until the stamps wrap after 2^31 allocations, then up to
     * {@value #SAMPLE_EVERY} more): "before" asks for a whole sample period of margin.
     */
    private long sampleAround(long allocation, LongSupplier allocationCount, boolean after) {
        long[] slots = new long[LEVELS];
        for (int j = 0; j < LEVELS; j++) {
            slots[j] = laSample(j);
        }
        long kNow = allocationCount.getAsLong() >>> SAMPLE_SHIFT; // after the slots: no slot is newer than kNow
        long bestK = after ? Long.MAX_VALUE : Long.MIN_VALUE;
        long bestUnits = -1;
        for (long v : slots) {
            if (v == 0) {
                continue;
            }
            long k = kNow - ((kNow - (v & K_MASK)) & K_MASK);
            boolean better = after ? k << SAMPLE_SHIFT >= allocation && k < bestK
                    : (k + 1) << SAMPLE_SHIFT <= allocation && k > bestK;
            if (better) {
                bestK = k;
                bestUnits = (v >>> K_BITS) - 1;
            }
        }
        return bestUnits;
    }

    private void soSample(int level, long value) {
        SAMPLE.setRelease(samples, level, value);
    }

    private long laSample(int level) {
        return (long) SAMPLE.getAcquire(samples, level);
    }

    // ---- allocation sites ----------------------------------------------------------------------------

    /**
     * Where and when a live region was allocated (allocation-site mode). The stack is a {@link Throwable}'s: the JVM
     * records it natively, and it becomes frames only when a dump or an event asks ({@link #describe()}).
     */
    record Site(long nanoTime, Throwable stack) {

        /** The first {@value #SITE_FRAMES} frames below the allocator's, one {@code at ...} line each. */
        String describe() {
            StringBuilder sb = new StringBuilder();
            int kept = 0;
            boolean inAllocator = true;
            for (StackTraceElement frame : stack.getStackTrace()) {
                if (inAllocator && isAllocatorFrame(frame.getClassName())) {
                    continue;
                }
                inAllocator = false;
                if (kept++ == SITE_FRAMES) {
                    break;
                }
                if (sb.length() > 0) {
                    sb.append('\n');
                }
                sb.append("at ").append(frame);
            }
            return sb.toString();
        }
    }

    /** Allocation-site mode: records the calling thread's stack and the time for the region of {@code handle}. */
    void recordSite(long handle) {
        sites.put(handle, new Site(clock.getAsLong(), new Throwable("allocation site")));
    }

    /** Allocation-site mode: the region of {@code handle} is being released. */
    void forgetSite(long handle) {
        sites.remove(handle);
    }

    /** The site of the live region {@code handle}, or null (site mode off, or not recorded). */
    Site site(long handle) {
        return sites == null ? null : sites.get(handle);
    }

    /** Frames of the allocator and of Netty's buffer package: what a site leaves out, from the top of the stack. */
    static boolean isAllocatorFrame(String className) {
        return className.startsWith("io.netty.buffer.")
                || className.startsWith("dev.ringalloc.netty.RingByteBuf")
                || className.equals(ThreadRing.class.getName())
                || className.equals(RingHistory.class.getName())
                || className.equals(UnsafeRingByteBuf.class.getName())
                || className.equals(NioRingByteBuf.class.getName())
                || className.equals(SegmentRingByteBuf.class.getName());
    }

    /** The current time on this history's clock. */
    long now() {
        return clock.getAsLong();
    }

    // ---- events --------------------------------------------------------------------------------------

    /** True exactly once: for the thread that is to report the ring freed. */
    boolean markFreedReported() {
        return !freedReported && FREED_REPORTED.compareAndSet(this, false, true);
    }

    /**
     * Owner only, at a ring-full fallback: the ring-full fallbacks to report if an event is due now (this one and
     * those skipped since the last event), else 0 (counted for the next).
     */
    long ringFullsToReport() {
        ringFullsNotReported++;
        long now = clock.getAsLong();
        if (now - nextRingFullEventNanos < 0) {
            return 0;
        }
        nextRingFullEventNanos = now + RING_FULL_EVENT_INTERVAL_NANOS;
        long n = ringFullsNotReported;
        ringFullsNotReported = 0;
        return n;
    }
}
