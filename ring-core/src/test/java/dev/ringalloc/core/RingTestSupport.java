package dev.ringalloc.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;

/**
 * The frame of the tests that must end with their ring intact: a ring owned by the test thread, another thread
 * to release or misuse buffers from, and the check after each test.
 */
abstract class RingTestSupport {

    final RingAllocator ring;
    final ExecutorService other = Executors.newSingleThreadExecutor();

    RingTestSupport(int capacity) {
        ring = RingAllocator.create(capacity);
    }

    @AfterEach
    void ringIsIntact() {
        other.shutdownNow();
        assertIntact(ring);
    }

    /**
     * Nothing is held, and the whole ring is allocatable as one buffer again. On the ring's owner thread (or a ring
     * that never allocated); the ring must not be closed.
     */
    static void assertIntact(RingAllocator ring) {
        assertThat(ring.stats().liveRegions()).as("regions still held").isZero();
        assertThat(ring.stats().bytesInUse()).as("bytes still held").isZero();
        try (FixedBuffer whole = ring.fixed(ring.maxAllocation())) {
            assertThat(whole.capacity()).as("the whole ring as one buffer").isEqualTo(ring.maxAllocation());
        }
    }
}
