package dev.ringalloc.core.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.ringalloc.core.Ring;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Two releases racing one owner walk that skips held regions. A 256-byte ring (tail guard at word 31)
 * is cut into R0 [0,3), R1 [3,6), R2 [6,9), R3 [9,12) (16 bytes each) and R4 [12,31). R0 and R2 are
 * free before the race; R4 stays held throughout (a long-lived buffer). Another thread releases R1 then R3 while the owner asks for
 * 40 bytes (5 words), which fits only in a run starting at R0 (word 0, once R1 is released) or at R2 (word 6,
 * once R3 is released). The owner walks from word 0, skipping held regions. A walk that had to merge to fit
 * merges the free regions after the run too (Ring's "merge ahead"), and a run whose split would leave fewer than
 * {@link Ring#MIN_SPLIT_WORDS} words is handed out whole: so the region at word 0 may end at 6, 9 (R2 merged
 * ahead) or 12 (R3 seen released too). Whichever it takes, it must start at one of those two words, must not
 * touch R4, and after everything is released the ring must be whole.
 *
 * <p>r1: guard word of the owner's region (0 or 6), -1 if it failed. r2: the word its region ends at (the
 * next guard), -1 if it failed. r3: releases that succeeded (2). r4: arbiter's check.
 */
@JCStressTest
@Description("Releases racing an owner walk that skips a long-lived region")
@Outcome(id = "0, 6, 2, 1", expect = ACCEPTABLE, desc = "owner saw R1 released, merged nothing ahead: took R0+R1")
@Outcome(id = "0, 9, 2, 1", expect = ACCEPTABLE, desc = "owner saw R1 released, merged R2 ahead: took R0..R2 whole")
@Outcome(id = "0, 12, 2, 1", expect = ACCEPTABLE_INTERESTING,
        desc = "owner saw R1 released, merged R2 and the released R3 ahead: took R0..R3 whole")
@Outcome(id = "6, 12, 2, 1", expect = ACCEPTABLE_INTERESTING, desc = "owner passed R1 held, then saw R3 released: took R2+R3")
@Outcome(id = "-1, -1, 2, 1", expect = ACCEPTABLE_INTERESTING, desc = "owner saw neither release: clean failure")
@Outcome(expect = FORBIDDEN, desc = "wrong region, failed release, or capacity lost")
@State
public class ReleaseDuringWalkTest {

    private final Ring ring = Fixture.ring(256);
    private final long r1;
    private final long r3;
    private final long r4;
    private long taken = Ring.NO_REGION;

    public ReleaseDuringWalkTest() {
        long r0 = ring.tryAllocate(16);
        r1 = ring.tryAllocate(16);
        long r2 = ring.tryAllocate(16);
        r3 = ring.tryAllocate(16);
        r4 = ring.tryAllocate(144); // the rest: [12, 31)
        ring.release(r0);
        ring.release(r2);
    }

    @Actor
    public void owner(IIII_Result r) {
        long h = ring.tryAllocate(40);
        if (h == Ring.NO_REGION) {
            r.r1 = -1;
            r.r2 = -1;
            return;
        }
        taken = h;
        int guardWord = Ring.payloadOffset(h) / 8 - 1;
        r.r1 = guardWord;
        r.r2 = guardWord + 1 + ring.capacity(h) / 8;
    }

    @Actor
    public void releaser(IIII_Result r) {
        r.r3 = Fixture.attempt(() -> ring.release(r1)) + Fixture.attempt(() -> ring.release(r3));
    }

    @Arbiter
    public void check(IIII_Result r) {
        if (taken != Ring.NO_REGION) {
            ring.release(taken);
        }
        ring.release(r4);
        r.r4 = Fixture.recovered(ring);
    }
}
