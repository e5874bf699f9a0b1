package dev.ringalloc.netty;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR event: a request served by the fallback allocator instead of a ring. See {@link RingEvents}. */
@Name("dev.ringalloc.Fallback")
@Label("Ring Fallback")
@Description("A buffer request served by the fallback allocator instead of a ring, and why")
final class FallbackEvent extends RequestEvent {

    private static final FallbackEvent INSTANCE = new FallbackEvent();

    @Label("Reason")
    @Description("TOO_LARGE, RING_FULL, NO_RING or HEAP: see dev.ringalloc.netty.FallbackReason")
    String reason;

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
