package dev.ringalloc.core;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * What {@link FixedBuffer} and {@link ExtendableBuffer} share: a held ring region, the bytes written to
 * it so far ({@code length}), sequential writes and absolute reads. Subclasses decide what a write
 * that does not fit does ({@link #ensureSpare(int)}): a fixed buffer refuses it, an extendable buffer
 * grows.
 *
 * <p>Multi-byte values are big-endian, as in {@link ByteBuffer} and Netty. Not thread-safe: one holder
 * at a time; hand the buffer over through a safe publication.
 */
abstract class RegionBuffer<B extends RegionBuffer<B>> implements AutoCloseable {

    final RingAllocator allocator;
    final ByteBuffer memory;
    long handle;
    int base;
    int capacity;
    int length;
    private boolean released;

    RegionBuffer(RingAllocator allocator, long handle, int length) {
        this.allocator = allocator;
        this.memory = allocator.ring().memory();
        this.length = length;
        reset(handle);
    }

    /** Points this buffer at {@code newHandle} (after a move), keeping {@code length}. */
    final void reset(long newHandle) {
        this.handle = newHandle;
        this.base = Ring.payloadOffset(newHandle);
        this.capacity = allocator.ring().capacity(newHandle);
    }

    /** Makes room for {@code bytes} more bytes, or throws. */
    abstract void ensureSpare(int bytes);

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** Bytes written so far. */
    public final int length() {
        checkLive();
        return length;
    }

    /** Bytes this buffer can hold right now (its region's payload, at least the size asked for). */
    public final int capacity() {
        checkLive();
        return capacity;
    }

    /** Bytes that can still be written without growing: {@code capacity() - length()}. */
    public final int spare() {
        checkLive();
        return capacity - length;
    }

    // ---- writes ---------------------------------------------------------------------------------

    /** Appends the low 8 bits of {@code value}. */
    public final B writeByte(int value) {
        int at = claim(Byte.BYTES);
        memory.put(at, (byte) value);
        return self();
    }

    /** Appends a big-endian short. */
    public final B writeShort(int value) {
        int at = claim(Short.BYTES);
        memory.putShort(at, (short) value);
        return self();
    }

    /** Appends a big-endian int. */
    public final B writeInt(int value) {
        int at = claim(Integer.BYTES);
        memory.putInt(at, value);
        return self();
    }

    /** Appends a big-endian long. */
    public final B writeLong(long value) {
        int at = claim(Long.BYTES);
        memory.putLong(at, value);
        return self();
    }

    /** Appends a big-endian IEEE 754 float. */
    public final B writeFloat(float value) {
        return writeInt(Float.floatToRawIntBits(value));
    }

    /** Appends a big-endian IEEE 754 double. */
    public final B writeDouble(double value) {
        return writeLong(Double.doubleToRawLongBits(value));
    }

    /** Appends all of {@code src}. */
    public final B write(byte[] src) {
        return write(src, 0, src.length);
    }

    /** Appends {@code len} bytes of {@code src} from {@code offset}. */
    public final B write(byte[] src, int offset, int len) {
        Objects.checkFromIndexSize(offset, len, src.length);
        int at = claim(len);
        memory.put(at, src, offset, len);
        return self();
    }

    /** Appends the remaining bytes of {@code src} and advances its position past them. */
    public final B write(ByteBuffer src) {
        int len = src.remaining();
        int at = claim(len);
        memory.put(at, src, src.position(), len);
        src.position(src.position() + len);
        return self();
    }

    /** Reserves {@code bytes} at the end and returns their absolute offset in the ring's memory. */
    private int claim(int bytes) {
        checkLive();
        if (bytes > capacity - length) {
            ensureSpare(bytes);
        }
        int at = base + length;
        length += bytes;
        return at;
    }

    // ---- absolute reads -------------------------------------------------------------------------

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
        memory.get(at(index, len), dst, offset, len);
    }

    /** The written bytes as a new array. */
    public final byte[] toByteArray() {
        byte[] copy = new byte[length()];
        get(0, copy, 0, copy.length);
        return copy;
    }

    private int at(int index, int size) {
        checkLive();
        Objects.checkFromIndexSize(index, size, length);
        return base + index;
    }

    /**
     * A {@link ByteBuffer} over the written bytes: position 0, limit {@code length()}, big-endian.
     * Valid until this buffer is closed, frozen or finished, or (extendable) grows.
     */
    public final ByteBuffer asByteBuffer() {
        checkLive();
        return memory.slice(base, length);
    }

    // ---- lifecycle ------------------------------------------------------------------------------

    /** True until this buffer is closed or handed on (frozen, finished). */
    public final boolean isLive() {
        return !released;
    }

    final void checkLive() {
        if (released) {
            throw new IllegalStateException("buffer was already released (closed, frozen or finished)");
        }
    }

    /** Ends this object's hold without releasing the region: another object takes it over. */
    final long handOver() {
        checkLive();
        released = true;
        return handle;
    }

    /**
     * Releases the region back to the ring. Any thread that holds the buffer may close it.
     *
     * @throws IllegalStateException if it was already released
     */
    @Override
    public final void close() {
        allocator.release(handOver());
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + (released ? "[released]" : "[length=" + length + ", capacity=" + capacity + "]");
    }
}
