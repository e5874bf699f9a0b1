package dev.ringalloc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The allocation walk, scenario by scenario, on a 1 KiB ring: 128 words, guard 0 to tail guard 127,
 * so the largest region is 126 payload words (1008 bytes). A region at guard {@code g} has its payload
 * at {@code (g + 1) * 8}.
 */
class RingTest {

    private static final int CAPACITY = 1024;
    private static final int MAX = 1008;

    private final Ring ring = Ring.allocate(CAPACITY, Integer.MAX_VALUE);

    private static int guardOf(long handle) {
        return Ring.payloadOffset(handle) / 8 - 1;
    }

    @Test
    void exactFitHandsOutTheWholeRegion() {
        long whole = ring.tryAllocate(MAX);
        assertThat(guardOf(whole)).isZero();
        assertThat(ring.capacity(whole)).isEqualTo(MAX);
        assertThat(ring.tryAllocate(1)).isEqualTo(Ring.NO_REGION);

        ring.release(whole);
        long again = ring.tryAllocate(MAX);
        assertThat(ring.capacity(again)).isEqualTo(MAX);
    }

    @Test
    void aGuardOverwrittenThroughMemoryIsReportedNotFollowed() {
        long a = ring.tryAllocate(64);              // guards 0..9, free 9..127
        ring.release(a);
        // A guard pointing backwards, and one pointing beyond the tail: either would send the walk outside
        // the ring (with address access: outside the memory) if it were followed.
        for (long junk : new long[] {3L, 1L << 20}) {
            ring.memory().putLong(9 * 8, junk);
            assertThatThrownBy(() -> ring.tryAllocate(200)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("ring corrupted");
        }
    }

    @Test
    void largeRequestsEndOnACacheLineSoTheNextPayloadIsAligned() {
        Ring big = Ring.allocate(1 << 16, Integer.MAX_VALUE);
        long small = big.tryAllocate(64);           // guards 0..9: packed, not rounded
        assertThat(big.capacity(small)).isEqualTo(64);
        long a = big.tryAllocate(1001);             // guards 9..136: below 1 KiB, not rounded either
        assertThat(big.capacity(a)).isEqualTo(1008);
        long b = big.tryAllocate(1024);             // guard 136: would end at 265, ends at 272 (8 x 34)
        assertThat(big.capacity(b)).isEqualTo((272 - 136 - 1) * 8);
        long c = big.tryAllocate(4096);             // guard 272: its payload starts a cache line
        assertThat(Ring.payloadOffset(c)).isEqualTo(273 * 8);
        for (long h : new long[] {small, c}) {
            assertThat(big.memory().alignmentOffset(Ring.payloadOffset(h), 64)).isZero();
        }
        for (long h : new long[] {small, a, b, c}) {
            big.release(h);
        }
    }

    @Test
    void splitLeavesTheRestFreeAndRoundsUpToWords() {
        long a = ring.tryAllocate(61);
        long b = ring.tryAllocate(64);
        assertThat(guardOf(a)).isZero();
        assertThat(ring.capacity(a)).isEqualTo(64);
        assertThat(guardOf(b)).isEqualTo(9);
        assertThat(Ring.payloadOffset(b)).isEqualTo(80);
        assertThat(ring.stats().largestFreeRegion()).isEqualTo(MAX - 2 * 72);
    }

    @Test
    void noSliverBelowTheMinimumSplit() {
        // 1008 - 8 * 7 leaves 7 words: too few for a free region, so the whole region is handed out.
        long a = ring.tryAllocate(MAX - 7 * 8);
        assertThat(ring.capacity(a)).isEqualTo(MAX);
        ring.release(a);
        // 8 words left over is the minimum split: it becomes a free region of 7 payload words.
        long b = ring.tryAllocate(MAX - 8 * 8);
        assertThat(ring.capacity(b)).isEqualTo(MAX - 64);
        long c = ring.tryAllocate(56);
        assertThat(ring.capacity(c)).isEqualTo(56);
    }

    @Test
    void adjacentFreeRegionsMergeWhenOneIsTooSmall() {
        long a = ring.tryAllocate(64);              // guards 0..9
        long b = ring.tryAllocate(64);              // guards 9..18
        long c = ring.tryAllocate(MAX - 2 * 72);    // guards 18..127: the rest, head wraps to 0
        ring.release(a);
        ring.release(b);

        long merged = ring.tryAllocate(136);        // needs 17 words: a and b together
        assertThat(guardOf(merged)).isZero();
        assertThat(ring.capacity(merged)).isEqualTo(136);
        ring.release(c);
    }

    @Test
    void wrapRestartsAtTheStartBecauseBuffersAreContiguous() {
        long a = ring.tryAllocate(256);             // guards 0..33
        long b = ring.tryAllocate(600);             // guards 33..109; 109..127 stays free (136 bytes)
        ring.release(a);

        long wrapped = ring.tryAllocate(200);       // 136 free at the end is not enough: wraps to 0
        assertThat(guardOf(wrapped)).isZero();
        assertThat(ring.capacity(wrapped)).isEqualTo(256); // 7 words left over: no split
        // The free end of the ring and the start are not merged across the tail.
        ring.release(wrapped);
        ring.release(b);
        assertThat(ring.stats().largestFreeRegion()).isEqualTo(MAX);
    }

    @Test
    void aHeldRegionIsSkippedNotAJam() {
        long a = ring.tryAllocate(64);              // guards 0..9
        long longLived = ring.tryAllocate(64);      // guards 9..18
        long c = ring.tryAllocate(400);             // guards 18..69
        long newest = ring.tryAllocate(456);        // guards 69..127: the rest; head wraps to 0
        ring.release(a);
        ring.release(c);
        long skippedBefore = ring.stats().regionsSkipped();

        // The walk from head (0): a is too small, the long-lived region is held, c behind it fits.
        long behind = ring.tryAllocate(400);
        assertThat(guardOf(behind)).isEqualTo(18);
        assertThat(ring.stats().regionsSkipped() - skippedBefore).isEqualTo(1);
        ring.release(longLived);
        ring.release(newest);
        ring.release(behind);
    }

    @Test
    void reuseInPlaceTakesTheOwnersLastReleaseOnlyWhenItFitsWithoutASplit() {
        long a = ring.tryAllocate(64);              // guards 0..9
        long b = ring.tryAllocate(64);              // guards 9..18
        long c = ring.tryAllocate(64);              // guards 18..27, the newest; head and frontier are 27
        ring.releaseOnOwner(a);                     // release-oldest-then-allocate, as with several in flight
        long d = ring.tryAllocate(60);              // a's region holds it exactly: handed out again in place
        assertThat(guardOf(d)).isZero();
        ring.releaseOnOwner(b);
        long e = ring.tryAllocate(100);             // b's region is too small: no reuse; the zone grows
        assertThat(guardOf(e)).isEqualTo(27);
        for (long h : new long[] {c, d, e}) {
            ring.release(h);
        }
        assertThat(ring.stats().bytesInUse()).isZero();
    }

    @Test
    void reuseInPlaceReportsTheReusedRegionsNext() {
        // ring-netty keeps nextOfLastAllocation() for its release without a load: after a reuse in place it must
        // be the reused region's, not the previous hand-out's.
        long a = ring.tryAllocate(64);              // guards 0..9
        int nextOfA = ring.nextOfLastAllocation();
        long b = ring.tryAllocate(64);              // guards 9..18, the newest
        ring.releaseOnOwner(a, nextOfA);
        long c = ring.tryAllocate(64);              // a's region again, in place
        assertThat(guardOf(c)).isZero();
        assertThat(ring.nextOfLastAllocation()).isEqualTo(nextOfA);
        ring.releaseOnOwner(c, ring.nextOfLastAllocation());
        ring.release(b);
        assertThat(ring.capacity(ring.tryAllocate(MAX))).isEqualTo(MAX);
    }

    @Test
    void theNewestRegionReleasedOnTheOwnerIsReusedInPlaceWhenItHoldsTheRequest() {
        long a = ring.tryAllocate(64);              // guards 0..9
        long b = ring.tryAllocate(64);              // guards 9..18, the newest
        ring.releaseOnOwner(b, ring.nextOfLastAllocation());
        long c = ring.tryAllocate(60);              // b's region again, whole
        assertThat(guardOf(c)).isEqualTo(9);
        assertThat(ring.nextOfLastAllocation()).isEqualTo(18);
        long d = ring.tryAllocate(64);              // head stayed right behind it
        assertThat(guardOf(d)).isEqualTo(18);
        ring.release(a);
        ring.release(c);
        ring.release(d);
        assertThat(ring.stats().largestFreeRegion()).isEqualTo(MAX);
    }

    @Test
    void theNewestRegionReleasedOnTheOwnerIsWhereTheWalkBegins() {
        long a = ring.tryAllocate(64);              // guards 0..9
        long b = ring.tryAllocate(64);              // guards 9..18, the newest
        ring.releaseOnOwner(b);
        long c = ring.tryAllocate(100);             // starts at b (its bytes are the warmest), merges forward
        assertThat(guardOf(c)).isEqualTo(9);
        ring.release(a);
        ring.release(c);
        assertThat(ring.stats().largestFreeRegion()).isEqualTo(MAX);
    }

    @Test
    void theNewestRegionReleasedOnTheOwnerIsSplitForASmallerRequest() {
        long a = ring.tryAllocate(64);              // guards 0..9
        long b = ring.tryAllocate(200);             // guards 9..35, the newest
        ring.releaseOnOwner(b, ring.nextOfLastAllocation());
        long c = ring.tryAllocate(64);              // b's region, split as the walk from head would split it
        assertThat(guardOf(c)).isEqualTo(9);
        assertThat(ring.nextOfLastAllocation()).isEqualTo(18);
        long d = ring.tryAllocate(64);              // the rest of b's region is the gap at head
        assertThat(guardOf(d)).isEqualTo(18);
        assertThat(ring.stats().bytesInUse()).isEqualTo(3 * 64);
        ring.release(a);
        ring.release(c);
        ring.release(d);
        assertThat(ring.stats().largestFreeRegion()).isEqualTo(MAX);
    }

    @Test
    void theNewestRegionReleasedOnTheOwnerMergesWithTheGapBehindItForALargerRequest() {
        long a = ring.tryAllocate(64);              // guards 0..9
        long m = ring.tryAllocate(400);             // guards 9..60
        long z = ring.tryAllocate(64);              // guards 60..69
        ring.releaseElsewhere(m);
        long r = ring.tryAllocate(64);              // back to the start: m's region, split; the gap at head is 18..60
        assertThat(guardOf(r)).isEqualTo(9);
        ring.releaseOnOwner(r, ring.nextOfLastAllocation());
        long c = ring.tryAllocate(200);             // r's region and the gap, merged, as the walk from r would
        assertThat(guardOf(c)).isEqualTo(9);
        assertThat(ring.nextOfLastAllocation()).isEqualTo(35);
        long d = ring.tryAllocate(64);              // what is left of the gap
        assertThat(guardOf(d)).isEqualTo(35);
        RingStats stats = ring.stats();
        assertThat(stats.bytesInUse()).isEqualTo(64 + 64 + 200 + 64);
        assertThat(stats.highWaterMark()).isEqualTo(64 + 400 + 64);
        for (long h : new long[] {a, z, c, d}) {
            ring.release(h);
        }
        assertThat(ring.stats().largestFreeRegion()).isEqualTo(MAX);
    }

    @Test
    void theOwnersLastReleaseAtWordZeroIsSplitWhenHeadIsAtTheEndOfTheZone() {
        long x = ring.tryAllocate(200);             // guards 0..26
        long y = ring.tryAllocate(64);              // guards 26..35; the look back found the start held: waits one
        long z = ring.tryAllocate(8);               // guards 35..37: that wait is over
        ring.releaseOnOwner(x, 26);
        long c = ring.tryAllocate(64);              // head is at the end of the zone: back to the start, split
        assertThat(guardOf(c)).isZero();
        assertThat(ring.nextOfLastAllocation()).isEqualTo(9);
        long d = ring.tryAllocate(64);              // the rest of x's region is the gap at head
        assertThat(guardOf(d)).isEqualTo(9);
        for (long h : new long[] {y, z, c, d}) {
            ring.release(h);
        }
        assertThat(ring.stats().largestFreeRegion()).isEqualTo(MAX);
    }

    @Test
    void theNewestRegionReleasedByAnotherThreadIsNotReusedFirst() {
        long a = ring.tryAllocate(64);              // guards 0..9
        long b = ring.tryAllocate(64);              // guards 9..18, the newest
        ring.release(b);                            // the release path of other threads
        long c = ring.tryAllocate(64);              // its cache lines are elsewhere: not reused first
        assertThat(guardOf(c)).isNotEqualTo(9);
        ring.release(a);
        ring.release(c);
    }

    @Test
    void atTheEndOfTheZoneTheWalkGoesBackToTheStartInsteadOfIntoUntouchedMemory() {
        long x0 = ring.tryAllocate(64);             // guard 0
        long x1 = ring.tryAllocate(64);             // guard 9; the look back found the start held: waits one
        ring.release(x0);                           // by another thread, oldest first
        long y = ring.tryAllocate(64);              // the look back waits: the zone grows at the frontier
        assertThat(guardOf(y)).isEqualTo(18);
        long z = ring.tryAllocate(64);              // head is at the end of the zone: back to the start
        assertThat(guardOf(z)).isZero();
        for (long h : new long[] {x1, y, z}) {
            ring.release(h);
        }
        assertThat(ring.stats().largestFreeRegion()).isEqualTo(MAX);
    }

    @Test
    void whenTheWalkCatchesUpWithBuffersInFlightTheZoneGrowsAtTheFrontierAndHeadStays() {
        int n = Ring.SKIPS_NEAR_HEAD + 8;
        long[] inFlight = new long[n];
        for (int i = 0; i < inFlight.length; i++) {
            inFlight[i] = ring.tryAllocate(8);      // guards 0, 2, ..., 2n - 2; head and frontier are 2n
        }
        ring.release(inFlight[0]);
        // The fill found the start held again and again: the look back waits up to 8 allocations, which go to
        // the frontier meanwhile. Then back to the start: guard 0, head 2.
        List<Long> waited = new ArrayList<>();
        long a;
        while (guardOf(a = ring.tryAllocate(8)) != 0) {
            waited.add(a);
        }
        assertThat(waited).hasSizeLessThanOrEqualTo(8);
        long b = ring.tryAllocate(8);               // n - 1 buffers in flight from head on, more than the walk
        assertThat(guardOf(b)).as("the frontier").isEqualTo(2 * n + 2 * waited.size()); // steps over near head
        ring.release(inFlight[1]);
        long c = ring.tryAllocate(8);               // head stayed at 2, which is free now
        assertThat(guardOf(c)).isEqualTo(2);
        for (int i = 2; i < inFlight.length; i++) {
            ring.release(inFlight[i]);
        }
        for (long h : new long[] {a, b, c}) {
            ring.release(h);
        }
        waited.forEach(ring::release);
        assertThat(ring.stats().largestFreeRegion()).isEqualTo(MAX);
    }

    @Test
    void anAllocateReleaseLoopOfVaryingSizesStaysAtTheStart() {
        int[] sizes = {64, 200, 24, 1000, 8, 512};
        for (int round = 0; round < 10; round++) {
            for (int size : sizes) {
                long h = ring.tryAllocate(size);
                assertThat(guardOf(h)).as("round %d, %d bytes", round, size).isZero();
                ring.releaseOnOwner(h);
            }
        }
    }

    @Test
    void aGrowthThatAbsorbsTheOwnersLastReleaseForgetsIt() {
        // Reuse in place trusts the word the owner's release stored and reads no guard: were b not forgotten,
        // d would be handed out at word 9, inside a.
        long a = ring.tryAllocate(64);              // guards 0..9
        long b = ring.tryAllocate(64);              // guards 9..18
        long c = ring.tryAllocate(64);              // guards 18..27
        ring.releaseOnOwner(b);
        assertThat(ring.tryGrowInPlace(a, 136)).isTrue(); // absorbs b: word 9 is now a's payload
        long d = ring.tryAllocate(64);
        assertThat(guardOf(d)).isEqualTo(27);
        ring.release(a);
        ring.release(c);
        ring.release(d);
        assertThat(ring.stats().largestFreeRegion()).isEqualTo(MAX);
    }

    @Test
    void fullRingFailsCheaplyAndRecovers() {
        List<Long> held = new ArrayList<>();
        long h;
        while ((h = ring.tryAllocate(100)) != Ring.NO_REGION) {
            held.add(h);
        }
        assertThat(held).hasSize(9); // 14 words each (13 payload + guard): 9 fit in 127
        RingStats stats = ring.stats();
        assertThat(stats.failures()).isEqualTo(1);
        assertThat(stats.liveRegions()).isEqualTo(9);
        assertThat(stats.bytesInUse()).isEqualTo(9L * 104 + 8); // the last one absorbed a 1-word sliver

        held.forEach(ring::release);
        assertThat(ring.stats().bytesInUse()).isZero();
        assertThat(ring.capacity(ring.tryAllocate(MAX))).isEqualTo(MAX);
    }

    /** Ten 40-byte regions (6 words each), a held region behind them, all released but region 4. */
    private static Ring fragmented(int maxVisits) {
        Ring r = Ring.allocate(CAPACITY, maxVisits);
        List<Long> small = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            small.add(r.tryAllocate(40));
        }
        assertThat(r.tryAllocate(528)).isNotEqualTo(Ring.NO_REGION); // the rest: the walk restarts at 0
        for (int i = 0; i < small.size(); i++) {
            if (i != 4) {
                r.release(small.get(i));
            }
        }
        return r;
    }

    @Test
    void visitBoundMakesFailureDeterministic() {
        // 184 bytes need regions 0 to 3 merged: four visits.
        Ring bounded = fragmented(3);
        assertThat(bounded.tryAllocate(184)).isEqualTo(Ring.NO_REGION);
        assertThat(bounded.stats().failures()).isEqualTo(1);
        assertThat(bounded.tryAllocate(136)).isNotEqualTo(Ring.NO_REGION); // three regions are within bound

        Ring unbounded = fragmented(Integer.MAX_VALUE);
        assertThat(guardOf(unbounded.tryAllocate(184))).isZero();
    }

    @Test
    void growsInPlaceKeepingTheLockAndStamp() {
        long a = ring.tryAllocate(64);
        assertThat(ring.tryGrowInPlace(a, 512)).isTrue();
        assertThat(ring.capacity(a)).isEqualTo(512);
        assertThat(ring.stats().growthsInPlace()).isEqualTo(1);

        // The grown region stays held: the next allocations land behind it, never inside it.
        long b = ring.tryAllocate(64);
        assertThat(guardOf(b)).isEqualTo(65);
        assertThat(ring.tryGrowInPlace(a, 1000)).isFalse(); // b is in the way
        assertThat(ring.capacity(a)).isEqualTo(512);
        ring.release(a);
        assertThatThrownBy(() -> ring.release(a)).isInstanceOf(IllegalStateException.class);
        ring.release(b);
    }

    @Test
    void shrinkReturnsTheEndToTheRing() {
        long a = ring.tryAllocate(800);
        assertThat(ring.shrink(a, 100)).isEqualTo(104);
        long b = ring.tryAllocate(600);
        assertThat(guardOf(b)).isEqualTo(14);
        // Too little to split off: capacity stays.
        assertThat(ring.shrink(a, 60)).isEqualTo(104);
    }

    @Test
    void doubleAndStaleReleasesThrowAndChangeNothing() {
        long a = ring.tryAllocate(64);
        ring.release(a);
        assertThatThrownBy(() -> ring.release(a))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not held");

        long reused = ring.tryAllocate(MAX); // same guard, new stamp
        assertThat(guardOf(reused)).isEqualTo(guardOf(a));
        assertThatThrownBy(() -> ring.release(a)).isInstanceOf(IllegalStateException.class);
        assertThat(ring.stats().liveRegions()).isEqualTo(1);
        ring.release(reused);
    }

    @Test
    void retiredRingIsFreedByTheLastRelease() {
        long a = ring.tryAllocate(64);
        long b = ring.tryAllocate(64);
        ring.retire();
        assertThat(ring.isFreed()).isFalse();
        ring.release(a);
        assertThat(ring.isFreed()).isFalse();
        ring.release(b);
        assertThat(ring.isFreed()).isTrue();
        assertThatThrownBy(() -> ring.release(b)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void retiringAnEmptyRingFreesItAtOnce() {
        ring.release(ring.tryAllocate(64));
        ring.retire();
        assertThat(ring.isFreed()).isTrue();
        assertThat(ring.stats().bytesInUse()).isZero();
    }

    @Test
    void aShrinkLeavesAKnownGapThatAGrowableAllocationTakesUpToItsBound() {
        long first = ring.tryAllocate(512); // words [0, 65); the rest of the ring is the frontier
        assertThat(ring.shrink(first, 24)).isEqualTo(24); // [4, 65) given back: a known gap at head
        long growable = ring.tryAllocateGrowable(16, 256);
        assertThat(Ring.payloadOffset(growable)).isEqualTo(Ring.payloadOffset(first) + 32);
        assertThat(ring.capacity(growable)).as("claimed up to the bound").isEqualTo(256);
        assertThat(ring.shrink(growable, 24)).isEqualTo(24);
        long next = ring.tryAllocateGrowable(16, ring.maxAllocation());
        assertThat(Ring.payloadOffset(next)).as("right behind the shrunk region")
                .isEqualTo(Ring.payloadOffset(growable) + 32);
        assertThat(ring.capacity(next)).as("all of the end the shrink gave back").isEqualTo(256 - 24 - 8);
        long noKnownGap = ring.tryAllocateGrowable(64, ring.maxAllocation());
        assertThat(ring.capacity(noKnownGap)).as("no known gap: exactly as tryAllocate").isEqualTo(64);
    }

    @Test
    void aReleaseSaysWhetherItFreedTheRetiredRingOnEitherPath() throws InterruptedException {
        ring.bindOwner(Thread.currentThread());
        long first = ring.tryAllocate(64);
        long second = ring.tryAllocate(64);
        long third = ring.tryAllocate(64);
        long fourth = ring.tryAllocate(64);
        assertThat(ring.releaseOnOwner(first)).as("a release on an open ring").isFalse();
        ring.retire();
        assertThat(ring.release(second)).as("the owner's release, regions still held").isFalse();
        boolean[] freed = new boolean[2];
        Thread other = new Thread(() -> {
            freed[0] = ring.releaseElsewhere(third);
            freed[1] = ring.release(fourth);
        });
        other.start();
        other.join();
        assertThat(freed[0]).as("another thread's release, a region still held").isFalse();
        assertThat(freed[1]).as("another thread's release of the last held region").isTrue();
        assertThat(ring.isFreed()).isTrue();
    }

    @Test
    void rejectsBadCapacities() {
        assertThatThrownBy(() -> Ring.allocate(63, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ring.allocate(-1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ring.allocate(1024, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Ring.allocate(100, 1).capacity()).isEqualTo(104);
    }

    /** Every word of the ring. */
    private static long[] words(Ring r) {
        long[] words = new long[r.capacity() / 8];
        for (int i = 0; i < words.length; i++) {
            words[i] = r.memory().getLong(i * 8);
        }
        return words;
    }

    @Test
    void releaseWithTheKeptNextWritesWhatTheCheckedReleaseWrites() {
        // Two rings, the same allocations: one released with the guard read and checked, one with the next its
        // holder kept. 40 bytes leave a split; 984 then takes the rest whole (3 words over: no split).
        Ring checked = Ring.allocate(CAPACITY, Integer.MAX_VALUE);
        Ring kept = Ring.allocate(CAPACITY, Integer.MAX_VALUE);
        for (int size : new int[] {40, 984}) {
            long a = checked.tryAllocate(size);
            long b = kept.tryAllocate(size);
            int next = kept.nextOfLastAllocation();
            assertThat(next).isEqualTo(guardOf(b) + 1 + kept.capacity(b) / 8);

            checked.releaseOnOwner(a);
            kept.releaseOnOwner(b, next);
            assertThat(words(kept)).isEqualTo(words(checked));
            assertThat(kept.stats()).isEqualTo(checked.stats());
        }
        assertThat(kept.capacity(kept.tryAllocate(MAX))).isEqualTo(MAX);
    }

    @Test
    void releaseWithAKeptNextOutsideTheRegionThrowsAndWritesNothing() {
        long a = ring.tryAllocate(64);
        long b = ring.tryAllocate(64);
        int nextOfB = ring.nextOfLastAllocation();
        long[] before = words(ring);

        for (int bad : new int[] {-1, guardOf(b), CAPACITY / 8}) {
            assertThatThrownBy(() -> ring.releaseOnOwner(b, bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("next " + bad);
        }
        assertThat(words(ring)).isEqualTo(before);
        ring.releaseOnOwner(b, nextOfB);
        ring.release(a);
        assertThat(ring.stats().liveRegions()).isZero();
    }

    @Test
    void theLastReleaseWithAKeptNextFreesARetiredRing() {
        long a = ring.tryAllocate(64);
        int next = ring.nextOfLastAllocation();
        ring.retire();
        assertThat(ring.isFreed()).isFalse();

        assertThat(ring.releaseOnOwner(a, next)).as("freed by this release").isTrue();
        assertThat(ring.isFreed()).isTrue();
        assertThatThrownBy(() -> ring.releaseOnOwner(a, next)).as("a freed ring holds nothing")
                .isInstanceOf(IllegalStateException.class);
    }

    // ---- the owner's last release, stored late where words go through a segment's checks -----------------

    /** The guard at word {@code index}, in the native order guards are written in. */
    private long guardWord(int index) {
        return ring.memory().duplicate().order(ByteOrder.nativeOrder()).getLong(index * 8);
    }

    @Test
    void theOwnersLastReleaseIsStoredOnlyWhenTheRegionIsNotReusedInPlace() {
        long a = ring.tryAllocate(64);              // guards 0..9
        long b = ring.tryAllocate(64);              // guards 9..18
        long lockedB = guardWord(9);
        ring.releaseOnOwner(b, ring.nextOfLastAllocation());
        if (RingMemory.wordsThroughUnsafe()) {       // a store is one instruction: stored at once
            assertThat(guardWord(9)).as("stored, unlocked").isEqualTo(lockedB & Long.MAX_VALUE);
        } else {
            assertThat(guardWord(9)).as("not stored yet").isEqualTo(lockedB);
        }
        long c = ring.tryAllocate(64);              // b's region again, in place: one store, the lock
        assertThat(guardOf(c)).isEqualTo(9);
        assertThat(guardWord(9)).as("locked again, under the new stamp").isNegative().isNotEqualTo(lockedB);

        ring.releaseOnOwner(c, ring.nextOfLastAllocation());
        long d = ring.tryAllocate(200);             // does not fit c's region: c is stored, then the walk
        assertThat(guardOf(d)).as("from c's region, which the walk read free").isEqualTo(9);
        ring.release(a);
        ring.release(d);
        assertThat(ring.stats().largestFreeRegion()).isEqualTo(MAX);
    }

    @Test
    void theOwnersLastReleaseCountsAsReleasedOnEveryThreadBeforeItIsStored() throws InterruptedException {
        ring.bindOwner(Thread.currentThread());
        long a = ring.tryAllocate(64);
        long b = ring.tryAllocate(100);
        ring.releaseOnOwner(b, ring.nextOfLastAllocation());
        assertThat(ring.stats().liveRegions()).as("on the owner").isEqualTo(1);
        assertThatThrownBy(() -> ring.capacity(b)).isInstanceOf(IllegalStateException.class);
        RingStats[] stats = new RingStats[1];
        int[] bytes = new int[2];
        List<Long> live = new ArrayList<>();
        Thread other = new Thread(() -> {
            stats[0] = ring.stats();
            bytes[0] = ring.liveRegionBytes(b);
            bytes[1] = ring.liveRegionBytes(a);
            ring.forEachLiveRegion(live::add);
        });
        other.start();
        other.join();
        assertThat(stats[0].liveRegions()).as("on another thread").isEqualTo(1);
        assertThat(stats[0].bytesInUse()).isEqualTo(64);
        assertThat(bytes).containsExactly(-1, 64);
        assertThat(live).containsExactly(a);
    }

    @Test
    void releasingTheOwnersLastReleaseAgainThrows() {
        long a = ring.tryAllocate(64);
        int next = ring.nextOfLastAllocation();
        ring.releaseOnOwner(a, next);
        assertThatThrownBy(() -> ring.releaseOnOwner(a)).isInstanceOf(IllegalStateException.class);
        long b = ring.tryAllocate(64);
        ring.releaseOnOwner(b);
        assertThatThrownBy(() -> ring.releaseOnOwner(b)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ring.releaseElsewhere(b)).isInstanceOf(IllegalStateException.class);
        assertThat(ring.tryAllocate(MAX)).as("the whole ring, once").isNotEqualTo(Ring.NO_REGION);
    }

    @Test
    void aRingRetiredElsewhereIsFreedWithTheOwnersLastReleaseNotYetStored() throws InterruptedException {
        long a = ring.tryAllocate(64);
        long b = ring.tryAllocate(64);
        ring.releaseOnOwner(a, guardOf(b));
        ring.releaseOnOwner(b, ring.nextOfLastAllocation()); // a is stored now; b is not
        Thread cleaner = new Thread(ring::retire);  // a thread that is not the owner (none is bound)
        cleaner.start();
        cleaner.join();
        assertThat(ring.isFreed()).as("nothing is held: freed by the retire").isTrue();
    }

    @Test
    void aGrowthReadsTheOwnersLastReleaseAsFree() {
        long a = ring.tryAllocate(64);              // guards 0..9
        long b = ring.tryAllocate(64);              // guards 9..18, right behind a
        ring.releaseOnOwner(b, ring.nextOfLastAllocation());
        assertThat(ring.tryGrowInPlace(a, 128)).as("over b's released region").isTrue();
        assertThat(ring.capacity(a)).isGreaterThanOrEqualTo(128);
        ring.release(a);
        assertThat(ring.stats().largestFreeRegion()).isEqualTo(MAX);
    }

    @Test
    void theStampOfTheOwnersLastReleaseIsForgottenWhenTheStampsWrap() {
        ring.nextStamp = 10;
        long a = ring.tryAllocate(64);              // stamp 10
        ring.releaseOnOwner(a, ring.nextOfLastAllocation()); // the owner's last release for a whole cycle
        long b = ring.tryAllocate(200);             // stamp 11, elsewhere: a is stored
        ring.nextStamp = Integer.MAX_VALUE;         // 2^31 - 13 allocations later, none released on the owner
        long c = ring.tryAllocate(64);              // stamp 2^31 - 1: the stamps wrap
        ring.nextStamp = 10;                        // 9 allocations later
        long d = ring.tryAllocate(64);              // stamp 10 again, live
        assertThat(ring.stats().liveRegions()).as("stamp 10 is held again").isEqualTo(3);
        assertThat(ring.capacity(d)).isEqualTo(64);
        for (long h : new long[] {b, c, d}) {
            ring.release(h);
        }
        assertThat(ring.stats().liveRegions()).isZero();
    }

    @Test
    void aStampIssuedAgainAfterTheStampsWrapIsHeldWhateverTheOwnerReleasedUnderItBefore() {
        // Stamps are 31 bits: after 2^31 - 1 allocations they start again at 1. Skip there.
        ring.nextStamp = Integer.MAX_VALUE - 1;
        long old = ring.tryAllocate(64);            // stamp 2^31 - 2
        long last = ring.tryAllocate(64);           // stamp 2^31 - 1: the next is 1 again
        ring.releaseOnOwner(old, guardOf(last));    // a stamp the ring will issue again
        ring.nextStamp = Integer.MAX_VALUE - 1;     // ... once 2^31 - 3 more allocations are made
        long reissued = ring.tryAllocate(600);      // stamp 2^31 - 2 again, live
        long inPlace = ring.tryAllocate(64);        // stamp 2^31 - 1 again; the next is 1
        ring.releaseOnOwner(inPlace, ring.nextOfLastAllocation());
        long again = ring.tryAllocate(64);          // in place, under stamp 1
        assertThat(guardOf(again)).isEqualTo(guardOf(inPlace));
        assertThat(ring.stats().liveRegions()).as("the reissued stamps are held").isEqualTo(3);
        assertThat(ring.capacity(reissued)).isEqualTo(600);
        for (long h : new long[] {last, reissued, again}) {
            ring.release(h);
        }
        assertThat(ring.stats().liveRegions()).isZero();
    }
}
