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
 * {@link RetireVsLastReleaseTest} with the owner's last release not yet in memory: where guards go through a
 * segment's or a VarHandle's checks, the owner's release on its own thread leaves the unlocked word in the ring's
 * {@code releasedGuard} until the owner reads that guard itself (Ring, "The owner's last release, stored late").
 * Here the owner released its region and then did nothing more with the ring (its thread ended); a cleaner
 * retires the ring while another thread releases the last other region. Both must count the owner's release as
 * done, so whichever comes second frees the ring. (Where guards are stored at once, through Unsafe, this is the
 * handshake of {@link RetireVsLastReleaseTest} again.)
 *
 * <p>r1: 1 if retire returned. r2: 1 if the release returned. r3: 1 if the ring is freed afterwards.
 */
@JCStressTest
@Description("Retire racing the last release, the owner's own release not yet stored: freed when both are done")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "freed by whichever came second")
@Outcome(id = "1, 1, 0", expect = FORBIDDEN, desc = "the owner's unstored release read as held: ring leaked")
@Outcome(expect = FORBIDDEN, desc = "retire or release threw")
@State
public class UnstoredOwnerReleaseRetireVsLastReleaseTest {

    private final Ring ring = Fixture.ring();
    private final long others;

    public UnstoredOwnerReleaseRetireVsLastReleaseTest() {
        long owners = ring.tryAllocate(8);
        int ownersNext = ring.nextOfLastAllocation();
        others = ring.tryAllocate(8);
        ring.releaseOnOwner(owners, ownersNext); // the owner's last act on the ring
    }

    @Actor
    public void cleaner(III_Result r) {
        r.r1 = Fixture.attempt(ring::retire);
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
