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
 * Invariant 4: every bad input gets a clear exception and leaves the ring intact. Each test ends by
 * proving the ring intact: nothing but the test's own buffers held, and once they are released the
 * whole ring is allocatable as one buffer.
 */
class BadInputTest {

    private final RingAllocator ring = RingAllocator.create(2048);
    private final ExecutorService other = Executors.newSingleThreadExecutor();

    @AfterEach
    void ringIsIntact() throws Exception {
        other.shutdownNow();
        if (!ring.isClosed()) {
            assertThat(ring.stats().bytesInUse()).isZero();
            try (FixedBuffer whole = ring.fixed(ring.maxAllocation())) {
                assertThat(whole.capacity()).isEqualTo(2048 - 16);
            }
        }
    }

    @Test
    void zeroAndNegativeSizes() {
        for (int size : new int[] {0, -1, Integer.MIN_VALUE}) {
            assertThatThrownBy(() -> ring.fixed(size)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("must be positive");
            assertThatThrownBy(() -> ring.tryFixed(size)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ring.extendable(size)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ring.tryExtendable(size)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void sizeTheRingCanNeverHold() {
        for (int size : new int[] {2048 - 15, 2048, Integer.MAX_VALUE}) {
            assertThatThrownBy(() -> ring.tryFixed(size)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("largest possible buffer");
            assertThatThrownBy(() -> ring.extendable(size)).isInstanceOf(IllegalArgumentException.class);
        }
        ExtendableBuffer ext = ring.extendable(8);
        assertThatThrownBy(() -> ext.write(new byte[2048])).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("largest possible buffer");
        assertThat(ext.length()).isZero();
        ext.close();
    }

    @Test
    void ringFullIsNotBadInputButSaysSo() {
        FixedBuffer most = ring.fixed(1500);
        assertThat(ring.tryFixed(1000)).isNull();
        assertThatThrownBy(() -> ring.fixed(1000)).isInstanceOf(RingFullException.class)
                .hasMessageContaining("no free run of 1000 bytes");
        most.close();
    }

    @Test
    void writesPastAFixedBuffersCapacity() {
        FixedBuffer buf = ring.fixed(16);
        buf.writeLong(1);
        assertThatThrownBy(() -> buf.write(new byte[9])).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> buf.write(new byte[4], 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(buf.length()).isEqualTo(8);
        assertThat(buf.getLong(0)).isEqualTo(1);
        buf.close();
    }

    @Test
    void everyUseAfterRelease() {
        FixedBuffer fixed = ring.fixed(16);
        fixed.close();
        assertThatThrownBy(() -> fixed.writeInt(1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> fixed.getByte(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(fixed::length).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(fixed::asByteBuffer).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(fixed::freeze).isInstanceOf(IllegalStateException.class);

        ExtendableBuffer ext = ring.extendable(16);
        ext.close();
        assertThatThrownBy(() -> ext.write(new byte[100])).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(ext::finish).isInstanceOf(IllegalStateException.class);

        FrozenBuffer frozen = ring.fixed(16).writeInt(3).freeze();
        frozen.close();
        assertThatThrownBy(() -> frozen.getInt(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(frozen::asByteBuffer).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(frozen::retain).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void releaseTwice() {
        FixedBuffer fixed = ring.fixed(16);
        fixed.close();
        assertThatThrownBy(fixed::close).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already released");

        FrozenBuffer frozen = ring.fixed(16).freeze();
        frozen.close();
        assertThatThrownBy(frozen::close).isInstanceOf(IllegalStateException.class);

        // A stale handle whose region was reused by a new allocation: the stamp tells them apart.
        FixedBuffer first = ring.fixed(2000);
        long stale = first.handle;
        first.close();
        FixedBuffer second = ring.fixed(2000);
        assertThat(second.handle >>> 32).isEqualTo(stale >>> 32);
        assertThatThrownBy(() -> ring.ring().release(stale)).isInstanceOf(IllegalStateException.class);
        second.writeInt(9);
        assertThat(second.getInt(0)).isEqualTo(9);
        second.close();
    }

    @Test
    void allocationFromAThreadThatIsNotTheOwner() throws Exception {
        ring.fixed(8).close();
        Future<?> attempt = other.submit(() -> ring.fixed(8));
        assertThatThrownBy(attempt::get).hasCauseInstanceOf(IllegalStateException.class)
                .hasRootCauseMessage("ring is owned by thread '" + Thread.currentThread().getName()
                        + "'; thread '" + threadName() + "' may not allocate from it, grow its buffers or close it");
    }

    private String threadName() throws Exception {
        return other.submit(() -> Thread.currentThread().getName()).get();
    }

    @Test
    void closeWithBuffersStillOut() {
        FixedBuffer held = ring.fixed(32).writeInt(77);
        assertThat(ring.close(Duration.ofMillis(10))).isFalse();
        assertThat(ring.isFreed()).isFalse();
        assertThat(held.getInt(0)).isEqualTo(77);
        held.close();
        assertThat(ring.isFreed()).isTrue();
    }
}
