package dev.ringalloc.netty;

import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;

/**
 * Registers the allocator's event types with JFR when a flight recorder is initialized (JFR calls a listener added
 * after that at once). Loaded only when {@link RingEvents#AVAILABLE}.
 */
final class JfrRegistration implements FlightRecorderListener {

    private JfrRegistration() {
    }

    static void install() {
        FlightRecorder.addListener(new JfrRegistration());
    }

    @Override
    public void recorderInitialized(FlightRecorder recorder) {
        FlightRecorder.register(FallbackEvent.class);
        FlightRecorder.register(RingCreatedEvent.class);
        FlightRecorder.register(RingFreedEvent.class);
        FlightRecorder.register(RingFullEvent.class);
        FlightRecorder.removeListener(this);
    }
}
