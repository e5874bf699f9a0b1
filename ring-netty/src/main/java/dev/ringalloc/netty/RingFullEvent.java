package dev.ringalloc.netty;

import dev.ringalloc.core.RingStats;
import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Registered;
import jdk.jfr.Timespan;

/**
 * JFR event: a ring could not serve a request, with what fills it and its oldest live region, the usual culprit.
 * At most one per ring per 100 ms (each walks the ring); {@link #ringFullFallbacks} counts the ring-full
 * fallbacks it stands for. See {@link RingEvents}.
 */
@Name("dev.ringalloc.RingFull")
@Label("Ring Full")
@Category("ringalloc")
@Description("A ring had no room for a request; its figures and its oldest live region, which pins it")
@Enabled(false)
@Registered(false)
final class RingFullEvent extends Event {

    private static final RingFullEvent INSTANCE = new RingFullEvent();

    @Label("Requested Size")
    @DataAmount
    long requestedBytes;

    @Label("Direct")
    @Description("Direct memory (true) or heap")
    boolean direct;

    @Label("Ring-Full Fallbacks")
    @Description("Ring-full fallbacks of this ring since its previous Ring Full event, this one included")
    long ringFullFallbacks;

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

    @Label("Oldest Age")
    @Description("Time since the oldest live region's allocation: exact in allocation-site mode, else a lower bound "
            + "from time samples every 1024 allocations; -1 if unknown")
    @Timespan(Timespan.NANOSECONDS)
    long oldestAge;

    @Label("Oldest Age Exact")
    boolean oldestAgeExact;

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
        event.ringFullFallbacks = fallbacks;
        event.capacity = stats.capacity();
        event.bytesInUse = stats.bytesInUse();
        event.liveRegions = stats.liveRegions();
        event.largestFreeRun = stats.largestFreeRegion();
        event.oldestAgeAllocations = oldest != null ? oldest.ageInAllocations() : -1;
        event.oldestAge = oldest != null ? oldest.ageNanos() : -1;
        event.oldestAgeExact = oldest != null && oldest.exactAge();
        event.oldestBytes = oldest != null ? oldest.bytes() : 0;
        event.oldestSite = oldest != null ? oldest.site() : null;
        event.owner = ring.owner;
        event.commit();
    }
}
