package dev.ringalloc.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ringalloc.core.RingStats;
import dev.ringalloc.core.StressSupport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Netty-level soak: event loops allocate from a {@link RingByteBufAllocator} (random sizes, some above
 * the ring maximum, some heap), hand most buffers to plain threads that check and release them after
 * random lifetimes, release some themselves, and hold a few for the whole run. The plain threads also
 * allocate (no ring: fallback).
 *
 * <p>Checked: every buffer's bytes intact at release (no corruption, no overlap); every fallback
 * counted under the right reason (the test classifies each buffer it gets and compares with the
 * allocator's counters); direct memory, sampled all along, within rings × capacity plus what the
 * fallback holds; at the end nothing held, every ring's whole capacity free again, and after the
 * event loops shut down the rings freed and direct memory back to where it started.
 *
 * <p>Runs twice: with one ring per event loop and kind, and with large rings (requests above 2 KiB from a second
 * ring per kind). Each run lasts
 * {@code ringalloc.stress.seconds} (3 by default and in CI, 60 with {@code -Pstress}); figures to stdout and
 * {@code target/stress/netty-soak.txt} ({@code netty-soak-large-rings.txt}).
 */
class NettySoakTest {

    private static final int RING_CAPACITY = 256 * 1024;
    private static final int MAX_RING_ALLOCATION = 16 * 1024;
    private static final int LOOPS = 2;
    private static final int RELEASERS = 2;
    private static final int LONG_LIVED_PER_LOOP = 4;
    /** The largest request the test makes (too-large ones: up to 16 KiB + 48 KiB). */
    private static final int LARGEST = 64 * 1024;
    /**
     * Allowance for the sampler's race, which cannot read the JDK's direct-memory figure and the
     * fallback's counter at one instant: each allocating or releasing thread may be between the JDK's
     * reservation (or release) of a fallback buffer and the fallback counter's update, and a buffer may
     * come and go between the sampler's two readings of the counter. Two of the largest per thread.
     */
    private static final long SAMPLE_RACE_ALLOWANCE = 2L * (LOOPS + RELEASERS) * LARGEST;

    private record Item(ByteBuf buf, int offset, int length, long lifetime) {
    }

    private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final LongAdder allocations = new LongAdder();
    private final LongAdder inRing = new LongAdder();
    private final LongAdder expectTooLarge = new LongAdder();
    private final LongAdder expectRingFull = new LongAdder();
    private final LongAdder expectNoRing = new LongAdder();
    private final LongAdder inHeapRing = new LongAdder();
    private final LongAdder released = new LongAdder();
    private final AtomicLong bytesChecked = new AtomicLong();

    @ParameterizedTest(name = "largeRingAbove {0}")
    @ValueSource(ints = {0, 2048})
    void eventLoopsAllocateOtherThreadsRelease(int largeRingAbove) throws Exception {
        int seconds = StressSupport.stressSeconds();
        int ringsPerKind = largeRingAbove > 0 ? 2 : 1;
        UnpooledByteBufAllocator fallback = new UnpooledByteBufAllocator(true, false, false); // JDK-accounted direct memory
        RingByteBufAllocator alloc = RingByteBufAllocator.builder()
                .ringCapacity(RING_CAPACITY)
                .maxRingAllocation(MAX_RING_ALLOCATION)
                .maxRegionsVisited(512)
                .largeRingAbove(largeRingAbove)
                .largeRingWhenCrowdedAbove(0) // the ring count below is exact: a large ring always or never
                .fallback(fallback)
                .build();
        long baseline = StressSupport.directMemoryUsed();
        long ringFootprint = (long) LOOPS * ringsPerKind * (RING_CAPACITY + 64); // direct rings; heap rings: heap
        boolean fallbackFreesAtOnce = NettyStress.freesReleasedDirectMemoryAtOnce(fallback);
        LongAccumulator peakDirect = new LongAccumulator(Math::max, 0);
        LongAccumulator peakFallback = new LongAccumulator(Math::max, 0);
        LongAccumulator worstExcess = new LongAccumulator(Math::max, Long.MIN_VALUE);

        List<BlockingQueue<Item>> queues = new ArrayList<>();
        List<Thread> releasers = new ArrayList<>();
        for (int i = 0; i < RELEASERS; i++) {
            BlockingQueue<Item> q = new ArrayBlockingQueue<>(2048);
            queues.add(q);
            Thread t = new Thread(() -> releaseLoop(alloc, q), "soak-releaser-" + i);
            assertThat(t).isNotInstanceOf(FastThreadLocalThread.class);
            releasers.add(t);
            t.start();
        }
        DefaultEventLoopGroup group = new DefaultEventLoopGroup(LOOPS);
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch loopsDone = new CountDownLatch(LOOPS);
        List<EventLoop> loops = new ArrayList<>();
        for (int i = 0; i < LOOPS; i++) {
            EventLoop loop = group.next();
            loops.add(loop);
            Producer producer = new Producer(alloc, loop, queues, deadline, i, loopsDone);
            loop.execute(producer::start);
        }
        long samples = 0;
        try {
            while (!loopsDone.await(2, TimeUnit.MILLISECONDS)) {
                long f1 = fallback.metric().usedDirectMemory();
                long direct = StressSupport.directMemoryUsed() - baseline;
                long f2 = fallback.metric().usedDirectMemory();
                peakDirect.accumulate(direct);
                peakFallback.accumulate(Math.max(f1, f2));
                worstExcess.accumulate(direct - ringFootprint - Math.max(f1, f2));
                samples++;
                if (!errors.isEmpty()) {
                    break;
                }
            }
            assertThat(loopsDone.await(2, TimeUnit.MINUTES)).as("event loops finished").isTrue();
            stop.set(true);
            for (Thread t : releasers) {
                t.join(TimeUnit.MINUTES.toMillis(2));
                assertThat(t.isAlive()).as("%s drained", t.getName()).isFalse();
            }
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(errors).as("errors on soak threads").isEmpty();

            // Every buffer released; every ring whole again.
            RingByteBufAllocatorMetric metric = alloc.metric();
            assertThat(released.sum()).as("every buffer released").isEqualTo(allocations.sum());
            List<RingStats> rings = metric.ringStats();
            assertThat(rings).as("a direct and a heap ring (and their large rings) per event loop")
                    .hasSize(2 * LOOPS * ringsPerKind);
            assertThat(metric.heapRings()).isEqualTo(LOOPS * ringsPerKind);
            for (RingStats ring : rings) {
                assertThat(ring.liveRegions()).isZero();
                assertThat(ring.bytesInUse()).isZero();
                assertThat(ring.largestFreeRegion()).as("whole ring free again").isEqualTo(RING_CAPACITY - 16);
            }
            // Every fallback counted, under its reason.
            assertThat(metric.fallbacks(FallbackReason.TOO_LARGE)).isEqualTo(expectTooLarge.sum());
            assertThat(metric.fallbacks(FallbackReason.RING_FULL)).isEqualTo(expectRingFull.sum());
            assertThat(metric.fallbacks(FallbackReason.NO_RING)).isEqualTo(expectNoRing.sum());
            assertThat(metric.fallbacks(FallbackReason.HEAP)).isZero();
            assertThat(metric.allocations()).as("ring allocations").isEqualTo(inRing.sum() + inHeapRing.sum());
            if (fallbackFreesAtOnce) {
                assertThat(worstExcess.get()).as("direct memory above rings + fallback, worst sample")
                        .isLessThanOrEqualTo(SAMPLE_RACE_ALLOWANCE);
            } else {
                // JDK 24+ without Unsafe: Netty cannot free a direct buffer at its release, only the garbage
                // collector can (its cleaner). The JDK's figure then lags the fallback's own; after a collection
                // nothing may be left above the rings and what the fallback still holds.
                long settled = NettyStress.directMemoryAfterCollection() - baseline;
                assertThat(settled - ringFootprint - fallback.metric().usedDirectMemory())
                        .as("direct memory above rings + fallback, after a collection").isLessThanOrEqualTo(0);
            }

            String figures = String.format(
                    "duration %d ms (%d s requested), %d event loops with %d-byte rings (large rings above %d), %d releaser threads%n"
                            + "allocations %d: in direct rings %d, fallback too-large %d, ring-full %d, no-ring %d, in heap rings %d; released %d; bytes verified %d%n"
                            + "direct memory (JDK) above baseline: peak %d = rings %d + fallback (peak %d); worst sample excess over rings+fallback %d (allowance %d); %d samples",
                    elapsedMs, seconds, LOOPS, RING_CAPACITY, largeRingAbove, RELEASERS,
                    allocations.sum(), inRing.sum(), expectTooLarge.sum(), expectRingFull.sum(), expectNoRing.sum(),
                    inHeapRing.sum(), released.sum(), bytesChecked.get(),
                    peakDirect.get(), ringFootprint, peakFallback.get(), worstExcess.get(), SAMPLE_RACE_ALLOWANCE, samples);

            // Shut the event loops down: their rings are retired and, being empty, freed.
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
            assertThat(group.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
            assertThat(metric.rings()).as("rings freed once their event loops ended").isZero();
            long after = (fallbackFreesAtOnce ? StressSupport.directMemoryUsed()
                    : NettyStress.directMemoryAfterCollection()) - baseline;
            assertThat(after).as("direct memory back to the baseline").isLessThanOrEqualTo(0);
            StressSupport.report(largeRingAbove > 0 ? "netty-soak-large-rings" : "netty-soak", figures + String.format("%nafter shutdown: rings %d, direct above baseline %d",
                    metric.rings(), after));
        } finally {
            stop.set(true);
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
    }

    /** One event loop's work: batches of allocations, re-scheduled until the deadline. */
    private final class Producer {
        private final RingByteBufAllocator alloc;
        private final EventLoop loop;
        private final List<BlockingQueue<Item>> queues;
        private final long deadline;
        private final SplittableRandom random;
        private final CountDownLatch done;
        private final List<Item> longLived = new ArrayList<>();
        private final List<Item> local = new ArrayList<>();

        Producer(RingByteBufAllocator alloc, EventLoop loop, List<BlockingQueue<Item>> queues, long deadline, int index,
                CountDownLatch done) {
            this.alloc = alloc;
            this.loop = loop;
            this.queues = queues;
            this.deadline = deadline;
            this.random = new SplittableRandom(1000 + index);
            this.done = done;
        }

        void start() {
            try {
                for (int i = 0; i < LONG_LIVED_PER_LOOP; i++) {
                    longLived.add(allocate(2048, false));
                    for (int j = 0; j < 30; j++) { // spread the long-lived buffers round the ring
                        local.add(allocate(1024, false));
                    }
                }
                releaseLocal();
                loop.execute(this::batch);
            } catch (Throwable t) {
                fail(t);
            }
        }

        void batch() {
            try {
                for (int i = 0; i < 256 && errors.isEmpty(); i++) {
                    int kind = random.nextInt(100);
                    int size;
                    boolean heap = false;
                    if (kind < 3) {
                        size = MAX_RING_ALLOCATION + 1 + random.nextInt(48 * 1024);
                    } else if (kind < 8) {
                        size = 1 + random.nextInt(4096);
                        heap = true;
                    } else if (kind < 15) {
                        size = 4096 + random.nextInt(MAX_RING_ALLOCATION - 4096 + 1);
                    } else {
                        size = 1 + random.nextInt(2048);
                    }
                    Item item = allocate(size, heap);
                    if (random.nextInt(5) == 0) {
                        local.add(item); // released on the event loop itself
                    } else {
                        queues.get(random.nextInt(queues.size())).put(item);
                    }
                }
                releaseLocal();
                if (System.nanoTime() < deadline && errors.isEmpty()) {
                    loop.execute(this::batch);
                } else {
                    for (Item item : longLived) { // held for the whole run, still intact
                        check(item);
                        item.buf().release();
                        released.increment();
                    }
                    done.countDown();
                }
            } catch (Throwable t) {
                fail(t);
            }
        }

        private void fail(Throwable t) {
            errors.add(t);
            done.countDown();
        }

        private void releaseLocal() {
            for (Item item : local) {
                check(item);
                item.buf().release();
                released.increment();
            }
            local.clear();
        }

        private Item allocate(int size, boolean heap) {
            ByteBuf buf = heap ? alloc.heapBuffer(size) : alloc.directBuffer(size);
            allocations.increment();
            boolean ring = NettyStress.inRing(buf);
            assertThat(buf.isDirect()).isEqualTo(!heap);
            if (size > MAX_RING_ALLOCATION) {
                assertThat(ring).isFalse();
                expectTooLarge.increment();
            } else if (ring) {
                (heap ? inHeapRing : inRing).increment();
            } else {
                expectRingFull.increment();
            }
            int offset = random.nextInt(NettyStress.PATTERN.length - size);
            NettyStress.fill(buf, offset, size);
            long lifetime = random.nextInt(50) == 0 ? 500 + random.nextInt(5000) : random.nextInt(64);
            return new Item(buf, offset, size, lifetime);
        }
    }

    private void check(Item item) {
        if (!NettyStress.intact(item.buf(), item.offset(), item.length())) {
            throw new AssertionError("buffer of " + item.length() + " bytes corrupted while held: " + item.buf());
        }
        bytesChecked.addAndGet(item.length());
    }

    /** A plain thread: keeps each buffer for its lifetime (in items received), checks and releases it. */
    private void releaseLoop(RingByteBufAllocator alloc, BlockingQueue<Item> queue) {
        PriorityQueue<Object[]> due = new PriorityQueue<>((a, b) -> Long.compare((long) a[0], (long) b[0]));
        SplittableRandom random = new SplittableRandom(queue.hashCode());
        long tick = 0;
        try {
            while (true) {
                Item item = queue.poll(1, TimeUnit.MILLISECONDS);
                if (item != null) {
                    tick++;
                    due.add(new Object[] {tick + item.lifetime(), item});
                    if (tick % 64 == 0) {
                        ownAllocation(alloc, random);
                    }
                } else if (stop.get() && queue.isEmpty()) {
                    tick = Long.MAX_VALUE;
                }
                while (!due.isEmpty() && (long) due.peek()[0] <= tick) {
                    Item done = (Item) due.poll()[1];
                    check(done);
                    done.buf().release();
                    released.increment();
                }
                if (tick == Long.MAX_VALUE) {
                    return;
                }
            }
        } catch (Throwable t) {
            errors.add(t);
        }
    }

    /** A thread without a ring allocates too: the fallback serves it, counted as NO_RING. */
    private void ownAllocation(RingByteBufAllocator alloc, SplittableRandom random) {
        int size = 1 + random.nextInt(1024);
        ByteBuf buf = alloc.directBuffer(size);
        allocations.increment();
        assertThat(NettyStress.inRing(buf)).isFalse();
        expectNoRing.increment();
        int offset = random.nextInt(NettyStress.PATTERN.length - size);
        NettyStress.fill(buf, offset, size);
        check(new Item(buf, offset, size, 0));
        buf.release();
        released.increment();
    }
}
