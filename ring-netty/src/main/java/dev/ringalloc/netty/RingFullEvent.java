package dev.ringalloc.netty;

import dev.ringalloc.core.RingStats;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/**
 * JFR event: a ring could not serve a request, with what fills it and its oldest live region, the usual culprit.
 * At most one per ring per 100 ms (each walks the ring); {@link #ringFullFallbacks} counts the ring-full
 * fallbacks it stands for. See {@link RingEvents}.
 */
@Name("dev.ringalloc.RingFull")
@Label("Ring Full")
@Description("A ring had no room for a request; its figures and its oldest live region, which pins it")
final class RingFullEvent extends RequestEvent {

    private static final RingFullEvent INSTANCE = new RingFullEvent();

    @Label("Ring-Full Fallbacks")
    @Description("Ring-full fallbacks of this ring since its previous Ring Full event, this one included")
    long ringFullFallbacks;

    @Label("Large Ring")
    @Description("The owner's large ring, which serves only requests above largeRingAbove, or above"
            + " largeRingWhenCrowdedAbove once they crowded its ring (false: its ring)")
    boolean large;

    @Label("Capacity")
    @DataAmount
    long capacity;

    @Label("Bytes in Use")
    @DataAmount
    long bytesInUse;

    @Label("Live Regions")
    long liveRegions;

    @Label("Largest Free Run")
    @DataAmount
    long largestFreeRun;

    @Label("Oldest Age in Allocations")
    @Description("Allocations the ring made since its oldest live region's; -1 if no region is live")
    long oldestAgeAllocations;

    @Label("Oldest Age at Least")
    @Description("Time since the oldest live region's allocation, at least: exact in allocation-site mode, else from "
            + "time samples every 1024 allocations (0 when none was taken since); -1 if no region is live")
    @Timespan(Timespan.NANOSECONDS)
    long oldestMinAge;

    @Label("Oldest Age at Most")
    @Description("Time since the oldest live region's allocation, at most (equal to the least in allocation-site "
            + "mode); -1 if no region is live")
    @Timespan(Timespan.NANOSECONDS)
    long oldestMaxAge;

    @Label("Oldest Size")
    @DataAmount
    long oldestBytes;

    @Label("Oldest Site")
    @Description("Where the oldest live region was allocated (allocation-site mode only)")
    String oldestSite;

    @Label("Owner")
    @Description("The ring's owner thread, which allocates from it (and asked here)")
    Thread owner;

    static boolean isEventEnabled() {
        return INSTANCE.isEnabled();
    }

    static void emit(ThreadRing ring, int requestedBytes, long fallbacks, RingStats stats, LiveRegion oldest) {
        RingFullEvent event = new RingFullEvent();
        event.requestedBytes = requestedBytes;
        event.direct = ring.ring.isDirect();
        event.large = ring.history.large();
        event.ringFullFallbacks = fallbacks;
        event.capacity = stats.capacity();
        event.bytesInUse = stats.bytesInUse();
        event.liveRegions = stats.liveRegions();
        event.largestFreeRun = stats.largestFreeRegion();
        event.oldestAgeAllocations = oldest != null ? oldest.ageInAllocations() : -1;
        event.oldestMinAge = oldest != null ? Math.max(0, oldest.minAgeNanos()) : -1; // unknown: at least 0
        event.oldestMaxAge = oldest != null ? oldest.maxAgeNanos() : -1;
        event.oldestBytes = oldest != null ? oldest.bytes() : 0;
        event.oldestSite = oldest != null ? oldest.site() : null;
        event.owner = ring.owner;
        event.commit();
    }
}
