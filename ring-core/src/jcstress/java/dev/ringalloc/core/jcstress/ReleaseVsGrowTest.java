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
 * The owner's in-place growth of a region (a CAS on a locked guard that changes its {@code next})
 * racing a release of the same region by another thread: the only place where the owner and a
 * releaser write the same guard word. (A misuse — a buffer released while its owner still grows it —
 * but it must not corrupt the ring.) Either the growth lands first and the release frees the grown
 * region, or the release lands first and the growth throws IllegalStateException; in both cases the
 * guard ends unlocked and the whole ring is allocatable again (a growth that dropped the lock bit, as
 * in RingAl 0.4.0, would make the release throw: r2 = 0).
 *
 * <p>r1: 1 grew, 0 grow returned false (wrong: the space behind is free), -1 grow threw. r2: 1 if the
 * release returned. r3: arbiter's check.
 */
@JCStressTest
@Description("Release racing the owner's in-place growth of the same region")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "grew, then released")
@Outcome(id = "-1, 1, 1", expect = ACCEPTABLE_INTERESTING, desc = "released first: growth refused with IllegalStateException")
@Outcome(expect = FORBIDDEN, desc = "lost release, broken growth or capacity lost")
@State
public class ReleaseVsGrowTest {

    private final Ring ring = Fixture.ring();
    private final long h;

    public ReleaseVsGrowTest() {
        h = ring.tryAllocate(16); // [0, 3); [3, 15) free behind it
    }

    @Actor
    public void owner(III_Result r) {
        try {
            boolean grew = ring.tryGrowInPlace(h, 64);
            r.r1 = grew ? 1 : 0;
        } catch (IllegalStateException released) {
            r.r1 = -1;
        }
    }

    @Actor
    public void releaser(III_Result r) {
        r.r2 = Fixture.attempt(() -> ring.release(h));
    }

    @Arbiter
    public void check(III_Result r) {
        r.r3 = Fixture.recovered(ring);
    }
}
