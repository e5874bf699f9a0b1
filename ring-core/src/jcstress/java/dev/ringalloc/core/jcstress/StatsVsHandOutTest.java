package dev.ringalloc.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.ringalloc.core.Ring;
import dev.ringalloc.core.RingStats;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.nio.ByteOrder;

/**
 * A {@link Ring#stats()} walk racing the owner's hand-out of the region it released last: the path that
 * runs without the stats seqlock. The owner held the whole ring (14 words) and released it on its own
 * thread; its next allocation of 8 bytes takes that region first, splitting it into a held word and a new
 * free run of 12 words. The walk must see the ring either before (nothing held, 112 free bytes) or after
 * (8 bytes in one held region, 96 free), never a mixture: the split guard is stored before the lock that
 * points to it, and nothing else changes. The old holder left a word at the split's place that reads as a
 * held guard running to the tail, so a walk that followed the lock before the split guard was stored
 * would count 104 bytes in use.
 *
 * <p>r1: 1 if the owner got its region. r2: bytes in use, r3: largest free run, as the walk saw them.
 */
@JCStressTest
@Description("stats() racing the owner's seqlock-free hand-out of its last released region")
@Outcome(id = "1, 0, 112", expect = ACCEPTABLE, desc = "walk saw the ring before the hand-out")
@Outcome(id = "1, 8, 96", expect = ACCEPTABLE, desc = "walk saw the ring after the hand-out")
@Outcome(expect = FORBIDDEN, desc = "walk saw a mixture, or the hand-out failed")
@State
public class StatsVsHandOutTest {

    private final Ring ring = Fixture.ring();

    public StatsVsHandOutTest() {
        long whole = ring.tryAllocate(Fixture.MAX);
        // Word 2, where the split guard goes: locked, stamp 5, next = the tail (word 15).
        ring.memory().duplicate().order(ByteOrder.nativeOrder()).putLong(2 * 8, Long.MIN_VALUE | 5L << 32 | 15);
        ring.releaseOnOwner(whole);
    }

    @Actor
    public void owner(III_Result r) {
        r.r1 = ring.tryAllocate(8) == Ring.NO_REGION ? 0 : 1;
    }

    @Actor
    public void walker(III_Result r) {
        RingStats stats = ring.stats();
        r.r2 = (int) stats.bytesInUse();
        r.r3 = (int) stats.largestFreeRegion();
    }
}
