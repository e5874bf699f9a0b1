package dev.ringalloc.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.ringalloc.core.FixedBuffer;
import dev.ringalloc.core.JcstressAccess;
import dev.ringalloc.core.RingAllocator;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * A buffer closed on another thread while the owner allocates, with no quarantine: the closing thread releases
 * the region and queues the object, the owner may take that very object back at once and hand it out over a new
 * region. The close's last touch of the object is the queueing, so an object the owner got back is wholly the new
 * holder's: live, holding what the owner wrote, the only region held. Never: the new holder's object seen as
 * released or with other bytes (the closing thread writing it after it was queued).
 *
 * <p>r1: 1 if the close returned. r2: 1 if the owner got the closed object back, 0 if a new one. r3: 1 if the
 * owner's buffer was live and read back what it wrote, and only its region was held; 0 otherwise.
 */
@JCStressTest
@Description("FixedBuffer closed on another thread vs the owner reusing its object at once")
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "the owner made a new object (the close came later)")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "the owner reused the closed object, wholly its own")
@Outcome(expect = FORBIDDEN, desc = "the reused object was touched by the close after it was queued")
@State
public class CloseElsewhereVsReuseTest {

    private final RingAllocator allocator = JcstressAccess.withoutQuarantine(Fixture.CAPACITY);
    private final FixedBuffer closed = JcstressAccess.fixedWithoutOwner(allocator, 16);
    private FixedBuffer reused;

    @Actor
    public void closer(III_Result r) {
        r.r1 = Fixture.attempt(closed::close);
    }

    @Actor
    public void owner(III_Result r) {
        FixedBuffer b = allocator.tryFixed(16);
        if (b == null) {
            r.r3 = 5; // the ring is large enough for both: never
            return;
        }
        b.writeLong(0x5A5A_5A5A_5A5A_5A5AL);
        reused = b;
        r.r2 = b == closed ? 1 : 0;
    }

    @Arbiter
    public void check(III_Result r) {
        FixedBuffer b = reused;
        if (b == null) {
            return;
        }
        boolean own = b.isLive() && b.length() == 8 && b.getLong(0) == 0x5A5A_5A5A_5A5A_5A5AL
                && allocator.stats().liveRegions() == 1;
        r.r3 = own ? 1 : 0;
        b.close();
        if (Fixture.recovered(JcstressAccess.ring(allocator)) != Fixture.OK) {
            r.r3 = 7;
        }
    }
}
