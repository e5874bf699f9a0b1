package dev.ringalloc.netty;

import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;

/** An event in the life of one ring: its capacity and its owner. */
abstract class RingLifeEvent extends RingAllocatorEvent {

    @Label("Capacity")
    @DataAmount
    long capacity;

    @Label("Large Ring")
    @Description("The owner's large ring, which serves only requests above largeRingAbove, or above"
            + " largeRingWhenCrowdedAbove once they crowded its ring (false: its ring)")
    boolean large;

    @Label("Owner")
    @Description("The thread that allocates from the ring (null once collected)")
    Thread owner;
}
