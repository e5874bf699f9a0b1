package dev.ringalloc.netty;

import io.netty.util.ResourceLeakDetector;

import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every real-pipeline test over {@link RingByteBufAllocator#DEFAULT} checks around its run: the leak detector
 * at PARANOID throughout; the fallbacks of the run, by reason (the allocator is shared, so counted from the start of
 * the run); and, once the event loops have ended, no ring region held and no leak reported.
 */
final class PipelineAudit {

    private final RingByteBufAllocator alloc;
    private final ResourceLeakDetector.Level savedLevel;
    private final Map<FallbackReason, Long> before;

    private PipelineAudit(RingByteBufAllocator alloc) {
        this.alloc = alloc;
        this.savedLevel = LeakCapture.paranoid();
        this.before = counts(alloc);
    }

    /** Starts auditing a run over {@code alloc}: the leak detector goes to PARANOID until {@link #finish}. */
    static PipelineAudit start(RingByteBufAllocator alloc) {
        return new PipelineAudit(alloc);
    }

    /** Fallbacks since the start, by reason. */
    Map<FallbackReason, Long> fallbacks() {
        Map<FallbackReason, Long> now = counts(alloc);
        now.replaceAll((reason, count) -> count - before.get(reason));
        return now;
    }

    private static Map<FallbackReason, Long> counts(RingByteBufAllocator alloc) {
        Map<FallbackReason, Long> counts = new EnumMap<>(FallbackReason.class);
        for (FallbackReason reason : FallbackReason.values()) {
            counts.put(reason, alloc.metric().fallbacks(reason));
        }
        return counts;
    }

    /**
     * Every buffer the probes saw came from the ring allocator, and every heap buffer from a ring region unless a
     * full ring sent it to fallback memory (each such counts {@code RING_FULL}): for runs whose heap buffers all fit
     * a ring (at most its maximum allocation).
     */
    static void assertHeapBuffersFromRings(Map<FallbackReason, Long> fallbacks, RingProbe... probes) {
        for (RingProbe probe : probes) {
            assertThat(probe.heapInFallback()).as("%s: heap buffers in fallback memory", probe)
                    .isLessThanOrEqualTo(fallbacks.get(FallbackReason.RING_FULL));
            assertThat(probe.foreign()).as("%s: buffers of another allocator", probe).isZero();
        }
    }

    /**
     * After the run's event loops have ended: no ring region is held, no leak is reported; then restores the leak
     * detector's level.
     */
    void finish() throws InterruptedException {
        try {
            assertThat(alloc.metric().bytesInUse()).as("ring bytes in use after the run").isZero();
            assertThat(alloc.metric().liveRegions()).as("ring regions held after the run").isZero();
            LeakCapture.collect(alloc);
            assertThat(LeakCapture.reports(LeakCapture.DELIBERATE)).as("leak reports").isEmpty();
        } finally {
            ResourceLeakDetector.setLevel(savedLevel);
        }
    }
}
