package dev.ringalloc.netty.micrometer;

import dev.ringalloc.netty.FallbackReason;
import dev.ringalloc.netty.LiveRegion;
import dev.ringalloc.netty.RingByteBufAllocator;
import dev.ringalloc.netty.RingByteBufAllocatorMetric;
import dev.ringalloc.netty.RingSnapshot;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * A Micrometer {@link MeterBinder} for a {@link RingByteBufAllocator}:
 * <pre>{@code
 * new RingAllocatorMetrics(alloc).bindTo(registry);
 * }</pre>
 * Every meter has the tags {@code id} (the allocator's identity hash code) and {@code allocator.type}
 * ({@code RingByteBufAllocator}), as Micrometer's own {@code NettyAllocatorMetrics}, plus:
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type, unit</th><th>more tags</th><th>what</th></tr>
 *   <tr><td>{@code netty.allocator.memory.used}</td><td>gauge, bytes</td><td>{@code memory.type}</td>
 *       <td>as Micrometer's Netty binder: the metric's {@code usedDirectMemory()} / {@code usedHeapMemory()}, the
 *       rings' capacity plus the fallback's own figure</td></tr>
 *   <tr><td>{@code ringalloc.fallbacks}</td><td>function counter</td><td>{@code reason}</td>
 *       <td>requests served by the fallback, by {@link FallbackReason} in lower case ({@code too_large},
 *       {@code ring_full}, {@code no_ring}, {@code heap})</td></tr>
 *   <tr><td>{@code ringalloc.allocations}</td><td>function counter</td><td></td>
 *       <td>regions handed out by the rings</td></tr>
 *   <tr><td>{@code ringalloc.moves}</td><td>function counter</td><td></td>
 *       <td>buffers copied to new memory by growth</td></tr>
 *   <tr><td>{@code ringalloc.rings}</td><td>gauge</td><td>{@code memory.type}</td><td>rings not yet freed</td></tr>
 *   <tr><td>{@code ringalloc.memory.capacity}</td><td>gauge, bytes</td><td>{@code memory.type}</td>
 *       <td>their capacity (reserved)</td></tr>
 *   <tr><td>{@code ringalloc.memory.used}</td><td>gauge, bytes</td><td>{@code memory.type}</td>
 *       <td>payload bytes of the regions held now</td></tr>
 *   <tr><td>{@code ringalloc.regions.live}</td><td>gauge</td><td>{@code memory.type}</td>
 *       <td>regions held now</td></tr>
 *   <tr><td>{@code ringalloc.memory.high.water}</td><td>gauge, bytes</td><td>{@code memory.type}</td>
 *       <td>the highest high-water mark of any ring: how near its capacity the fullest ring came</td></tr>
 *   <tr><td>{@code ringalloc.region.oldest.allocations}</td><td>gauge, allocations</td><td>{@code memory.type}</td>
 *       <td>age of the oldest live region of any ring, in allocations of its ring; 0 with none</td></tr>
 *   <tr><td>{@code ringalloc.region.oldest.age}</td><td>time gauge, seconds</td><td>{@code memory.type}</td>
 *       <td>age in time of the oldest live region of any ring (exact in allocation-site mode, else a lower
 *       bound, see {@link LiveRegion#minAgeNanos()}); 0 with none</td></tr>
 * </table>
 * The ring gauges come from one {@link RingByteBufAllocatorMetric#ringSnapshots(int) snapshot} of the rings, taken
 * when a gauge is read and reused for {@code maxSnapshotAge} (one second by default), so that one scrape walks each
 * ring once. The gauges refer to the allocator strongly: the registry keeps it reachable.
 */
public final class RingAllocatorMetrics implements MeterBinder {

    private static final String[] MEMORY_TYPES = {"direct", "heap"};

    private final RingByteBufAllocator allocator;
    private final Iterable<Tag> extraTags;
    private final long maxSnapshotAgeNanos;

    /** The last snapshot's figures; replaced whole, so a reader sees one snapshot's figures. */
    private volatile Figures figures;

    /** Meters for {@code allocator}, with a snapshot of the rings reused for one second. */
    public RingAllocatorMetrics(RingByteBufAllocator allocator) {
        this(allocator, Tags.empty(), Duration.ofSeconds(1));
    }

    /**
     * Meters for {@code allocator} with {@code tags} added to each, and ring snapshots reused for {@code maxSnapshotAge}
     * ({@link Duration#ZERO}: a walk of every ring per gauge read).
     */
    public RingAllocatorMetrics(RingByteBufAllocator allocator, Iterable<Tag> tags, Duration maxSnapshotAge) {
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.extraTags = Objects.requireNonNull(tags, "tags");
        this.maxSnapshotAgeNanos = maxSnapshotAge.toNanos();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        RingByteBufAllocatorMetric metric = allocator.metric();
        Tags tags = Tags.of("id", String.valueOf(System.identityHashCode(allocator)),
                "allocator.type", allocator.getClass().getSimpleName()).and(extraTags);

        Gauge.builder("netty.allocator.memory.used", metric, RingByteBufAllocatorMetric::usedDirectMemory)
                .tags(tags.and("memory.type", "direct")).baseUnit(BaseUnits.BYTES)
                .description("Memory used by the allocator: its rings' capacity plus the fallback's")
                .strongReference(true).register(registry);
        Gauge.builder("netty.allocator.memory.used", metric, RingByteBufAllocatorMetric::usedHeapMemory)
                .tags(tags.and("memory.type", "heap")).baseUnit(BaseUnits.BYTES)
                .description("Memory used by the allocator: its rings' capacity plus the fallback's")
                .strongReference(true).register(registry);

        for (FallbackReason reason : FallbackReason.values()) {
            FunctionCounter.builder("ringalloc.fallbacks", metric, m -> m.fallbacks(reason))
                    .tags(tags.and("reason", reason.name().toLowerCase(Locale.ROOT)))
                    .description("Requests served by the fallback allocator instead of a ring, by reason")
                    .register(registry);
        }
        FunctionCounter.builder("ringalloc.allocations", metric, RingByteBufAllocatorMetric::allocations)
                .tags(tags).description("Regions handed out by the rings").register(registry);
        FunctionCounter.builder("ringalloc.moves", metric, RingByteBufAllocatorMetric::moves)
                .tags(tags).description("Buffers copied to new memory as they grew").register(registry);

        for (int t = 0; t < MEMORY_TYPES.length; t++) {
            final int type = t;
            Tags typed = tags.and("memory.type", MEMORY_TYPES[t]);
            ringGauge(registry, "ringalloc.rings", null, typed, "Rings not yet freed", f -> f.rings[type]);
            ringGauge(registry, "ringalloc.memory.capacity", BaseUnits.BYTES, typed, "Capacity of the rings",
                    f -> f.capacity[type]);
            ringGauge(registry, "ringalloc.memory.used", BaseUnits.BYTES, typed,
                    "Payload bytes of the ring regions held by buffers now", f -> f.bytesInUse[type]);
            ringGauge(registry, "ringalloc.regions.live", null, typed, "Ring regions held by buffers now",
                    f -> f.liveRegions[type]);
            ringGauge(registry, "ringalloc.memory.high.water", BaseUnits.BYTES, typed,
                    "The highest high-water mark of any ring", f -> f.highWater[type]);
            ringGauge(registry, "ringalloc.region.oldest.allocations", "allocations", typed,
                    "Age of the oldest live region, in allocations of its ring", f -> f.oldestAllocations[type]);
            TimeGauge.builder("ringalloc.region.oldest.age", this, TimeUnit.NANOSECONDS,
                            m -> m.figures().oldestNanos[type])
                    .tags(typed).strongReference(true)
                    .description("Age of the oldest live region of any ring (a lower bound unless allocation sites "
                            + "are recorded)")
                    .register(registry);
        }
    }

    private void ringGauge(MeterRegistry registry, String name, String unit, Tags tags, String description,
                           ToDoubleFunction<Figures> figure) {
        Gauge.builder(name, this, m -> figure.applyAsDouble(m.figures())).tags(tags).baseUnit(unit)
                .description(description).strongReference(true).register(registry);
    }

    /** The figures of a snapshot at most {@code maxSnapshotAge} old. */
    private Figures figures() {
        Figures f = figures;
        long now = System.nanoTime();
        if (f == null || now - f.takenNanos > maxSnapshotAgeNanos || maxSnapshotAgeNanos == 0) {
            f = new Figures(now, allocator.metric().ringSnapshots(1));
            figures = f;
        }
        return f;
    }

    /** The ring figures of one snapshot, by memory type (0 direct, 1 heap). Immutable once built. */
    private static final class Figures {
        final long takenNanos;
        final long[] rings = new long[2];
        final long[] capacity = new long[2];
        final long[] bytesInUse = new long[2];
        final long[] liveRegions = new long[2];
        final long[] highWater = new long[2];
        final long[] oldestAllocations = new long[2];
        final long[] oldestNanos = new long[2];

        Figures(long takenNanos, List<RingSnapshot> snapshots) {
            this.takenNanos = takenNanos;
            for (RingSnapshot s : snapshots) {
                int t = s.direct() ? 0 : 1;
                rings[t]++;
                capacity[t] += s.stats().capacity();
                bytesInUse[t] += s.stats().bytesInUse();
                liveRegions[t] += s.stats().liveRegions();
                highWater[t] = Math.max(highWater[t], s.stats().highWaterMark());
                for (LiveRegion oldest : s.oldestRegions()) {
                    oldestAllocations[t] = Math.max(oldestAllocations[t], oldest.ageInAllocations());
                    oldestNanos[t] = Math.max(oldestNanos[t], oldest.minAgeNanos());
                }
            }
        }
    }
}
