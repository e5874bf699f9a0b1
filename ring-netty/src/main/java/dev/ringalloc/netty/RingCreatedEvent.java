package dev.ringalloc.netty;

import dev.ringalloc.core.Ring;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR event: a thread's ring created, on that thread's first allocation of its kind. See {@link RingEvents}. */
@Name("dev.ringalloc.RingCreated")
@Label("Ring Created")
@Description("A ring created for the thread that will allocate from it")
final class RingCreatedEvent extends RingLifeEvent {

    private static final RingCreatedEvent INSTANCE = new RingCreatedEvent();

    @Label("Memory Kind")
    @Description("mapped (committed page by page), allocated or heap")
    String memoryKind;

    static boolean isEventEnabled() {
        return INSTANCE.isEnabled();
    }

    static void emit(Ring ring, boolean large) {
        RingCreatedEvent event = new RingCreatedEvent();
        event.capacity = ring.capacity();
        event.direct = ring.isDirect();
        event.large = large;
        event.memoryKind = ring.memoryKind();
        event.owner = Thread.currentThread();
        event.commit();
    }
}
