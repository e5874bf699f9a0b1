package dev.ringalloc.netty;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static dev.ringalloc.netty.TestSupport.onFastThread;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link RingByteBufAllocator#dump()} and the snapshots behind it. */
class RingDumpTest {

    private static RingByteBufAllocator allocator() {
        return RingByteBufAllocator.builder().ringCapacity(1 << 20).maxRingAllocation(8 << 10).build();
    }

    /** Two long-lived buffers among 3000 short-lived ones: they are the oldest, with their ages and sizes. */
    @Test
    void snapshotsNameTheOldestLiveRegionsOldestFirst() throws Exception {
        RingByteBufAllocator alloc = allocator();
        List<ByteBuf> held = onFastThread(() -> {
            List<ByteBuf> bufs = new ArrayList<>();
            bufs.add(alloc.directBuffer(1000));                 // allocation 1
            for (int i = 0; i < 3000; i++) {
                alloc.directBuffer(64).release();              // allocations 2 .. 3001
            }
            bufs.add(alloc.directBuffer(200));                  // allocation 3002
            bufs.add(alloc.heapBuffer(48));                     // the heap ring's allocation 1
            return bufs;
        });
        try {
            List<RingSnapshot> rings = alloc.metric().ringSnapshots(5);
            assertThat(rings).hasSize(2);
            RingSnapshot direct = rings.stream().filter(RingSnapshot::direct).findFirst().orElseThrow();
            assertThat(direct.owner()).isEqualTo("ring-test-fast");
            assertThat(direct.ownerAlive()).isFalse();
            assertThat(direct.retired()).isTrue();
            assertThat(direct.stats().liveRegions()).isEqualTo(2);
            assertThat(direct.oldestRegions()).hasSize(2);
            LiveRegion oldest = direct.oldestRegions().get(0);
            assertThat(oldest.ageInAllocations()).isEqualTo(3001);
            assertThat(oldest.bytes()).isEqualTo(1000);
            assertThat(oldest.minAgeNanos()).as("samples at 1024 and 2048 allocations came after it").isNotNegative();
            assertThat(oldest.maxAgeNanos()).isGreaterThanOrEqualTo(oldest.minAgeNanos());
            assertThat(oldest.exactAge()).isEqualTo(RingHistory.SITES);
            LiveRegion newest = direct.oldestRegions().get(1);
            assertThat(newest.ageInAllocations()).isZero();
            assertThat(newest.bytes()).isEqualTo(200);
            if (!RingHistory.SITES) {
                assertThat(newest.minAgeNanos()).as("no sample since it").isEqualTo(-1);
                assertThat(newest.maxAgeNanos()).isNotNegative();
                assertThat(oldest.site()).isNull();
            }
            assertThat(alloc.metric().ringSnapshots(1).get(0).oldestRegions()).hasSize(1);
            assertThat(alloc.metric().ringSnapshots(0).get(0).oldestRegions()).isEmpty();

            String dump = alloc.dump();
            assertThat(dump).contains("RingByteBufAllocator dump", "2 rings not yet freed",
                    "owner \"ring-test-fast\" (ended), direct", "owner \"ring-test-fast\" (ended), heap",
                    "capacity 1 MiB (1048576 B), retired", "1. age 3001 allocations, ",
                    RingHistory.SITES ? "2. age 0 allocations, " : "2. age 0 allocations, at most ", "in use 1.2 KiB (1200 B) in 2 live regions", ", 1000 B\n",
                    "allocation sites " + (RingHistory.SITES ? "on" : "off"), "fallbacks TOO_LARGE 0 RING_FULL 0");
            assertThat(dump).contains(direct.memoryKind());
            if (!RingHistory.SITES) {
                assertThat(dump).containsPattern("1\\. age 3001 allocations, [0-9.]+ [mµn]?s to [0-9.]+ [mµn]?s, 1000 B");
            }
        } finally {
            held.forEach(ByteBuf::release);
        }
        assertThat(alloc.metric().ringSnapshots(5)).isEmpty();
        assertThat(alloc.dump()).contains("0 rings not yet freed");
    }

    /** The dump walks rings their owner is changing: from another thread, over and over, it stays consistent. */
    @Test
    void dumpIsSafeWhileTheRingsRun() throws Exception {
        RingByteBufAllocator alloc = allocator();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch running = new CountDownLatch(1);
        Thread loop = new FastThreadLocalThread(() -> {
            try {
                ByteBuf[] window = new ByteBuf[64];
                for (long i = 0; !stop.get(); i++) {
                    int slot = (int) (i & 63);
                    if (window[slot] != null) {
                        window[slot].release();
                    }
                    window[slot] = alloc.directBuffer(16 + (int) (i * 7919 % 4000));
                    window[slot].ensureWritable((int) (i % 3) * 500); // growth in place or a move
                    running.countDown();
                }
                for (ByteBuf b : window) {
                    if (b != null) {
                        b.release();
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "dumped-loop");
        loop.start();
        running.await();
        try {
            for (int i = 0; i < 300; i++) {
                List<RingSnapshot> rings = alloc.metric().ringSnapshots(5);
                assertThat(rings).hasSize(1);
                RingSnapshot ring = rings.get(0);
                assertThat(ring.oldestRegions().size()).isLessThanOrEqualTo(5);
                long previous = Long.MAX_VALUE;
                for (LiveRegion region : ring.oldestRegions()) {
                    assertThat(region.ageInAllocations()).isLessThanOrEqualTo(previous).isNotNegative();
                    assertThat(region.bytes()).isPositive();
                    previous = region.ageInAllocations();
                }
                assertThat(alloc.dump()).contains("owner \"dumped-loop\", direct");
            }
        } finally {
            stop.set(true);
            loop.join();
        }
        assertThat(failure.get()).isNull();
    }

    @Test
    void durationsAndSizesReadWell() {
        assertThat(RingDump.duration(830)).isEqualTo("830 ns");
        assertThat(RingDump.duration(12_400)).isEqualTo("12.4 µs");
        assertThat(RingDump.duration(3_200_000)).isEqualTo("3.20 ms");
        assertThat(RingDump.duration(1_520_000_000L)).isEqualTo("1.52 s");
        assertThat(RingDump.duration(125_000_000_000L)).isEqualTo("2 min 5 s");
        assertThat(RingDump.duration(3L * 3600 * 1_000_000_000L + 120_000_000_000L)).isEqualTo("3 h 2 min");
        assertThat(RingDump.bytes(812)).isEqualTo("812 B");
        assertThat(RingDump.bytes(4096)).isEqualTo("4 KiB (4096 B)");
        assertThat(RingDump.bytes(1536)).isEqualTo("1.5 KiB (1536 B)");
        assertThat(RingDump.bytes(4 << 20)).isEqualTo("4 MiB (4194304 B)");
    }
}
