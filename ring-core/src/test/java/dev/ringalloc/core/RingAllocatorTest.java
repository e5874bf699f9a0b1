package dev.ringalloc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The public buffer API: fixed, extendable and frozen buffers, and the allocator's lifecycle. */
class RingAllocatorTest {

    private final RingAllocator ring = RingAllocator.create(4096);
    private final ExecutorService other = Executors.newSingleThreadExecutor();

    @AfterEach
    void shutdown() {
        other.shutdownNow();
    }

    private <T> T onOtherThread(java.util.concurrent.Callable<T> task) throws Exception {
        return other.submit(task).get();
    }

    @Test
    void fixedBufferWritesAndReadsEveryType() {
        try (FixedBuffer buf = ring.fixed(64)) {
            buf.writeByte(0x7f).writeShort(-2).writeInt(0x01020304).writeLong(Long.MIN_VALUE)
                    .writeFloat(1.5f).writeDouble(-2.25).write("hi".getBytes(StandardCharsets.US_ASCII))
                    .write(ByteBuffer.wrap(new byte[] {9, 8, 7}, 1, 2));

            assertThat(buf.length()).isEqualTo(1 + 2 + 4 + 8 + 4 + 8 + 2 + 2);
            assertThat(buf.capacity()).isEqualTo(64);
            assertThat(buf.spare()).isEqualTo(64 - buf.length());
            assertThat(buf.getByte(0)).isEqualTo((byte) 0x7f);
            assertThat(buf.getShort(1)).isEqualTo((short) -2);
            assertThat(buf.getInt(3)).isEqualTo(0x01020304);
            assertThat(buf.getLong(7)).isEqualTo(Long.MIN_VALUE);
            assertThat(buf.getFloat(15)).isEqualTo(1.5f);
            assertThat(buf.getDouble(19)).isEqualTo(-2.25);
            byte[] tail = new byte[4];
            buf.get(27, tail, 0, 4);
            assertThat(tail).containsExactly('h', 'i', 8, 7);

            ByteBuffer view = buf.asByteBuffer();
            assertThat(view.remaining()).isEqualTo(buf.length());
            assertThat(view.getInt(3)).isEqualTo(0x01020304);
        }
    }

    @Test
    void capacityIsTheRegionRoundedUpToWords() {
        try (FixedBuffer buf = ring.fixed(13)) {
            assertThat(buf.capacity()).isEqualTo(16);
            buf.write(new byte[16]);
            assertThat(buf.spare()).isZero();
        }
    }

    @Test
    void writesPastCapacityThrowAndWriteNothing() {
        try (FixedBuffer buf = ring.fixed(8)) {
            buf.writeInt(1);
            assertThatThrownBy(() -> buf.write(new byte[5]))
                    .isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessageContaining("spare 4");
            assertThatThrownBy(() -> buf.writeLong(1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThat(buf.length()).isEqualTo(4);
            buf.writeInt(2);
            assertThat(buf.getInt(4)).isEqualTo(2);
        }
    }

    @Test
    void readsOutsideTheWrittenBytesThrow() {
        try (FixedBuffer buf = ring.fixed(16)) {
            buf.writeInt(1);
            assertThatThrownBy(() -> buf.getInt(1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> buf.getByte(-1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> buf.get(0, new byte[2], 1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void extendableGrowsInPlaceWhenTheSpaceBehindIsFree() {
        try (ExtendableBuffer buf = ring.extendable(16)) {
            byte[] data = pattern(1000, 3);
            for (int i = 0; i < data.length; i += 10) {
                buf.write(data, i, 10);
            }
            assertThat(buf.length()).isEqualTo(1000);
            assertThat(buf.capacity()).isGreaterThanOrEqualTo(1000);
            assertThat(buf.toByteArray()).isEqualTo(data);
            assertThat(ring.stats().growthsInPlace()).isPositive();
            assertThat(ring.stats().allocations()).isEqualTo(1); // never moved
        }
    }

    @Test
    void extendableMovesWhenTheNextRegionIsHeld() {
        ExtendableBuffer buf = ring.extendable(16);
        buf.write(pattern(16, 1));
        FixedBuffer blocker = ring.fixed(16);
        buf.write(pattern(100, 2));
        assertThat(ring.stats().allocations()).isEqualTo(3); // the move took a new region
        byte[] expected = new byte[116];
        System.arraycopy(pattern(16, 1), 0, expected, 0, 16);
        System.arraycopy(pattern(100, 2), 0, expected, 16, 100);
        assertThat(buf.toByteArray()).isEqualTo(expected);
        assertThat(ring.stats().liveRegions()).isEqualTo(2); // the old region went back
        blocker.close();
        buf.close();
        assertThat(ring.stats().bytesInUse()).isZero();
    }

    @Test
    void extendableThrowsRingFullAndKeepsItsBytes() {
        RingAllocator small = RingAllocator.create(256);
        ExtendableBuffer buf = small.extendable(64);
        buf.write(pattern(64, 5));
        FixedBuffer blocker = small.fixed(64);
        assertThatThrownBy(() -> buf.write(new byte[100])).isInstanceOf(RingFullException.class);
        assertThat(buf.toByteArray()).isEqualTo(pattern(64, 5));
        blocker.close();
        buf.close();
    }

    @Test
    void finishReturnsTheUnusedEndAndKeepsTheBytes() {
        ExtendableBuffer ext = ring.extendable(2048);
        ext.write(pattern(100, 7));
        FixedBuffer fixed = ext.finish();
        assertThat(fixed.length()).isEqualTo(100);
        assertThat(fixed.capacity()).isEqualTo(104);
        assertThat(fixed.toByteArray()).isEqualTo(pattern(100, 7));
        assertThatThrownBy(ext::length).isInstanceOf(IllegalStateException.class);
        assertThat(ring.stats().bytesInUse()).isEqualTo(104);
        fixed.close();
    }

    @Test
    void frozenBufferIsSharedAndReleasedByItsLastHolder() throws Exception {
        FixedBuffer fixed = ring.fixed(32);
        fixed.writeLong(42).writeInt(7);
        FrozenBuffer frozen = fixed.freeze();
        assertThatThrownBy(fixed::length).isInstanceOf(IllegalStateException.class);
        assertThat(frozen.length()).isEqualTo(12);

        FrozenBuffer shared = frozen.retain();
        assertThat(frozen.refCount()).isEqualTo(2);
        long seen = onOtherThread(() -> {
            try (FrozenBuffer mine = shared) {
                return mine.getLong(0);
            }
        });
        assertThat(seen).isEqualTo(42);
        assertThat(frozen.refCount()).isEqualTo(1);
        assertThat(ring.stats().liveRegions()).isEqualTo(1);

        ByteBuffer view = frozen.asByteBuffer();
        assertThat(view.isReadOnly()).isTrue();
        assertThatThrownBy(() -> view.put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);

        frozen.close();
        assertThat(ring.stats().liveRegions()).isZero();
        assertThatThrownBy(frozen::close).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(frozen::retain).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> frozen.getInt(0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void buffersAreReleasedFromAnyThread() throws Exception {
        FixedBuffer buf = ring.fixed(1000);
        buf.write(pattern(1000, 9));
        assertThat(onOtherThread(() -> {
            byte[] seen = buf.toByteArray();
            buf.close();
            return seen;
        })).isEqualTo(pattern(1000, 9));
        assertThat(ring.stats().bytesInUse()).isZero();
        assertThat(ring.fixed(ring.maxAllocation()).capacity()).isEqualTo(ring.maxAllocation());
    }

    @Test
    void statsCountWhatHappened() {
        FixedBuffer a = ring.fixed(100);
        FixedBuffer b = ring.fixed(200);
        assertThat(ring.tryFixed(ring.maxAllocation())).isNull();
        RingStats stats = ring.stats();
        assertThat(stats.capacity()).isEqualTo(4096);
        assertThat(stats.allocations()).isEqualTo(2);
        assertThat(stats.failures()).isEqualTo(1);
        assertThat(stats.liveRegions()).isEqualTo(2);
        assertThat(stats.bytesInUse()).isEqualTo(104 + 200);
        assertThat(stats.highWaterMark()).isEqualTo(304);
        assertThat(stats.largestFreeRegion()).isEqualTo(4096 - 8 - 112 - 208 - 8);
        a.close();
        b.close();
        assertThat(ring.stats().bytesInUse()).isZero();
    }

    @Test
    void closeWaitsForBuffersThenFreesTheMemory() throws Exception {
        FixedBuffer held = ring.fixed(64);
        held.writeLong(5);
        assertThat(ring.close(Duration.ofMillis(20))).isFalse(); // reported, nothing freed
        assertThat(ring.isClosed()).isTrue();
        assertThat(ring.isFreed()).isFalse();
        assertThat(held.getLong(0)).isEqualTo(5);               // still usable
        assertThatThrownBy(() -> ring.fixed(8)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");

        CompletableFuture<Void> release = CompletableFuture.runAsync(held::close, other);
        release.get();
        assertThat(ring.isFreed()).isTrue();                    // the last release freed it
        assertThat(ring.close(Duration.ZERO)).isTrue();
    }

    @Test
    void closeOfAnIdleRingFreesAtOnce() {
        ring.fixed(8).close();
        assertThat(ring.close(Duration.ofSeconds(1))).isTrue();
        assertThat(ring.isFreed()).isTrue();
    }

    @Test
    void onlyTheOwnerAllocatesGrowsOrCloses() throws Exception {
        ExtendableBuffer ext = ring.extendable(8);
        AtomicReference<Throwable> seen = new AtomicReference<>();
        onOtherThread(() -> {
            try {
                ring.fixed(8);
            } catch (IllegalStateException e) {
                seen.set(e);
            }
            return null;
        });
        assertThat(seen.get()).hasMessageContaining("may not allocate");
        assertThatThrownBy(() -> onOtherThread(() -> ext.write(new byte[64])))
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> onOtherThread(() -> ring.close(Duration.ZERO)))
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThat(ring.isClosed()).isFalse();
        ext.write(new byte[64]); // the owner still can
        ext.close();
    }

    @Test
    void ownerIsTheFirstAllocatingThread() throws Exception {
        RingAllocator built = RingAllocator.builder().capacity(1024).maxRegionsVisited(16).build();
        onOtherThread(() -> {
            built.fixed(8).close();
            return null;
        });
        assertThatThrownBy(() -> built.fixed(8)).isInstanceOf(IllegalStateException.class);
    }

    static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + seed * 17);
        }
        return bytes;
    }
}
