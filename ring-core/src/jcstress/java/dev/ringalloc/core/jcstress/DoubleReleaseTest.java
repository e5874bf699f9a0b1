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
 * Two releases racing on one guard: exactly one wins, the other gets IllegalStateException, and the
 * ring is whole afterwards. r1, r2: 1 = release returned, 0 = threw. r3: arbiter's check.
 */
@JCStressTest
@Description("Two releases of one handle racing: exactly one wins")
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "first actor won, second threw")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "second actor won, first threw")
@Outcome(expect = FORBIDDEN, desc = "both or neither won, or the ring lost capacity")
@State
public class DoubleReleaseTest {

    private final Ring ring = Fixture.ring();
    private final long h;

    public DoubleReleaseTest() {
        long before = ring.tryAllocate(24);
        h = ring.tryAllocate(32);
        ring.release(before);
    }

    @Actor
    public void first(III_Result r) {
        r.r1 = Fixture.attempt(() -> ring.release(h));
    }

    @Actor
    public void second(III_Result r) {
        r.r2 = Fixture.attempt(() -> ring.release(h));
    }

    @Arbiter
    public void check(III_Result r) {
        r.r3 = Fixture.recovered(ring);
    }
}
