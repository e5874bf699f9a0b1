package dev.ringalloc.netty;

import dev.ringalloc.core.Ring;
import dev.ringalloc.core.RingStats;

import java.util.List;

/**
 * The allocator's JDK Flight Recorder events, as the allocator calls them: one static method per event, each a
 * static final test and, when JFR is there, the event type's own enabled test (Netty's pattern: a static instance's
 * {@code isEnabled()}, which JFR's instrumentation turns into a field read) before anything is built. The event
 * classes ({@code FallbackEvent}, {@code RingCreatedEvent}, {@code RingFreedEvent}, {@code RingFullEvent}) are named
 * {@code dev.ringalloc.*}, in category {@code ringalloc}, and disabled by default: {@code ring-netty/ringalloc.jfc}
 * turns them on.
 *
 * <p>This class itself names no {@code jdk.jfr} type: on a runtime without the {@code jdk.jfr} module
 * ({@link #AVAILABLE} false) no event class is ever loaded. The events are registered with JFR only once a flight
 * recorder is initialized ({@code JfrRegistration}), so a JVM that records nothing never starts JFR's machinery.
 */
final class RingEvents {

    /** True when the {@code jdk.jfr} module is in the runtime. */
    static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.jfr").isPresent();

    private static volatile boolean registered;

    private RingEvents() {
    }

    /** Registers the event types with JFR once a flight recorder is initialized (now, if one is). Idempotent. */
    static void register() {
        if (AVAILABLE && !registered) {
            synchronized (RingEvents.class) {
                if (!registered) {
                    registered = true;
                    JfrRegistration.install();
                }
            }
        }
    }

    /** A request served by the fallback: {@code dev.ringalloc.Fallback}. */
    static void fallback(FallbackReason reason, int requestedBytes, boolean direct) {
        if (AVAILABLE && FallbackEvent.isEventEnabled()) {
            FallbackEvent.emit(reason, requestedBytes, direct);
        }
    }

    /** A ring created by its owner, the calling thread: {@code dev.ringalloc.RingCreated}. */
    static void ringCreated(Ring ring, boolean large) {
        if (AVAILABLE && RingCreatedEvent.isEventEnabled()) {
            RingCreatedEvent.emit(ring, large);
        }
    }

    /** A ring's memory given back, reported once per ring: {@code dev.ringalloc.RingFreed}. */
    static void ringFreed(Ring ring, RingHistory history) {
        if (history.markFreedReported() && AVAILABLE && RingFreedEvent.isEventEnabled()) {
            RingFreedEvent.emit(ring, history);
        }
    }

    /** True when {@code dev.ringalloc.RingFull} is recorded: worth finding the calling thread's ring. */
    static boolean ringFullEnabled() {
        return AVAILABLE && RingFullEvent.isEventEnabled();
    }

    /**
     * A request the calling thread's ring could not serve: {@code dev.ringalloc.RingFull}, at most one per ring per
     * {@link RingHistory#RING_FULL_EVENT_INTERVAL_NANOS}, as each walks the ring; an event counts the ring-full
     * fallbacks since the previous one.
     */
    static void ringFull(ThreadRing ring, int requestedBytes) {
        if (ring != null && ringFullEnabled()) {
            long fallbacks = ring.history.ringFullsToReport();
            if (fallbacks > 0) {
                RingStats stats = ring.ring.stats();
                List<LiveRegion> oldest = RingSnapshot.oldestRegions(ring.ring, ring.history, 1);
                RingFullEvent.emit(ring, requestedBytes, fallbacks, stats, oldest.isEmpty() ? null : oldest.get(0));
            }
        }
    }
}
