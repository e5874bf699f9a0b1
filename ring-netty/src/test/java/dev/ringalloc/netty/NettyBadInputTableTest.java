package dev.ringalloc.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ringalloc.core.RingStats;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.IllegalReferenceCountException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Netty rows of the bad-input table (docs/bad-input.md): what a {@link RingByteBuf} user gets for each bad input, and
 * proof that the ring is intact afterwards (nothing held, the whole ring one free run).
 */
class NettyBadInputTableTest {

    private static final int RING_CAPACITY = 64 * 1024;

    private final RingByteBufAllocator alloc = RingByteBufAllocator.builder()
            .ringCapacity(RING_CAPACITY)
            .maxRingAllocation(4096)
            .fallback(new UnpooledByteBufAllocator(true, false, false))
            .build();

    @Test
    void everyBadInputOnARingBuffer() throws Exception {
        List<RingStats> stats = TestSupport.onFastThread(() -> {
            // Sizes.
            assertThatThrownBy(() -> alloc.directBuffer(-1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> alloc.directBuffer(10, 5)).isInstanceOf(IllegalArgumentException.class);
            ByteBuf zero = alloc.directBuffer(0);
            assertThat(zero.capacity()).isZero();
            zero.release();

            ByteBuf buf = alloc.directBuffer(16, 32);
            assertThat(NettyStress.inRing(buf)).isTrue();
            buf.writeLong(7);
            // Writes past maxCapacity: IndexOutOfBoundsException, nothing written.
            assertThatThrownBy(() -> buf.writeBytes(new byte[25])).isInstanceOf(IndexOutOfBoundsException.class);
            assertThat(buf.writerIndex()).isEqualTo(8);
            // Capacity outside [0, maxCapacity].
            assertThatThrownBy(() -> buf.capacity(33)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> buf.capacity(-1)).isInstanceOf(IllegalArgumentException.class);
            // Reads outside the buffer.
            assertThatThrownBy(() -> buf.getByte(buf.capacity())).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> buf.getLong(-1)).isInstanceOf(IndexOutOfBoundsException.class);
            buf.readLong();
            assertThatThrownBy(buf::readByte).isInstanceOf(IndexOutOfBoundsException.class);
            // Growth beyond the ring maximum (within maxCapacity) is not an error: the buffer moves to the fallback.
            ByteBuf grows = alloc.directBuffer(16, 8192);
            grows.writeBytes(new byte[5000]);
            assertThat(NettyStress.inRing(grows)).isFalse();
            grows.release();
            // Reference counting.
            assertThatThrownBy(() -> buf.release(2)).isInstanceOf(IllegalReferenceCountException.class);
            assertThat(buf.refCnt()).as("a refused over-release leaves the count").isEqualTo(1);
            assertThat(buf.release()).isTrue();
            assertThatThrownBy(buf::release).isInstanceOf(IllegalReferenceCountException.class);
            assertThatThrownBy(buf::retain).isInstanceOf(IllegalReferenceCountException.class);
            assertThatThrownBy(() -> buf.getLong(0)).isInstanceOf(IllegalReferenceCountException.class);
            assertThatThrownBy(() -> buf.writeByte(1)).isInstanceOf(IllegalReferenceCountException.class);
            assertThatThrownBy(() -> buf.capacity(8)).isInstanceOf(IllegalReferenceCountException.class);
            return alloc.metric().ringStats();
        });
        assertThat(stats).hasSize(1);
        assertThat(stats.get(0).liveRegions()).as("nothing held").isZero();
        assertThat(stats.get(0).largestFreeRegion()).as("whole ring free").isEqualTo(RING_CAPACITY - 16);
    }
}
