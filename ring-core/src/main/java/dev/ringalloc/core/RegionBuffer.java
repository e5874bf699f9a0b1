package dev.ringalloc.core;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * What {@link FixedBuffer} and {@link ExtendableBuffer} share: a held ring region, the bytes written to
 * it so far ({@code length}), sequential writes (the reads are {@link ReadableBytes}'). Subclasses decide
 * what a write that does not fit does ({@link #ensureSpare(int)}): a fixed buffer refuses it, an extendable
 * buffer grows.
 *
 * <p>Multi-byte values are big-endian, as in {@link ByteBuffer} and Netty. Not thread-safe: one holder
 * at a time; hand the buffer over through a safe publication.
 */
abstract class RegionBuffer<B extends RegionBuffer<B>> extends ReadableBytes {

    /**
     * Bytes the held region is known to hold: at least what was asked for, rounded up to 8 bytes, at most its
     * exact payload, which costs a guard read and is read only when a write would not fit or
     * {@link #capacity()} is called. Written by the holder (the owner, when it grows).
     */
    int room;

    RegionBuffer(RingAllocator allocator, ObjectPool<RegionHolder> pool) {
        super(allocator, pool);
    }

    /**
     * Hands this object out over {@code newHandle} (its {@code next} kept as {@code newNext}, or
     * {@link #NO_NEXT}), known to hold {@code newRoom} bytes, with {@code newLength} bytes written. Owner only.
     */
    final B init(long newHandle, int newNext, int newRoom, int newLength) {
        bind(newHandle, newNext);
        room = newRoom;
        length = newLength;
        spHolders(1);
        return self();
    }

    /** The exact payload of the held region, which also becomes {@link #room}. */
    final int exactRoom() {
        room = allocator.ring().capacity(handle);
        return room;
    }

    /** Makes room for {@code bytes} more bytes, or throws. */
    abstract void ensureSpare(int bytes);

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** Bytes this buffer can hold right now (its region's payload, at least the size asked for). */
    public final int capacity() {
        checkLive();
        return exactRoom();
    }

    /** Bytes that can still be written without growing: {@code capacity() - length()}. */
    public final int spare() {
        return capacity() - length;
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
        PayloadCopy.put(memory, address, at, src, offset, len);
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
        if (bytes > room - length) {
            ensureSpare(bytes);
        }
        int at = base + length;
        length += bytes;
        return at;
    }

    /**
     * A {@link ByteBuffer} over the written bytes: position 0, limit {@code length()}, big-endian.
     * Valid until this buffer is closed, frozen or finished, or (extendable) grows.
     */
    public final ByteBuffer asByteBuffer() {
        checkLive();
        return memory.slice(base, length);
    }

    /**
     * Releases the region back to the ring. Any thread that holds the buffer may close it.
     *
     * @throws IllegalStateException if it was already released
     */
    @Override
    public final void close() {
        closeSingleHolder();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + (isLive() ? "[length=" + length + ", room=" + room + "]" : "[released]");
    }
}
