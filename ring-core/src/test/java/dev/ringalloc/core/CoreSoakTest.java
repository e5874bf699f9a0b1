package dev.ringalloc.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import org.junit.jupiter.api.Test;

/**
 * Core-level soak: one owner thread allocates (fixed buffers, extendable buffers that grow, frozen
 * buffers shared by two threads) with random sizes and lifetimes; several other threads check and
 * release them; a few long-lived buffers are held for the whole run (they would jam a plain ring).
 *
 * <p>Checked all along: every buffer's bytes are intact when its last holder releases it (a
 * checksum over a seeded pattern: nobody else wrote them); no two live regions overlap (a map of
 * live regions, updated before each release and checked at each allocation); direct memory never
 * grows by more than the ring's footprint. Checked at the end: nothing is held, the whole ring is
 * allocatable again, and close frees the memory.
 *
 * <p>Runs {@code ringalloc.stress.seconds} (3 by default and in CI, 60 with {@code -Pstress}).
 * Figures go to stdout and {@code target/stress/core-soak.txt}.
 */
class CoreSoakTest {

    private static final int CAPACITY = 256 * 1024;
    private static final int RELEASERS = 3;
    private static final int LONG_LIVED = 4;

    /** One buffer on its way to a releaser. */
    private record Item(Object buffer, long seed, int length, int regionStart, long lifetime, AtomicInteger holders) {
    }

    private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    /** Live regions of the ring: guard offset → end offset (exclusive). */
    private final ConcurrentSkipListMap<Integer, Integer> live = new ConcurrentSkipListMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong releases = new AtomicLong();
    private final AtomicLong bytesChecked = new AtomicLong();
    private final LongAccumulator peakDirect = new LongAccumulator(Math::max, Long.MIN_VALUE);

    @Test
    void ownerAllocatesOthersRelease() throws Exception {
        int seconds = StressSupport.stressSeconds();
        long baseline = StressSupport.directMemoryUsed();
        ExecutorService ownerThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "soak-owner"));
        List<BlockingQueue<Item>> queues = new ArrayList<>();
        List<Thread> releasers = new ArrayList<>();
        for (int i = 0; i < RELEASERS; i++) {
            BlockingQueue<Item> queue = new ArrayBlockingQueue<>(4096);
            queues.add(queue);
            Thread t = new Thread(() -> releaseLoop(queue), "soak-releaser-" + i);
            releasers.add(t);
            t.start();
        }
        try {
            RingAllocator ring = ownerThread.submit(() -> RingAllocator.builder().capacity(CAPACITY).build()).get();
            sampleDirect(baseline);
            long start = System.nanoTime();
            Future<long[]> run = ownerThread.submit(() -> ownerLoop(ring, queues, seconds, baseline));
            long[] counts = run.get(seconds + 120L, TimeUnit.SECONDS);
            stop.set(true);
            for (Thread t : releasers) {
                t.join(TimeUnit.MINUTES.toMillis(2));
                assertThat(t.isAlive()).as("%s drained and stopped", t.getName()).isFalse();
            }
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(errors).as("errors on the soak threads").isEmpty();
            assertThat(live).as("regions still marked live").isEmpty();

            // All capacity recovered, on the owner thread.
            RingStats end = ownerThread.submit(() -> {
                RingStats stats = ring.stats();
                FixedBuffer all = ring.tryFixed(ring.maxAllocation());
                assertThat(all).as("the whole ring is allocatable again").isNotNull();
                all.close();
                assertThat(ring.close(Duration.ofSeconds(30))).as("close frees the ring").isTrue();
                return stats;
            }).get();
            assertThat(end.liveRegions()).isZero();
            assertThat(end.bytesInUse()).isZero();
            assertThat(ring.isFreed()).isTrue();
            sampleDirect(baseline);

            long allocations = counts[0];
            assertThat(allocations).as("allocations").isPositive();
            assertThat(releases.get()).as("every allocation released exactly once").isEqualTo(allocations);
            long peakAbove = peakDirect.get() - baseline;
            assertThat(peakAbove).as("direct memory above baseline").isLessThanOrEqualTo(CAPACITY + 64L);
            StressSupport.report("core-soak", String.format(
                    "duration %d ms (%d s requested), ring %d bytes, %d releaser threads, %d long-lived buffers%n"
                            + "allocations %d (fixed %d, extendable %d with %d in-place growths, frozen+shared %d), releases %d, "
                            + "ring-full retries %d, bytes verified %d%n"
                            + "ring high-water %d bytes, regions skipped %d%n"
                            + "direct memory: baseline %d, peak %d (+%d, ring footprint %d)",
                    elapsedMs, seconds, CAPACITY, RELEASERS, LONG_LIVED,
                    allocations, counts[1], counts[2], end.growthsInPlace(), counts[3], releases.get(),
                    end.failures(), bytesChecked.get(),
                    end.highWaterMark(), end.regionsSkipped(),
                    baseline, peakDirect.get(), peakAbove, CAPACITY + 64));
        } finally {
            stop.set(true);
            ownerThread.shutdownNow();
        }
    }

    private void sampleDirect(long baseline) {
        peakDirect.accumulate(StressSupport.directMemoryUsed());
    }

    /** The owner: returns {allocations, fixed, extendable, frozen}. */
    private long[] ownerLoop(RingAllocator ring, List<BlockingQueue<Item>> queues, int seconds, long baseline)
            throws InterruptedException {
        SplittableRandom random = new SplittableRandom(42);
        long fixed = 0;
        long extendable = 0;
        long frozen = 0;
        List<Item> longLived = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long n = 0;
        try {
            // A few buffers held for the whole run, spread over the ring.
            for (int i = 0; i < LONG_LIVED; i++) {
                Item item = fixedItem(ring, 2048, random.nextLong(), Long.MAX_VALUE);
                longLived.add(item);
                fixed++;
                n++;
                for (int j = 0; j < 40; j++) { // push the next long-lived one further round the ring
                    Item spacer = fixedItem(ring, 1024, random.nextLong(), 0);
                    fixed++;
                    n++;
                    send(queues.get(j % queues.size()), spacer);
                }
            }
            while (System.nanoTime() < deadline && errors.isEmpty()) {
                int kind = random.nextInt(100);
                int size = random.nextInt(10) == 0 ? 1 + random.nextInt(16384) : 1 + random.nextInt(1024);
                long lifetime = random.nextInt(50) == 0 ? 2000 + random.nextInt(20000) : random.nextInt(64);
                long seed = random.nextLong();
                Item item;
                if (kind < 70) {
                    item = fixedItem(ring, size, seed, lifetime);
                    if (item != null) {
                        fixed++;
                    }
                } else if (kind < 90) {
                    item = extendableItem(ring, size, seed, lifetime, random);
                    if (item != null) {
                        extendable++;
                    }
                } else {
                    item = frozenItem(ring, size, seed, lifetime);
                    if (item != null) {
                        frozen++;
                    }
                }
                if (item == null) {
                    Thread.onSpinWait(); // ring full right now: the releasers will catch up
                    continue;
                }
                n++;
                if (item.holders().get() == 2) {
                    int first = random.nextInt(queues.size());
                    send(queues.get(first), item);
                    send(queues.get((first + 1) % queues.size()), item);
                } else {
                    send(queues.get(random.nextInt(queues.size())), item);
                }
                if ((n & 1023) == 0) {
                    sampleDirect(baseline);
                }
            }
        } finally {
            // The long-lived buffers: still intact after the whole run.
            for (Item item : longLived) {
                send(queues.get(0), new Item(item.buffer(), item.seed(), item.length(), item.regionStart(), 0, item.holders()));
            }
        }
        return new long[] {n, fixed, extendable, frozen};
    }

    private static void send(BlockingQueue<Item> queue, Item item) throws InterruptedException {
        queue.put(item);
    }

    private Item fixedItem(RingAllocator ring, int size, long seed, long lifetime) {
        FixedBuffer buffer = ring.tryFixed(size);
        if (buffer == null) {
            return null;
        }
        ByteBuffer view = buffer.memory;
        StressSupport.fill(view, buffer.base, size, seed);
        buffer.length = size; // the bytes were written through the ring's memory directly
        return publish(buffer, buffer, seed, size, lifetime, 1);
    }

    private Item extendableItem(RingAllocator ring, int size, long seed, long lifetime, SplittableRandom random) {
        ExtendableBuffer buffer = ring.tryExtendable(1 + random.nextInt(64));
        if (buffer == null) {
            return null;
        }
        byte[] chunk = new byte[Math.min(size, 512)];
        int written = 0;
        try {
            while (written < size) {
                int len = Math.min(chunk.length, size - written);
                for (int i = 0; i < len; i++) {
                    chunk[i] = StressSupport.patternByte(seed, written + i);
                }
                buffer.write(chunk, 0, len); // grows in place, or moves
                written += len;
            }
        } catch (RingFullException full) {
            buffer.close();
            return null;
        }
        FixedBuffer done = buffer.finish();
        return publish(done, done, seed, size, lifetime, 1);
    }

    private Item frozenItem(RingAllocator ring, int size, long seed, long lifetime) {
        FixedBuffer buffer = ring.tryFixed(size);
        if (buffer == null) {
            return null;
        }
        StressSupport.fill(buffer.memory, buffer.base, size, seed);
        buffer.length = size;
        int base = buffer.base;
        int capacity = buffer.capacity();
        FrozenBuffer shared = buffer.freeze().retain(); // two holders on two threads
        return publish(shared, base, capacity, seed, size, lifetime);
    }

    private Item publish(Object holder, FixedBuffer region, long seed, int length, long lifetime, int holders) {
        return publish(holder, region.base, region.capacity(), seed, length, lifetime, holders);
    }

    private Item publish(FrozenBuffer holder, int base, int capacity, long seed, int length, long lifetime) {
        return publish(holder, base, capacity, seed, length, lifetime, 2);
    }

    /** Marks [guard, payload end) live, failing if it overlaps a live region. */
    private Item publish(Object holder, int base, int capacity, long seed, int length, long lifetime, int holders) {
        int start = base - 8;
        int end = base + capacity;
        Map.Entry<Integer, Integer> below = live.floorEntry(start);
        Map.Entry<Integer, Integer> above = live.ceilingEntry(start);
        if ((below != null && below.getValue() > start) || (above != null && above.getKey() < end)) {
            throw new AssertionError("region [" + start + ", " + end + ") overlaps live region "
                    + (below != null && below.getValue() > start ? below : above));
        }
        live.put(start, end);
        return new Item(holder, seed, length, start, lifetime, new AtomicInteger(holders));
    }

    /** A releaser: keeps each buffer for its lifetime (counted in items received), checks it, releases it. */
    private void releaseLoop(BlockingQueue<Item> queue) {
        PriorityQueue<long[]> due = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        List<Item> held = new ArrayList<>();
        long tick = 0;
        try {
            while (true) {
                Item item = queue.poll(1, TimeUnit.MILLISECONDS);
                if (item != null) {
                    tick++;
                    held.add(item);
                    long at = item.lifetime() == Long.MAX_VALUE ? Long.MAX_VALUE : tick + item.lifetime();
                    due.add(new long[] {at, held.size() - 1});
                } else if (stop.get() && queue.isEmpty()) {
                    tick = Long.MAX_VALUE - 1; // drain: release everything still held
                }
                while (!due.isEmpty() && due.peek()[0] <= tick) {
                    int index = (int) due.poll()[1];
                    release(held.get(index));
                    held.set(index, null);
                }
                if (tick == Long.MAX_VALUE - 1 && queue.isEmpty()) {
                    for (Item left : held) {
                        if (left != null && left.lifetime() == Long.MAX_VALUE) {
                            throw new AssertionError("a long-lived buffer was never handed back");
                        }
                    }
                    return;
                }
                if (held.size() > 1 << 16 && due.isEmpty()) {
                    held.clear();
                }
            }
        } catch (Throwable t) {
            errors.add(t);
        }
    }

    private void release(Item item) {
        if (item.lifetime() == Long.MAX_VALUE) {
            return; // the long-lived copy: released through the copy the owner sends at the end
        }
        ByteBuffer memory;
        int base;
        if (item.buffer() instanceof FrozenBuffer frozen) {
            ByteBuffer view = frozen.asByteBuffer();
            int bad = StressSupport.firstMismatch(view, 0, item.length(), item.seed());
            check(bad, item);
            bytesChecked.addAndGet(item.length());
            if (item.holders().decrementAndGet() == 0) {
                live.remove(item.regionStart());
                releases.incrementAndGet();
            }
            frozen.close();
            return;
        }
        FixedBuffer buffer = (FixedBuffer) item.buffer();
        memory = buffer.memory;
        base = buffer.base;
        assertThat(buffer.length()).isEqualTo(item.length());
        check(StressSupport.firstMismatch(memory, base, item.length(), item.seed()), item);
        bytesChecked.addAndGet(item.length());
        live.remove(item.regionStart());
        releases.incrementAndGet();
        buffer.close();
    }

    private static void check(int mismatch, Item item) {
        if (mismatch >= 0) {
            throw new AssertionError("buffer at ring offset " + item.regionStart() + " (" + item.length()
                    + " bytes) corrupted at byte " + mismatch + ": someone else wrote it while it was held");
        }
    }
}
