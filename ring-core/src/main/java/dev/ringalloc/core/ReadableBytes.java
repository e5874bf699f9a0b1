package dev.ringalloc.core;

import java.util.Objects;

/**
 * Absolute reads of a region's bytes, written once for every byte buffer: fixed, extendable and frozen.
 * Multi-byte values are big-endian, as in {@link java.nio.ByteBuffer} and Netty. Every read checks that the
 * buffer is live and that the bytes lie within {@code length}.
 */
abstract class ReadableBytes extends RegionHolder {

    /** Bytes written so far (frozen: the bytes frozen). Written by the holder; see {@link RegionHolder}. */
    int length;

    ReadableBytes(RingAllocator allocator, ObjectPool<RegionHolder> pool) {
        super(allocator, pool);
    }

    /** Number of bytes written (frozen: the bytes frozen). */
    public final int length() {
        checkLive();
        return length;
    }

    /** The byte at {@code index} (0 to {@code length() - 1}). */
    public final byte getByte(int index) {
        return memory.get(at(index, Byte.BYTES));
    }

    /** The big-endian short at {@code index}. */
    public final short getShort(int index) {
        return memory.getShort(at(index, Short.BYTES));
    }

    /** The big-endian int at {@code index}. */
    public final int getInt(int index) {
        return memory.getInt(at(index, Integer.BYTES));
    }

    /** The big-endian long at {@code index}. */
    public final long getLong(int index) {
        return memory.getLong(at(index, Long.BYTES));
    }

    /** The big-endian float at {@code index}. */
    public final float getFloat(int index) {
        return Float.intBitsToFloat(getInt(index));
    }

    /** The big-endian double at {@code index}. */
    public final double getDouble(int index) {
        return Double.longBitsToDouble(getLong(index));
    }

    /** Copies {@code len} bytes from {@code index} into {@code dst} at {@code offset}. */
    public final void get(int index, byte[] dst, int offset, int len) {
        Objects.checkFromIndexSize(offset, len, dst.length);
        PayloadCopy.get(memory, address, at(index, len), dst, offset, len);
    }

    /** The bytes as a new array. */
    public final byte[] toByteArray() {
        byte[] copy = new byte[length()];
        get(0, copy, 0, copy.length);
        return copy;
    }

    /** The absolute offset of {@code size} bytes at {@code index}, after checking them. */
    final int at(int index, int size) {
        checkLive();
        Objects.checkFromIndexSize(index, size, length);
        return base + index;
    }
}
