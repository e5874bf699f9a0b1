package dev.ringalloc.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.ringalloc.core.FrozenBuffer;
import dev.ringalloc.core.JcstressAccess;
import dev.ringalloc.core.RingAllocator;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Two holders of a frozen buffer (reference count 2) each read it and close at the same time. Both
 * reads see the frozen bytes, both closes return, exactly one of them releases the region (a double
 * release would throw from the ring), and a third close throws.
 *
 * <p>r1, r2: 1 if that holder read the right bytes and its close returned. r3: 1 if afterwards the
 * count is 0, the region is released and a further close throws. r4: arbiter's ring check.
 */
@JCStressTest
@Description("Two holders closing one FrozenBuffer at once: exactly one release")
@Outcome(id = "1, 1, 1, 1", expect = ACCEPTABLE, desc = "both closed, region released once")
@Outcome(expect = FORBIDDEN, desc = "a close threw, the region leaked, or was released twice")
@State
public class FrozenConcurrentCloseTest {

    private final RingAllocator allocator = RingAllocator.create(Fixture.CAPACITY);
    private final FrozenBuffer frozen;

    public FrozenConcurrentCloseTest() {
        frozen = allocator.fixed(8).writeLong(0x1122334455667788L).freeze().retain();
    }

    private int readAndClose() {
        boolean ok = frozen.getLong(0) == 0x1122334455667788L;
        return Fixture.attempt(frozen::close) == 1 && ok ? 1 : 0;
    }

    @Actor
    public void holder1(IIII_Result r) {
        r.r1 = readAndClose();
    }

    @Actor
    public void holder2(IIII_Result r) {
        r.r2 = readAndClose();
    }

    @Arbiter
    public void check(IIII_Result r) {
        boolean released = frozen.refCount() == 0 && allocator.stats().liveRegions() == 0;
        boolean thirdThrows = Fixture.attempt(frozen::close) == 0;
        r.r3 = released && thirdThrows ? 1 : 0;
        r.r4 = Fixture.recovered(JcstressAccess.ring(allocator));
    }
}
