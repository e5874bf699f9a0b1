package dev.ringalloc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rows of the bad-input table (docs/ring-core.md) that {@link BadInputTest} does not already prove:
 * construction arguments, out-of-range reads and writes, owner-only operations from another thread, use of a
 * closed ring, garbage handles, and every bad input of the typed buffers and the ownership queries. Each ends by
 * proving the ring intact (nothing held, the whole ring allocatable).
 */
class BadInputTableTest {

    private final RingAllocator ring = RingAllocator.create(2048);
    private final ExecutorService other = Executors.newSingleThreadExecutor();

    @AfterEach
    void ringIsIntact() {
        other.shutdownNow();
        if (!ring.isClosed()) {
            RingTestSupport.assertIntact(ring);
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

    @Test
    void typedBufferSizes() {
        for (int capacity : new int[] {0, -1, Integer.MIN_VALUE}) {
            assertThatThrownBy(() -> ring.longs(capacity)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("must be positive");
            assertThatThrownBy(() -> ring.tryInts(capacity)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ring.doubles(capacity)).isInstanceOf(IllegalArgumentException.class);
        }
        // (2048 - 16) / 8 = 254 longs fit; 255 do not; Integer.MAX_VALUE longs would overflow an int of bytes.
        assertThat(ring.tryLongs(254)).isNotNull().satisfies(FixedLongBuffer::close);
        for (int capacity : new int[] {255, Integer.MAX_VALUE / 8 + 1, Integer.MAX_VALUE}) {
            assertThatThrownBy(() -> ring.tryLongs(capacity)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("largest possible buffer");
            assertThatThrownBy(() -> ring.doubles(capacity)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> ring.ints(509)).isInstanceOf(IllegalArgumentException.class);
        FixedBuffer most = ring.fixed(1500);
        assertThat(ring.tryLongs(100)).as("full right now: null").isNull();
        assertThatThrownBy(() -> ring.ints(200)).isInstanceOf(RingFullException.class);
        most.close();
    }

    @Test
    void typedBufferPushPopAndIndexes() {
        FixedLongBuffer longs = ring.longs(2).push(1).push(2);
        assertThatThrownBy(() -> longs.push(3)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("full");
        for (int index : new int[] {-1, 2, Integer.MAX_VALUE}) {
            assertThatThrownBy(() -> longs.get(index)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> longs.set(index, 9)).isInstanceOf(IndexOutOfBoundsException.class);
        }
        assertThat(longs.size()).as("nothing changed").isEqualTo(2);
        assertThat(longs.get(1)).isEqualTo(2);
        longs.clear();
        assertThatThrownBy(longs::pop).isInstanceOf(NoSuchElementException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> longs.get(0)).as("beyond size, within capacity").isInstanceOf(IndexOutOfBoundsException.class);
        longs.close();

        FixedIntBuffer ints = ring.ints(1);
        assertThatThrownBy(ints::pop).isInstanceOf(NoSuchElementException.class);
        while (ints.size() < ints.capacity()) { // at least 1; here the region longs released, 2 words
            ints.push(ints.size());
        }
        assertThatThrownBy(() -> ints.push(3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(ints.get(ints.size() - 1)).isEqualTo(ints.size() - 1);
        ints.close();
        FixedDoubleBuffer doubles = ring.doubles(1).push(1.0);
        assertThatThrownBy(() -> doubles.set(1, 2.0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(doubles.get(0)).isEqualTo(1.0);
        doubles.close();
    }

    @Test
    void typedBufferUseAfterRelease() {
        FixedLongBuffer closed = ring.longs(4).push(1);
        closed.close();
        FixedIntBuffer frozen = ring.ints(4).push(1);
        frozen.freeze().close();
        FixedDoubleBuffer doubles = ring.doubles(4);
        doubles.close();
        for (ElementBuffer b : new ElementBuffer[] {closed, frozen, doubles}) {
            assertThatThrownBy(b::size).isInstanceOf(IllegalStateException.class).hasMessageContaining("already released");
            assertThatThrownBy(b::capacity).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(b::clear).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(b::freeze).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(b::close).isInstanceOf(IllegalStateException.class);
            assertThat(b.isLive()).isFalse();
        }
        assertThatThrownBy(() -> closed.push(2)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(closed::pop).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> closed.get(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> closed.set(0, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(closed::asLongBuffer).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(frozen::asIntBuffer).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> doubles.push(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void typedBuffersFromAnotherThreadOrAClosedRing() throws Exception {
        ring.longs(1).close(); // this thread owns the ring
        Future<?> attempt = other.submit(() -> ring.doubles(1));
        assertThatThrownBy(attempt::get).hasCauseInstanceOf(IllegalStateException.class)
                .hasRootCauseMessage("ring is owned by thread '" + Thread.currentThread().getName() + "'; thread '"
                        + other.submit(() -> Thread.currentThread().getName()).get()
                        + "' may not allocate from it, grow its buffers or close it");
        RingAllocator closed = RingAllocator.create(1024);
        assertThat(closed.close(Duration.ZERO)).isTrue();
        assertThatThrownBy(() -> closed.longs(1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> closed.tryInts(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void ownershipQueriesOfNullOrReleasedBuffers() {
        assertThatThrownBy(() -> ring.owns((RegionHolder) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ring.owns((ByteBuffer) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Rings.isLocal((RegionHolder) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Rings.isLocal((ByteBuffer) null)).isInstanceOf(NullPointerException.class);
        FixedBuffer released = ring.fixed(8);
        released.close();
        assertThatThrownBy(() -> ring.owns(released)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Rings.isLocal(released)).isInstanceOf(IllegalStateException.class);
    }

    /** Access to the ring behind an allocator from this package. */
    private static final class JcstressAccessFree {
        static Ring ring(RingAllocator allocator) {
            return allocator.ring();
        }
    }
}
