package dev.ringalloc.core;

import java.nio.ByteBuffer;

/**
 * Direct memory read and written through {@code java.lang.foreign.MemorySegment}: the ring's guard words (for
 * {@code RingMemory}) and the bytes of ring-netty's buffers, where {@code sun.misc.Unsafe} is not used (JDK 24
 * and later unless allowed, or by choice), for memory of an arena: a {@code ByteBuffer} of that memory reaches it
 * through its segment after checks of its own (docs/benchmarks.md, "JDK 25: memory access through
 * MemorySegment"). A {@code ByteBuffer} of memory outside any arena has no segment and is the faster way to it.
 *
 * <p>This class is multi-release. This version, for Java 17 to 21, has no segments: {@link #isAvailable()} is
 * false and the other methods are never called. The Java 22 version ({@code src/main/java22}, in the jar's
 * {@code META-INF/versions/22}, built when the project is built on JDK 22 or later) implements them with the
 * final foreign memory API. Segments are typed {@code Object} so that callers compile for Java 17.
 *
 * <p>Multi-byte values are big-endian (Netty's order); guard words are in native order, aligned to 8 bytes,
 * with the orderings of the package's vocabulary. Offsets are in bytes from the segment's start, and callers
 * check bounds first; a segment checks them again and throws {@code IndexOutOfBoundsException}.
 */
public final class SegmentAccess {

    private SegmentAccess() {
    }

    /** True when this JVM runs the Java 22 version of this class: segments are in use. */
    public static boolean isAvailable() {
        return false;
    }

    /** The memory of a direct buffer as a segment (its whole capacity, whatever its position and limit). */
    public static Object of(ByteBuffer direct) {
        throw unavailable();
    }

    static long laLong(Object segment, long offset) {
        throw unavailable();
    }

    static long lvLong(Object segment, long offset) {
        throw unavailable();
    }

    static void soLong(Object segment, long offset, long value) {
        throw unavailable();
    }

    static boolean casLong(Object segment, long offset, long expected, long update) {
        throw unavailable();
    }

    /** The byte at {@code offset}. */
    public static byte getByte(Object segment, long offset) {
        throw unavailable();
    }

    /** The big-endian short at {@code offset}, any alignment. */
    public static short getShort(Object segment, long offset) {
        throw unavailable();
    }

    /** The big-endian int at {@code offset}, any alignment. */
    public static int getInt(Object segment, long offset) {
        throw unavailable();
    }

    /** The big-endian long at {@code offset}, any alignment. */
    public static long getLong(Object segment, long offset) {
        throw unavailable();
    }

    /** Stores a byte at {@code offset}. */
    public static void setByte(Object segment, long offset, byte value) {
        throw unavailable();
    }

    /** Stores a big-endian short at {@code offset}, any alignment. */
    public static void setShort(Object segment, long offset, short value) {
        throw unavailable();
    }

    /** Stores a big-endian int at {@code offset}, any alignment. */
    public static void setInt(Object segment, long offset, int value) {
        throw unavailable();
    }

    /** Stores a big-endian long at {@code offset}, any alignment. */
    public static void setLong(Object segment, long offset, long value) {
        throw unavailable();
    }

    /** Copies {@code length} bytes from the segment at {@code offset} into {@code dst} at {@code dstIndex}. */
    public static void copyToArray(Object segment, long offset, byte[] dst, int dstIndex, int length) {
        throw unavailable();
    }

    /** Copies {@code length} bytes of {@code src} from {@code srcIndex} into the segment at {@code offset}. */
    public static void copyFromArray(byte[] src, int srcIndex, Object segment, long offset, int length) {
        throw unavailable();
    }

    private static UnsupportedOperationException unavailable() {
        return new UnsupportedOperationException("memory segments need the Java 22 version of " +
                "SegmentAccess: JDK 22 or later, and a ring-core jar built on JDK 22 or later");
    }
}
