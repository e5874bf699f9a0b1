package dev.ringalloc.netty;

import dev.ringalloc.core.Ring;
import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Registered;

/** JFR event: a thread's ring created, on that thread's first allocation of its kind. See {@link RingEvents}. */
@Name("dev.ringalloc.RingCreated")
@Label("Ring Created")
@Category("ringalloc")
@Description("A ring created for the thread that will allocate from it")
@Enabled(false)
@Registered(false)
final class RingCreatedEvent extends Event {

    private static final RingCreatedEvent INSTANCE = new RingCreatedEvent();

    @Label("Capacity")
    @DataAmount
    long capacity;

    @Label("Direct")
    @Description("Direct memory (true) or heap")
    boolean direct;

    @Label("Memory Kind")
    @Description("mapped (committed page by page), allocated or heap")
    String memoryKind;

    @Label("Owner")
    @Description("The thread that allocates from the ring")
    Thread owner;

    static boolean isEventEnabled() {
        return INSTANCE.isEnabled();
    }

    static void emit(Ring ring) {
        RingCreatedEvent event = new RingCreatedEvent();
        event.capacity = ring.capacity();
        event.direct = ring.isDirect();
        event.memoryKind = ring.memoryKind();
        event.owner = Thread.currentThread();
        event.commit();
    }
}
