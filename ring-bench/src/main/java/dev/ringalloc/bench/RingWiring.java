package dev.ringalloc.bench;

import dev.ringalloc.netty.FallbackReason;
import dev.ringalloc.netty.RingByteBufAllocator;
import dev.ringalloc.netty.RingByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocator;

import java.util.Locale;

/**
 * The one place that builds ring-netty's allocator for the benchmarks, and checks afterwards that the
 * rings, not their fallback, served the benchmark.
 *
 * <p>The allocator is ring-netty's {@link RingByteBufAllocator} with every default except the ring
 * capacity, which each benchmark sizes to its own peak bytes in flight (see
 * {@link NettyAllocator#ringCapacityFor(long)}): one ring per {@code FastThreadLocalThread}, requests up
 * to 64 KiB served by the ring, Netty's default allocator as the fallback.
 */
public final class RingWiring {
    /** The largest share of requests the fallback may serve before a run is rejected as unrepresentative. */
    public static final double MAX_FALLBACK_SHARE = 0.01;

    private RingWiring() {
    }

    /** ring-netty's allocator with rings of {@code ringCapacity} bytes. */
    public static ByteBufAllocator create(int ringCapacity) {
        return RingByteBufAllocator.builder()
                .ringCapacity(ringCapacity)
                .build();
    }

    /**
     * Fails if {@code allocator} is a ring allocator whose fallback served more than
     * {@link #MAX_FALLBACK_SHARE} of the direct requests: the figures would then measure the fallback. Benchmarks
     * call it when a trial ends; JMH reports the exception as the run's failure.
     *
     * @throws IllegalStateException naming the fallback count and the metric
     */
    public static void checkServedByRings(ByteBufAllocator allocator) {
        if (!(allocator instanceof RingByteBufAllocator)) {
            return;
        }
        RingByteBufAllocatorMetric metric = ((RingByteBufAllocator) allocator).metric();
        // HEAP fallbacks happen only with heap rings turned off, by choice: not a sign of a small ring.
        long fallbacks = metric.fallbacks() - metric.fallbacks(FallbackReason.HEAP);
        long total = metric.allocations() + fallbacks;
        if (total > 0 && fallbacks > MAX_FALLBACK_SHARE * total) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "the ring's fallback served %d of %d requests (%.1f%%): the figures would measure the fallback;"
                            + " %s", fallbacks, total, 100.0 * fallbacks / total, metric));
        }
    }
}
