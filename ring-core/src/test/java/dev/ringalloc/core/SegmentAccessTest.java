package dev.ringalloc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SegmentAccess} against a {@code ByteBuffer} of the same memory: the same bytes in the same (big-endian)
 * order, guard words in native order, bounds enforced. Runs where the Java 22 version is loaded (JDK 22+,
 * asserted by {@link GuardAccessPathTest}); on Java 17 to 21 the class has nothing to test.
 */
class SegmentAccessTest {

    private final ByteBuffer memory = ByteBuffer.allocateDirect(64);
    private Object segment;

    @BeforeEach
    void segmentOfTheWholeBuffer() {
        assumeTrue(SegmentAccess.isAvailable(), "JDK 22+");
        // A segment spans the capacity, whatever the position and limit.
        segment = SegmentAccess.of(memory.duplicate().position(8).limit(16));
    }

    @Test
    void readsWhatTheBufferWroteBigEndian() {
        memory.putLong(40, 0x0102030405060708L).putInt(20, 0x0a0b0c0d).putShort(30, (short) 0x0e0f).put(63, (byte) 7);
        assertThat(SegmentAccess.getLong(segment, 40)).isEqualTo(0x0102030405060708L);
        assertThat(SegmentAccess.getInt(segment, 20)).isEqualTo(0x0a0b0c0d);
        assertThat(SegmentAccess.getShort(segment, 30)).isEqualTo((short) 0x0e0f);
        assertThat(SegmentAccess.getByte(segment, 63)).isEqualTo((byte) 7);
        assertThat(SegmentAccess.getInt(segment, 41)).as("unaligned").isEqualTo(0x02030405);
    }

    @Test
    void writesWhatTheBufferReadsBigEndian() {
        SegmentAccess.setLong(segment, 1, 0x1112131415161718L);
        SegmentAccess.setInt(segment, 33, 0x21222324);
        SegmentAccess.setShort(segment, 50, (short) 0x3132);
        SegmentAccess.setByte(segment, 0, (byte) -1);
        assertThat(memory.getLong(1)).isEqualTo(0x1112131415161718L);
        assertThat(memory.getInt(33)).isEqualTo(0x21222324);
        assertThat(memory.getShort(50)).isEqualTo((short) 0x3132);
        assertThat(memory.get(0)).isEqualTo((byte) -1);
    }

    @Test
    void guardWordsAreNativeOrderWithOrderedAccess() {
        ByteBuffer nativeOrder = memory.duplicate().order(ByteOrder.nativeOrder());
        SegmentAccess.soLong(segment, 8, 42L);
        assertThat(nativeOrder.getLong(8)).isEqualTo(42L);
        assertThat(SegmentAccess.laLong(segment, 8)).isEqualTo(42L);
        assertThat(SegmentAccess.casLong(segment, 8, 41L, 43L)).isFalse();
        assertThat(SegmentAccess.casLong(segment, 8, 42L, 43L)).isTrue();
        assertThat(SegmentAccess.lvLong(segment, 8)).isEqualTo(43L);
    }

    @Test
    void copiesToAndFromArrays() {
        byte[] src = {1, 2, 3, 4, 5, 6};
        SegmentAccess.copyFromArray(src, 1, segment, 60, 4);
        assertThat(new byte[] {memory.get(60), memory.get(61), memory.get(62), memory.get(63)})
                .containsExactly(2, 3, 4, 5);
        byte[] dst = new byte[6];
        SegmentAccess.copyToArray(segment, 60, dst, 2, 4);
        assertThat(dst).containsExactly(0, 0, 2, 3, 4, 5);
    }

    @Test
    void copiesFromArraysAtEveryLengthAndAlignmentInWholeWords() {
        byte[] src = new byte[48];
        for (int i = 0; i < src.length; i++) {
            src[i] = (byte) (i + 1);
        }
        for (int length = 0; length <= 40; length++) {
            for (int srcIndex = 0; srcIndex < 8; srcIndex++) {
                for (int at = 0; at < 8; at++) {
                    for (int i = 0; i < 64; i++) {
                        memory.put(i, (byte) 0);
                    }
                    SegmentAccess.copyFromArray(src, srcIndex, segment, at, length);
                    for (int i = 0; i < 64; i++) {
                        byte expected = i >= at && i < at + length ? src[srcIndex + i - at] : 0;
                        assertThat(memory.get(i)).as("length %d, source index %d, at %d: byte %d", length, srcIndex,
                                at, i).isEqualTo(expected);
                    }
                }
            }
        }
    }

    @Test
    void outOfBoundsThrowsAndWritesNothing() {
        assertThatThrownBy(() -> SegmentAccess.getLong(segment, 57)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> SegmentAccess.setInt(segment, 61, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> SegmentAccess.copyFromArray(new byte[8], 0, segment, 60, 8))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> SegmentAccess.copyFromArray(new byte[12], 0, segment, 56, 12))
                .as("a length that is not whole words").isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> SegmentAccess.laLong(segment, 4)).as("misaligned guard word")
                .isInstanceOf(IllegalArgumentException.class);
        for (int i = 0; i < 64; i++) {
            assertThat(memory.get(i)).isZero();
        }
    }

    @Test
    void refusesHeapBuffers() {
        assertThatThrownBy(() -> SegmentAccess.of(ByteBuffer.allocate(8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a direct buffer");
    }
}
