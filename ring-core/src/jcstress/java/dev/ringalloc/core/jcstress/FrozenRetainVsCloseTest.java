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
 * {@code retain()} racing the last {@code close()} of a frozen buffer (reference count 1). Either the
 * retain comes first (count 2 → close leaves 1 holder, region still held, readable) or the close
 * comes first (count 0, region released; the late retain throws). Never: a retain that succeeds on a
 * released region (a holder reading freed bytes), nor a region released while a holder remains.
 *
 * <p>r1: 1 if retain returned, 0 if it threw. r2: 1 if close returned. r3: reference count
 * afterwards. r4: 1 if the region is held afterwards and its bytes readable through the buffer, 0 if
 * released; 5 if the count and the ring disagree.
 */
@JCStressTest
@Description("FrozenBuffer retain racing its last close")
@Outcome(id = "1, 1, 1, 1", expect = ACCEPTABLE, desc = "retain first: one holder left, region held")
@Outcome(id = "0, 1, 0, 0", expect = ACCEPTABLE, desc = "close first: region released, late retain threw")
@Outcome(expect = FORBIDDEN, desc = "refcount and ring disagree: use-after-release or leak")
@State
public class FrozenRetainVsCloseTest {

    private final RingAllocator allocator = RingAllocator.create(Fixture.CAPACITY);
    private final FrozenBuffer frozen;

    public FrozenRetainVsCloseTest() {
        frozen = allocator.fixed(16).writeLong(42L).writeLong(43L).freeze();
    }

    @Actor
    public void retainer(IIII_Result r) {
        r.r1 = Fixture.attempt(frozen::retain);
    }

    @Actor
    public void closer(IIII_Result r) {
        r.r2 = Fixture.attempt(frozen::close);
    }

    @Arbiter
    public void check(IIII_Result r) {
        int count = frozen.refCount();
        r.r3 = count;
        long live = allocator.stats().liveRegions();
        if (count == 1 && live == 1) {
            boolean readable = frozen.getLong(0) == 42L && frozen.getLong(8) == 43L;
            frozen.close();
            r.r4 = readable ? 1 : 6;
        } else if (count == 0 && live == 0) {
            r.r4 = 0;
        } else {
            r.r4 = 5;
            return;
        }
        if (Fixture.recovered(JcstressAccess.ring(allocator)) != Fixture.OK) {
            r.r4 = 7;
        }
    }
}
