package dev.ringalloc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Thread death at the core level: the thread that owns a ring ends while its buffers are live on
 * other threads. The buffers stay valid; the ring's memory is freed once the last one is released —
 * observed through {@link RingAllocator#isFreed()} and the JDK's direct-memory accounting, not assumed.
 */
class CoreThreadDeathTest {

    private static final int CAPACITY = 1 << 20;

    /** What the dying owner hands over. */
    private static final class Handover {
        RingAllocator allocator;
        final List<FixedBuffer> fixed = new ArrayList<>();
        final List<Long> seeds = new ArrayList<>();
        FrozenBuffer frozen;
        long frozenSeed;
        boolean closedInTime;
    }

    @Test
    void ownerThatClosedAndEndedIsFreedByTheLastReleaseOnAnotherThread() throws Exception {
        assertThat(RingMemory.freesDirectMemoryAtOnce()).as("this JDK lets the ring free its memory at once").isTrue();
        settleGarbage();
        long before = StressSupport.directMemoryUsed();
        Handover h = new Handover();
        Thread owner = new Thread(() -> {
            h.allocator = RingAllocator.create(CAPACITY);
            for (int i = 0; i < 3; i++) {
                FixedBuffer b = h.allocator.fixed(1000 + i * 500);
                long seed = 17L * (i + 1);
                StressSupport.fill(b.memory, b.base, b.capacity(), seed);
                b.length = b.capacity();
                h.fixed.add(b);
                h.seeds.add(seed);
            }
            FixedBuffer f = h.allocator.fixed(4096);
            h.frozenSeed = 99L;
            StressSupport.fill(f.memory, f.base, 4096, h.frozenSeed);
            f.length = 4096;
            h.frozen = f.freeze().retain(); // two holders
            // The owner is done: it closes its ring without waiting, and ends.
            h.closedInTime = h.allocator.close(Duration.ZERO);
        }, "dying-owner");
        owner.start();
        owner.join();
        assertThat(owner.isAlive()).isFalse();

        RingAllocator ring = h.allocator;
        assertThat(h.closedInTime).as("close cannot free while buffers are held").isFalse();
        assertThat(ring.isClosed()).isTrue();
        assertThat(ring.isFreed()).isFalse();
        assertThat(StressSupport.directMemoryUsed() - before).as("the ring is still reserved")
                .isGreaterThanOrEqualTo(CAPACITY);

        // The buffers outlive their owner, intact.
        for (int i = 0; i < h.fixed.size(); i++) {
            FixedBuffer b = h.fixed.get(i);
            assertThat(StressSupport.firstMismatch(b.memory, b.base, b.length(), h.seeds.get(i))).isEqualTo(-1);
        }
        ByteBuffer frozenView = h.frozen.asByteBuffer();
        assertThat(StressSupport.firstMismatch(frozenView, 0, h.frozen.length(), h.frozenSeed)).isEqualTo(-1);
        assertThatThrownBy(() -> ring.fixed(8)).as("a closed ring allocates no more")
                .isInstanceOf(IllegalStateException.class);

        // Released on other threads, one after the other; only the last release frees the ring.
        runOn("releaser-1", () -> {
            for (FixedBuffer b : h.fixed) {
                b.close();
            }
        });
        assertThat(ring.isFreed()).as("a frozen buffer is still held").isFalse();
        runOn("releaser-2", h.frozen::close);
        assertThat(ring.isFreed()).as("one holder of the frozen buffer is left").isFalse();
        long held = StressSupport.directMemoryUsed();
        assertThat(StressSupport.firstMismatch(h.frozen.asByteBuffer(), 0, h.frozen.length(), h.frozenSeed))
                .as("the last holder still reads intact bytes").isEqualTo(-1);
        runOn("releaser-3", h.frozen::close);

        assertThat(ring.isFreed()).as("the last release freed the ring").isTrue();
        assertThat(held - StressSupport.directMemoryUsed()).as("direct memory given back by the last release")
                .isGreaterThanOrEqualTo(CAPACITY);
        assertThatThrownBy(() -> h.frozen.getByte(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(h.frozen::close).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> h.fixed.get(0).close()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void ringRetiredByItsOwnerIsFreedByWhicheverReleaseIsLast() throws Exception {
        settleGarbage();
        long before = StressSupport.directMemoryUsed();
        AtomicReference<Ring> ringRef = new AtomicReference<>();
        List<Long> handles = new ArrayList<>();
        Thread owner = new Thread(() -> {
            Ring ring = Ring.allocate(CAPACITY, Integer.MAX_VALUE);
            for (int i = 0; i < 8; i++) {
                handles.add(ring.tryAllocate(4096));
            }
            ring.retire(); // the owner's thread ends: no more allocation
            ringRef.set(ring);
        }, "retiring-owner");
        owner.start();
        owner.join();
        Ring ring = ringRef.get();
        assertThat(ring.isRetired()).isTrue();
        assertThat(StressSupport.directMemoryUsed() - before).isGreaterThanOrEqualTo(CAPACITY);
        // Released from 4 threads at once, 2 handles each: exactly the last one frees the memory.
        List<Thread> releasers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            List<Long> mine = handles.subList(t * 2, t * 2 + 2);
            Thread r = new Thread(() -> mine.forEach(ring::release), "releaser-" + t);
            releasers.add(r);
        }
        releasers.forEach(Thread::start);
        for (Thread r : releasers) {
            r.join();
        }
        assertThat(ring.isFreed()).isTrue();
        assertThat(StressSupport.directMemoryUsed() - before).as("direct memory back to where it was").isLessThanOrEqualTo(0);
        for (long handle : handles) {
            assertThatThrownBy(() -> ring.release(handle)).as("release after the ring was freed")
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    /**
     * {@link Rings#local()}: a thread that ends without {@code closeLocal} leaves its ring to the garbage
     * collector. The buffer it handed out stays valid after its death; once released and dropped, the
     * ring becomes unreachable and the JDK frees its memory (observed: the ring's memory object is
     * collected and the direct-memory figure falls by the ring's capacity).
     */
    @Test
    void threadLocalRingOfAnEndedThreadGoesWithTheGarbage() throws Exception {
        settleGarbage();
        long before = StressSupport.directMemoryUsed();
        AtomicReference<FixedBuffer> handed = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            FixedBuffer b = Rings.fixed(512);
            StressSupport.fill(b.memory, b.base, 512, 5L);
            b.length = 512;
            handed.set(b);
        }, "thread-local-owner");
        worker.start();
        worker.join();
        int capacity = Rings.defaultCapacity();
        FixedBuffer buffer = handed.getAndSet(null);
        assertThat(StressSupport.directMemoryUsed() - before).isGreaterThanOrEqualTo(capacity);
        assertThat(StressSupport.firstMismatch(buffer.memory, buffer.base, 512, 5L)).isEqualTo(-1);
        WeakReference<ByteBuffer> memory = new WeakReference<>(buffer.memory);
        buffer.close();
        buffer = null;
        long afterRelease = StressSupport.directMemoryUsed();
        int attempts = 0;
        while ((memory.get() != null || StressSupport.directMemoryUsed() > afterRelease - capacity) && attempts++ < 200) {
            System.gc();
            Thread.sleep(10);
        }
        assertThat(memory.get()).as("the ended thread's ring is garbage once its buffer is released").isNull();
        assertThat(afterRelease - StressSupport.directMemoryUsed()).as("its memory was given back")
                .isGreaterThanOrEqualTo(capacity);
    }

    /**
     * Lets earlier tests' unreachable rings be collected first, so that their memory is not given back
     * in the middle of this test's readings of the direct-memory figure.
     */
    static void settleGarbage() throws InterruptedException {
        long last = -1;
        for (int i = 0; i < 20; i++) {
            System.gc();
            Thread.sleep(10);
            long now = StressSupport.directMemoryUsed();
            if (now == last) {
                return;
            }
            last = now;
        }
    }

    private static void runOn(String name, Runnable action) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                action.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, name);
        t.start();
        t.join();
        if (failure.get() != null) {
            throw new AssertionError("failed on " + name, failure.get());
        }
    }
}
