package dev.ringalloc.netty;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Registered;

/** JFR event: a request served by the fallback allocator instead of a ring. See {@link RingEvents}. */
@Name("dev.ringalloc.Fallback")
@Label("Ring Fallback")
@Category("ringalloc")
@Description("A buffer request served by the fallback allocator instead of a ring, and why")
@Enabled(false)
@Registered(false)
final class FallbackEvent extends Event {

    private static final FallbackEvent INSTANCE = new FallbackEvent();

    @Label("Reason")
    @Description("TOO_LARGE, RING_FULL, NO_RING or HEAP: see dev.ringalloc.netty.FallbackReason")
    String reason;

    @Label("Requested Size")
    @DataAmount
    long requestedBytes;

    @Label("Direct")
    @Description("Direct memory (true) or heap")
    boolean direct;

    static boolean isEventEnabled() {
        return INSTANCE.isEnabled();
    }

    static void emit(FallbackReason reason, int requestedBytes, boolean direct) {
        FallbackEvent event = new FallbackEvent();
        event.reason = reason.name();
        event.requestedBytes = requestedBytes;
        event.direct = direct;
        event.commit();
    }
}
