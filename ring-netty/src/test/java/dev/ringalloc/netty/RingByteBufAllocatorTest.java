package dev.ringalloc.netty;

import dev.ringalloc.core.RingStats;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static dev.ringalloc.netty.TestSupport.onFastThread;
import static dev.ringalloc.netty.TestSupport.onPlainThread;
import static dev.ringalloc.netty.TestSupport.inRing;
import static dev.ringalloc.netty.TestSupport.ringBuf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The allocator: where buffers come from, fallbacks, ring lifetime, threads, metrics, bad input. */
class RingByteBufAllocatorTest {

    private ResourceLeakDetector.Level savedLevel;
    private UnpooledByteBufAllocator fallback;

    @BeforeEach
    void setUp() {
        savedLevel = ResourceLeakDetector.getLevel();
        fallback = new UnpooledByteBufAllocator(true, true);
    }

    @AfterEach
    void tearDown() {
        ResourceLeakDetector.setLevel(savedLevel);
        assertThat(fallback.metric().usedDirectMemory()).as("fallback memory released").isZero();
        assertThat(fallback.metric().usedHeapMemory()).as("fallback heap released").isZero();
    }

    private RingByteBufAllocator.Builder small() {
        return RingByteBufAllocator.builder().ringCapacity(64 << 10).maxRingAllocation(8 << 10).fallback(fallback);
    }

    // ---- bad input ----------------------------------------------------------------------------------

    @Test
    void badCapacitiesAreRejected() throws Exception {
        RingByteBufAllocator alloc = small().build();
        onFastThread(() -> {
            assertThatThrownBy(() -> alloc.directBuffer(-1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> alloc.directBuffer(10, 5)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> alloc.directBuffer(0, -1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> alloc.buffer(-5)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> alloc.buffer(6, 5)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> alloc.ioBuffer(6, 5)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> alloc.heapBuffer(-1, 10)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> alloc.compositeBuffer(-1)).isInstanceOf(IllegalArgumentException.class);
            assertThat(alloc.metric().allocations()).isZero();
            return null;
        });
        assertThat(alloc.metric().fallbacks()).isZero();
    }

    @Test
    void badBuilderSettingsAreRejected() {
        RingByteBufAllocator.Builder b = RingByteBufAllocator.builder();
        assertThatThrownBy(() -> b.ringCapacity(63)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.ringCapacity(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.maxRingAllocation(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.maxRegionsVisited(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.fallback(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.fallback(RingByteBufAllocator.DEFAULT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RingByteBufAllocator.builder().ringCapacity(4096).maxRingAllocation(4081).build())
                .isInstanceOf(IllegalArgumentException.class);
        RingByteBufAllocator ok = RingByteBufAllocator.builder().ringCapacity(4096).maxRingAllocation(4080).build();
        assertThat(ok.maxRingAllocation()).isEqualTo(4080);
        // an unset maximum is capped by a small ring
        assertThat(RingByteBufAllocator.builder().ringCapacity(1024).build().maxRingAllocation()).isEqualTo(1008);
    }

    @Test
    void defaults() {
        RingByteBufAllocator d = RingByteBufAllocator.DEFAULT;
        assertThat(d.ringCapacity()).isEqualTo(RingByteBufAllocator.DEFAULT_RING_CAPACITY).isEqualTo(4 << 20);
        assertThat(d.maxRingAllocation()).isEqualTo(64 << 10);
        assertThat(d.maxRegionsVisited()).isEqualTo(1024);
        assertThat(d.ringsForAllThreads()).isFalse();
        assertThat(d.fallback()).isSameAs(io.netty.buffer.ByteBufAllocator.DEFAULT);
        assertThat(d.isDirectBufferPooled()).isTrue();
        assertThat(d.toString()).contains("ringCapacity: " + (4 << 20));
    }

    @Test
    void eventLoopThreadsGetRingBuffers() throws Exception {
        RingByteBufAllocator alloc = small().build();
        onFastThread(() -> {
            ByteBuf a = alloc.buffer();
            ByteBuf b = alloc.ioBuffer(100);
            ByteBuf c = alloc.directBuffer(8 << 10, 10 << 10);
            for (ByteBuf buf : List.of(a, b, c)) {
                assertThat(inRing(buf)).isTrue();
                assertThat(buf.alloc()).isSameAs(alloc);
                assertThat(buf.isDirect()).isTrue();
            }
            assertThat(a.capacity()).isEqualTo(256);
            assertThat(c.maxCapacity()).isEqualTo(10 << 10);
            assertThat(alloc.metric().rings()).isOne();
            assertThat(alloc.metric().allocations()).isEqualTo(3);
            assertThat(alloc.metric().liveRegions()).isEqualTo(3);
            assertThat(alloc.metric().bytesInUse()).isGreaterThanOrEqualTo(256 + 100 + (8 << 10));
            ByteBuf empty = alloc.directBuffer(0, 0);
            assertThat(ringBuf(empty)).isNull(); // Netty's shared empty buffer
            a.release();
            b.release();
            c.release();
            empty.release();
            assertThat(alloc.metric().bytesInUse()).isZero();
            return null;
        });
        assertThat(alloc.metric().fallbacks()).isZero();
    }

    @Test
    void plainThreadsUseTheFallback() {
        RingByteBufAllocator alloc = small().build();
        ByteBuf buf = alloc.directBuffer(100);
        assertThat(inRing(buf)).isFalse();
        assertThat(buf.isDirect()).isTrue();
        assertThat(buf.alloc()).as("fallback buffers are this allocator's too").isSameAs(alloc);
        assertThat(alloc.metric().fallbacks(FallbackReason.NO_RING)).isOne();
        assertThat(alloc.metric().rings()).isZero(); // no ring reserved for a plain thread
        buf.release();
    }

    @Test
    void plainThreadsGetRingsWhenConfigured() throws Exception {
        RingByteBufAllocator alloc = small().ringsForAllThreads(true).build();
        onPlainThread(() -> {
            ByteBuf buf = alloc.directBuffer(100);
            assertThat(inRing(buf)).isTrue();
            buf.release();
            return null;
        });
        // the thread ended without FastThreadLocal clean-up: its ring is retired and freed on the next look
        assertThat(alloc.metric().rings()).isZero();
        assertThat(alloc.metric().allocations()).isOne(); // counters of freed rings are kept
    }

    /** One ring per virtual thread would reserve a ring each: they get none, even with rings for all threads. */
    @Test
    void virtualThreadsGetNoRingEvenWhenEveryThreadMay() throws Throwable {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21");
        RingByteBufAllocator alloc = small().ringsForAllThreads(true).build();
        boolean[] inRing = {true, true}; // written by the virtual thread, read after join()
        Thread virtual = (Thread) MethodHandles.publicLookup()
                .findStatic(Thread.class, "startVirtualThread", MethodType.methodType(Thread.class, Runnable.class))
                .invoke((Runnable) () -> {
                    ByteBuf direct = alloc.directBuffer(100);
                    ByteBuf heap = alloc.heapBuffer(100);
                    inRing[0] = inRing(direct);
                    inRing[1] = inRing(heap);
                    direct.release();
                    heap.release();
                });
        virtual.join();
        assertThat(inRing).containsExactly(false, false);
        assertThat(alloc.metric().fallbacks(FallbackReason.NO_RING)).isEqualTo(2);
        assertThat(alloc.metric().rings()).isZero();
    }

    @Test
    void largeRequestsFallBack() throws Exception {
        RingByteBufAllocator alloc = small().build();
        onFastThread(() -> {
            ByteBuf max = alloc.directBuffer(8 << 10);
            ByteBuf tooLarge = alloc.directBuffer((8 << 10) + 1);
            assertThat(inRing(max)).isTrue();
            assertThat(inRing(tooLarge)).isFalse();
            assertThat(tooLarge.alloc()).isSameAs(alloc);
            assertThat(tooLarge.capacity()).isEqualTo((8 << 10) + 1);
            max.release();
            tooLarge.release();
            return null;
        });
        assertThat(alloc.metric().fallbacks(FallbackReason.TOO_LARGE)).isOne();
        assertThat(alloc.metric().fallbacks()).isOne();
    }

    @Test
    void requestsAboveTheThresholdComeFromALargeRingOfTheirOwn() throws Exception {
        RingByteBufAllocator alloc = small().largeRingAbove(1024).build();
        assertThat(alloc.largeRingAbove()).isEqualTo(1024);
        assertThat(alloc.toString()).contains("largeRingAbove: 1024");
        onFastThread(() -> {
            ByteBuf atThreshold = alloc.directBuffer(1024);
            ByteBuf behind = alloc.directBuffer(16);
            assertThat(alloc.metric().rings()).as("no large ring until a large request").isOne();
            alloc.directBuffer((8 << 10) + 1).release(); // too large for any ring
            assertThat(alloc.metric().rings()).as("nor for a request the fallback serves").isOne();
            ByteBuf large = alloc.directBuffer(1025);
            ByteBuf heapLarge = alloc.heapBuffer(4096);
            for (ByteBuf buf : List.of(atThreshold, behind, large, heapLarge)) {
                assertThat(inRing(buf)).isTrue();
                assertThat(buf.alloc()).isSameAs(alloc);
            }
            ThreadRing ring = ringBuf(atThreshold).threadRing;
            ThreadRing largeRing = ringBuf(large).threadRing;
            assertThat(ringBuf(behind).threadRing).isSameAs(ring);
            assertThat(largeRing).isNotSameAs(ring);
            assertThat(largeRing.ring.isDirect()).isTrue();
            assertThat(ringBuf(heapLarge).threadRing.ring.isDirect()).isFalse();
            assertThat(alloc.metric().rings()).as("a ring and a large ring of each kind used").isEqualTo(3);
            assertThat(alloc.dump()).contains("large ring above 1 KiB");
            assertThat(alloc.metric().ringSnapshots(0)).as("which ring is which")
                    .extracting(s -> (s.direct() ? "direct" : "heap") + (s.large() ? " large" : ""))
                    .containsExactlyInAnyOrder("direct", "direct large", "heap large");
            assertThat(alloc.dump()).contains("direct, large ring for requests above 1 KiB (1024 B),",
                    "heap, large ring for requests above 1 KiB (1024 B), heap");

            // A buffer that cannot grow in place moves to the ring for its new capacity.
            atThreshold.writeBytes(new byte[] {1, 2, 3});
            atThreshold.capacity(4096);
            assertThat(ringBuf(atThreshold).threadRing).isSameAs(largeRing);
            assertThat(atThreshold.getByte(2)).isEqualTo((byte) 3);
            assertThat(alloc.metric().moves()).isOne();

            for (ByteBuf buf : List.of(atThreshold, behind, large, heapLarge)) {
                buf.release();
            }
            assertThat(alloc.metric().bytesInUse()).isZero();
            return null;
        });
        assertThat(alloc.metric().rings()).as("every ring freed with its thread").isZero();
        assertThat(alloc.metric().allocations()).isEqualTo(5);
        assertThat(alloc.metric().fallbacks()).isOne();
        assertThat(alloc.metric().fallbacks(FallbackReason.TOO_LARGE)).isOne();
    }

    /**
     * Fills the calling thread's direct ring with small held buffers (until one falls back: with walks unbounded,
     * the ring is then full), makes {@code large} requests of 2 KiB that find no run there (each one a far walk:
     * see {@code Ring}'s "Crowding"), and releases the small buffers.
     */
    private static void largeRequestsInAFullRing(RingByteBufAllocator alloc, int large) {
        List<ByteBuf> small = new ArrayList<>();
        while (small.isEmpty() || inRing(small.get(small.size() - 1))) {
            small.add(alloc.directBuffer(64));
        }
        for (int i = 0; i < large; i++) {
            ByteBuf fallsBack = alloc.directBuffer(2048);
            assertThat(inRing(fallsBack)).as("no run of 2 KiB between the small buffers").isFalse();
            fallsBack.release();
        }
        small.forEach(ByteBuf::release);
    }

    @Test
    void largeRequestsThatCrowdTheRingMoveToALargeRing() throws Exception {
        // Walks unbounded: a small request that falls back then means the ring is full.
        RingByteBufAllocator alloc = small().maxRegionsVisited(Integer.MAX_VALUE).largeRingWhenCrowdedAbove(1024)
                .build();
        assertThat(alloc.largeRingWhenCrowdedAbove()).isEqualTo(1024);
        assertThat(alloc.toString()).contains("largeRingWhenCrowdedAbove: 1024");
        onFastThread(() -> {
            largeRequestsInAFullRing(alloc, 1);
            ByteBuf large = alloc.directBuffer(2048);
            ThreadRing ring = ringBuf(large).threadRing;
            assertThat(ring.history.large()).as("one far walk: still the thread's ring").isFalse();
            assertThat(ring.ring.isCrowded()).isFalse();
            large.release();
            for (int i = 0; i < 1100; i++) { // more allocations than a far walk is remembered for
                alloc.directBuffer(64).release();
            }

            largeRequestsInAFullRing(alloc, 2); // two far walks, close together
            assertThat(ring.ring.isCrowded()).isTrue();
            assertThat(alloc.metric().rings()).as("no large ring until the next large request").isOne();
            ByteBuf atThreshold = alloc.directBuffer(1024);
            ByteBuf nowLarge = alloc.directBuffer(1025);
            ByteBuf heapLarge = alloc.heapBuffer(4096);
            assertThat(ringBuf(atThreshold).threadRing).isSameAs(ring);
            ThreadRing largeRing = ringBuf(nowLarge).threadRing;
            assertThat(largeRing).isNotSameAs(ring);
            assertThat(largeRing.history.large()).isTrue();
            assertThat(largeRing.ring.isDirect()).isTrue();
            assertThat(ringBuf(heapLarge).threadRing.history.large()).as("the heap ring was never crowded").isFalse();
            assertThat(alloc.metric().ringSnapshots(0))
                    .extracting(s -> (s.direct() ? "direct" : "heap") + (s.large() ? " large" : ""))
                    .containsExactlyInAnyOrder("direct", "direct large", "heap");
            assertThat(alloc.dump()).contains("large rings when crowded above 1 KiB",
                    "direct, large ring for requests above 1 KiB (1024 B),");
            for (ByteBuf buf : List.of(atThreshold, nowLarge, heapLarge)) {
                buf.release();
            }
            assertThat(alloc.metric().bytesInUse()).isZero();
            return null;
        });
        assertThat(alloc.metric().rings()).as("every ring freed with its thread").isZero();
        long largeFallbacks = 3;
        long smallFallbacks = 2; // the small buffer that found the ring full, each time
        assertThat(alloc.metric().fallbacks()).isEqualTo(largeFallbacks + smallFallbacks);
        assertThat(alloc.metric().fallbacks(FallbackReason.RING_FULL)).isEqualTo(largeFallbacks + smallFallbacks);
    }

    @Test
    void crowdingIsWatchedOnlyWhenLargeRingsAreNotAlwaysOnOrOff() throws Exception {
        RingByteBufAllocator off = small().maxRegionsVisited(Integer.MAX_VALUE).largeRingWhenCrowdedAbove(0).build();
        RingByteBufAllocator always = small().maxRegionsVisited(Integer.MAX_VALUE).largeRingAbove(4096)
                .largeRingWhenCrowdedAbove(1024).build();
        onFastThread(() -> {
            largeRequestsInAFullRing(off, 3);
            ByteBuf large = off.directBuffer(2048);
            assertThat(ringBuf(large).threadRing.history.large()).isFalse();
            assertThat(ringBuf(large).threadRing.ring.isCrowded()).isFalse();
            large.release();
            assertThat(off.metric().rings()).isOne();

            largeRequestsInAFullRing(always, 3);
            ByteBuf belowAlways = always.directBuffer(2048);
            assertThat(ringBuf(belowAlways).threadRing.history.large()).as("largeRingAbove decides alone").isFalse();
            assertThat(ringBuf(belowAlways).threadRing.ring.isCrowded()).isFalse();
            belowAlways.release();
            return null;
        });
    }

    @Test
    void largeRingsMustServeSomeRequest() {
        assertThatThrownBy(() -> RingByteBufAllocator.builder().largeRingAbove(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> small().largeRingAbove(8 << 10).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("largeRingAbove 8192");
        assertThat(small().largeRingAbove((8 << 10) - 1).build().largeRingAbove()).isEqualTo((8 << 10) - 1);
        assertThat(RingByteBufAllocator.DEFAULT.largeRingAbove()).as("off by default").isZero();

        assertThatThrownBy(() -> RingByteBufAllocator.builder().largeRingWhenCrowdedAbove(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> small().largeRingWhenCrowdedAbove(8 << 10).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("largeRingWhenCrowdedAbove 8192");
        assertThat(RingByteBufAllocator.DEFAULT.largeRingWhenCrowdedAbove()).as("on by default").isEqualTo(8 << 10);
        assertThat(small().build().largeRingWhenCrowdedAbove())
                .as("the default, where no request would be above it, is off").isZero();
        assertThat(small().largeRingAbove(1024).build().largeRingWhenCrowdedAbove())
                .as("large rings always on: nothing to watch").isZero();
    }

    @Test
    void heapBuffersComeFromHeapRings() throws Exception {
        RingByteBufAllocator alloc = small().build();
        RingByteBufAllocator heapFirst = small().preferDirect(false).build();
        onFastThread(() -> {
            ByteBuf heap = alloc.heapBuffer(100);
            assertThat(heap.isDirect()).isFalse();
            assertThat(inRing(heap)).isTrue();
            assertThat(heap.hasArray()).isTrue();
            heap.writeBytes(new byte[] {1, 2, 3});
            assertThat(heap.array()[heap.arrayOffset() + 2]).isEqualTo((byte) 3);
            assertThat(heap.alloc()).isSameAs(alloc);
            ByteBuf viaBuffer = heapFirst.buffer(10);
            assertThat(viaBuffer.isDirect()).isFalse();
            assertThat(inRing(viaBuffer)).isTrue();
            ByteBuf io = heapFirst.ioBuffer(10); // I/O buffers stay direct
            assertThat(inRing(io)).isTrue();
            assertThat(io.isDirect()).isTrue();
            assertThat(heapFirst.metric().rings()).as("a heap and a direct ring").isEqualTo(2);
            assertThat(heapFirst.metric().heapRings()).isOne();
            assertThat(heapFirst.metric().usedHeapMemory()).isGreaterThanOrEqualTo(64 << 10);
            io.release();
            heap.release();
            viaBuffer.release();
            return null;
        });
        assertThat(alloc.metric().fallbacks()).isZero();
        assertThat(heapFirst.metric().fallbacks()).isZero();
    }

    @Test
    void heapBuffersFallBackWhenHeapRingsAreOff() throws Exception {
        RingByteBufAllocator alloc = small().heapRings(false).build();
        onFastThread(() -> {
            ByteBuf heap = alloc.heapBuffer(100);
            assertThat(heap.isDirect()).isFalse();
            assertThat(heap.hasArray()).isTrue();
            assertThat(inRing(heap)).isFalse();
            assertThat(heap.alloc()).isSameAs(alloc);
            assertThat(alloc.metric().heapRings()).isZero();
            heap.release();
            return null;
        });
        assertThat(alloc.metric().fallbacks(FallbackReason.HEAP)).isOne();
    }

    @Test
    void fullRingFallsBackAndRecovers() throws Exception {
        RingByteBufAllocator alloc = small().build();
        onFastThread(() -> {
            List<ByteBuf> held = new ArrayList<>();
            ByteBuf buf;
            while (inRing(buf = alloc.directBuffer(1000))) {
                buf.writeInt(held.size());
                held.add(buf);
            }
            assertThat(alloc.metric().fallbacks(FallbackReason.RING_FULL)).isOne();
            assertThat(held.size()).isGreaterThan(50); // a 64 KiB ring of 1000-byte buffers
            buf.release();
            for (int i = 0; i < held.size(); i++) {
                assertThat(held.get(i).getInt(0)).isEqualTo(i);
                held.get(i).release();
            }
            assertThat(alloc.metric().bytesInUse()).isZero();
            // the whole ring is allocatable again
            ByteBuf big = alloc.directBuffer(8 << 10);
            assertThat(inRing(big)).isTrue();
            big.release();
            return null;
        });
    }

    @Test
    void walkBoundFallsBackBeforeALap() throws Exception {
        for (int bound : new int[] {2, 1000}) {
            RingByteBufAllocator alloc = RingByteBufAllocator.builder().ringCapacity(2048).maxRingAllocation(512)
                    .maxRegionsVisited(bound).fallback(fallback).build();
            boolean fromRing = onFastThread(() -> {
                List<ByteBuf> held = new ArrayList<>();
                ByteBuf buf;
                while (inRing(buf = alloc.directBuffer(56))) {
                    held.add(buf);
                }
                buf.release();
                // The only free room is ten held regions past the head. Released by another thread: a region
                // the owner released itself would be handed out again without a walk.
                ByteBuf tenth = held.get(10);
                onPlainThread(() -> tenth.release());
                ByteBuf again = alloc.directBuffer(56);
                boolean ring = inRing(again);
                again.release();
                for (int i = 0; i < held.size(); i++) {
                    if (i != 10) {
                        held.get(i).release();
                    }
                }
                return ring;
            });
            assertThat(fromRing).as("maxRegionsVisited " + bound).isEqualTo(bound > 2);
        }
    }

    @Test
    void compositeBuffersUseThisAllocator() throws Exception {
        RingByteBufAllocator alloc = small().build();
        onFastThread(() -> {
            CompositeByteBuf composite = alloc.compositeBuffer();
            assertThat(composite.alloc()).isSameAs(alloc);
            composite.addComponent(true, alloc.buffer(8).writeLong(42));
            composite.writeBytes(new byte[1000]);
            assertThat(composite.readLong()).isEqualTo(42);
            assertThat(alloc.metric().liveRegions()).isPositive();
            composite.release();
            assertThat(alloc.metric().bytesInUse()).isZero();
            return null;
        });
    }

    @Test
    void aBufferShrunkOrGrownInPlaceThenReleasedOnItsOwnerLeavesTheRingsAccountsExact() throws Exception {
        // The owner's release stores the guard from the next the buffer kept at hand-out; after a shrink or a
        // growth that next is stale and must not be used. Were it used, the release would hand the ring back
        // the region's old extent, taking it off the ring's occupied bytes twice over: the high-water mark would
        // then fall short of what is later held at once.
        RingByteBufAllocator alloc = small().build();
        onFastThread(() -> {
            ByteBuf shrunk = alloc.directBuffer(8 << 10);
            shrunk.capacity(64);
            shrunk.release();
            ByteBuf grown = alloc.directBuffer(64);
            grown.capacity(4 << 10);
            grown.release();

            List<ByteBuf> held = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                held.add(alloc.directBuffer(8 << 10));
            }
            RingStats stats = alloc.metric().ringStats().get(0);
            assertThat(stats.bytesInUse()).isGreaterThanOrEqualTo(56 << 10);
            assertThat(stats.highWaterMark()).as("high-water mark").isGreaterThanOrEqualTo(stats.bytesInUse());
            held.forEach(ByteBuf::release);
            assertThat(alloc.metric().bytesInUse()).isZero();
            return null;
        });
    }

    // ---- ring lifetime ----------------------------------------------------------------------------------

    @Test
    void ringOfAnEndedEventLoopIsFreedByItsLastRelease() throws Exception {
        RingByteBufAllocator alloc = small().build();
        ByteBuf survivor = onFastThread(() -> {
            ByteBuf keep = alloc.directBuffer(100).writeLong(7);
            alloc.directBuffer(200).release();
            return keep;
        });
        // the thread ended: its ring is retired but holds the survivor
        assertThat(alloc.metric().rings()).isOne();
        assertThat(alloc.metric().liveRegions()).isOne();
        assertThat(survivor.readLong()).isEqualTo(7);
        survivor.release();
        assertThat(alloc.metric().rings()).isZero();
        assertThat(alloc.metric().ringCapacity()).isZero();
        assertThat(alloc.metric().allocations()).isEqualTo(2);
    }

    @Test
    void ringOfAnEndedEventLoopWithNothingHeldIsFreedAtOnce() throws Exception {
        RingByteBufAllocator alloc = small().build();
        onFastThread(() -> alloc.directBuffer(100).release());
        assertThat(alloc.metric().rings()).isZero();
    }

    @Test
    void threadLocalsRemovedOnALiveThreadStartANewRing() throws Exception {
        RingByteBufAllocator alloc = small().build();
        ByteBuf old = onFastThread(() -> {
            ByteBuf b = alloc.directBuffer(64).writeLong(1);
            FastThreadLocal.removeAll(); // some executors do this between tasks: the ring is retired
            long growthsBefore = alloc.metric().growthsInPlace();
            b.capacity(128); // a retired ring does not grow: the buffer moves to the thread's new ring
            assertThat(alloc.metric().growthsInPlace()).isEqualTo(growthsBefore);
            assertThat(alloc.metric().moves()).isOne();
            assertThat(alloc.metric().rings()).isOne(); // the old ring held nothing more: freed
            ByteBuf c = alloc.directBuffer(64);
            assertThat(inRing(c)).isTrue();
            c.release();
            return b;
        });
        assertThat(old.readLong()).isEqualTo(1);
        old.release();
        assertThat(alloc.metric().rings()).isZero();
    }

    // ---- threads --------------------------------------------------------------------------------------

    @Test
    void crossThreadRelease() throws Exception {
        RingByteBufAllocator alloc = RingByteBufAllocator.builder().ringCapacity(256 << 10)
                .maxRingAllocation(16 << 10).fallback(fallback).build();
        final int buffers = 50_000;
        final int consumers = 3;
        BlockingQueue<ByteBuf> queue = new ArrayBlockingQueue<>(64);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong verified = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        ByteBuf buf = queue.take();
                        if (buf.capacity() == 0) {
                            return; // poison
                        }
                        int seq = buf.getInt(0);
                        if (seq % 10 == 0) {
                            // growth off the owner thread: a move (this plain thread has no ring: fallback memory)
                            buf.capacity(buf.capacity() + 100);
                            buf.writeZero(100);
                            buf.writerIndex(buf.writerIndex() - 100);
                        }
                        buf.readInt();
                        while (buf.isReadable()) {
                            if (buf.readByte() != (byte) seq) {
                                throw new AssertionError("buffer " + seq + " was overwritten");
                            }
                        }
                        ByteBuf dup = buf.retainedDuplicate();
                        assertThat(buf.release()).isFalse();
                        assertThat(dup.release()).isTrue(); // the last release, from this thread
                        verified.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "releaser-" + c);
            t.start();
            threads.add(t);
        }
        onFastThread(() -> {
            Random random = new Random(7);
            for (int i = 0; i < buffers && failure.get() == null; i++) {
                int size = 4 + random.nextInt(4000);
                ByteBuf buf = alloc.directBuffer(size);
                buf.writeInt(i);
                while (buf.isWritable()) {
                    buf.writeByte(i);
                }
                if (!queue.offer(buf, 10, TimeUnit.SECONDS)) {
                    throw new AssertionError("consumers stalled");
                }
            }
            for (int c = 0; c < consumers; c++) {
                queue.put(io.netty.buffer.Unpooled.EMPTY_BUFFER);
            }
            return null;
        });
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failure.get()).isNull();
        assertThat(verified.get()).isEqualTo(buffers);
        // the ring was reused many times over, and is empty again (its thread ended: it is freed)
        assertThat(alloc.metric().allocations()).isGreaterThan(buffers / 2);
        assertThat(alloc.metric().rings()).isZero();
        assertThat(alloc.metric().moves()).isEqualTo(buffers / 10);
        assertThat(alloc.metric().fallbacks(FallbackReason.NO_RING)).isEqualTo(buffers / 10);
    }

    @Test
    void buffersTravelBetweenEventLoopsAndMoveIntoEachRing() throws Exception {
        RingByteBufAllocator alloc = RingByteBufAllocator.builder().ringCapacity(128 << 10)
                .maxRingAllocation(16 << 10).fallback(fallback).build();
        final int loops = 3;
        final int perLoop = 6_000;
        final int hops = 3;
        // Unbounded inboxes, so that forwarding never blocks (a cycle of bounded queues can deadlock); new
        // buffers are only produced while the next inbox is short, which bounds what is in flight.
        List<ConcurrentLinkedQueue<ByteBuf>> inboxes = new ArrayList<>();
        for (int i = 0; i < loops; i++) {
            inboxes.add(new ConcurrentLinkedQueue<>());
        }
        AtomicLong finished = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < loops; i++) {
            final int me = i;
            FastThreadLocalThread t = new FastThreadLocalThread(() -> {
                Random random = new Random(me);
                ConcurrentLinkedQueue<ByteBuf> inbox = inboxes.get(me);
                ConcurrentLinkedQueue<ByteBuf> next = inboxes.get((me + 1) % loops);
                int produced = 0;
                try {
                    while (finished.get() < (long) loops * perLoop && failure.get() == null) {
                        if (produced < perLoop && next.size() < 16) {
                            int seq = me * perLoop + produced++;
                            ByteBuf fresh = alloc.directBuffer(8 + random.nextInt(2000));
                            fresh.writeInt(seq).writeInt(0);
                            while (fresh.isWritable()) {
                                fresh.writeByte(seq);
                            }
                            next.add(fresh);
                        }
                        ByteBuf buf = inbox.poll();
                        if (buf == null) {
                            Thread.yield();
                            continue;
                        }
                        int seq = buf.getInt(0);
                        int hop = buf.getInt(4);
                        for (int j = 8; j < buf.writerIndex(); j++) {
                            if (buf.getByte(j) != (byte) seq) {
                                buf.release();
                                throw new AssertionError("buffer " + seq + " corrupted at " + j + " after hop " + hop);
                            }
                        }
                        if (hop == hops) {
                            buf.release();
                            finished.incrementAndGet();
                            continue;
                        }
                        // Grow on a thread that does not own the ring: a move into this thread's ring (or, above
                        // the maximum ring allocation or with this ring full, into fallback memory).
                        buf.capacity(buf.capacity() + 1 + random.nextInt(6000));
                        while (buf.isWritable()) {
                            buf.writeByte(seq);
                        }
                        buf.setInt(4, hop + 1);
                        next.add(buf);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "loop-" + i);
            t.start();
            threads.add(t);
        }
        while (threads.stream().anyMatch(Thread::isAlive)) {
            // Figures from another thread while the rings change: never an exception, always plausible.
            for (dev.ringalloc.core.RingStats s : alloc.metric().ringStats()) {
                assertThat(s.bytesInUse()).isBetween(0L, s.capacity());
            }
            Thread.sleep(5);
        }
        for (ConcurrentLinkedQueue<ByteBuf> inbox : inboxes) {
            inbox.forEach(ByteBuf::release); // only after a failure
        }
        assertThat(failure.get()).isNull();
        assertThat(finished.get()).isEqualTo((long) loops * perLoop);
        // Every growth ran off the owner thread: never in place; a move unless it fit the region's slack.
        assertThat(alloc.metric().growthsInPlace()).isZero();
        long growths = (long) loops * perLoop * hops;
        assertThat(alloc.metric().moves()).isBetween(growths * 99 / 100, growths);
        assertThat(alloc.metric().rings()).isZero(); // all loops ended, every buffer released
    }

    @Test
    void doubleReleaseFromAnotherThreadIsAnExceptionAndTheRingStaysIntact() throws Exception {
        RingByteBufAllocator alloc = small().build();
        onFastThread(() -> {
            ByteBuf buf = alloc.directBuffer(100);
            AtomicReference<Throwable> second = new AtomicReference<>();
            onPlainThread(() -> buf.release());
            onPlainThread(() -> {
                try {
                    buf.release();
                } catch (Throwable t) {
                    second.set(t);
                }
                return null;
            });
            assertThat(second.get()).isInstanceOf(IllegalReferenceCountException.class);
            assertThatThrownBy(() -> buf.getByte(0)).isInstanceOf(IllegalReferenceCountException.class);
            assertThat(alloc.metric().bytesInUse()).isZero();
            ByteBuf next = alloc.directBuffer(8 << 10);
            assertThat(inRing(next)).isTrue();
            next.release();
            return null;
        });
    }

    /**
     * Two threads, the ring's owner and another, each hold half of a buffer's references and release them
     * all at the same time: the count must end at exactly 0 with exactly one release reporting the last,
     * nothing may throw, every region goes back once, and no buffer object is recycled twice (it would then
     * be handed out to two allocations at once). Fails if a release that is not the last were not an atomic
     * read-modify-write: lost decrements leave the count above 0.
     */
    @Test
    void sharedReferencesReleasedAtOnceFreeTheBufferExactlyOnce() throws Exception {
        RingByteBufAllocator alloc = small().build();
        final int buffers = 200;
        final int referencesEach = 5_000;
        onFastThread(() -> {
            for (int n = 0; n < buffers; n++) {
                ByteBuf buf = alloc.directBuffer(64).retain(2 * referencesEach - 1);
                CyclicBarrier start = new CyclicBarrier(2);
                AtomicLong otherLast = new AtomicLong();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                Thread other = new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < referencesEach; i++) {
                            if (buf.release()) {
                                otherLast.incrementAndGet();
                            }
                        }
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                }, "second-holder");
                other.start();
                start.await();
                long ownerLast = 0;
                for (int i = 0; i < referencesEach; i++) {
                    if (buf.release()) {
                        ownerLast++;
                    }
                }
                other.join();
                assertThat(failure.get()).isNull();
                assertThat(ownerLast + otherLast.get()).as("last releases of buffer " + n).isOne();
                assertThat(buf.refCnt()).isZero();
                assertThat(alloc.metric().bytesInUse()).isZero();
            }
            assertNoBufferObjectHandedOutTwice(alloc, 2 * buffers);
            return null;
        });
    }

    /**
     * The same reference released by two threads at the same moment (a bug, but one Netty reports): exactly
     * one release succeeds, the other throws {@link IllegalReferenceCountException}, the region goes back
     * once, and the buffer object is never recycled twice. Fails if the last release were a plain store
     * instead of an atomic read-modify-write of the count.
     */
    @Test
    void aRacingDoubleReleaseIsAnExceptionNotADoubleFree() throws Exception {
        RingByteBufAllocator alloc = small().build();
        final int rounds = 100_000;
        onFastThread(() -> {
            // Lock-step by spinning, not by a barrier: both releases start within a few hundred nanoseconds,
            // and the owner's start is staggered over that range so that many rounds truly overlap.
            AtomicReferenceArray<ByteBuf> buffers = new AtomicReferenceArray<>(rounds);
            AtomicLong published = new AtomicLong(-1);
            AtomicLong finished = new AtomicLong(-1);
            long[] won = new long[2];
            long[] refused = new long[2];
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread other = new Thread(() -> {
                for (int i = 0; i < rounds && failure.get() == null; i++) {
                    while (published.get() < i) {
                        Thread.onSpinWait();
                    }
                    releaseCounting(buffers.get(i), won, refused, 1, failure);
                    finished.set(i);
                }
            }, "second-releaser");
            other.start();
            Random random = new Random(11);
            for (int i = 0; i < rounds && failure.get() == null; i++) {
                buffers.set(i, alloc.directBuffer(64));
                published.set(i);
                for (int spin = random.nextInt(64); spin > 0; spin--) {
                    Thread.onSpinWait();
                }
                releaseCounting(buffers.get(i), won, refused, 0, failure);
                while (finished.get() < i && other.isAlive()) {
                    Thread.onSpinWait();
                }
            }
            other.join();
            assertThat(failure.get()).isNull();
            assertThat(won[0] + won[1]).as("successful releases").isEqualTo(rounds);
            assertThat(refused[0] + refused[1]).as("releases refused").isEqualTo(rounds);
            assertThat(alloc.metric().bytesInUse()).isZero();
            assertNoBufferObjectHandedOutTwice(alloc, 1000);
            return null;
        });
    }

    /**
     * Allocates {@code count} buffers on the calling (owner) thread, all held at once, and fails if any two are
     * the same object: a buffer object recycled twice would be handed out to two allocations. Releases them.
     */
    private static void assertNoBufferObjectHandedOutTwice(RingByteBufAllocator alloc, int count) {
        Set<ByteBuf> live = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < count; i++) {
            assertThat(live.add(alloc.directBuffer(64))).as("buffer object handed out twice").isTrue();
        }
        live.forEach(ByteBuf::release);
    }

    /** One release for {@link #aRacingDoubleReleaseIsAnExceptionNotADoubleFree}; slot {@code who} is the caller's. */
    private static void releaseCounting(ByteBuf buf, long[] won, long[] refused, int who,
                                        AtomicReference<Throwable> failure) {
        try {
            if (buf.release()) {
                won[who]++;
            }
        } catch (IllegalReferenceCountException expected) {
            refused[who]++;
        } catch (Throwable t) {
            failure.compareAndSet(null, t); // e.g. the region freed twice: the ring's own check fired
        }
    }

    @Test
    void capacityGrowthOnAThreadWithoutARingMovesToTheFallback() throws Exception {
        RingByteBufAllocator alloc = small().build();
        ByteBuf buf = onFastThread(() -> alloc.directBuffer(100).writeLong(3));
        buf.capacity(1000); // on the JUnit thread: no ring
        assertThat(ringBuf(buf).isInRing()).isFalse();
        assertThat(alloc.metric().fallbacks(FallbackReason.NO_RING)).isOne();
        assertThat(alloc.metric().moves()).isOne();
        assertThat(buf.readLong()).isEqualTo(3);
        assertThat(alloc.metric().rings()).isZero(); // the region went back when the buffer moved
        buf.release();
    }

    // ---- no garbage on the hot path -------------------------------------------------------------------------

    @Test
    void allocationAndReleaseAllocateNoObjects() throws Exception {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        RingByteBufAllocator alloc = small().build();
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocated = onFastThread(() -> {
            byte[] chunk = new byte[100];
            Runnable cycle = () -> {
                ByteBuf buf = alloc.buffer(); // 256 bytes, then grown in place by the writes
                for (int j = 0; j < 20; j++) {
                    buf.writeBytes(chunk);
                }
                buf.writeLong(buf.getLong(0));
                buf.release();
            };
            for (int i = 0; i < 50_000; i++) {
                cycle.run(); // warm up: the recycler's pool, the JIT
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100_000; i++) {
                cycle.run();
            }
            return threads.getCurrentThreadAllocatedBytes() - before;
        });
        // One object per allocation would be at least 1.6 MB here.
        assertThat(allocated).isLessThan(64 << 10);
        assertThat(alloc.metric().growthsInPlace()).isGreaterThan(150_000);
    }

    @Test
    void crossThreadReleaseAllocatesNoObjects() throws Exception {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        RingByteBufAllocator alloc = small().build();
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final int warmup = 50_000;
        final int measured = 100_000;
        // A garbage-free single-producer single-consumer hand-off: a slot is free while it holds null.
        AtomicReferenceArray<ByteBuf> slots = new AtomicReferenceArray<>(256);
        AtomicLong releaserAllocated = new AtomicLong();
        Thread releaser = new Thread(() -> {
            long before = 0;
            for (int i = 0; i < warmup + measured; i++) {
                if (i == warmup) {
                    before = threads.getCurrentThreadAllocatedBytes();
                }
                int slot = i & 255;
                ByteBuf buf;
                while ((buf = slots.get(slot)) == null) {
                    Thread.onSpinWait();
                }
                slots.lazySet(slot, null);
                if (buf.getLong(0) != i) {
                    throw new AssertionError("buffer " + i + " holds " + buf.getLong(0));
                }
                buf.release();
            }
            releaserAllocated.set(threads.getCurrentThreadAllocatedBytes() - before);
        }, "releaser");
        releaser.start();
        long ownerAllocated = onFastThread(() -> {
            long before = 0;
            for (int i = 0; i < warmup + measured; i++) {
                if (i == warmup) {
                    before = threads.getCurrentThreadAllocatedBytes();
                }
                ByteBuf buf = alloc.directBuffer(64).writeLong(i).writeZero(56);
                int slot = i & 255;
                while (slots.get(slot) != null) {
                    Thread.onSpinWait();
                }
                slots.lazySet(slot, buf);
            }
            return threads.getCurrentThreadAllocatedBytes() - before;
        });
        releaser.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(releaser.isAlive()).isFalse();
        // One object per buffer would be at least 1.6 MB; Netty's Recycler, whose cross-thread queue
        // allocates chunks as it grows, measured about 2 B per buffer here (200 KB).
        assertThat(ownerAllocated + releaserAllocated.get()).isLessThan(64 << 10);
        assertThat(alloc.metric().fallbacks()).isZero();
    }

    // ---- metrics --------------------------------------------------------------------------------------

    @Test
    void metrics() throws Exception {
        PooledByteBufAllocator pooled = new PooledByteBufAllocator(true);
        RingByteBufAllocator alloc = RingByteBufAllocator.builder().ringCapacity(64 << 10)
                .maxRingAllocation(1 << 10).fallback(pooled).build();
        ConcurrentLinkedQueue<ByteBuf> keep = new ConcurrentLinkedQueue<>();
        FastThreadLocalThread loop = new FastThreadLocalThread(() -> {
            keep.add(alloc.directBuffer(100));
            keep.add(alloc.directBuffer(5000)); // too large
            keep.add(alloc.heapBuffer(10));
            ByteBuf grown = alloc.directBuffer(64);
            grown.writeZero(512); // in place
            keep.add(grown);
        });
        loop.start();
        loop.join();
        RingByteBufAllocatorMetric m = alloc.metric();
        assertThat(m.rings()).as("a direct and a heap ring").isEqualTo(2);
        assertThat(m.heapRings()).isOne();
        assertThat(m.ringCapacity()).isEqualTo(2 * (64 << 10));
        assertThat(m.ringStats()).hasSize(2);
        assertThat(m.allocations()).isEqualTo(3);
        assertThat(m.liveRegions()).isEqualTo(3);
        assertThat(m.bytesInUse()).isGreaterThanOrEqualTo(100 + 10 + 512);
        assertThat(m.growthsInPlace()).isPositive();
        assertThat(m.fallbacks(FallbackReason.TOO_LARGE)).isOne();
        assertThat(m.fallbacks(FallbackReason.HEAP)).isZero();
        assertThat(m.fallbacks()).isOne();
        assertThat(m.usedDirectMemory()).isGreaterThanOrEqualTo((64 << 10) + pooled.metric().usedDirectMemory());
        assertThat(m.usedHeapMemory()).isEqualTo((64 << 10) + pooled.metric().usedHeapMemory());
        assertThat(m.toString()).contains("rings: 2");
        assertThat(alloc.metric()).isSameAs(m);
        keep.forEach(ByteBuf::release);
        assertThat(m.rings()).isZero();
        assertThat(m.usedDirectMemory()).isEqualTo(pooled.metric().usedDirectMemory());
        assertThat(m.allocations()).as("counts of freed rings are kept").isEqualTo(3);
        assertThatThrownBy(() -> m.fallbacks(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void countsNeverGoBackwardsWhenTheRingOfAnEndedThreadIsCollected() throws Exception {
        for (boolean eventLoop : new boolean[] {true, false}) {
            RingByteBufAllocator alloc = small().ringsForAllThreads(true).build();
            java.util.concurrent.Callable<Void> work = () -> {
                for (int i = 0; i < 1000; i++) {
                    alloc.directBuffer(64).release();
                }
                ByteBuf grown = alloc.directBuffer(64);
                grown.writeZero(512); // in place: the newest buffer
                grown.release();
                return null;
            };
            if (eventLoop) {
                onFastThread(work);   // cleans up its thread-locals at exit: the ring is retired then
            } else {
                onPlainThread(work);  // no clean-up: the ring is retired when collected, or when next looked at
            }
            for (int i = 0; i < 5; i++) {
                System.gc();
                Thread.sleep(20);
            }
            RingByteBufAllocatorMetric m = alloc.metric();
            assertThat(m.allocations()).as("allocations, event loop %s", eventLoop).isEqualTo(1001);
            assertThat(m.growthsInPlace()).as("growths, event loop %s", eventLoop).isOne();
            assertThat(m.rings()).isZero();
        }
    }
}
