package dev.ringalloc.netty;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;

/**
 * Registers the allocator's event types with JFR when a flight recorder is initialized (JFR calls a listener added
 * after that at once). Loaded only when {@link RingEvents#AVAILABLE}.
 */
final class JfrRegistration implements FlightRecorderListener {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(JfrRegistration.class);

    private JfrRegistration() {
    }

    /** Never throws: events are a diagnosis aid, not a reason for the allocator to fail. */
    static void install() {
        try {
            FlightRecorder.addListener(new JfrRegistration());
        } catch (Throwable t) {
            logger.debug("could not listen for JFR's start: ringalloc's events stay off", t);
        }
    }

    @Override
    public void recorderInitialized(FlightRecorder recorder) {
        try {
            FlightRecorder.register(FallbackEvent.class);
            FlightRecorder.register(RingCreatedEvent.class);
            FlightRecorder.register(RingFreedEvent.class);
            FlightRecorder.register(RingFullEvent.class);
        } catch (Throwable t) {
            logger.debug("could not register ringalloc's JFR events: they stay off", t);
        } finally {
            FlightRecorder.removeListener(this);
        }
    }
}
