package dev.ringalloc.netty;

import dev.ringalloc.core.Ring;
import dev.ringalloc.core.RingStats;
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

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Netty {@link ByteBufAllocator} that serves short-lived direct buffers from one ring per event-loop thread.
 * One line adopts it:
 * <pre>{@code
 * bootstrap.childOption(ChannelOption.ALLOCATOR, RingByteBufAllocator.DEFAULT);
 * }</pre>
 * or, configured:
 * <pre>{@code
 * RingByteBufAllocator alloc = RingByteBufAllocator.builder()
 *         .ringCapacity(8 << 20)             // bytes per ring (one ring per event loop)
 *         .maxRingAllocation(64 << 10)       // larger requests go to the fallback
 *         .maxRegionsVisited(1024)           // bound on one allocation walk
 *         .fallback(PooledByteBufAllocator.DEFAULT)
 *         .ringsForAllThreads(false)         // only FastThreadLocalThreads (event loops) get a ring
 *         .build();
 * }</pre>
 *
 * <h2>What comes from where</h2>
 * <ul>
 *   <li>{@code buffer()}, {@code ioBuffer()}, {@code directBuffer()}: a {@link RingByteBuf} in a region of the
 *       calling thread's ring, created on the thread's first allocation.</li>
 *   <li>The fallback allocator (Netty's {@link ByteBufAllocator#DEFAULT} unless configured) serves requests
 *       above {@link #maxRingAllocation()}, requests when the ring is full, requests from threads without a
 *       ring, and heap buffers. Each fallback is counted by {@link FallbackReason}.</li>
 *   <li>{@code compositeBuffer()}: Netty's {@link io.netty.buffer.CompositeByteBuf} whose components this
 *       allocator allocates.</li>
 * </ul>
 * Only {@link FastThreadLocalThread}s (Netty's event loops) get a ring unless the builder says
 * {@link Builder#ringsForAllThreads(boolean) ringsForAllThreads(true)}: a 200-thread pool must not silently
 * reserve 200 rings.
 *
 * <h2>Ring lifetime</h2>
 * A ring is freed once its thread has ended and its last buffer has been released. A
 * {@link FastThreadLocalThread} that cleans up its thread-locals at exit (Netty's event loops do) retires its
 * ring at once through {@link FastThreadLocal#onRemoval}; the ring of any other thread that ended is retired
 * the next time this allocator creates a ring or reports its {@link #metric()} (and a ring nothing refers to
 * any more, neither its thread nor a buffer, is collected with its memory by the garbage collector).
 *
 * <h2>System properties</h2>
 * Defaults of the builder (sizes accept a {@code k}, {@code m} or {@code g} suffix):
 * <ul>
 *   <li>{@value #RING_CAPACITY_PROPERTY}: bytes per ring, default 4m;</li>
 *   <li>{@value #MAX_RING_ALLOCATION_PROPERTY}: largest request served by a ring, default 64k (at most the
 *       ring capacity less 16 bytes);</li>
 *   <li>{@value #MAX_REGIONS_VISITED_PROPERTY}: regions one allocation walk may visit before it gives up and
 *       the request falls back, default 1024;</li>
 *   <li>{@value #FALLBACK_PROPERTY}: {@code default} (Netty's {@code ByteBufAllocator.DEFAULT}),
 *       {@code pooled} or {@code unpooled};</li>
 *   <li>{@value #RINGS_FOR_ALL_THREADS_PROPERTY}: {@code true} gives every allocating thread a ring, default
 *       false.</li>
 * </ul>
 *
 * <h2>Leak detection</h2>
 * Ring buffers pass through {@code toLeakAwareBuffer} like the buffers of Netty's own allocators, so
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
    /** System property: default fallback allocator, {@code default}, {@code pooled} or {@code unpooled}. */
    public static final String FALLBACK_PROPERTY = "dev.ringalloc.netty.fallback";
    /** System property: whether every thread (not only event loops) gets a ring by default. */
    public static final String RINGS_FOR_ALL_THREADS_PROPERTY = "dev.ringalloc.netty.ringsForAllThreads";

    /** Default bytes per ring: {@value #RING_CAPACITY_PROPERTY}, else 4 MiB. */
    public static final int DEFAULT_RING_CAPACITY;
    /** Default largest ring allocation: {@value #MAX_RING_ALLOCATION_PROPERTY}, else 64 KiB. */
    public static final int DEFAULT_MAX_RING_ALLOCATION;
    /** Default bound on regions visited per allocation walk: {@value #MAX_REGIONS_VISITED_PROPERTY}, else 1024. */
    public static final int DEFAULT_MAX_REGIONS_VISITED;
    /** Default for rings on every thread: {@value #RINGS_FOR_ALL_THREADS_PROPERTY}, else false. */
    public static final boolean DEFAULT_RINGS_FOR_ALL_THREADS;
    /** Default fallback allocator's name: {@value #FALLBACK_PROPERTY}, else {@code default}. */
    public static final String DEFAULT_FALLBACK;

    static {
        DEFAULT_RING_CAPACITY = sizeProperty(RING_CAPACITY_PROPERTY, 4 << 20, Ring.MIN_CAPACITY, Ring.MAX_CAPACITY);
        DEFAULT_MAX_RING_ALLOCATION = sizeProperty(MAX_RING_ALLOCATION_PROPERTY, 64 << 10, 1, Ring.MAX_CAPACITY);
        DEFAULT_MAX_REGIONS_VISITED = sizeProperty(MAX_REGIONS_VISITED_PROPERTY, 1024, 1, Integer.MAX_VALUE);
        DEFAULT_RINGS_FOR_ALL_THREADS = Boolean.parseBoolean(property(RINGS_FOR_ALL_THREADS_PROPERTY, "false"));
        String fallback = property(FALLBACK_PROPERTY, "default").trim().toLowerCase(Locale.ROOT);
        if (!fallback.equals("default") && !fallback.equals("pooled") && !fallback.equals("unpooled")) {
            logger.warn("-D{}={}: expected default, pooled or unpooled; using default", FALLBACK_PROPERTY, fallback);
            fallback = "default";
        }
        DEFAULT_FALLBACK = fallback;
    }

    /** The allocator with every default (system properties, else built-in). Creates no ring until used. */
    public static final RingByteBufAllocator DEFAULT = builder().build();

    private final int ringCapacity;
    private final int maxRingAllocation;
    private final int maxRegionsVisited;
    private final boolean ringsForAllThreads;
    private final boolean preferDirect;
    private final boolean memoryAddressAccess;
    private final ByteBufAllocator fallback;

    /**
     * The calling thread's ring, created on first use; null for a thread that could not get one. Each value is
     * written and read by its own thread only. Removal (at FastThreadLocalThread exit) retires the ring.
     */
    private final FastThreadLocal<ThreadRing> rings = new FastThreadLocal<ThreadRing>() {
        @Override
        protected ThreadRing initialValue() {
            return newThreadRing();
        }

        @Override
        protected void onRemoval(ThreadRing ring) {
            if (ring != null) {
                ring.ring.retire();
            }
        }
    };

    /**
     * Every ring not yet freed, for metrics and for retiring the rings of ended threads. Weak references: a
     * ring stays reachable through its thread's FastThreadLocal and through its buffers, so a ring whose thread
     * ended without clean-up and whose buffers are gone is collected, and its memory freed by the JDK's
     * cleaner, even if nothing prunes it. Concurrent set (identity of the references): a thread adds its ring
     * when it creates it; any thread running {@link #prune()} removes freed or collected rings. The set's own
     * happens-before edges publish each (immutable) ThreadRing.
     */
    private final Set<WeakReference<ThreadRing>> registry = ConcurrentHashMap.newKeySet();

    // Counters, any thread, LongAdder (contended increments, summed on read). Off the hot path: a fallback,
    // a move, and the figures of rings already freed.
    private final Map<FallbackReason, LongAdder> fallbacks = new EnumMap<>(FallbackReason.class);
    private final LongAdder moves = new LongAdder();
    private final LongAdder freedRingAllocations = new LongAdder();
    private final LongAdder freedRingGrowths = new LongAdder();

    private final RingByteBufAllocatorMetric metric = new RingByteBufAllocatorMetric(this);

    private RingByteBufAllocator(Builder b) {
        super(b.preferDirect);
        this.ringCapacity = b.ringCapacity;
        this.maxRingAllocation = b.maxRingAllocation != 0 ? b.maxRingAllocation
                : Math.min(DEFAULT_MAX_RING_ALLOCATION, maxAllocationOf(b.ringCapacity));
        this.maxRegionsVisited = b.maxRegionsVisited;
        this.ringsForAllThreads = b.ringsForAllThreads;
        this.preferDirect = b.preferDirect;
        this.memoryAddressAccess = b.memoryAddressAccess && PlatformDependent.hasUnsafe()
                && PlatformDependent.isUnaligned();
        this.fallback = b.fallback != null ? b.fallback : fallbackNamed(DEFAULT_FALLBACK);
        for (FallbackReason reason : FallbackReason.values()) {
            fallbacks.put(reason, new LongAdder());
        }
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
        ThreadRing ring = currentThreadRing();
        if (ring == null) {
            return fallBack(FallbackReason.NO_RING).directBuffer(initialCapacity, maxCapacity);
        }
        if (initialCapacity > maxRingAllocation) {
            return fallBack(FallbackReason.TOO_LARGE).directBuffer(initialCapacity, maxCapacity);
        }
        long region = ring.ring.tryAllocate(Math.max(1, initialCapacity));
        if (region == Ring.NO_REGION) {
            return fallBack(FallbackReason.RING_FULL).directBuffer(initialCapacity, maxCapacity);
        }
        RingByteBuf buf = ring.pool.get();
        buf.init(ring, region, initialCapacity, maxCapacity);
        return toLeakAwareBuffer(buf);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return fallBack(FallbackReason.HEAP).heapBuffer(initialCapacity, maxCapacity);
    }

    /** True: direct buffers come from preallocated rings. */
    @Override
    public boolean isDirectBufferPooled() {
        return true;
    }

    private ByteBufAllocator fallBack(FallbackReason reason) {
        fallbacks.get(reason).increment();
        return fallback;
    }

    /**
     * The calling thread's ring, created on its first use, or null when the thread gets no ring (not a
     * FastThreadLocalThread and rings are not for all threads, or its ring could not be created).
     */
    ThreadRing currentThreadRing() {
        if (!ringsForAllThreads && !(Thread.currentThread() instanceof FastThreadLocalThread)) {
            return null;
        }
        // After FastThreadLocal.removeAll() on a live thread (some executors do that between tasks) the old ring
        // is retired by onRemoval and lives on until its buffers are released; get() then starts a new one.
        return rings.get();
    }

    private ThreadRing newThreadRing() {
        prune();
        final Ring ring;
        try {
            ring = Ring.allocate(ringCapacity, maxRegionsVisited);
        } catch (OutOfMemoryError e) {
            logger.warn("could not allocate a {}-byte ring for {}; its buffers come from the fallback",
                    ringCapacity, Thread.currentThread().getName(), e);
            return null;
        }
        ThreadRing threadRing = new ThreadRing(ring, Thread.currentThread(),
                memoryAddressAccess ? pool -> new UnsafeRingByteBuf(pool, this) : pool -> new NioRingByteBuf(pool, this));
        registry.add(new WeakReference<>(threadRing));
        return threadRing;
    }

    /**
     * Retires the rings of threads that ended without FastThreadLocal clean-up, and forgets freed rings,
     * keeping their counters. Any thread; a ring's retire() is idempotent and a ring whose owner has ended
     * can no longer allocate, so retiring it here cannot race with its owner.
     */
    private void prune() {
        for (WeakReference<ThreadRing> ref : registry) {
            ThreadRing r = ref.get();
            if (r == null) {
                registry.remove(ref); // collected: its thread and its buffers are gone (its figures too)
                continue;
            }
            if (!r.ring.isRetired() && !r.owner.isAlive()) {
                r.ring.retire();
            }
            if (r.ring.isFreed() && registry.remove(ref)) {
                RingStats stats = r.ring.stats();
                freedRingAllocations.add(stats.allocations());
                freedRingGrowths.add(stats.growthsInPlace());
            }
        }
    }

    /** Rings not yet freed, after {@link #prune()}; no walk of their regions. */
    List<ThreadRing> liveRings() {
        prune();
        List<ThreadRing> rings = new ArrayList<>(registry.size());
        for (WeakReference<ThreadRing> ref : registry) {
            ThreadRing r = ref.get();
            if (r != null && !r.ring.isFreed()) {
                rings.add(r);
            }
        }
        return rings;
    }

    /** Memory for a buffer that moves out of its ring: a direct fallback buffer exposing one NIO buffer. */
    ByteBuf fallbackMemory(int capacity, FallbackReason reason) {
        ByteBuf buf = fallBack(reason).directBuffer(capacity, capacity);
        if (!buf.isDirect() || buf.nioBufferCount() != 1) {
            buf.release();
            buf = Unpooled.directBuffer(capacity, capacity);
        }
        return buf;
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
        for (ThreadRing r : liveRings()) {
            RingStats s = r.ring.stats();
            if (!r.ring.isFreed()) {
                stats.add(s);
            }
        }
        return stats;
    }

    long fallbacks(FallbackReason reason) {
        return fallbacks.get(Objects.requireNonNull(reason, "reason")).sum();
    }

    long moves() {
        return moves.sum();
    }

    long freedRingAllocations() {
        return freedRingAllocations.sum();
    }

    long freedRingGrowths() {
        return freedRingGrowths.sum();
    }

    @Override
    public String toString() {
        return "RingByteBufAllocator(ringCapacity: " + ringCapacity + ", maxRingAllocation: " + maxRingAllocation
                + ", maxRegionsVisited: " + maxRegionsVisited + ", ringsForAllThreads: " + ringsForAllThreads
                + ", memoryAddressAccess: " + memoryAddressAccess + ", fallback: "
                + fallback.getClass().getSimpleName() + ')';
    }

    // ---- defaults -------------------------------------------------------------------------------------

    private static int maxAllocationOf(int ringCapacity) {
        return ((ringCapacity + 7) & ~7) - 16; // a ring's head guard and tail guard
    }

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

    private static String property(String key, String def) {
        try {
            String value = System.getProperty(key);
            return value == null ? def : value;
        } catch (SecurityException e) {
            return def;
        }
    }

    static int sizeProperty(String key, int def, int min, int max) {
        String value = property(key, null);
        if (value == null) {
            return def;
        }
        try {
            long size = parseSize(value);
            if (size < min || size > max) {
                throw new NumberFormatException("outside [" + min + ", " + max + "]");
            }
            return (int) size;
        } catch (NumberFormatException e) {
            logger.warn("-D{}={}: {}; using {}", key, value, e.getMessage(), def);
            return def;
        }
    }

    static long parseSize(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (v.endsWith("k")) {
            unit = 1L << 10;
        } else if (v.endsWith("m")) {
            unit = 1L << 20;
        } else if (v.endsWith("g")) {
            unit = 1L << 30;
        }
        if (unit != 1) {
            v = v.substring(0, v.length() - 1).trim();
        }
        long n = Long.parseLong(v);
        if (n > Long.MAX_VALUE / unit) {
            throw new NumberFormatException("too large");
        }
        return n * unit;
    }

    /**
     * Builds a {@link RingByteBufAllocator}. Every setting starts at its default (see the system properties
     * on {@link RingByteBufAllocator}). Not thread-safe.
     */
    public static final class Builder {
        private int ringCapacity = DEFAULT_RING_CAPACITY;
        private int maxRingAllocation; // 0: the default, capped by the ring capacity
        private int maxRegionsVisited = DEFAULT_MAX_REGIONS_VISITED;
        private boolean ringsForAllThreads = DEFAULT_RINGS_FOR_ALL_THREADS;
        private boolean preferDirect = true;
        private boolean memoryAddressAccess = true;
        private ByteBufAllocator fallback;

        private Builder() {
        }

        /**
         * Bytes of each ring, {@value Ring#MIN_CAPACITY} to {@link Ring#MAX_CAPACITY}; every ring thread
         * reserves this much direct memory.
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
         * Whether every allocating thread gets its own ring (true), or only {@link FastThreadLocalThread}s,
         * Netty's event loops (false, the default). The ring of a plain thread that ends is retired the next
         * time the allocator creates a ring or reports its metric. Every such thread reserves a whole ring:
         * not for large thread pools or virtual threads.
         */
        public Builder ringsForAllThreads(boolean all) {
            this.ringsForAllThreads = all;
            return this;
        }

        /** Whether {@code buffer()} returns direct (ring) buffers, true by default, or heap (fallback) ones. */
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

        /**
         * Builds the allocator. No ring is allocated until a thread allocates.
         *
         * @throws IllegalArgumentException if the maximum ring allocation does not fit in a ring
         */
        public RingByteBufAllocator build() {
            if (maxRingAllocation > maxAllocationOf(ringCapacity)) {
                throw new IllegalArgumentException("maxRingAllocation " + maxRingAllocation
                        + " does not fit in a ring of " + ringCapacity + " bytes (at most "
                        + maxAllocationOf(ringCapacity) + ")");
            }
            return new RingByteBufAllocator(this);
        }
    }
}
