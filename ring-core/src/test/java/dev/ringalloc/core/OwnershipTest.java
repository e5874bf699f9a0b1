package dev.ringalloc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ownership queries: which ring a buffer object or a {@link ByteBuffer} lives in, with no false positive for
 * foreign memory. Runs in both surefire executions: with direct addresses read through Unsafe, and with Unsafe
 * off (then through {@code MemorySegment} on JDK 22+, and not at all on JDK 17 to 21, which is checked too).
 */
class OwnershipTest extends RingTestSupport {

    private final RingAllocator neighbour = RingAllocator.create(4096);

    OwnershipTest() {
        super(4096);
    }

    @AfterEach
    void neighbourIsIntact() {
        assertIntact(neighbour);
    }

    @Test
    void bufferObjectsBelongToTheirRing() {
        FixedBuffer fixed = ring.fixed(16);
        ExtendableBuffer ext = ring.extendable(16);
        FrozenBuffer frozen = ring.fixed(8).freeze();
        FixedLongBuffer longs = ring.longs(2);
        FixedBuffer foreign = neighbour.fixed(16);
        for (RegionHolder mine : new RegionHolder[] {fixed, ext, frozen, longs}) {
            assertThat(ring.owns(mine)).as("%s", mine).isTrue();
            assertThat(neighbour.owns(mine)).as("%s", mine).isFalse();
        }
        assertThat(ring.owns(foreign)).isFalse();
        assertThat(neighbour.owns(foreign)).isTrue();
        for (RegionHolder b : new RegionHolder[] {fixed, ext, frozen, longs, foreign}) {
            b.close();
        }
        assertThatThrownBy(() -> ring.owns(fixed)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ring.owns(frozen)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void viewsOfTheRingBelongToItAndNothingElseDoes() {
        assumeTrue(BufferAddresses.directAddressesReadable(), "direct buffer addresses readable on this JVM");
        FixedBuffer fixed = ring.fixed(64).writeLong(1);
        FrozenBuffer frozen = ring.fixed(32).writeLong(2).freeze();
        FixedBuffer foreign = neighbour.fixed(64).writeLong(3);
        ByteBuffer memory = ring.ring().memory();

        assertThat(ring.owns(fixed.asByteBuffer())).isTrue();
        assertThat(ring.owns(frozen.asByteBuffer())).as("read-only direct view").isTrue();
        assertThat(ring.owns(memory)).as("the whole ring").isTrue();
        assertThat(ring.owns(memory.duplicate())).isTrue();
        assertThat(ring.owns(memory.slice(memory.capacity() - 1, 1))).as("its last byte").isTrue();

        assertThat(ring.owns(foreign.asByteBuffer())).as("another ring's buffer").isFalse();
        assertThat(neighbour.owns(fixed.asByteBuffer())).isFalse();
        assertThat(ring.owns(ByteBuffer.allocateDirect(64))).as("other direct memory").isFalse();
        assertThat(ring.owns(ByteBuffer.allocate(64))).as("a heap buffer").isFalse();
        assertThat(ring.owns(ByteBuffer.wrap(new byte[4096]))).isFalse();
        assertThat(ring.owns(memory.slice(memory.capacity(), 0))).as("empty, just past the end").isFalse();
        assertThatThrownBy(() -> ring.owns((ByteBuffer) null)).isInstanceOf(NullPointerException.class);

        fixed.close();
        frozen.close();
        foreign.close();
    }

    @Test
    void aDirectBufferNextToTheRingIsNotInIt() {
        long start = 1L << 40;
        int length = 4096;
        assertThat(BufferAddresses.within(start, length, start, length)).isTrue();
        assertThat(BufferAddresses.within(start, length, start + length - 1, 1)).isTrue();
        assertThat(BufferAddresses.within(start, length, start - 1, 1)).as("just before").isFalse();
        assertThat(BufferAddresses.within(start, length, start - 8, 16)).as("straddling the start").isFalse();
        assertThat(BufferAddresses.within(start, length, start + length, 8)).as("just after").isFalse();
        assertThat(BufferAddresses.within(start, length, start + length - 8, 16)).as("straddling the end").isFalse();
        assertThat(BufferAddresses.within(start, length, start + length, 0)).as("empty, at the end").isFalse();
        assertThat(BufferAddresses.within(start, length, start, length + 1L)).as("one byte too long").isFalse();
        assertThat(BufferAddresses.within(start, length, Long.MAX_VALUE - 4, 8)).as("far away").isFalse();
    }

    @Test
    void withoutReadableAddressesADirectQueryIsRefused() {
        assumeTrue(!BufferAddresses.directAddressesReadable(), "only where no direct address is readable");
        try (FixedBuffer fixed = ring.fixed(16)) {
            assertThatThrownBy(() -> ring.owns(fixed.asByteBuffer())).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("JDK 22");
            assertThat(ring.owns(ByteBuffer.allocate(16))).as("heap buffers need no address").isFalse();
            assertThat(ring.owns(fixed)).as("buffer objects need no address").isTrue();
        }
    }

    @Test
    void aFreedRingOwnsNothing() {
        assumeTrue(BufferAddresses.directAddressesReadable(), "direct buffer addresses readable on this JVM");
        RingAllocator closing = RingAllocator.create(1024);
        ByteBuffer view;
        try (FixedBuffer b = closing.fixed(16)) {
            view = b.asByteBuffer();
            assertThat(closing.owns(view)).isTrue();
        }
        assertThat(closing.close(Duration.ZERO)).isTrue();
        assertThat(closing.owns(view)).isFalse();
    }

    @Test
    void ringsSaysWhetherABufferIsTheCallingThreadsAndMakesNoRing() throws Exception {
        long made = Rings.ringsMade();
        FixedBuffer foreign = ring.fixed(16);
        assertThat(other.submit(() -> Rings.isLocal(foreign)).get()).as("a thread without a ring").isFalse();
        assertThat(other.submit(() -> Rings.isLocal(ByteBuffer.allocate(4))).get()).isFalse();
        assertThat(Rings.ringsMade()).as("no ring made by a query").isEqualTo(made);

        FixedBuffer mine = other.submit(() -> Rings.fixed(16)).get();
        assertThat(other.submit(() -> Rings.isLocal(mine)).get()).isTrue();
        assertThat(other.submit(() -> Rings.isLocal(foreign)).get()).isFalse();
        assertThat(Rings.isLocal(mine)).as("another thread's ring").isFalse();
        if (BufferAddresses.directAddressesReadable()) {
            assertThat(other.submit(() -> Rings.isLocal(mine.asByteBuffer())).get()).isTrue();
            assertThat(other.submit(() -> Rings.isLocal(foreign.asByteBuffer())).get()).isFalse();
        }
        mine.close();
        foreign.close();
        assertThat(other.submit(() -> Rings.closeLocal(Duration.ofSeconds(1))).get()).isTrue();
    }
}
