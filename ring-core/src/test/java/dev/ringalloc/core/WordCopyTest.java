package dev.ringalloc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link WordCopy} writes exactly the bytes asked for, wherever source, destination and length fall against
 * word boundaries, and nothing either side of the destination range (the last word overlaps the bulk copy,
 * never the memory beyond it). Runs where the library may use Unsafe on x86-64 or AArch64.
 */
class WordCopyTest {

    private static final byte UNTOUCHED = (byte) 0xEE;

    private ByteBuffer memory;
    private long address;

    @BeforeEach
    void memoryWithItsAddress() {
        assumeTrue(WordCopy.isAvailable(), "Unsafe allowed, x86-64 or AArch64");
        memory = ByteBuffer.allocateDirect(3 * WordCopy.CHUNK);
        address = UnsafeAccess.address(memory);
    }

    @Test
    void everyLengthAndAlignmentUpToFourWords() {
        byte[] src = randomBytes(64, 1);
        for (int length = 0; length <= 40; length++) {
            for (int srcIndex = 0; srcIndex < 8; srcIndex++) {
                for (int at = 8; at < 16; at++) {
                    fill(0, 128);
                    WordCopy.fromArray(src, srcIndex, address + at, length);
                    assertCopied(src, srcIndex, at, length, 0, 128);
                }
            }
        }
    }

    @Test
    void paysOnlyForLengthsThatAreNotWholeWords() {
        assertThat(WordCopy.pays(0)).isFalse();
        assertThat(WordCopy.pays(64)).isFalse();
        assertThat(WordCopy.pays(1024)).isFalse();
        assertThat(WordCopy.pays(1)).isTrue();
        assertThat(WordCopy.pays(7)).isTrue();
        assertThat(WordCopy.pays(1023)).isTrue();
    }

    @Test
    void copiesLongerThanOneChunkArriveWhole() {
        int length = 2 * WordCopy.CHUNK + 13;
        byte[] src = randomBytes(length + 3, 2);
        fill(0, memory.capacity());
        WordCopy.fromArray(src, 3, address + 5, length);
        assertCopied(src, 3, 5, length, 0, memory.capacity());
    }

    private void assertCopied(byte[] src, int srcIndex, int at, int length, int from, int to) {
        byte[] written = new byte[length];
        memory.get(at, written);
        assertThat(written).as("length %d, source index %d, at %d", length, srcIndex, at)
                .isEqualTo(Arrays.copyOfRange(src, srcIndex, srcIndex + length));
        for (int i = from; i < to; i++) {
            if (i < at || i >= at + length) {
                assertThat(memory.get(i)).as("byte %d outside [%d, %d)", i, at, at + length).isEqualTo(UNTOUCHED);
            }
        }
    }

    private void fill(int from, int to) {
        for (int i = from; i < to; i++) {
            memory.put(i, UNTOUCHED);
        }
    }

    /** Random bytes, none equal to {@link #UNTOUCHED}: a byte the copy missed cannot look copied. */
    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            byte v = (byte) random.nextInt(256);
            b[i] = v == UNTOUCHED ? 0x11 : v;
        }
        return b;
    }
}
