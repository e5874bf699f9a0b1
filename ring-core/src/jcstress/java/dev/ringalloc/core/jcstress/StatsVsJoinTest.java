package dev.ringalloc.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.ringalloc.core.Ring;
import dev.ringalloc.core.RingStats;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * A {@link Ring#stats()} walk racing the owner's release that joins the free region it released before, and the
 * hand-out that follows. The ring holds A = [0, 6) and B = [6, 15); the owner released A before the race. Its
 * release of B joins A (the guard at word 0 now runs to the tail, B's guard is payload); it then takes the whole
 * ring and writes into it, where B's guard was, a word that reads as a held guard running to word 12, and at word
 * 12 a free guard running to the tail. The walk must see one of the three states (B held; nothing held; the whole
 * ring held), never a mixture: a walk that read the guard at word 0 before the join and word 6 after the writes
 * would count 40 bytes in use and 40 free. The join makes the seqlock odd around it, so that walk retries.
 *
 * <p>r1: 1 if the owner got the whole ring. r2: bytes in use, r3: largest free run, as the walk saw them.
 */
@JCStressTest
@Description("stats() racing the owner's release that joins its previous release, then a hand-out over it")
@Outcome(id = "1, 64, 40", expect = ACCEPTABLE, desc = "walk saw B held")
@Outcome(id = "1, 0, 112", expect = ACCEPTABLE, desc = "walk saw B released, joined or not")
@Outcome(id = "1, 112, 0", expect = ACCEPTABLE, desc = "walk saw the whole ring handed out")
@Outcome(expect = FORBIDDEN, desc = "walk saw a mixture, or the hand-out failed")
@State
public class StatsVsJoinTest {

    private final Ring ring = Fixture.ring();
    private final long b;

    public StatsVsJoinTest() {
        long a = ring.tryAllocate(40); // [0, 6)
        b = ring.tryAllocate(64);      // [6, 15): the rest, so the ring is full
        ring.releaseOnOwner(a);
    }

    @Actor
    public void owner(III_Result r) {
        ring.releaseOnOwner(b); // joins A
        long whole = ring.tryAllocate(Fixture.MAX);
        if (whole == Ring.NO_REGION || Ring.payloadOffset(whole) != 8) {
            r.r1 = 0;
            return;
        }
        r.r1 = 1;
        // The holder's bytes: at word 6 a held guard (stamp 5) running to word 12, at word 12 a free one to the tail.
        ByteBuffer memory = ring.memory().duplicate().order(ByteOrder.nativeOrder());
        memory.putLong(12 * 8, 15);
        memory.putLong(6 * 8, Long.MIN_VALUE | 5L << 32 | 12);
    }

    @Actor
    public void walker(III_Result r) {
        RingStats stats = ring.stats();
        r.r2 = (int) stats.bytesInUse();
        r.r3 = (int) stats.largestFreeRegion();
    }
}
