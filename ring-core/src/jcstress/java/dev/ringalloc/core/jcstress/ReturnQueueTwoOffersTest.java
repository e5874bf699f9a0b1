package dev.ringalloc.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.ringalloc.core.JcstressAccess;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The queue that takes recycled buffer objects back from other threads: two threads each write a field of their
 * object and offer it at the same time, into a queue of two slots whose indexes stand one short of a wrap (the
 * offers take the last slot and the first one again). Both offers succeed (the queue has room for both), and the
 * owner, polling afterwards, gets each object exactly once, with the field its producer wrote before the offer
 * (the release store of the slot against the acquire load of the poll), then nothing.
 *
 * <p>r1, r2: 1 if that producer's offer succeeded. r3: the owner's polls: 3 = both objects, once each, fields
 * visible, then empty; anything else is a lost, doubled or unpublished object.
 */
@JCStressTest
@Description("ReturnQueue: two offers at once, across the wrap")
@Outcome(id = "1, 1, 3", expect = ACCEPTABLE, desc = "both offered, both polled once with their fields")
@Outcome(expect = FORBIDDEN, desc = "an offer failed with room left, or an object was lost, doubled or unpublished")
@State
public class ReturnQueueTwoOffersTest {

    private final JcstressAccess.Returns<Fixture.Item> queue = JcstressAccess.returns(2);
    private final Fixture.Item first = new Fixture.Item();
    private final Fixture.Item second = new Fixture.Item();

    public ReturnQueueTwoOffersTest() {
        queue.offer(new Fixture.Item()); // indexes at 1: the next offers take slots 1 and 0
        queue.poll();
    }

    @Actor
    public void producer1(III_Result r) {
        first.id = 1;
        r.r1 = queue.offer(first) ? 1 : 0;
    }

    @Actor
    public void producer2(III_Result r) {
        second.id = 2;
        r.r2 = queue.offer(second) ? 1 : 0;
    }

    @Arbiter
    public void owner(III_Result r) {
        int seen = 0;
        boolean ok = true;
        for (int i = 0; i < 2; i++) {
            Fixture.Item got = queue.poll();
            int bit = got == first ? 1 : got == second ? 2 : 0;
            ok &= bit != 0 && (seen & bit) == 0 && got.id == bit;
            seen |= bit;
        }
        ok &= queue.poll() == null;
        r.r3 = ok ? seen : 0;
    }
}
