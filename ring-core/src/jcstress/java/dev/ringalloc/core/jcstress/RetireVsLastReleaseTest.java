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
 * The retire / last-release handshake: the owner retires the ring (its thread is ending) while
 * another thread releases the last held region. Whichever comes second must see the other and free
 * the memory: the ring must end FREED. A ring left RETIRED with nothing held is a leak nobody will
 * ever clean up.
 *
 * <p>r1: 1 if retire returned. r2: 1 if the release returned. r3: 1 if the ring is freed afterwards.
 */
@JCStressTest
@Description("Retire racing the last release: the memory is freed exactly when both are done")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "freed by whichever came second")
@Outcome(id = "1, 1, 0", expect = FORBIDDEN, desc = "neither saw the other: ring leaked")
@Outcome(expect = FORBIDDEN, desc = "retire or release threw")
@State
public class RetireVsLastReleaseTest {

    private final Ring ring = Fixture.ring();
    private final long h;

    public RetireVsLastReleaseTest() {
        long first = ring.tryAllocate(8);
        h = ring.tryAllocate(8);
        ring.release(first);
    }

    @Actor
    public void owner(III_Result r) {
        r.r1 = Fixture.attempt(ring::retire);
    }

    @Actor
    public void releaser(III_Result r) {
        r.r2 = Fixture.attempt(() -> ring.release(h));
    }

    @Arbiter
    public void check(III_Result r) {
        r.r3 = ring.isFreed() ? 1 : 0;
    }
}
