package dev.ringalloc.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The owner allocates buffers of random sizes and fills each with a checksum pattern; one to three
 * other threads verify and release them after random lifetimes (some frozen and shared by two
 * verifiers, one held for the whole run). Runs for {@code ringalloc.stress.seconds} (3 s by default,
 * 60 s with {@code -Pstress}). Zero corruption allowed, and at the end the whole ring is free again.
 */
class CrossThreadReleaseTest {

    private static final long SECONDS = Long.getLong("ringalloc.stress.seconds", 3);
    private static final int CAPACITY = 64 * 1024;
    private static final Object STOP = new Object();

    @ParameterizedTest(name = "{0} releasing thread(s)")
    @ValueSource(ints = {1, 2, 3})
    void ownerAllocatesOthersVerifyAndRelease(int consumers) throws Exception {
        RingAllocator ring = RingAllocator.create(CAPACITY);
        List<BlockingQueue<Object>> queues = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        AtomicLong verified = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int c = 0; c < consumers; c++) {
            BlockingQueue<Object> queue = new ArrayBlockingQueue<>(256);
            queues.add(queue);
            int id = c;
            Thread t = new Thread(() -> consume(queue, id, verified, failure), "releaser-" + c);
            t.start();
            threads.add(t);
        }

        SplittableRandom random = new SplittableRandom(consumers);
        FixedBuffer longLived = ring.fixed(4096);
        fill(longLived, 4096, -1);
        long allocated = 0;
        long full = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        while (System.nanoTime() < deadline && failure.get() == null) {
            int size = Long.BYTES + (random.nextInt(10) == 0 ? random.nextInt(8192) : random.nextInt(512)); // room for the id
            FixedBuffer buf = ring.tryFixed(size);
            if (buf == null) {
                full++;
                Thread.onSpinWait();
                continue;
            }
            fill(buf, size, allocated++);
            if (consumers > 1 && random.nextInt(8) == 0) {
                FrozenBuffer frozen = buf.freeze();
                frozen.retain();
                int a = random.nextInt(consumers);
                queues.get(a).put(frozen);
                queues.get((a + 1) % consumers).put(frozen);
            } else {
                queues.get(random.nextInt(consumers)).put(buf);
            }
        }
        for (BlockingQueue<Object> q : queues) {
            q.put(STOP);
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(t.isAlive()).as("%s finished", t.getName()).isFalse();
        }
        assertThat(failure.get()).as("corruption or error on a releasing thread").isNull();
        assertThat(check(longLived, -1)).as("the long-lived buffer is intact").isTrue();
        longLived.close();

        assertThat(allocated).isPositive();
        assertThat(verified.get()).as("every buffer verified (frozen ones twice)").isGreaterThanOrEqualTo(allocated);
        RingStats stats = ring.stats();
        assertThat(stats.bytesInUse()).isZero();
        assertThat(stats.liveRegions()).isZero();
        try (FixedBuffer whole = ring.fixed(ring.maxAllocation())) {
            assertThat(whole.capacity()).isEqualTo(CAPACITY - 16);
        }
        System.out.printf("cross-thread x%d: %d buffers in %d s, %d full walks, %d regions skipped%n",
                consumers, allocated, SECONDS, full, stats.regionsSkipped());
    }

    /** Holds up to 64 buffers, releasing a random one (or the oldest) as new ones arrive. */
    private static void consume(BlockingQueue<Object> queue, int id, AtomicLong verified, AtomicReference<Throwable> failure) {
        SplittableRandom random = new SplittableRandom(id * 7919L);
        ArrayDeque<Object> held = new ArrayDeque<>();
        try {
            while (true) {
                Object item = queue.take();
                if (item == STOP) {
                    break;
                }
                if (!verify(item)) {
                    throw new AssertionError("corrupted buffer " + item);
                }
                verified.incrementAndGet();
                held.addLast(item);
                while (held.size() > random.nextInt(64)) {
                    Object victim = random.nextBoolean() ? held.pollFirst() : held.pollLast();
                    if (!verify(victim)) {
                        throw new AssertionError("buffer corrupted while held: " + victim);
                    }
                    release(victim);
                }
            }
            for (Object item : held) {
                if (!verify(item)) {
                    throw new AssertionError("buffer corrupted while held: " + item);
                }
                release(item);
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
            // Keep draining so the owner never blocks on a full queue.
            for (Object item; (item = queue.poll()) != STOP; ) {
                if (item == null) {
                    Thread.onSpinWait();
                }
            }
        }
    }

    private static void release(Object item) {
        if (item instanceof FixedBuffer f) {
            f.close();
        } else {
            ((FrozenBuffer) item).close();
        }
    }

    private static boolean verify(Object item) {
        if (item instanceof FixedBuffer f) {
            return check(f, f.getLong(0));
        }
        FrozenBuffer frozen = (FrozenBuffer) item;
        byte[] bytes = frozen.toByteArray();
        return matches(bytes, frozen.getLong(0));
    }

    /** Writes the buffer's id first (if it fits) and then bytes derived from the id and position. */
    private static void fill(FixedBuffer buf, int size, long id) {
        byte[] bytes = new byte[size];
        pattern(bytes, id);
        buf.write(bytes);
    }

    private static void pattern(byte[] bytes, long id) {
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = i < 8 ? (byte) (id >>> (56 - 8 * i)) : (byte) (id * 31 + i * 131 + (i >>> 8));
        }
    }

    private static boolean check(FixedBuffer buf, long id) {
        return matches(buf.toByteArray(), id);
    }

    private static boolean matches(byte[] actual, long id) {
        byte[] expected = new byte[actual.length];
        pattern(expected, id);
        return java.util.Arrays.equals(actual, expected);
    }
}
