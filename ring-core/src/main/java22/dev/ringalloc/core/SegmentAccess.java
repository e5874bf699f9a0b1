package dev.ringalloc.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Direct memory read and written through {@link MemorySegment}: the Java 22 version of this multi-release class
 * (the Java 17 version, in {@code src/main/java}, documents the contract). Every method is a static call that the
 * compiler inlines; the {@code Object} parameter's cast costs nothing measurable against a typed segment.
 */
public final class SegmentAccess {

    /** Guard words: aligned, native order; the only layout whose handle offers atomic access modes. */
    private static final VarHandle WORD = ValueLayout.JAVA_LONG.varHandle();
    /** A word of a {@code byte[]} at any index, native order: the tail of {@link #copyFromArray}. */
    private static final VarHandle ARRAY_WORD = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final ValueLayout.OfShort SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private SegmentAccess() {
    }

    public static boolean isAvailable() {
        return true;
    }

    public static Object of(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer: " + direct);
        }
        // ofBuffer spans position to limit: span the whole capacity.
        return MemorySegment.ofBuffer(direct.duplicate().clear());
    }

    static long laLong(Object segment, long offset) {
        return (long) WORD.getAcquire((MemorySegment) segment, offset);
    }

    static long lvLong(Object segment, long offset) {
        return (long) WORD.getVolatile((MemorySegment) segment, offset);
    }

    static void soLong(Object segment, long offset, long value) {
        WORD.setRelease((MemorySegment) segment, offset, value);
    }

    static boolean casLong(Object segment, long offset, long expected, long update) {
        return WORD.compareAndSet((MemorySegment) segment, offset, expected, update);
    }

    public static byte getByte(Object segment, long offset) {
        return ((MemorySegment) segment).get(ValueLayout.JAVA_BYTE, offset);
    }

    public static short getShort(Object segment, long offset) {
        return ((MemorySegment) segment).get(SHORT, offset);
    }

    public static int getInt(Object segment, long offset) {
        return ((MemorySegment) segment).get(INT, offset);
    }

    public static long getLong(Object segment, long offset) {
        return ((MemorySegment) segment).get(LONG, offset);
    }

    public static void setByte(Object segment, long offset, byte value) {
        ((MemorySegment) segment).set(ValueLayout.JAVA_BYTE, offset, value);
    }

    public static void setShort(Object segment, long offset, short value) {
        ((MemorySegment) segment).set(SHORT, offset, value);
    }

    public static void setInt(Object segment, long offset, int value) {
        ((MemorySegment) segment).set(INT, offset, value);
    }

    public static void setLong(Object segment, long offset, long value) {
        ((MemorySegment) segment).set(LONG, offset, value);
    }

    public static void copyToArray(Object segment, long offset, byte[] dst, int dstIndex, int length) {
        MemorySegment.copy((MemorySegment) segment, ValueLayout.JAVA_BYTE, offset, dst, dstIndex, length);
    }

    /**
     * In whole words, as {@link WordCopy} does with Unsafe and for the same reason: the segment's copy ends in
     * {@code Unsafe.copyMemory}, which takes its slower byte, short or int routine when the length is not a
     * multiple of 8. The last 8 bytes go as one word, overlapping the bulk copy, and first: a range beyond the
     * segment then throws before anything is written.
     */
    public static void copyFromArray(byte[] src, int srcIndex, Object segment, long offset, int length) {
        MemorySegment dst = (MemorySegment) segment;
        int words = length & -Long.BYTES;
        if (words == length || words == 0) { // whole words already, or less than one
            MemorySegment.copy(src, srcIndex, dst, ValueLayout.JAVA_BYTE, offset, length);
            return;
        }
        int last = length - Long.BYTES;
        dst.set(ValueLayout.JAVA_LONG_UNALIGNED, offset + last, (long) ARRAY_WORD.get(src, srcIndex + last));
        MemorySegment.copy(src, srcIndex, dst, ValueLayout.JAVA_BYTE, offset, words);
    }
}
