package dev.ringalloc.core;

import java.util.Locale;

/**
 * Copies bytes from a {@code byte[]} to native memory in whole 8-byte words: the bytes up to the last multiple
 * of 8 in one {@code Unsafe.copyMemory}, then the last 8 bytes as one word, which overlaps what the copy wrote.
 *
 * <p>Why: {@code Unsafe.copyMemory} chooses its copy routine by the alignment that the source, the destination
 * and the length have in common. A length that is not a multiple of 8 sends even an aligned copy to the byte,
 * short or int routine, and at random lengths those are slower than the word routine: with such lengths copied
 * this way, benchmark 4's fixed rows (1 to 64 and 1 to 1,024 bytes) made 8-9 % more buffers per second and
 * benchmark 7's ring rows 4-6 % more operations (docs/benchmarks.md, "Copies in whole words"). A length of
 * whole words has nothing to gain: {@link #pays(int)} says where callers should use this class.
 *
 * <p>Available where this JVM lets the library use {@code sun.misc.Unsafe} ({@link UnsafeAccess}) and the
 * processor reads and writes a word at any address (x86-64 and AArch64); elsewhere callers copy as before.
 * Callers have checked both ranges.
 */
public final class WordCopy {

    private static final boolean AVAILABLE = UnsafeAccess.UNSAFE != null && unalignedWordsAllowed();
    /** The most bytes one {@code copyMemory} call copies (Netty's threshold too): the JVM waits for it at a safepoint. */
    static final int CHUNK = 1 << 20;

    private WordCopy() {
    }

    private static boolean unalignedWordsAllowed() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64");
    }

    /** True when {@link #fromArray} may be called. */
    public static boolean isAvailable() {
        return AVAILABLE;
    }

    /**
     * True when a copy of {@code length} bytes should go through {@link #fromArray}: it may be called, and the
     * length is not whole words. A copy of whole words is one {@code copyMemory} either way, so callers keep their
     * own for it (and benchmark 1, whose lengths are whole words, runs the code it always ran).
     */
    public static boolean pays(int length) {
        return AVAILABLE && (length & (Long.BYTES - 1)) != 0;
    }

    /**
     * Copies {@code length} bytes of {@code src} from {@code srcIndex} to native memory at {@code address}. Only
     * when {@link #isAvailable()}; the caller has checked that both ranges lie within their memory.
     */
    public static void fromArray(byte[] src, int srcIndex, long address, int length) {
        long from = UnsafeAccess.BYTE_ARRAY_BASE + srcIndex;
        // Whole words, or all of a copy shorter than one word.
        int bulk = length < Long.BYTES ? length : length & -Long.BYTES;
        if (bulk <= CHUNK) {
            UnsafeAccess.UNSAFE.copyMemory(src, from, null, address, bulk);
        } else {
            copyInChunks(src, from, address, bulk);
        }
        if (bulk != length) {
            int last = length - Long.BYTES;
            UnsafeAccess.UNSAFE.putLong(address + last, UnsafeAccess.UNSAFE.getLong(src, from + last));
        }
    }

    /** A copy of more than {@link #CHUNK} bytes, a chunk at a time, so that a safepoint can come in between. */
    private static void copyInChunks(byte[] src, long from, long address, int length) {
        for (int done = 0; done < length; done += CHUNK) {
            UnsafeAccess.UNSAFE.copyMemory(src, from + done, null, address + done, Math.min(CHUNK, length - done));
        }
    }
}
