package dev.ringalloc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * "Releases in order, joined" of {@link Ring}: which of the owner's releases join the free region its releases
 * made last, and that a join never touches a region that has changed since. A 1 KiB ring: word 0 to the tail guard
 * at word 127. A request of 56 bytes takes 7 words and its guard: regions [0, 8), [8, 16), ...
 */
class RingJoinTest {

    private static final long LOCKED = 1L << 63;

    private final Ring ring = Ring.allocate(1024, Integer.MAX_VALUE);
    private final ByteBuffer words = ring.memory().duplicate().order(ByteOrder.nativeOrder());

    private long guardAt(int index) {
        return words.getLong(index * 8);
    }

    private static int nextOf(long guard) {
        return (int) guard;
    }

    private static int stampOf(long guard) {
        return (int) ((guard & ~LOCKED) >>> 32);
    }

    private static int indexOf(long handle) {
        return Ring.payloadOffset(handle) / 8 - 1;
    }

    private long take(int bytes, int expectedIndex) {
        long handle = ring.tryAllocate(bytes);
        assertThat(handle).isNotEqualTo(Ring.NO_REGION);
        assertThat(indexOf(handle)).as("where %d bytes went", bytes).isEqualTo(expectedIndex);
        return handle;
    }

    /** Holds the rest of the ring from word {@code from}: the ring is full, and head back at word 0. */
    private void holdTheRest(int from) {
        take(ring.maxAllocation() - from * 8, from);
    }

    @Test
    void releasesInOrderOnTheOwnerJoinIntoOneFreeRegion() {
        long a = take(56, 0);
        long b = take(56, 8);
        long c = take(56, 16);
        take(56, 24);
        holdTheRest(32);

        ring.releaseOnOwner(a);
        ring.releaseOnOwner(b);
        ring.releaseOnOwner(c);

        long joined = guardAt(0);
        assertThat(joined & LOCKED).as("locked bit").isZero();
        assertThat(stampOf(joined)).as("seen free: its releases are accounted").isZero();
        assertThat(nextOf(joined)).as("reaches past a, b and c").isEqualTo(24);
        assertThat(guardAt(8) & LOCKED).as("b's own word, released").isZero();
        assertThatThrownBy(() -> ring.releaseOnOwner(b)).as("a stale release of a joined region")
                .isInstanceOf(IllegalStateException.class);
        int rest = ring.maxAllocation() - 32 * 8;
        assertThat(ring.stats().bytesInUse()).isEqualTo(56 + rest);

        take(3 * 56 + 16, 0); // the joined region, whole, found from head
        assertThat(ring.stats().highWaterMark()).as("the joined releases left the count")
                .isEqualTo(56 + rest + 184);
    }

    @Test
    void releasesOutOfOrderJoinOnlyWhereTheyFollowTheLastFreeRegion() {
        long a = take(56, 0);
        long b = take(56, 8);
        long c = take(56, 16);
        take(56, 24);

        ring.releaseOnOwner(c); // not behind a free region of the owner's
        ring.releaseOnOwner(a); // nor is a: c's region begins behind b
        assertThat(nextOf(guardAt(0))).isEqualTo(8);
        ring.releaseOnOwner(b); // right behind a: joins it; c, released before, stays a region of its own
        assertThat(nextOf(guardAt(0))).isEqualTo(16);
        assertThat(guardAt(16) & LOCKED).isZero();
        assertThat(stampOf(guardAt(16))).as("c not yet seen by the owner").isNotZero();
        assertThat(nextOf(guardAt(16))).isEqualTo(24);
    }

    @Test
    void releasesOnAnotherThreadDoNotJoin() throws InterruptedException {
        long a = take(56, 0);
        long b = take(56, 8);
        take(56, 16);

        ring.releaseOnOwner(a);
        Thread other = new Thread(() -> ring.release(b));
        other.start();
        other.join();

        assertThat(nextOf(guardAt(0))).isEqualTo(8);
        assertThat(nextOf(guardAt(8))).isEqualTo(16);
    }

    @Test
    void theOwnersLastReleaseReusedInPlaceIsNotJoined() {
        long a = take(56, 0);
        long b = take(56, 8);
        take(56, 16);

        ring.releaseOnOwner(a);
        long again = take(56, 0); // a's region, reused in place
        ring.releaseOnOwner(b);

        assertThat(guardAt(0) & LOCKED).as("the region reused in place is held").isNotZero();
        assertThat(nextOf(guardAt(0))).isEqualTo(8);
        assertThat(ring.stats().liveRegions()).isEqualTo(2);
        ring.releaseOnOwner(again);
    }

    @Test
    void aLastFreeRegionHandedOutWholeByTheWalkIsNotJoined() {
        long a = take(56, 0);
        long b = take(56, 8);
        take(56, 16);            // the frontier, free, from word 24 on

        ring.releaseOnOwner(a);
        take(200, 24);           // does not fit a's region, which is left free: the owner's last free region
        long again = Ring.NO_REGION;
        for (int i = 0; i < 16 && again == Ring.NO_REGION; i++) {
            long h = ring.tryAllocate(56); // at the frontier, until the walk back at the start takes a's region
            if (indexOf(h) == 0) {
                again = h;
            }
        }
        assertThat(again).as("a's region handed out again, whole").isNotEqualTo(Ring.NO_REGION);
        ring.releaseOnOwner(b);  // begins where a's region ends, and that guard still says so, but it is held

        assertThat(guardAt(0) & LOCKED).as("the buffer at word 0 is still held").isNotZero();
        assertThat(nextOf(guardAt(0))).isEqualTo(8);
    }

    @Test
    void aLastFreeRegionSplitByAHandOutIsNotJoined() {
        long a = take(120, 0); // [0, 16)
        long b = take(56, 16);
        take(56, 24);
        holdTheRest(32);

        ring.releaseOnOwner(a);
        long small = take(40, 0); // a's region, split: [0, 6) held, [6, 16) free
        ring.releaseOnOwner(b);   // begins where a's region ended, but a's region is not free any more

        assertThat(guardAt(0) & LOCKED).as("the buffer at word 0 is still held").isNotZero();
        assertThat(ring.stats().liveRegions()).isEqualTo(3);
        assertThat(ring.stats().bytesInUse()).isEqualTo(40 + 56 + ring.maxAllocation() - 32 * 8);
        ring.releaseOnOwner(small);
    }

    @Test
    void aLastFreeRegionHandedOutAndReleasedShorterIsNotJoined() {
        long a = take(120, 0); // [0, 16)
        long b = take(56, 16);
        take(56, 24);
        holdTheRest(32);

        ring.releaseOnOwner(a);     // the owner's last free region: [0, 16)
        long small = take(40, 0);   // split: [0, 6) held, [6, 16) free
        long middle = take(56, 6);  // [6, 16), whole
        ring.releaseElsewhere(small); // [0, 6) free again, but it ends at word 6, not 16
        ring.releaseOnOwner(b);     // begins at word 16: must not take in the held region between

        assertThat(guardAt(6) & LOCKED).isNotZero();
        assertThat(nextOf(guardAt(0))).isEqualTo(6);
        assertThat(ring.stats().liveRegions()).as("middle, the region at 24 and the rest").isEqualTo(3);
        ring.releaseOnOwner(middle);
    }

    @Test
    void aLastFreeRegionMergedIntoAnEarlierRunIsNotJoined() {
        long x = take(56, 0);
        long a = take(56, 8);
        long b = take(56, 16);
        take(56, 24);
        holdTheRest(32);

        ring.releaseElsewhere(x);
        ring.releaseOnOwner(a);        // a is the owner's last free region, [8, 16)
        long merged = take(112, 0);    // x and a merged: [0, 16), a's guard is payload
        ByteBuffer bytes = ring.memory().duplicate();
        byte[] before = new byte[112];
        bytes.get(Ring.payloadOffset(merged), before); // a's old word among them, as the merge left it
        ring.releaseOnOwner(b);        // begins where a ended: must not write a guard at word 8

        byte[] after = new byte[112];
        bytes.get(Ring.payloadOffset(merged), after);
        assertThat(after).as("the merged buffer's bytes, which only its holder may change").isEqualTo(before);
        assertThat(ring.stats().liveRegions()).isEqualTo(3);
    }

    @Test
    void aJoinOfTheRegionAtHeadMovesHeadOntoTheJoinedRegion() {
        long a = take(56, 0);
        long b = take(56, 8);
        long c = take(56, 16);
        holdTheRest(24);
        ring.releaseElsewhere(a);
        ring.releaseElsewhere(b);
        take(56, 0);
        long again = take(56, 8);   // head is now on c's guard, word 16: a held region
        ring.releaseOnOwner(again); // the owner's last free region: [8, 16)
        ring.releaseOnOwner(c);     // joins it: [8, 24), word 16 is payload now

        take(56, 8); // from head: the joined region's guard, not c's old word
        assertThat(ring.stats().liveRegions()).isEqualTo(3);
        assertThat(ring.stats().bytesInUse()).isEqualTo(2 * 56 + ring.maxAllocation() - 24 * 8);
    }
}
