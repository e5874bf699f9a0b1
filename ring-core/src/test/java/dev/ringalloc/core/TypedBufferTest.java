package dev.ringalloc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** Typed buffers: push, pop, get, set, the bulk views, freeze and close, from the same ring as byte buffers. */
class TypedBufferTest extends RingTestSupport {

    TypedBufferTest() {
        super(4096);
    }

    @Test
    void longsPushPopGetSet() {
        try (FixedLongBuffer longs = ring.longs(3)) {
            assertThat(longs.capacity()).isEqualTo(3);
            assertThat(longs.isEmpty()).isTrue();
            longs.push(Long.MIN_VALUE).push(2).push(Long.MAX_VALUE);
            assertThat(longs.size()).isEqualTo(3);
            assertThat(longs.get(0)).isEqualTo(Long.MIN_VALUE);
            longs.set(1, 42);
            assertThat(longs.get(1)).isEqualTo(42);
            assertThat(longs.pop()).isEqualTo(Long.MAX_VALUE);
            assertThat(longs.size()).isEqualTo(2);
            longs.clear();
            assertThat(longs.isEmpty()).isTrue();
        }
    }

    @Test
    void intsAndDoublesShareTheRingWithByteBuffers() {
        FixedBuffer bytes = ring.fixed(10).writeInt(7);
        FixedIntBuffer ints = ring.ints(5);
        FixedDoubleBuffer doubles = ring.doubles(2);
        for (int i = 0; i < 5; i++) {
            ints.push(i * i);
        }
        doubles.push(Math.PI).push(Double.NaN);
        assertThat(ints.capacity()).as("5 ints take 3 words: 6 ints fit").isEqualTo(6);
        assertThat(ints.get(4)).isEqualTo(16);
        assertThat(doubles.get(0)).isEqualTo(Math.PI);
        assertThat(doubles.pop()).isNaN();
        assertThat(bytes.getInt(0)).as("neighbours untouched").isEqualTo(7);
        assertThat(ring.stats().liveRegions()).isEqualTo(3);
        bytes.close();
        ints.close();
        doubles.close();
    }

    @Test
    void bulkViewsSeeAndChangeTheValuesInUse() {
        try (FixedLongBuffer longs = ring.longs(8); FixedIntBuffer ints = ring.ints(8);
                FixedDoubleBuffer doubles = ring.doubles(8)) {
            longs.push(1).push(2).push(3);
            LongBuffer lv = longs.asLongBuffer();
            assertThat(lv.position()).isZero();
            assertThat(lv.limit()).isEqualTo(3);
            assertThat(lv.capacity()).isEqualTo(3);
            assertThat(lv.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
            long[] all = new long[3];
            lv.get(all);
            assertThat(all).containsExactly(1, 2, 3);
            lv.put(0, 10);
            assertThat(longs.get(0)).isEqualTo(10);

            ints.push(5).push(6);
            IntBuffer iv = ints.asIntBuffer();
            iv.put(new int[] {8, 9});
            assertThat(ints.get(0)).isEqualTo(8);
            assertThat(ints.get(1)).isEqualTo(9);

            doubles.push(0.25);
            DoubleBuffer dv = doubles.asDoubleBuffer();
            assertThat(dv.get(0)).isEqualTo(0.25);
            assertThat(doubles.asDoubleBuffer().limit()).isEqualTo(1);
        }
    }

    @Test
    void freezeSharesTheValuesReadOnlyAsBigEndianBytes() throws Exception {
        FixedLongBuffer longs = ring.longs(4).push(11).push(-12);
        FrozenBuffer frozen = longs.freeze();
        assertThat(frozen.length()).isEqualTo(16);
        assertThat(frozen.getLong(0)).isEqualTo(11);
        assertThat(frozen.getLong(8)).isEqualTo(-12);
        assertThat(frozen.asByteBuffer().asLongBuffer().get(1)).isEqualTo(-12);
        assertThatThrownBy(() -> longs.push(1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(longs::size).isInstanceOf(IllegalStateException.class);
        frozen.retain();
        assertThat(other.submit(() -> {
            try (FrozenBuffer mine = frozen) {
                return mine.getLong(8);
            }
        }).get()).isEqualTo(-12);
        frozen.close();

        FixedIntBuffer ints = ring.ints(2).push(3);
        FrozenBuffer frozenInts = ints.freeze();
        assertThat(frozenInts.getInt(0)).isEqualTo(3);
        frozenInts.close();
        FixedDoubleBuffer doubles = ring.doubles(1).push(-0.0);
        FrozenBuffer frozenDoubles = doubles.freeze();
        assertThat(Double.doubleToRawLongBits(frozenDoubles.getDouble(0))).isEqualTo(Double.doubleToRawLongBits(-0.0));
        frozenDoubles.close();
    }

    @Test
    void closedFromAnotherThread() throws Exception {
        FixedIntBuffer ints = ring.ints(16).push(1);
        other.submit(ints::close).get();
        assertThat(ints.isLive()).isFalse();
    }
}
