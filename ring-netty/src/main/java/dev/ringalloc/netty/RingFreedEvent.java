package dev.ringalloc.netty;

import dev.ringalloc.core.Ring;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * JFR event: a ring's memory given back, once its owner has ended (or cleaned up its thread-locals) and its last
 * buffer is released. See {@link RingEvents}.
 */
@Name("dev.ringalloc.RingFreed")
@Label("Ring Freed")
@Description("A ring's memory given back: its owner ended and its last buffer was released")
final class RingFreedEvent extends RingLifeEvent {

    private static final RingFreedEvent INSTANCE = new RingFreedEvent();

    @Label("Owner Name")
    String ownerName;

    @Label("Allocations")
    @Description("Regions the ring handed out in its life")
    long allocations;

    static boolean isEventEnabled() {
        return INSTANCE.isEnabled();
    }

    static void emit(Ring ring, RingHistory history) {
        RingFreedEvent event = new RingFreedEvent();
        event.capacity = ring.capacity();
        event.direct = ring.isDirect();
        event.large = history.large();
        event.owner = history.owner();
        event.ownerName = history.ownerName();
        event.allocations = ring.allocationCount();
        event.commit();
    }
}
