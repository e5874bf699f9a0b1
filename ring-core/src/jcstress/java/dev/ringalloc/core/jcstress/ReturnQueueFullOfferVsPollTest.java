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
 * A full return queue (one slot, holding {@code OLD}): a producer offers {@code NEW} while the owner polls. The
 * offer either finds the queue still full and fails (the object is dropped, as a full pool drops it), or finds
 * the slot the poll freed and fills it; then the arbiter polls {@code NEW}, with its field visible. Never: the
 * owner polls {@code NEW} before {@code OLD}, an offer that succeeded but whose object is lost, or the poll's
 * clearing of the slot overwriting {@code NEW}.
 *
 * <p>r1: the owner's poll: 1 OLD, 2 NEW, 0 nothing. r2: 1 if the offer succeeded. r3: the arbiter's poll: 0
 * nothing, 2 NEW with its field visible, 9 NEW without it, 1 OLD (again).
 */
@JCStressTest
@Description("ReturnQueue: an offer to a full queue racing the poll that frees it")
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "offer before the poll: queue full, object dropped")
@Outcome(id = "1, 1, 2", expect = ACCEPTABLE, desc = "offer after the poll: the arbiter polls it")
@Outcome(expect = FORBIDDEN, desc = "order broken, object lost or duplicated, or its field not visible")
@State
public class ReturnQueueFullOfferVsPollTest {

    private final JcstressAccess.Returns<Fixture.Item> queue = JcstressAccess.returns(1);
    private final Fixture.Item old = new Fixture.Item();
    private final Fixture.Item fresh = new Fixture.Item();

    public ReturnQueueFullOfferVsPollTest() {
        old.id = 1;
        queue.offer(old);
    }

    @Actor
    public void producer(III_Result r) {
        fresh.id = 2;
        r.r2 = queue.offer(fresh) ? 1 : 0;
    }

    @Actor
    public void owner(III_Result r) {
        Fixture.Item got = queue.poll();
        r.r1 = got == null ? 0 : got == old ? 1 : 2;
    }

    @Arbiter
    public void arbiter(III_Result r) {
        Fixture.Item got = queue.poll();
        r.r3 = got == null ? 0 : got == old ? 1 : got.id == 2 ? 2 : 9;
    }
}
