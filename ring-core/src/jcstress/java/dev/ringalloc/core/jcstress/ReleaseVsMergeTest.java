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
 * A release on one thread racing the owner's walk and merge. The ring holds A = [0, 6) and
 * B = [6, 15); A is released before the race. The owner asks for 104 bytes, which only the merge of A
 * and B gives; another thread releases B at the same time. The owner either sees B's release (and
 * merges A and B into one region) or does not (and fails cleanly); either way, once both are done,
 * nothing is held and the whole ring is allocatable again.
 *
 * <p>r1: 1 if the owner's allocation succeeded (at word 0, covering the whole ring), 0 if it failed,
 * 9 if it returned a wrong region. r2: 1 if B's release succeeded. r3: the arbiter's check
 * ({@link Fixture#OK} = nothing lost).
 */
@JCStressTest
@Description("Release racing the owner's walk-and-merge over the released region")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "owner saw the release and merged A and B")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE_INTERESTING, desc = "owner walked past B before its release: clean failure")
@Outcome(expect = FORBIDDEN, desc = "lost or wrong region, failed release, or capacity lost")
@State
public class ReleaseVsMergeTest {

    private final Ring ring = Fixture.ring();
    private final long b;
    private long taken = Ring.NO_REGION;

    public ReleaseVsMergeTest() {
        long a = ring.tryAllocate(40); // [0, 6)
        b = ring.tryAllocate(64);      // [6, 15): the rest, so the ring is full
        ring.release(a);
    }

    @Actor
    public void owner(III_Result r) {
        long h = ring.tryAllocate(104);
        if (h == Ring.NO_REGION) {
            r.r1 = 0;
        } else {
            taken = h;
            r.r1 = Ring.payloadOffset(h) == 8 && ring.capacity(h) == Fixture.MAX ? 1 : 9;
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
        r.r3 = Fixture.recovered(ring);
    }
}
