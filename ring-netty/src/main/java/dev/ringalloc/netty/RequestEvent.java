package dev.ringalloc.netty;

import jdk.jfr.DataAmount;
import jdk.jfr.Label;

/** An event about one buffer request: its size. */
abstract class RequestEvent extends RingAllocatorEvent {

    @Label("Requested Size")
    @DataAmount
    long requestedBytes;
}
