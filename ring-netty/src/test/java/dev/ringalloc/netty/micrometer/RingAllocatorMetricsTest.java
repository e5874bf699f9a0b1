package dev.ringalloc.netty.micrometer;

import dev.ringalloc.netty.FallbackReason;
import dev.ringalloc.netty.RingByteBufAllocator;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The meters of {@link RingAllocatorMetrics} in a {@link SimpleMeterRegistry}. */
class RingAllocatorMetricsTest {

    private final UnpooledByteBufAllocator fallback = new UnpooledByteBufAllocator(true, true);
    private final RingByteBufAllocator alloc = RingByteBufAllocator.builder().ringCapacity(64 << 10)
            .maxRingAllocation(8 << 10).fallback(fallback).build();
    private final MeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void registersNettysMetersAndTheRingsTagged() {
        new RingAllocatorMetrics(alloc, Tags.of("app", "test"), Duration.ZERO).bindTo(registry);
        String id = String.valueOf(System.identityHashCode(alloc));
        for (Meter meter : registry.getMeters()) {
            assertThat(meter.getId().getTag("id")).isEqualTo(id);
            assertThat(meter.getId().getTag("allocator.type")).isEqualTo("RingByteBufAllocator");
            assertThat(meter.getId().getTag("app")).isEqualTo("test");
            assertThat(meter.getId().getName()).matches("[a-z]+(\\.[a-z]+)+");
        }
        assertThat(registry.getMeters().stream().map(m -> m.getId().getName()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("netty.allocator.memory.used", "ringalloc.fallbacks",
                        "ringalloc.allocations", "ringalloc.moves", "ringalloc.rings", "ringalloc.memory.capacity",
                        "ringalloc.memory.used", "ringalloc.regions.live", "ringalloc.memory.high.water",
                        "ringalloc.region.oldest.allocations", "ringalloc.region.oldest.age");
        assertThat(registry.get("netty.allocator.memory.used").gauges()).hasSize(2);
        assertThat(registry.get("netty.allocator.memory.used").tag("memory.type", "direct").gauge().getId()
                .getBaseUnit()).isEqualTo("bytes");
        assertThat(registry.get("ringalloc.fallbacks").functionCounters()).extracting(c -> c.getId().getTag("reason"))
                .containsExactlyInAnyOrder("too_large", "ring_full", "no_ring", "heap");
        assertThat(registry.get("ringalloc.region.oldest.age").timeGauge().getId().getBaseUnit()).isEqualTo("seconds");
    }

    @Test
    void metersFollowTheAllocator() throws Exception {
        new RingAllocatorMetrics(alloc, Tags.empty(), Duration.ZERO).bindTo(registry);
        assertThat(gauge("ringalloc.rings", "direct")).isZero();
        assertThat(gauge("netty.allocator.memory.used", "direct")).isZero();

        List<ByteBuf> held = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread loop = new FastThreadLocalThread(() -> {
            try {
                held.add(alloc.directBuffer(1000)); // the oldest
                for (int i = 0; i < 2047; i++) {
                    alloc.directBuffer(64).release();
                }
                held.add(alloc.directBuffer(400));
                alloc.directBuffer(16 << 10).release();         // TOO_LARGE
                held.add(alloc.heapBuffer(80));
                TimeUnit.MILLISECONDS.sleep(20);                // the oldest ages
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "metered-loop");
        loop.start();
        loop.join();
        assertThat(failure.get()).isNull();
        try {
            assertThat(gauge("ringalloc.rings", "direct")).isEqualTo(1);
            assertThat(gauge("ringalloc.rings", "heap")).isEqualTo(1);
            assertThat(gauge("ringalloc.memory.capacity", "direct")).isEqualTo(64 << 10);
            assertThat(gauge("netty.allocator.memory.used", "direct"))
                    .isEqualTo(alloc.metric().usedDirectMemory()).isEqualTo(64 << 10);
            assertThat(gauge("netty.allocator.memory.used", "heap")).isEqualTo(64 << 10);
            assertThat(gauge("ringalloc.memory.used", "direct")).isEqualTo(1400);
            assertThat(gauge("ringalloc.memory.used", "heap")).isEqualTo(80);
            assertThat(gauge("ringalloc.regions.live", "direct")).isEqualTo(2);
            assertThat(gauge("ringalloc.memory.high.water", "direct")).isGreaterThanOrEqualTo(1400);
            assertThat(gauge("ringalloc.region.oldest.allocations", "direct")).isEqualTo(2048);
            assertThat(registry.get("ringalloc.region.oldest.age").tag("memory.type", "direct").timeGauge()
                    .value(TimeUnit.MILLISECONDS)).as("at least the 20 ms sleep after the last sample")
                    .isGreaterThanOrEqualTo(20);
            assertThat(registry.get("ringalloc.fallbacks").tag("reason", "too_large").functionCounter().count())
                    .isEqualTo(1);
            assertThat(registry.get("ringalloc.fallbacks").tag("reason", "ring_full").functionCounter().count())
                    .isZero();
            assertThat(registry.get("ringalloc.allocations").functionCounter().count()).isEqualTo(2050);
        } finally {
            held.forEach(ByteBuf::release);
        }
        assertThat(gauge("ringalloc.rings", "direct")).as("retired and freed").isZero();
        assertThat(gauge("ringalloc.region.oldest.allocations", "direct")).isZero();
    }

    @Test
    void aSnapshotIsReusedForItsMaximumAge() throws Exception {
        new RingAllocatorMetrics(alloc, Tags.empty(), Duration.ofHours(1)).bindTo(registry);
        assertThat(gauge("ringalloc.rings", "direct")).isZero();
        ByteBuf held = dev.ringalloc.netty.TestAccess.allocateOnEventLoop(alloc, 100);
        try {
            assertThat(gauge("ringalloc.rings", "direct")).as("the first snapshot, still fresh").isZero();
            assertThat(gauge("netty.allocator.memory.used", "direct")).as("not from the snapshot").isEqualTo(64 << 10);
        } finally {
            held.release();
        }
    }

    private double gauge(String name, String memoryType) {
        return registry.get(name).tag("memory.type", memoryType).gauge().value();
    }
}
