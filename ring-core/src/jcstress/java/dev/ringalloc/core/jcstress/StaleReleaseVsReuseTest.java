package dev.ringalloc.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.ringalloc.core.Ring;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * A stale release (a second release of an old handle) racing the owner's reuse of the same guard
 * under a new stamp. The old handle's region was released before the race; the owner allocates the
 * whole ring again (same guard word, new stamp) while another thread releases the old handle once
 * more. The stale release must throw whether it sees the guard free (stamp cleared by the owner's
 * reclaim, or still the old one) or locked under the new stamp, and must never unlock the new holder.
 *
 * <p>r1: 1 if the owner got the region. r2: 1 if the stale release returned (forbidden), 0 if it
 * threw. r3: 1 if the new holder still held its region afterwards and the ring recovered.
 */
@JCStressTest
@Description("Stale release of an old handle racing the owner's reuse of its guard")
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "stale release threw; new holder intact")
@Outcome(expect = FORBIDDEN, desc = "stale release succeeded or unlocked the new holder")
@State
public class StaleReleaseVsReuseTest {

    private final Ring ring = Fixture.ring();
    private final long old;
    private long fresh = Ring.NO_REGION;

    public StaleReleaseVsReuseTest() {
        old = ring.tryAllocate(Fixture.MAX);
        ring.release(old);
    }

    @Actor
    public void owner(III_Result r) {
        fresh = ring.tryAllocate(Fixture.MAX);
        r.r1 = fresh == Ring.NO_REGION ? 0 : 1;
    }

    @Actor
    public void stale(III_Result r) {
        r.r2 = Fixture.attempt(() -> ring.release(old));
    }

    @Arbiter
    public void check(III_Result r) {
        if (fresh == Ring.NO_REGION) {
            r.r3 = 0;
            return;
        }
        boolean held = ring.stats().liveRegions() == 1;
        int released = Fixture.attempt(() -> ring.release(fresh));
        r.r3 = held && released == 1 && Fixture.recovered(ring) == Fixture.OK ? 1 : 0;
    }
}
