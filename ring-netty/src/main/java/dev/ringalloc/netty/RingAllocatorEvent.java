package dev.ringalloc.netty;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Registered;

/**
 * What every event of the allocator shares: category {@code ringalloc}, disabled by default, registered with JFR only
 * once a recorder starts (see {@link RingEvents}), and the kind of memory concerned.
 */
@Category("ringalloc")
@Enabled(false)
@Registered(false)
abstract class RingAllocatorEvent extends Event {

    @Label("Direct")
    @Description("Direct memory (true) or heap")
    boolean direct;
}
