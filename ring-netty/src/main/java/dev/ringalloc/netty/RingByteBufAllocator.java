package dev.ringalloc.netty;

import dev.ringalloc.core.Ring;
import dev.ringalloc.core.RingProperties;
import dev.ringalloc.core.RingStats;
import dev.ringalloc.core.VirtualThreads;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.internal.PlatformDependent;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Netty {@link ByteBufAllocator} that serves short-lived buffers from rings: one direct ring and one heap ring per
 * event-loop thread. One line adopts it:
 * <pre>{@code
 * bootstrap.childOption(ChannelOption.ALLOCATOR, RingByteBufAllocator.DEFAULT);
 * }</pre>
 * or, configured:
 * <pre>{@code
 * RingByteBufAllocator alloc = RingByteBufAllocator.builder()
 *         .ringCapacity(8 << 20)             // bytes per ring (a direct and a heap ring per event loop)
 *         .maxRingAllocation(64 << 10)       // larger requests go to the fallback
 *         .maxRegionsVisited(1024)           // bound on one allocation walk
 *         .heapRings(true)                   // heap buffers from rings too
 *         .fallback(PooledByteBufAllocator.DEFAULT)
 *         .ringsForAllThreads(false)         // only FastThreadLocalThreads (event loops) get rings
 *         .largeRingAbove(0)                 // > 0: larger requests get a ring of their own per thread
 *         .largeRingWhenCrowdedAbove(8 << 10) // ... or only once they crowd the thread's ring (0: never)
 *         .build();
 * }</pre>
 *
 * <h2>What comes from where</h2>
 * <ul>
 *   <li>{@code directBuffer()}, {@code ioBuffer()}, and {@code buffer()} (direct unless built with
 *       {@code preferDirect(false)}): a region of the calling thread's direct ring, created on the thread's first
 *       allocation.</li>
 *   <li>{@code heapBuffer()}: a region of the calling thread's heap ring (a {@code byte[]}: {@code hasArray()} is
 *       true), unless heap rings are turned off.</li>
 *   <li>With {@link Builder#largeRingAbove(int) largeRingAbove(n)}, requests above {@code n} bytes come from a second
 *       ring of the thread and kind, so that a large request never has to find its run among small long-lived
 *       buffers (see that method). Without it, requests above
 *       {@link Builder#largeRingWhenCrowdedAbove(int) largeRingWhenCrowdedAbove(n)} (8 KiB by default) move to that
 *       second ring once they crowd the thread's ring: when they keep having to search the whole ring for a gap
 *       between small buffers that live long, or, the largest of them, to step over many such buffers spread over
 *       more than a quarter of the ring.</li>
 *   <li>What a ring cannot serve comes from the fallback allocator (Netty's {@link ByteBufAllocator#DEFAULT}
 *       unless configured), counted by {@link FallbackReason}: requests above {@link #maxRingAllocation()}, a
 *       full ring, a thread without rings, heap requests with heap rings off.</li>
 *   <li>Every buffer is a {@link RingByteBuf} (fallback memory is wrapped), so {@code buf.alloc()} is this
 *       allocator and its growth and figures stay in view.</li>
 *   <li>{@code compositeBuffer()}: Netty's {@link io.netty.buffer.CompositeByteBuf} whose components this
 *       allocator allocates.</li>
 * </ul>
 * Only {@link FastThreadLocalThread}s (Netty's event loops) get rings unless the builder says
 * {@link Builder#ringsForAllThreads(boolean) ringsForAllThreads(true)}: a 200-thread pool must not silently
 * reserve 200 rings. A virtual thread never gets one (it is served by the fallback, counted as
 * {@link FallbackReason#NO_RING}): 100,000 virtual threads must not reserve 100,000 rings.
 *
 * <h2>Footprint</h2>
 * At most {@code threads with rings × ringCapacity} of direct memory (twice that with
 * {@link Builder#largeRingAbove(int) largeRingAbove}, or for the threads whose ring large requests crowded), and as
 * much heap with heap rings on, plus what the fallback holds. A direct ring reserves its capacity but, where
 * {@code dev.ringalloc.core.RingMemory} can map it, the operating system commits only the pages its buffers have
 * used.
 *
 * <h2>Ring lifetime</h2>
 * A ring is freed once its thread has ended and its last buffer has been released. A
 * {@link FastThreadLocalThread} that cleans up its thread-locals at exit (Netty's event loops do) retires its
 * rings at once through {@link FastThreadLocal#onRemoval}; the rings of a thread that ended without clean-up are
 * retired when the garbage collector finds them unreachable, or earlier, the next time this allocator creates a
 * ring or reports its {@link #metric()}. A retired ring's figures stay in the metric.
 *
 * <h2>System properties</h2>
 * Defaults of the builder, read through {@link RingProperties} (sizes accept a {@code k}, {@code m} or {@code g}
 * suffix; a bad value is logged and the built-in default used):
 * <ul>
 *   <li>{@value #RING_CAPACITY_PROPERTY}: bytes per ring, default 4m;</li>
 *   <li>{@value #MAX_RING_ALLOCATION_PROPERTY}: largest request served by a ring, default 64k (at most the
 *       ring capacity less 16 bytes);</li>
 *   <li>{@value #MAX_REGIONS_VISITED_PROPERTY}: regions one allocation walk may visit before it gives up and
 *       the request falls back, default 1024;</li>
 *   <li>{@value #HEAP_RINGS_PROPERTY}: {@code false} serves heap buffers from the fallback, default true;</li>
 *   <li>{@value #FALLBACK_PROPERTY}: {@code default} (Netty's {@code ByteBufAllocator.DEFAULT}),
 *       {@code pooled} or {@code unpooled};</li>
 *   <li>{@value #RINGS_FOR_ALL_THREADS_PROPERTY}: {@code true} gives every allocating platform thread rings,
 *       default false;</li>
 *   <li>{@value #LARGE_RING_ABOVE_PROPERTY}: requests above this many bytes get a second ring per thread and
 *       kind, default 0 (off);</li>
 *   <li>{@value #LARGE_RING_WHEN_CROWDED_ABOVE_PROPERTY}: requests above this many bytes move to a second ring per
 *       thread and kind once they crowd its ring, default 8k (0: never);</li>
 *   <li>{@value #ALLOCATION_SITES_PROPERTY}: {@code true} records where each ring buffer was allocated, for
 *       {@link #dump()} and the ring-full event (a debugging mode, slow), default false.</li>
 * </ul>
 *
 * <h2>Observability</h2>
 * {@link #metric()} gives the figures; {@link #dump()} a text of every ring and its oldest live regions, to read or
 * to paste into an issue; JDK Flight Recorder events {@code dev.ringalloc.Fallback}, {@code RingCreated},
 * {@code RingFreed} and {@code RingFull} (disabled by default, turned on by {@code ring-netty/ringalloc.jfc});
 * Micrometer meters through {@code dev.ringalloc.netty.micrometer.RingAllocatorMetrics}. See
 * {@code docs/observability.md}.
 *
 * <h2>Leak detection</h2>
 * Buffers pass through {@code toLeakAwareBuffer} like the buffers of Netty's own allocators, so
 * {@link io.netty.util.ResourceLeakDetector} reports a ring buffer that was never released.
 */
public final class RingByteBufAllocator extends AbstractByteBufAllocator implements ByteBufAllocatorMetricProvider {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(RingByteBufAllocator.class);

    /** System property: default bytes per ring. */
    public static final String RING_CAPACITY_PROPERTY = "dev.ringalloc.netty.ringCapacity";
    /** System property: default largest request a ring serves. */
    public static final String MAX_RING_ALLOCATION_PROPERTY = "dev.ringalloc.netty.maxRingAllocation";
    /** System property: default bound on the regions one allocation walk visits. */
    public static final String MAX_REGIONS_VISITED_PROPERTY = "dev.ringalloc.netty.maxRegionsVisited";
    /** System property: whether heap buffers come from heap rings by default. */
    public static final String HEAP_RINGS_PROPERTY = "dev.ringalloc.netty.heapRings";
    /** System property: default fallback allocator, {@code default}, {@code pooled} or {@code unpooled}. */
    public static final String FALLBACK_PROPERTY = "dev.ringalloc.netty.fallback";
    /** System property: default size above which requests get a second ring per thread and kind (0: off). */
    public static final String LARGE_RING_ABOVE_PROPERTY = "dev.ringalloc.netty.largeRingAbove";
    /**
     * System property: default size above which requests move to a second ring per thread and kind once they crowd
     * the thread's ring (0: never).
     */
    public static final String LARGE_RING_WHEN_CROWDED_ABOVE_PROPERTY = "dev.ringalloc.netty.largeRingWhenCrowdedAbove";
    /** System property: whether every platform thread (not only event loops) gets rings by default. */
    public static final String RINGS_FOR_ALL_THREADS_PROPERTY = "dev.ringalloc.netty.ringsForAllThreads";
    /**
     * System property, read once per JVM: {@code true} records the stack and time of every ring allocation, so that
     * {@link #dump()} and the ring-full event name where the oldest live buffers come from. For debugging (it costs
     * a stack walk per allocation), like Netty's {@code PARANOID} leak detection; default false, which costs the
     * allocation path a static final test.
     */
    public static final String ALLOCATION_SITES_PROPERTY = "dev.ringalloc.netty.allocationSites";

    /** Default bytes per ring: {@value #RING_CAPACITY_PROPERTY}, else 4 MiB. */
    public static final int DEFAULT_RING_CAPACITY;
    /** Default largest ring allocation: {@value #MAX_RING_ALLOCATION_PROPERTY}, else 64 KiB. */
    public static final int DEFAULT_MAX_RING_ALLOCATION;
    /** Default bound on regions visited per allocation walk: {@value #MAX_REGIONS_VISITED_PROPERTY}, else 1024. */
    public static final int DEFAULT_MAX_REGIONS_VISITED;
    /** Default for heap rings: {@value #HEAP_RINGS_PROPERTY}, else true. */
    public static final boolean DEFAULT_HEAP_RINGS;
    /** Default for rings on every thread: {@value #RINGS_FOR_ALL_THREADS_PROPERTY}, else false. */
    public static final boolean DEFAULT_RINGS_FOR_ALL_THREADS;
    /** Default fallback allocator's name: {@value #FALLBACK_PROPERTY}, else {@code default}. */
    public static final String DEFAULT_FALLBACK;
    /** Default size above which requests get a ring of their own: {@value #LARGE_RING_ABOVE_PROPERTY}, else 0 (off). */
    public static final int DEFAULT_LARGE_RING_ABOVE;
    /**
     * Default size above which requests move to a large ring once they crowd a thread's ring:
     * {@value #LARGE_RING_WHEN_CROWDED_ABOVE_PROPERTY}, else 8 KiB.
     */
    public static final int DEFAULT_LARGE_RING_WHEN_CROWDED_ABOVE;

    static {
        DEFAULT_RING_CAPACITY = RingProperties.size(RING_CAPACITY_PROPERTY, 4 << 20, Ring.MIN_CAPACITY, Ring.MAX_CAPACITY);
        DEFAULT_MAX_RING_ALLOCATION = RingProperties.size(MAX_RING_ALLOCATION_PROPERTY, 64 << 10, 1, Ring.MAX_CAPACITY);
        DEFAULT_MAX_REGIONS_VISITED = RingProperties.size(MAX_REGIONS_VISITED_PROPERTY, 1024, 1, Integer.MAX_VALUE);
        DEFAULT_HEAP_RINGS = RingProperties.flag(HEAP_RINGS_PROPERTY, true);
        DEFAULT_RINGS_FOR_ALL_THREADS = RingProperties.flag(RINGS_FOR_ALL_THREADS_PROPERTY, false);
        DEFAULT_FALLBACK = RingProperties.choice(FALLBACK_PROPERTY, "default", "default", "pooled", "unpooled");
        DEFAULT_LARGE_RING_ABOVE = RingProperties.size(LARGE_RING_ABOVE_PROPERTY, 0, 0, Ring.MAX_CAPACITY);
        DEFAULT_LARGE_RING_WHEN_CROWDED_ABOVE = RingProperties.size(LARGE_RING_WHEN_CROWDED_ABOVE_PROPERTY, 8 << 10, 0,
                Ring.MAX_CAPACITY);
        if (logger.isDebugEnabled()) {
            logger.debug("-D{}: {}", RING_CAPACITY_PROPERTY, DEFAULT_RING_CAPACITY);
            logger.debug("-D{}: {}", MAX_RING_ALLOCATION_PROPERTY, DEFAULT_MAX_RING_ALLOCATION);
            logger.debug("-D{}: {}", MAX_REGIONS_VISITED_PROPERTY, DEFAULT_MAX_REGIONS_VISITED);
            logger.debug("-D{}: {}", HEAP_RINGS_PROPERTY, DEFAULT_HEAP_RINGS);
            logger.debug("-D{}: {}", RINGS_FOR_ALL_THREADS_PROPERTY, DEFAULT_RINGS_FOR_ALL_THREADS);
            logger.debug("-D{}: {}", FALLBACK_PROPERTY, DEFAULT_FALLBACK);
            logger.debug("-D{}: {}", LARGE_RING_ABOVE_PROPERTY, DEFAULT_LARGE_RING_ABOVE);
            logger.debug("-D{}: {}", LARGE_RING_WHEN_CROWDED_ABOVE_PROPERTY, DEFAULT_LARGE_RING_WHEN_CROWDED_ABOVE);
            logger.debug("-D{}: {}", ALLOCATION_SITES_PROPERTY, RingHistory.SITES);
        }
    }

    /** The allocator with every default (system properties, else built-in). Creates no ring until used. */
    public static final RingByteBufAllocator DEFAULT = builder().build();

    /** Retires the rings of threads that ended without clean-up once the garbage collector finds them. */
    private static final Cleaner RING_CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "ringalloc-netty-cleaner");
        t.setDaemon(true);
        return t;
    });

    private final int ringCapacity;
    private final int maxRingAllocation;
    private final int maxRegionsVisited;
    private final boolean heapRings;
    private final boolean ringsForAllThreads;
    /** Requests above this many bytes go to the thread's large ring of their kind; 0: no large rings. */
    private final int largeRingAbove;
    /**
     * Requests above this many bytes are watched on a thread's ring ({@link Ring#watchCrowding}) and, once they
     * crowd it, go to the thread's large ring; {@code Integer.MAX_VALUE}: none (large rings off, or always on
     * through {@link #largeRingAbove}).
     */
    private final int crowdWatchAbove;
    private final boolean preferDirect;
    private final boolean memoryAddressAccess;
    private final ByteBufAllocator fallback;

    /** The calling thread's direct ring, created on first use; null for a thread that gets none. */
    private final FastThreadLocal<ThreadRing> directRings = new RingLocal(true, false);
    /** The calling thread's heap ring, created on first use; null for a thread that gets none. */
    private final FastThreadLocal<ThreadRing> heapRingsLocal = new RingLocal(false, false);
    /** The calling thread's direct ring for requests above {@link #largeRingAbove}, as {@link #directRings}. */
    private final FastThreadLocal<ThreadRing> largeDirectRings = new RingLocal(true, true);
    /** The calling thread's heap ring for requests above {@link #largeRingAbove}, as {@link #heapRingsLocal}. */
    private final FastThreadLocal<ThreadRing> largeHeapRings = new RingLocal(false, true);

    /**
     * Every ring not yet retired, by its record. Concurrent map: a thread adds its ring when it creates it; the
     * ring's {@link RingRecord} removes it when the ring is retired (on any thread). The map's own happens-before
     * edges publish each (immutable) ThreadRing.
     */
    private final Set<RingRecord> registry = ConcurrentHashMap.newKeySet();

    // Counters, any thread, LongAdder (contended increments, summed on read). Off the hot path: a fallback,
    // a move, and the figures of retired rings.
    private final Map<FallbackReason, LongAdder> fallbacks = new EnumMap<>(FallbackReason.class);
    private final LongAdder moves = new LongAdder();
    /**
     * Allocations and growths in place of the rings already retired. Guarded by its own monitor, which also
     * covers a record's passage from unretired to retired, so that a reader counts a ring's figures once.
     */
    private final long[] retiredFigures = new long[2];

    private final RingByteBufAllocatorMetric metric = new RingByteBufAllocatorMetric(this);

    private RingByteBufAllocator(Builder b) {
        super(b.preferDirect);
        this.ringCapacity = b.ringCapacity;
        this.maxRingAllocation = b.effectiveMaxRingAllocation();
        this.maxRegionsVisited = b.maxRegionsVisited;
        this.heapRings = b.heapRings;
        this.ringsForAllThreads = b.ringsForAllThreads;
        this.largeRingAbove = b.largeRingAbove;
        int crowdedAbove = b.effectiveLargeRingWhenCrowdedAbove();
        this.crowdWatchAbove = b.largeRingAbove == 0 && crowdedAbove > 0 ? crowdedAbove : Integer.MAX_VALUE;
        this.preferDirect = b.preferDirect;
        this.memoryAddressAccess = b.memoryAddressAccess && PlatformDependent.hasUnsafe()
                && PlatformDependent.isUnaligned();
        this.fallback = b.fallback != null ? b.fallback : fallbackNamed(DEFAULT_FALLBACK);
        for (FallbackReason reason : FallbackReason.values()) {
            fallbacks.put(reason, new LongAdder());
        }
        RingEvents.register();
    }

    /** A builder starting from the defaults (system properties, else built-in). */
    public static Builder builder() {
        return new Builder();
    }

    // ---- allocation -----------------------------------------------------------------------------------

    // AbstractByteBufAllocator sends buffer() to the heap when Unsafe is missing; rings serve direct
    // buffers with or without Unsafe, so only preferDirect decides.

    @Override
    public ByteBuf buffer() {
        return preferDirect ? directBuffer() : heapBuffer();
    }

    @Override
    public ByteBuf buffer(int initialCapacity) {
        return preferDirect ? directBuffer(initialCapacity) : heapBuffer(initialCapacity);
    }

    @Override
    public ByteBuf buffer(int initialCapacity, int maxCapacity) {
        return preferDirect ? directBuffer(initialCapacity, maxCapacity) : heapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return newBuffer(true, initialCapacity, maxCapacity);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return newBuffer(false, initialCapacity, maxCapacity);
    }

    private ByteBuf newBuffer(boolean direct, int initialCapacity, int maxCapacity) {
        ThreadRing ring = currentThreadRing(direct, initialCapacity);
        RingByteBuf buf;
        if (ring == null) {
            buf = fallbackBuffer(null, direct, noRingReason(direct), initialCapacity, maxCapacity);
        } else if (initialCapacity > maxRingAllocation) {
            buf = fallbackBuffer(ring, direct, FallbackReason.TOO_LARGE, initialCapacity, maxCapacity);
        } else {
            long region = ring.ring.tryAllocate(Math.max(1, initialCapacity));
            if (region == Ring.NO_REGION) {
                buf = fallbackBuffer(ring, direct, FallbackReason.RING_FULL, initialCapacity, maxCapacity);
            } else {
                buf = ring.pool.get();
                buf.init(ring, region, initialCapacity, maxCapacity);
                ring.allocated(region);
            }
        }
        return toLeakAwareBuffer(buf);
    }

    /**
     * A buffer object over fallback memory: from {@code ring}'s pool when the thread has a ring of that kind, else
     * a new one that the garbage collector takes after its release.
     */
    private RingByteBuf fallbackBuffer(ThreadRing ring, boolean direct, FallbackReason reason, int initialCapacity,
                                       int maxCapacity) {
        ByteBuf memory = fallbackMemory(direct, initialCapacity, reason);
        RingByteBuf buf = ring != null ? ring.pool.get() : newBufferObject(null, direct);
        buf.initFallback(memory, initialCapacity, maxCapacity);
        return buf;
    }

    /** A new buffer object of the kind and access path this allocator uses, whose home is {@code home}. */
    private RingByteBuf newBufferObject(ThreadRing home, boolean direct) {
        if (direct && memoryAddressAccess) {
            return new UnsafeRingByteBuf(home, this);
        }
        // A factory, not new: see SegmentRingByteBuf.create.
        return direct && home != null && home.segment != null ? SegmentRingByteBuf.create(home, this)
                : new NioRingByteBuf(home, this, direct);
    }

    /**
     * Memory for a fallback buffer, or for one that moves out of its ring: a fallback buffer of the given kind
     * holding exactly {@code capacity} bytes as one NIO buffer (growth moves it; see {@link RingByteBuf}).
     */
    ByteBuf fallbackMemory(boolean direct, int capacity, FallbackReason reason) {
        RingEvents.fallback(reason, capacity, direct);
        if (reason == FallbackReason.RING_FULL && RingEvents.ringFullEnabled()) {
            RingEvents.ringFull(currentThreadRing(direct, capacity), capacity); // the calling thread's ring was full
        }
        ByteBufAllocator from = fallBack(reason);
        ByteBuf buf = direct ? from.directBuffer(capacity, capacity) : from.heapBuffer(capacity, capacity);
        if (buf.isDirect() != direct || buf.nioBufferCount() != 1) {
            buf.release();
            buf = direct ? Unpooled.directBuffer(capacity, capacity) : Unpooled.buffer(capacity, capacity);
        }
        return buf;
    }

    /** Why a thread without a ring of this kind falls back: {@code HEAP} when heap rings are off, else {@code NO_RING}. */
    FallbackReason noRingReason(boolean direct) {
        return direct || heapRings ? FallbackReason.NO_RING : FallbackReason.HEAP;
    }

    /** True: buffers come from preallocated rings. */
    @Override
    public boolean isDirectBufferPooled() {
        return true;
    }

    private ByteBufAllocator fallBack(FallbackReason reason) {
        fallbacks.get(reason).increment();
        return fallback;
    }

    /**
     * The calling thread's ring of the given kind for a request of {@code bytes} (its large ring above
     * {@link #largeRingAbove}, unless no ring serves that size: a request for the fallback creates no large ring),
     * created on its first use, or null when the thread gets none: heap rings are off,
     * the thread is neither a FastThreadLocalThread nor (with rings for all threads) a platform thread, or its ring
     * could not be created.
     */
    ThreadRing currentThreadRing(boolean direct, int bytes) {
        if (!direct && !heapRings) {
            return null;
        }
        Thread thread = Thread.currentThread();
        if (!(thread instanceof FastThreadLocalThread) && (!ringsForAllThreads || VirtualThreads.isVirtual(thread))) {
            return null;
        }
        // After FastThreadLocal.removeAll() on a live thread (some executors do that between tasks) the old ring
        // is retired by onRemoval and lives on until its buffers are released; get() then starts a new one.
        if (largeRingAbove > 0 && bytes > largeRingAbove && bytes <= maxRingAllocation) {
            return (direct ? largeDirectRings : largeHeapRings).get();
        }
        ThreadRing ring = (direct ? directRings : heapRingsLocal).get();
        return bytes > crowdWatchAbove ? largeRingIfCrowded(ring, direct, bytes) : ring;
    }

    /**
     * The thread's large ring of the kind for a request above {@link #crowdWatchAbove} if its ring is crowded
     * ({@link Ring#isCrowded()}) and a ring serves that size, else its ring. A method of its own: every byte of
     * {@link #currentThreadRing} counts against what the JIT inlines into the allocation path.
     */
    private ThreadRing largeRingIfCrowded(ThreadRing ring, boolean direct, int bytes) {
        return ring != null && ring.ring.isCrowded() && bytes <= maxRingAllocation
                ? (direct ? largeDirectRings : largeHeapRings).get() : ring;
    }

    /** A thread's ring of one kind: created on first use, retired when the thread cleans up its thread-locals. */
    private final class RingLocal extends FastThreadLocal<ThreadRing> {
        private final boolean direct;
        private final boolean large;

        RingLocal(boolean direct, boolean large) {
            this.direct = direct;
            this.large = large;
        }

        @Override
        protected ThreadRing initialValue() {
            return newThreadRing(direct, large);
        }

        @Override
        protected void onRemoval(ThreadRing ring) {
            if (ring != null) {
                retire(ring);
            }
        }
    }

    private ThreadRing newThreadRing(boolean direct, boolean large) {
        prune();
        final Ring ring;
        try {
            ring = direct ? Ring.allocate(ringCapacity, maxRegionsVisited) : Ring.allocateHeap(ringCapacity, maxRegionsVisited);
        } catch (OutOfMemoryError e) {
            logger.warn("could not allocate a {}-byte {} ring for {}; its buffers come from the fallback",
                    ringCapacity, direct ? "direct" : "heap", Thread.currentThread().getName(), e);
            return null;
        }
        if (!large && crowdWatchAbove != Integer.MAX_VALUE) {
            ring.watchCrowding(crowdWatchAbove); // on the owner: this runs in its first allocation of the kind
        }
        RingHistory history = new RingHistory(Thread.currentThread(), large);
        ThreadRing threadRing = new ThreadRing(ring, Thread.currentThread(), history,
                home -> newBufferObject(home, direct));
        RingRecord record = new RingRecord(ring, history);
        record.cleanable = RING_CLEANER.register(threadRing, record);
        registry.add(record);
        RingEvents.ringCreated(ring, large);
        return threadRing;
    }

    /** Retires {@code ring} now (its owner cleaned up its thread-locals): see {@link RingRecord}. */
    private void retire(ThreadRing ring) {
        for (RingRecord record : registry) {
            if (record.ring() == ring.ring) {
                record.cleanable.clean();
                return;
            }
        }
    }

    /**
     * One ring in the registry, until the ring is freed or collected. It never refers to the ring's
     * {@link ThreadRing}, so that the garbage collector can find that (with its pool and buffer objects)
     * unreachable once the thread and every buffer are gone; the cleaner then runs {@link #run()}, as
     * {@code onRemoval} does earlier for a thread that cleans up, and {@link #prune()} for an owner that ended.
     * Whichever comes first, exactly once: the ring is retired (freed now if empty, else by its last release) and
     * its final figures are added to the allocator's totals, so that no count goes backwards when the ring is
     * collected. Until then the record holds the {@link Ring} strongly, for those figures; after, weakly, so
     * that a ring whose buffers leaked goes to the garbage collector with its memory.
     */
    private final class RingRecord implements Runnable {
        /** The ring's history, which holds its owner weakly. */
        private final RingHistory history;
        private final WeakReference<Ring> weakRing;
        /** The ring until it is retired, then null. Written by the retiring thread, volatile. */
        private volatile Ring unretired;
        /** Written once, right after creation, by the creating thread, before the record is published. */
        Cleaner.Cleanable cleanable;

        RingRecord(Ring ring, RingHistory history) {
            this.history = history;
            this.weakRing = new WeakReference<>(ring);
            this.unretired = ring;
        }

        /** The ring, or null once it was retired and collected. */
        Ring ring() {
            Ring r = unretired;
            return r != null ? r : weakRing.get();
        }

        boolean retired() {
            return unretired == null;
        }

        boolean ownerEnded() {
            return !history.ownerAlive();
        }

        @Override
        public void run() {
            Ring ring = unretired;
            ring.retire(); // no allocation or growth after this: the figures below are final
            RingStats stats = ring.stats();
            synchronized (retiredFigures) { // a reader sees the figures either here or in the totals, once
                retiredFigures[0] += stats.allocations();
                retiredFigures[1] += stats.growthsInPlace();
                unretired = null;
            }
            if (ring.isFreed()) {
                RingEvents.ringFreed(ring, history);
            }
        }
    }

    /**
     * Retires the rings of threads that ended without FastThreadLocal clean-up, and forgets rings that were freed
     * or collected. Any thread; a ring whose owner has ended can no longer allocate, so retiring it here cannot
     * race with its owner.
     */
    private void prune() {
        for (RingRecord record : registry) {
            if (!record.retired() && record.ownerEnded()) {
                record.cleanable.clean();
            }
            Ring ring = record.ring();
            if (ring == null || ring.isFreed()) {
                registry.remove(record);
                if (ring != null) {
                    RingEvents.ringFreed(ring, record.history); // if no release or retirement reported it
                }
            }
        }
    }

    /** The records of rings not yet freed, after {@link #prune()}; no walk of their regions. */
    List<RingRecord> liveRecords() {
        prune();
        return new ArrayList<>(registry);
    }

    void countMove() {
        moves.increment();
    }

    // ---- configuration --------------------------------------------------------------------------------

    /** Bytes of each ring (one per event-loop thread). */
    public int ringCapacity() {
        return ringCapacity;
    }

    /** The largest request (and the largest capacity a buffer grows to) that a ring serves. */
    public int maxRingAllocation() {
        return maxRingAllocation;
    }

    /** The most regions one allocation walk visits before the request falls back. */
    public int maxRegionsVisited() {
        return maxRegionsVisited;
    }

    /**
     * Requests above this many bytes come from the thread's large ring of their kind; 0: each thread has one ring
     * per kind.
     */
    public int largeRingAbove() {
        return largeRingAbove;
    }

    /**
     * Requests above this many bytes move to the thread's large ring of their kind once they crowd its ring (see
     * {@link Builder#largeRingWhenCrowdedAbove(int)}); 0: never (off, or {@link #largeRingAbove()} decides alone).
     */
    public int largeRingWhenCrowdedAbove() {
        return crowdWatchAbove == Integer.MAX_VALUE ? 0 : crowdWatchAbove;
    }

    /** True when every allocating thread gets a ring, not only {@link FastThreadLocalThread}s. */
    public boolean ringsForAllThreads() {
        return ringsForAllThreads;
    }

    /** True when ring buffers access memory through its address (Unsafe), false for ByteBuffer access. */
    public boolean memoryAddressAccess() {
        return memoryAddressAccess;
    }

    /** The allocator serving what the rings do not. */
    public ByteBufAllocator fallback() {
        return fallback;
    }

    // ---- metrics --------------------------------------------------------------------------------------

    @Override
    public RingByteBufAllocatorMetric metric() {
        return metric;
    }

    /** Snapshot of every ring not yet freed; retires rings of ended threads first. */
    List<RingStats> ringStats() {
        List<RingStats> stats = new ArrayList<>();
        for (RingRecord record : liveRecords()) {
            Ring ring = record.ring();
            if (ring != null) {
                RingStats s = ring.stats();
                if (!ring.isFreed()) {
                    stats.add(s);
                }
            }
        }
        return stats;
    }

    /**
     * A snapshot of every ring not yet freed, with its {@code oldest} oldest live regions; retires the rings of ended
     * threads first.
     */
    List<RingSnapshot> ringSnapshots(int oldest) {
        List<RingSnapshot> snapshots = new ArrayList<>();
        for (RingRecord record : liveRecords()) {
            Ring ring = record.ring();
            if (ring != null) {
                RingSnapshot s = RingSnapshot.take(ring, record.history, oldest);
                if (!ring.isFreed()) {
                    snapshots.add(s);
                }
            }
        }
        return snapshots;
    }

    /**
     * A readable text of this allocator now, to read or to paste into an issue: its settings and counters, then
     * every ring not yet freed (owner thread, direct or heap, capacity, memory kind, bytes in use, live regions,
     * largest free run) with its {@value RingDump#OLDEST} oldest live regions: age in allocations and in time,
     * size, and, in allocation-site mode ({@value #ALLOCATION_SITES_PROPERTY}), where each was allocated. Any thread,
     * while the rings run: it walks each ring read-only (see {@link Ring#stats()}).
     */
    public String dump() {
        return RingDump.render(this, ringSnapshots(RingDump.OLDEST));
    }

    /** Rings not yet freed, direct ({@code direct}) or heap: their count and capacity, without walking them. */
    long[] ringCountAndCapacity(boolean direct) {
        long count = 0;
        long capacity = 0;
        for (RingRecord record : liveRecords()) {
            Ring ring = record.ring();
            if (ring != null && !ring.isFreed() && ring.isDirect() == direct) {
                count++;
                capacity += ring.capacity();
            }
        }
        return new long[] {count, capacity};
    }

    /**
     * Regions handed out ({@code growths == false}) or grown in place ({@code true}) by every ring since the
     * allocator was created: the retired rings' final figures plus the figures of the rings still allocating.
     */
    long ringCount(boolean growths) {
        List<RingRecord> records = liveRecords(); // first: it may retire rings of ended threads
        List<Ring> unretired = new ArrayList<>();
        long sum;
        synchronized (retiredFigures) {
            sum = retiredFigures[growths ? 1 : 0];
            for (RingRecord record : records) {
                Ring ring = record.unretired;
                if (ring != null) {
                    unretired.add(ring);
                }
            }
        }
        // A ring retired from here on had its final figures read already, and adds them to the totals only now.
        for (Ring ring : unretired) {
            RingStats s = ring.stats();
            sum += growths ? s.growthsInPlace() : s.allocations();
        }
        return sum;
    }

    long fallbacks(FallbackReason reason) {
        return fallbacks.get(Objects.requireNonNull(reason, "reason")).sum();
    }

    long moves() {
        return moves.sum();
    }

    @Override
    public String toString() {
        return "RingByteBufAllocator(ringCapacity: " + ringCapacity + ", maxRingAllocation: " + maxRingAllocation
                + ", maxRegionsVisited: " + maxRegionsVisited + ", heapRings: " + heapRings
                + ", ringsForAllThreads: " + ringsForAllThreads + ", largeRingAbove: " + largeRingAbove
                + ", largeRingWhenCrowdedAbove: " + largeRingWhenCrowdedAbove()
                + ", memoryAddressAccess: " + memoryAddressAccess + ", fallback: "
                + fallback.getClass().getSimpleName() + ')';
    }

    // ---- defaults -------------------------------------------------------------------------------------

    private static ByteBufAllocator fallbackNamed(String name) {
        switch (name) {
            case "pooled":
                return PooledByteBufAllocator.DEFAULT;
            case "unpooled":
                return UnpooledByteBufAllocator.DEFAULT;
            default:
                return ByteBufAllocator.DEFAULT;
        }
    }

    /**
     * Builds a {@link RingByteBufAllocator}. Every setting starts at its default (see the system properties
     * on {@link RingByteBufAllocator}). Not thread-safe.
     */
    public static final class Builder {
        private int ringCapacity = DEFAULT_RING_CAPACITY;
        private int maxRingAllocation; // 0: the default, capped by the ring capacity
        private int maxRegionsVisited = DEFAULT_MAX_REGIONS_VISITED;
        private boolean heapRings = DEFAULT_HEAP_RINGS;
        private boolean ringsForAllThreads = DEFAULT_RINGS_FOR_ALL_THREADS;
        private int largeRingAbove = DEFAULT_LARGE_RING_ABOVE;
        private int largeRingWhenCrowdedAbove = -1; // -1: the default, off where it would serve no request
        private boolean preferDirect = true;
        private boolean memoryAddressAccess = true;
        private ByteBufAllocator fallback;

        private Builder() {
        }

        /**
         * Bytes of each ring, {@value Ring#MIN_CAPACITY} to {@link Ring#MAX_CAPACITY}; every ring thread
         * reserves this much direct memory, and as much heap once it allocates a heap buffer (with heap rings on).
         */
        public Builder ringCapacity(int bytes) {
            this.ringCapacity = Ring.checkCapacity(bytes);
            return this;
        }

        /**
         * The largest request a ring serves (larger ones go to the fallback), and the largest capacity a ring
         * buffer grows to inside a ring. At least 1, at most the ring capacity less 16 bytes (checked by
         * {@link #build()}).
         */
        public Builder maxRingAllocation(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxRingAllocation must be positive, got " + bytes);
            }
            this.maxRingAllocation = bytes;
            return this;
        }

        /**
         * The most regions one allocation walk visits before it gives up and the request falls back (counted
         * as {@link FallbackReason#RING_FULL}); bounds the latency of an allocation. At least 1.
         */
        public Builder maxRegionsVisited(int regions) {
            if (regions < 1) {
                throw new IllegalArgumentException("maxRegionsVisited must be positive, got " + regions);
            }
            this.maxRegionsVisited = regions;
            return this;
        }

        /**
         * The allocator for what the rings do not serve: large requests, a full ring, threads without a ring,
         * heap buffers. Default: Netty's {@link ByteBufAllocator#DEFAULT} (or the {@value #FALLBACK_PROPERTY}
         * system property).
         */
        public Builder fallback(ByteBufAllocator fallback) {
            if (fallback instanceof RingByteBufAllocator) {
                throw new IllegalArgumentException("the fallback must not be a RingByteBufAllocator");
            }
            this.fallback = Objects.requireNonNull(fallback, "fallback");
            return this;
        }

        /**
         * Whether heap buffers ({@code heapBuffer()}, and {@code buffer()} without {@code preferDirect}) come from a
         * heap ring per thread (true, the default) or from the fallback (false; counted as
         * {@link FallbackReason#HEAP}).
         */
        public Builder heapRings(boolean heapRings) {
            this.heapRings = heapRings;
            return this;
        }

        /**
         * Whether every allocating thread gets its own ring (true), or only {@link FastThreadLocalThread}s,
         * Netty's event loops (false, the default). The ring of a plain thread that ends is retired the next
         * time the allocator creates a ring or reports its metric. Every such thread reserves a whole ring:
         * not for large thread pools or virtual threads.
         */
        public Builder ringsForAllThreads(boolean all) {
            this.ringsForAllThreads = all;
            return this;
        }

        /**
         * Requests above {@code bytes} come from a second ring of the thread and kind (its <em>large ring</em>, of
         * the same capacity), smaller ones from its ring; 0 (the default) gives each thread one ring per kind.
         * For traffic that mixes large buffers with small ones that live long: in one ring, a large request must
         * find a run of free regions between them and may walk far for it; in a ring of its own it does not. In
         * benchmark 7 (framing sizes, 5 % long-lived) {@code 8192} cut the p99.9 latency of an allocation from
         * 6.6 µs to 1.1 µs, at 1.06× the throughput; where nothing lives long it cost 15-17 % of the throughput
         * (docs/benchmarks.md). Each ring thread then reserves two rings per kind. At least 0, below
         * {@link #maxRingAllocation(int) maxRingAllocation} (checked by {@link #build()}).
         */
        public Builder largeRingAbove(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("largeRingAbove must be 0 (off) or positive, got " + bytes);
            }
            this.largeRingAbove = bytes;
            return this;
        }

        /**
         * Requests above {@code bytes} move to a second ring of the thread and kind (its large ring, as with
         * {@link #largeRingAbove(int)}) once they <em>crowd</em> the thread's ring: when two of them within 1,024
         * allocations had to search round the ring for a gap between held buffers, or found none, or (requests of
         * more than four times {@code bytes}) stepped over more than 16 held buffers while the ring's buffers spread
         * beyond a quarter of it ({@link Ring#watchCrowding}). Until then
         * every request shares the one ring, which is the faster where nothing lives long; a thread that
         * never crowds its ring never reserves a second one. 0 turns it off; {@link #largeRingAbove(int)} above 0
         * takes precedence. Default 8 KiB ({@value #LARGE_RING_WHEN_CROWDED_ABOVE_PROPERTY}). At least 0, below
         * {@link #maxRingAllocation(int) maxRingAllocation} (checked by {@link #build()}; the default is simply
         * off where it is not below it).
         */
        public Builder largeRingWhenCrowdedAbove(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("largeRingWhenCrowdedAbove must be 0 (off) or positive, got "
                        + bytes);
            }
            this.largeRingWhenCrowdedAbove = bytes;
            return this;
        }

        /** The crowding threshold these settings give: the one set, else the default if below the largest request. */
        private int effectiveLargeRingWhenCrowdedAbove() {
            if (largeRingWhenCrowdedAbove >= 0) {
                return largeRingWhenCrowdedAbove;
            }
            return DEFAULT_LARGE_RING_WHEN_CROWDED_ABOVE < effectiveMaxRingAllocation()
                    ? DEFAULT_LARGE_RING_WHEN_CROWDED_ABOVE : 0;
        }

        /** Whether {@code buffer()} returns direct buffers (true, the default) or heap ones. */
        public Builder preferDirect(boolean preferDirect) {
            this.preferDirect = preferDirect;
            return this;
        }

        /**
         * Whether ring buffers access memory through its address when Netty has Unsafe (true, the default), or
         * always through {@link java.nio.ByteBuffer} (false). Without Unsafe, ByteBuffer access is used anyway.
         */
        public Builder memoryAddressAccess(boolean useAddress) {
            this.memoryAddressAccess = useAddress;
            return this;
        }

        /** The largest ring allocation these settings give: the one set, else the default capped by the ring. */
        private int effectiveMaxRingAllocation() {
            return maxRingAllocation != 0 ? maxRingAllocation
                    : Math.min(DEFAULT_MAX_RING_ALLOCATION, Ring.maxAllocationOf(ringCapacity));
        }

        /**
         * Builds the allocator. No ring is allocated until a thread allocates.
         *
         * @throws IllegalArgumentException if the maximum ring allocation does not fit in a ring, or large rings
         *                                  would serve no request
         */
        public RingByteBufAllocator build() {
            if (maxRingAllocation > Ring.maxAllocationOf(ringCapacity)) {
                throw new IllegalArgumentException("maxRingAllocation " + maxRingAllocation
                        + " does not fit in a ring of " + ringCapacity + " bytes (at most "
                        + Ring.maxAllocationOf(ringCapacity) + ")");
            }
            int largest = effectiveMaxRingAllocation();
            if (largeRingAbove >= largest) {
                throw new IllegalArgumentException("largeRingAbove " + largeRingAbove + " must be below the largest"
                        + " ring allocation, " + largest + ": no request would reach a large ring");
            }
            if (largeRingWhenCrowdedAbove >= largest) {
                throw new IllegalArgumentException("largeRingWhenCrowdedAbove " + largeRingWhenCrowdedAbove
                        + " must be below the largest ring allocation, " + largest
                        + ": no request would reach a large ring");
            }
            return new RingByteBufAllocator(this);
        }
    }
}
