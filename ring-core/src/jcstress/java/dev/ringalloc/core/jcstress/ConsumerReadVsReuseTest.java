package dev.ringalloc.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.ringalloc.core.FrozenBuffer;
import dev.ringalloc.core.JcstressAccess;
import dev.ringalloc.core.Ring;
import java.nio.ByteBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * A consumer's last read of a payload against the owner's reuse of the same bytes. One frozen buffer
 * fills the ring (14 words, all {@code OLD}). The consumer reads its first and last word, then
 * closes it (its last holder: the close releases the region). The owner meanwhile asks for the whole
 * ring again and, if it gets it, overwrites every word with {@code NEW}. The release is a volatile
 * CAS after the reads; the owner reads the guard with acquire before it reuses the bytes: the consumer
 * must never see {@code NEW}. (RingAl's relaxed release and load let exactly that happen.)
 *
 * <p>r1: 1 if the owner got the region again. r2, r3: the consumer's first and last word: 1 = OLD,
 * 2 = NEW (forbidden), 3 = anything else.
 */
@JCStressTest
@Description("Consumer's last read vs the owner's reuse of the same bytes")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "consumer read OLD, released, owner reused")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE_INTERESTING, desc = "owner walked before the release: clean failure")
@Outcome(expect = FORBIDDEN, desc = "consumer saw bytes the owner wrote after reusing the region")
@State
public class ConsumerReadVsReuseTest {

    static final long OLD = 0x0101_0101_0101_0101L;
    static final long NEW = 0x0202_0202_0202_0202L;

    private final Ring ring = Fixture.ring();
    private final ByteBuffer memory = ring.memory();
    private final FrozenBuffer frozen;
    private long reused = Ring.NO_REGION;

    public ConsumerReadVsReuseTest() {
        long h = ring.tryAllocate(Fixture.MAX);
        int base = Ring.payloadOffset(h);
        for (int i = 0; i < Fixture.MAX; i += 8) {
            memory.putLong(base + i, OLD);
        }
        frozen = JcstressAccess.frozen(ring, h, Fixture.MAX);
    }

    @Actor
    public void owner(III_Result r) {
        long h = ring.tryAllocate(Fixture.MAX);
        if (h == Ring.NO_REGION) {
            r.r1 = 0;
            return;
        }
        reused = h;
        int base = Ring.payloadOffset(h);
        for (int i = 0; i < Fixture.MAX; i += 8) {
            memory.putLong(base + i, NEW);
        }
        r.r1 = 1;
    }

    @Actor
    public void consumer(III_Result r) {
        long first = frozen.getLong(0);
        long last = frozen.getLong(Fixture.MAX - 8);
        frozen.close();
        r.r2 = code(first);
        r.r3 = code(last);
    }

    private static int code(long word) {
        return word == OLD ? 1 : word == NEW ? 2 : 3;
    }

    @Arbiter
    public void check(III_Result r) {
        if (reused != Ring.NO_REGION) {
            ring.release(reused);
        }
        if (Fixture.recovered(ring) != Fixture.OK) {
            r.r1 = 7; // shows as a forbidden outcome
        }
    }
}
