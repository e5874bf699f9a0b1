package dev.ringalloc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * "Crowding" of {@link Ring}: which allocations are far walks, and when two of them make the ring crowded. A 64 KiB
 * ring filled with 64-byte buffers (72 bytes with their guards, about 900 of them), some of them released to leave
 * one gap that only a walk round the ring finds.
 */
class RingCrowdingTest {

    private static final int WATCHED_ABOVE = 1024;
    /** More than four times the watched size: far enough to count a walk over a spread zone (see "Crowding"). */
    private static final int SPREAD_WATCHED = 4 * WATCHED_ABOVE + 64;

    private final Ring ring = Ring.allocate(64 << 10, Integer.MAX_VALUE);
    private final List<Long> small = new ArrayList<>();

    /**
     * Fills {@code target} with 64-byte buffers (requests below the watched size: never far walks themselves) and
     * keeps their handles in {@link #small}.
     */
    private void fill(Ring target) {
        for (long h = target.tryAllocate(64); h != Ring.NO_REGION; h = target.tryAllocate(64)) {
            small.add(h);
        }
    }

    /** Holds 64-byte buffers of {@code target} (72 bytes with their guards) until about {@code bytes} are in use. */
    private void hold(Ring target, int bytes) {
        for (int used = 0; used < bytes; used += 72) {
            small.add(target.tryAllocate(64));
        }
    }

    /**
     * Releases the small buffers {@code from} to {@code from + count - 1} of {@code target}: one free run among held
     * ones, behind more held regions than the walk near {@code head} or back at the start steps over.
     */
    private void gapAt(Ring target, int from, int count) {
        for (int i = from; i < from + count; i++) {
            target.release(small.get(i));
        }
    }

    @Test
    void twoFarWalksOfWatchedRequestsCloseTogetherCrowdTheRing() {
        ring.watchCrowding(WATCHED_ABOVE);
        fill(ring);
        assertThat(ring.isCrowded()).as("small requests that fail are not watched").isFalse();
        gapAt(ring, 300, 40); // 2,880 bytes

        long found = ring.tryAllocate(2048); // found, stepping over hundreds of held regions: a far walk
        assertThat(found).isNotEqualTo(Ring.NO_REGION);
        assertThat(ring.isCrowded()).as("one far walk").isFalse();
        assertThat(ring.tryAllocate(2048)).as("no second gap").isEqualTo(Ring.NO_REGION); // the second far walk
        assertThat(ring.isCrowded()).isTrue();

        ring.release(found);
        assertThat(ring.tryAllocate(2048)).as("a crowded ring serves as before").isNotEqualTo(Ring.NO_REGION);
        assertThat(ring.isCrowded()).as("for good").isTrue();
    }

    @Test
    void farWalksFurtherApartThanTheSpanDoNotCrowdTheRing() {
        ring.watchCrowding(WATCHED_ABOVE);
        fill(ring);
        assertThat(ring.tryAllocate(2048)).isEqualTo(Ring.NO_REGION); // a far walk
        ring.release(small.get(small.size() - 1));
        for (int i = 0; i < Ring.CROWDING_SPAN; i++) { // allocations in between, each reusing the same region
            ring.release(ring.tryAllocate(64));
        }
        long last = ring.tryAllocate(64);
        assertThat(ring.tryAllocate(2048)).isEqualTo(Ring.NO_REGION); // another, CROWDING_SPAN + 1 allocations on
        assertThat(ring.isCrowded()).isFalse();
        assertThat(ring.tryAllocate(2048)).isEqualTo(Ring.NO_REGION); // and one right after it
        assertThat(ring.isCrowded()).isTrue();
        ring.release(last);
    }

    @Test
    void requestsUpToTheWatchedSizeAndUnwatchedRingsAreNeverCrowded() {
        ring.watchCrowding(WATCHED_ABOVE);
        fill(ring);
        for (int i = 0; i < 3; i++) {
            assertThat(ring.tryAllocate(WATCHED_ABOVE)).isEqualTo(Ring.NO_REGION); // far, but not above the size
        }
        assertThat(ring.isCrowded()).isFalse();

        Ring unwatched = Ring.allocate(64 << 10, Integer.MAX_VALUE);
        fill(unwatched);
        for (int i = 0; i < 3; i++) {
            assertThat(unwatched.tryAllocate(2048)).isEqualTo(Ring.NO_REGION);
        }
        assertThat(unwatched.isCrowded()).isFalse();
    }

    @Test
    void aWalkThatFindsItsRunNearHeadIsNoFarWalk() {
        ring.watchCrowding(WATCHED_ABOVE);
        for (int i = 0; i < 3 * Ring.CROWDING_SPAN; i++) {
            long a = ring.tryAllocate(2048);
            long b = ring.tryAllocate(64);
            ring.release(a);
            ring.release(b);
        }
        assertThat(ring.isCrowded()).isFalse();
    }

    @Test
    void largeRequestsThatStepOverManyHeldRegionsOfASpreadZoneCrowdTheRing() {
        ring.watchCrowding(WATCHED_ABOVE);
        fill(ring); // the zone is the whole ring
        gapAt(ring, 20, 80); // two gaps of 5,760 bytes, each behind 20 held regions
        gapAt(ring, 120, 80);

        // Back at the start (16 skips), then round from head to the first gap (20 more): no far walk by skips alone.
        assertThat(ring.tryAllocate(SPREAD_WATCHED)).isNotEqualTo(Ring.NO_REGION);
        assertThat(ring.isCrowded()).as("one far walk").isFalse();
        assertThat(ring.tryAllocate(SPREAD_WATCHED)).as("near head, over 20 held regions to the second gap")
                .isNotEqualTo(Ring.NO_REGION);
        assertThat(ring.isCrowded()).isTrue();
    }

    @Test
    void largeRequestsThatStepOverFewHeldRegionsOfASpreadZoneAreNoFarWalks() {
        ring.watchCrowding(WATCHED_ABOVE);
        hold(ring, 24 << 10); // the zone ends beyond 16 KiB, a quarter of the ring

        for (int i = 0; i < 3; i++) { // at most 16 held regions back at the start, then served at the frontier
            assertThat(ring.tryAllocate(SPREAD_WATCHED)).isNotEqualTo(Ring.NO_REGION);
        }
        assertThat(ring.isCrowded()).isFalse();
    }

    @Test
    void smallerWatchedRequestsOfASpreadZoneAreNoFarWalksThere() {
        ring.watchCrowding(WATCHED_ABOVE);
        fill(ring);
        gapAt(ring, 20, 80);
        gapAt(ring, 120, 80);

        for (int i = 0; i < 4; i++) { // two per gap, each stepping over more than 16 held regions to reach it
            assertThat(ring.tryAllocate(2 * WATCHED_ABOVE)).isNotEqualTo(Ring.NO_REGION);
        }
        assertThat(ring.isCrowded()).isFalse();
    }

    @Test
    void largeRequestsThatStepOverManyHeldRegionsWithinAQuarterOfTheRingAreNoFarWalks() {
        Ring large = Ring.allocate(256 << 10, Integer.MAX_VALUE);
        hold(large, 60 << 10); // 60 KiB of small buffers, then one holding the rest
        long rest = Ring.NO_REGION;
        for (int bytes = large.capacity() - (60 << 10); rest == Ring.NO_REGION; bytes -= 8) {
            rest = large.tryAllocate(bytes); // the largest that fits: the rest of the ring, the frontier
        }
        large.watchCrowding(WATCHED_ABOVE);
        gapAt(large, 20, 80);
        gapAt(large, 120, 80);

        assertThat(large.tryAllocate(SPREAD_WATCHED)).isNotEqualTo(Ring.NO_REGION);
        assertThat(large.tryAllocate(SPREAD_WATCHED)).isNotEqualTo(Ring.NO_REGION);
        assertThat(large.isCrowded()).as("the zone ends below a quarter of the ring").isFalse();
    }

    @Test
    void aNegativeSizeIsRejected() {
        assertThatThrownBy(() -> ring.watchCrowding(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }
}
