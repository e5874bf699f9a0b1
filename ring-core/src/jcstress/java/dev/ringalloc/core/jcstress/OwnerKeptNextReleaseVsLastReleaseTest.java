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
 * {@link OwnerReleaseVsLastReleaseTest} for the owner's release that does not read the guard
 * ({@link Ring#releaseOnOwner(long, int)}, the path of ring-netty's buffers): the store built from the
 * {@code next} kept at hand-out, racing another thread's CAS release of the last other region of a retired
 * ring. Whichever comes second must see the first, and the ring must end FREED.
 *
 * <p>r1: 1 if the owner's release returned. r2: 1 if the other release returned. r3: 1 if freed.
 */
@JCStressTest
@Description("Owner's release with a kept next racing another thread's CAS release of a retired ring: freed exactly once both are done")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "freed by whichever came second")
@Outcome(id = "1, 1, 0", expect = FORBIDDEN, desc = "neither saw the other: ring leaked")
@Outcome(expect = FORBIDDEN, desc = "a release threw")
@State
public class OwnerKeptNextReleaseVsLastReleaseTest {

    private final Ring ring = Fixture.ring();
    private final long owners;
    private final int ownersNext;
    private final long others;

    public OwnerKeptNextReleaseVsLastReleaseTest() {
        owners = ring.tryAllocate(8);
        ownersNext = ring.nextOfLastAllocation();
        others = ring.tryAllocate(8);
        ring.retire();
    }

    @Actor
    public void owner(III_Result r) {
        r.r1 = Fixture.attempt(() -> ring.releaseOnOwner(owners, ownersNext));
    }

    @Actor
    public void releaser(III_Result r) {
        r.r2 = Fixture.attempt(() -> ring.release(others));
    }

    @Arbiter
    public void check(III_Result r) {
        r.r3 = ring.isFreed() ? 1 : 0;
    }
}
