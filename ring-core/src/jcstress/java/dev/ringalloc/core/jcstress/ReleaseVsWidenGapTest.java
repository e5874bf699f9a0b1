package dev.ringalloc.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
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
 * A release on one thread racing the merge ahead that a walk left to the owner's next allocation. On a 512-byte
 * ring (guards 0 to tail 63) the set-up leaves regions A0 = [0, 9), A1 = [9, 18) released, B = [18, 27) held, then
 * a request that only A0 and A1 merged can hold: it takes [0, 10) and leaves the gap [10, 18) at {@code head},
 * with the merge ahead pending. The owner's next request (8 bytes) first merges the free regions behind the gap;
 * another thread releases B at the same time. Either the owner sees B released and merges it (the gap reaches
 * 27, the 8 bytes are split off: the region ends at 12), or it sees B held and stops (the region is the whole
 * gap, ending at 18); either way, once everything is released, the whole ring is allocatable again.
 *
 * <p>r1: the {@code next} of the owner's region (12 or 18; 0 if the allocation failed). r2: 1 if B's release
 * succeeded. r3: the arbiter's check ({@link Fixture#OK} = nothing lost).
 */
@JCStressTest
@Description("Release racing the owner's deferred merge ahead of the gap at head")
@Outcome(id = "12, 1, 1", expect = ACCEPTABLE, desc = "owner saw B released and merged it into the gap")
@Outcome(id = "18, 1, 1", expect = ACCEPTABLE_INTERESTING, desc = "owner read B before its release: the gap alone")
@Outcome(expect = FORBIDDEN, desc = "wrong region, failed release, or capacity lost")
@State
public class ReleaseVsWidenGapTest {

    private final Ring ring = Fixture.ring(512);
    private final long b;
    private final long[] held = new long[4];
    private long taken = Ring.NO_REGION;

    public ReleaseVsWidenGapTest() {
        long a0 = ring.tryAllocate(64);        // [0, 9)
        long a1 = ring.tryAllocate(64);        // [9, 18); the look back at the start fails, waits 1
        b = ring.tryAllocate(64);              // [18, 27)
        held[0] = ring.tryAllocate(64);        // [27, 36); fails again, waits 2
        ring.release(a0);
        ring.release(a1);
        held[1] = ring.tryAllocate(8);         // [36, 38), waiting
        held[2] = ring.tryAllocate(8);         // [38, 40), waiting
        held[3] = ring.tryAllocate(72);        // back to the start: A0 and A1 merged, [0, 10); gap [10, 18)
    }

    @Actor
    public void owner(III_Result r) {
        long h = ring.tryAllocate(8);
        if (h == Ring.NO_REGION) {
            r.r1 = 0;
        } else {
            taken = h;
            r.r1 = Ring.payloadOffset(h) == 11 * 8 ? ring.nextOfLastAllocation() : 99;
        }
    }

    @Actor
    public void releaser(III_Result r) {
        r.r2 = Fixture.attempt(() -> ring.release(b));
    }

    @Arbiter
    public void check(III_Result r) {
        if (taken != Ring.NO_REGION) {
            ring.release(taken);
        }
        for (long h : held) {
            ring.release(h);
        }
        r.r3 = Fixture.recovered(ring);
    }
}
