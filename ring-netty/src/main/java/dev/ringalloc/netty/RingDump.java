package dev.ringalloc.netty;

import dev.ringalloc.core.RingStats;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The text of {@link RingByteBufAllocator#dump()}: the allocator's settings and counters, then each ring with its
 * figures and its oldest live regions. Plain text, one fact per line, for a human and for an issue report.
 */
final class RingDump {

    /** Oldest live regions listed per ring. */
    static final int OLDEST = 5;

    private RingDump() {
    }

    static String render(RingByteBufAllocator alloc, List<RingSnapshot> rings) {
        RingByteBufAllocatorMetric metric = alloc.metric();
        StringBuilder sb = new StringBuilder(1024);
        sb.append("RingByteBufAllocator dump, ").append(Instant.now()).append('\n');
        sb.append("settings: ring capacity ").append(bytes(alloc.ringCapacity()))
                .append(", max ring allocation ").append(bytes(alloc.maxRingAllocation()))
                .append(", max regions visited ").append(alloc.maxRegionsVisited())
                .append(", rings for all threads ").append(alloc.ringsForAllThreads())
                .append(", large ring above ")
                .append(alloc.largeRingAbove() > 0 ? bytes(alloc.largeRingAbove()) : "off")
                .append(", large rings when crowded above ")
                .append(alloc.largeRingWhenCrowdedAbove() > 0 ? bytes(alloc.largeRingWhenCrowdedAbove()) : "off")
                .append(", fallback ").append(alloc.fallback().getClass().getSimpleName())
                .append(", allocation sites ").append(RingHistory.SITES ? "on" : "off").append('\n');
        sb.append("counters: allocations ").append(metric.allocations())
                .append(", growths in place ").append(metric.growthsInPlace())
                .append(", moves ").append(metric.moves()).append(", fallbacks");
        for (FallbackReason reason : FallbackReason.values()) {
            sb.append(' ').append(reason).append(' ').append(metric.fallbacks(reason));
        }
        sb.append('\n');
        sb.append(rings.size()).append(rings.size() == 1 ? " ring" : " rings").append(" not yet freed\n");
        int n = 0;
        for (RingSnapshot ring : rings) {
            appendRing(sb, ++n, ring, alloc.largeRingAbove() > 0 ? alloc.largeRingAbove()
                    : alloc.largeRingWhenCrowdedAbove());
        }
        return sb.toString();
    }

    private static void appendRing(StringBuilder sb, int n, RingSnapshot ring, int largeRingAbove) {
        RingStats s = ring.stats();
        sb.append('\n').append("ring ").append(n).append(": owner \"").append(ring.owner()).append('"')
                .append(ring.ownerAlive() ? "" : " (ended)").append(", ").append(ring.direct() ? "direct" : "heap")
                .append(ring.large() ? ", large ring for requests above " + bytes(largeRingAbove) : "")
                .append(", ").append(ring.memoryKind()).append(", capacity ").append(bytes(s.capacity()))
                .append(ring.retired() ? ", retired: freed by its last release" : "").append('\n');
        sb.append("  in use ").append(bytes(s.bytesInUse())).append(" in ").append(s.liveRegions())
                .append(s.liveRegions() == 1 ? " live region" : " live regions")
                .append(", largest free run ").append(bytes(s.largestFreeRegion()))
                .append(", high-water mark ").append(bytes(s.highWaterMark())).append('\n');
        sb.append("  allocations ").append(s.allocations()).append(", failed walks ").append(s.failures())
                .append(", regions skipped ").append(s.regionsSkipped()).append(", growths in place ")
                .append(s.growthsInPlace()).append('\n');
        if (ring.oldestRegions().isEmpty()) {
            return;
        }
        sb.append("  oldest live regions:\n");
        int i = 0;
        for (LiveRegion region : ring.oldestRegions()) {
            sb.append("    ").append(++i).append(". age ").append(region.ageInAllocations()).append(" allocations, ")
                    .append(age(region)).append(", ").append(bytes(region.bytes())).append('\n');
            if (region.site() != null) {
                for (String line : region.site().split("\n")) {
                    sb.append("         ").append(line).append('\n');
                }
            }
        }
    }

    private static String age(LiveRegion region) {
        if (region.exactAge()) {
            return duration(region.minAgeNanos());
        }
        if (region.minAgeNanos() < 0) {
            return "at most " + duration(region.maxAgeNanos());
        }
        return duration(region.minAgeNanos()) + " to " + duration(region.maxAgeNanos());
    }

    /** {@code 830 ns}, {@code 12.4 µs}, {@code 3.20 ms}, {@code 1.52 s}, {@code 2 min 5 s}, {@code 3 h 2 min}. */
    static String duration(long nanos) {
        if (nanos < 1_000) {
            return nanos + " ns";
        }
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
        }
        if (nanos < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
        }
        long seconds = nanos / 1_000_000_000L;
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
        }
        if (seconds < 3600) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
    }

    /** {@code 812 B}, {@code 4 KiB (4096 B)}: exact bytes, with a readable unit when larger than 1 KiB. */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String unit;
        double value;
        if (bytes < 1L << 20) {
            unit = "KiB";
            value = bytes / 1024.0;
        } else if (bytes < 1L << 30) {
            unit = "MiB";
            value = bytes / (double) (1L << 20);
        } else {
            unit = "GiB";
            value = bytes / (double) (1L << 30);
        }
        String number = value == Math.rint(value) ? String.valueOf((long) value)
                : String.format(Locale.ROOT, "%.1f", value);
        return number + " " + unit + " (" + bytes + " B)";
    }
}
