package dev.ringalloc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rows of the README's bad-input table that {@link BadInputTest} does not already prove: construction
 * arguments, out-of-range reads and writes, owner-only operations from another thread, use of a closed
 * ring, garbage handles. Each ends by proving the ring intact (nothing held, the whole ring allocatable).
 */
class BadInputTableTest {

    private final RingAllocator ring = RingAllocator.create(2048);
    private final ExecutorService other = Executors.newSingleThreadExecutor();

    @AfterEach
    void ringIsIntact() {
        other.shutdownNow();
        if (!ring.isClosed()) {
            assertThat(ring.stats().liveRegions()).isZero();
            try (FixedBuffer whole = ring.fixed(ring.maxAllocation())) {
                assertThat(whole.capacity()).isEqualTo(2048 - 16);
            }
        }
    }

    @Test
    void constructionArguments() {
        for (int capacity : new int[] {-1, 0, 63, Ring.MAX_CAPACITY + 1}) {
            assertThatThrownBy(() -> RingAllocator.create(capacity)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ring capacity");
            assertThatThrownBy(() -> Rings.setDefaultCapacity(capacity)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> RingAllocator.builder().capacity(1024).maxRegionsVisited(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxVisits");
        assertThatThrownBy(() -> Ring.allocate(1024, -5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsOutsideTheWrittenBytes() {
        FixedBuffer buf = ring.fixed(16).writeInt(5);
        assertThatThrownBy(() -> buf.getInt(1)).as("past length").isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> buf.getByte(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> buf.get(0, new byte[4], 2, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        FrozenBuffer frozen = buf.freeze();
        assertThatThrownBy(() -> frozen.getLong(0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> frozen.getByte(4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(frozen.getInt(0)).isEqualTo(5);
        frozen.close();
    }

    @Test
    void badArraySlicesOnWrite() {
        FixedBuffer buf = ring.fixed(64);
        assertThatThrownBy(() -> buf.write(new byte[4], -1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> buf.write(new byte[4], 3, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> buf.write(new byte[4], 0, -1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> buf.write((byte[]) null)).isInstanceOf(NullPointerException.class);
        assertThat(buf.length()).as("nothing written").isZero();
        buf.close();
    }

    @Test
    void ownerOnlyOperationsFromAnotherThread() throws Exception {
        ExtendableBuffer ext = ring.extendable(8);
        ext.writeLong(1);
        Future<?> grow = other.submit(() -> ext.writeLong(2));
        assertThatThrownBy(grow::get).hasCauseInstanceOf(IllegalStateException.class);
        Future<?> finish = other.submit(ext::finish);
        assertThatThrownBy(finish::get).hasCauseInstanceOf(IllegalStateException.class);
        Future<?> close = other.submit(() -> ring.close(Duration.ZERO));
        assertThatThrownBy(close::get).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(ring.isClosed()).isFalse();
        assertThat(ext.length()).isEqualTo(8);
        // A release is fine from any thread.
        FixedBuffer done = ext.finish();
        other.submit(done::close).get();
    }

    @Test
    void allocationFromAClosedRing() {
        RingAllocator closed = RingAllocator.create(1024);
        closed.fixed(8).close();
        assertThat(closed.close(Duration.ZERO)).isTrue();
        assertThatThrownBy(() -> closed.fixed(8)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> closed.tryExtendable(8)).isInstanceOf(IllegalStateException.class);
        assertThat(closed.close(Duration.ZERO)).as("closing twice is harmless").isTrue();
    }

    @Test
    void garbageHandles() {
        Ring r = JcstressAccessFree.ring(ring);
        for (long handle : new long[] {Ring.NO_REGION, 0L, (255L << 32) | 1, Long.MAX_VALUE, (3L << 32) | 7}) {
            assertThatThrownBy(() -> r.release(handle)).isInstanceOf(IllegalStateException.class);
        }
    }

    /** Access to the ring behind an allocator from this package. */
    private static final class JcstressAccessFree {
        static Ring ring(RingAllocator allocator) {
            return allocator.ring();
        }
    }
}
