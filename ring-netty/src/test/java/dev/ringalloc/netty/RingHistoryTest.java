package dev.ringalloc.netty;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The time samples of {@link RingHistory}: ages in time are lower bounds, and not loose ones. */
class RingHistoryTest {

    /**
     * Allocations at a steady 1 µs each, sampled as the allocator does: the bounds hold the true age, and the lower
     * one is at least a third of it.
     */
    @Test
    void agesInTimeAreBoundsAndTheLowerOneAtLeastAThirdOfTheTrueAge() {
        AtomicLong now = new AtomicLong(5_000_000_000L); // any origin: nanoTime may be anything, negative too
        long origin = now.get();
        RingHistory history = new RingHistory(Thread.currentThread(), now::get);
        long nanosPerAllocation = 1_000;
        long total = 3_000_000;
        for (long count = 1; count <= total; count++) {
            now.set(origin + count * nanosPerAllocation);
            if (RingHistory.isSampled(count)) { // a handle's low 32 bits are its stamp: the allocation count
                history.sample(count);
            }
        }
        long checked = 0;
        for (long age = 0; age < total; age += 1 + age / 50) {
            long allocation = total - age;
            long trueAgeNanos = age * nanosPerAllocation;
            long min = history.minAgeNanos(allocation, () -> total);
            long max = history.maxAgeNanos(allocation, () -> total);
            assertThat(max).as("age %d allocations", age).isBetween(trueAgeNanos, total * nanosPerAllocation);
            if (age < RingHistory.SAMPLE_EVERY && min < 0) {
                continue; // no sample since: unknown, which is allowed for the youngest regions
            }
            assertThat(min).as("age %d allocations", age).isBetween(0L, trueAgeNanos);
            if (age >= 4L * RingHistory.SAMPLE_EVERY) {
                assertThat(min).as("age %d allocations", age).isGreaterThanOrEqualTo(trueAgeNanos / 3 - (1 << 16));
            }
            checked++;
        }
        assertThat(checked).isGreaterThan(300);
    }

    /** Without a sample since, the lower bound is unknown; without one before, the ring's creation bounds the age. */
    @Test
    void missingSamples() {
        AtomicLong now = new AtomicLong();
        RingHistory history = new RingHistory(Thread.currentThread(), now::get);
        now.set(10_000_000);
        assertThat(history.minAgeNanos(1, () -> 1000)).isEqualTo(-1);
        assertThat(history.maxAgeNanos(1, () -> 1000)).as("since creation").isEqualTo(10_000_000);
        history.sample(1024); // at 10 ms
        now.set(30_000_000);
        assertThat(history.minAgeNanos(1, () -> 1024)).isBetween(20_000_000L - (1 << 16), 20_000_000L);
        assertThat(history.minAgeNanos(1025, () -> 1030)).isEqualTo(-1);
        assertThat(history.maxAgeNanos(2048, () -> 2048)).isBetween(20_000_000L, 20_000_000L + (1 << 16));
    }

    @Test
    void ownerIsHeldWeaklyAndNamed() {
        RingHistory history = new RingHistory(Thread.currentThread(), false);
        assertThat(history.owner()).isSameAs(Thread.currentThread());
        assertThat(history.ownerAlive()).isTrue();
        assertThat(history.ownerName()).isEqualTo(Thread.currentThread().getName());
        assertThat(history.markFreedReported()).isTrue();
        assertThat(history.markFreedReported()).as("reported once").isFalse();
    }

    @Test
    void ringFullEventsAreRateLimitedAndCountWhatTheySkipped() {
        AtomicLong now = new AtomicLong(-1_000_000_000L);
        RingHistory history = new RingHistory(Thread.currentThread(), now::get);
        assertThat(history.ringFullsToReport()).as("the first is reported at once").isEqualTo(1);
        assertThat(history.ringFullsToReport()).isZero();
        assertThat(history.ringFullsToReport()).isZero();
        now.addAndGet(RingHistory.RING_FULL_EVENT_INTERVAL_NANOS);
        assertThat(history.ringFullsToReport()).as("two skipped and this one").isEqualTo(3);
    }

    @Test
    void sitesLeaveOutTheAllocatorsFrames() {
        assertThat(RingHistory.isAllocatorFrame("io.netty.buffer.AbstractByteBufAllocator")).isTrue();
        assertThat(RingHistory.isAllocatorFrame(RingByteBufAllocator.class.getName())).isTrue();
        assertThat(RingHistory.isAllocatorFrame(ThreadRing.class.getName())).isTrue();
        assertThat(RingHistory.isAllocatorFrame(RingByteBuf.class.getName())).isTrue();
        assertThat(RingHistory.isAllocatorFrame(RingHistoryTest.class.getName())).isFalse();
        assertThat(RingHistory.isAllocatorFrame("io.netty.channel.nio.AbstractNioByteChannel")).isFalse();
    }
}
