package dev.ringalloc.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Read-only bytes in a ring, shared by any number of threads and reference counted. Made by
 * {@link FixedBuffer#freeze()} with a count of 1; each {@link #retain()} adds a holder, each
 * {@link #close()} removes one, and the last close releases the region to the ring (from whichever
 * thread it runs on). Reads after the last close throw {@link IllegalStateException}; so do a retain
 * or a close after it.
 *
 * <p>Thread-safe. A holder must still hand the buffer to another thread through a safe publication,
 * and must call {@link #retain()} before it does if both keep using it.
 */
public final class FrozenBuffer implements AutoCloseable {

    private static final VarHandle REF_COUNT;

    static {
        try {
            REF_COUNT = MethodHandles.lookup().findVarHandle(FrozenBuffer.class, "refCount", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Ring ring;
    private final ByteBuffer memory;
    final long handle; // package-private: the model-based test checks regions for overlap
    private final int base;
    private final int length;

    /** Holders. Changed by CAS from any thread; the CAS that takes it to 0 releases the region. */
    private volatile int refCount = 1;

    FrozenBuffer(Ring ring, long handle, int length) {
        this.ring = ring;
        this.memory = ring.memory();
        this.handle = handle;
        this.base = Ring.payloadOffset(handle);
        this.length = length;
    }

    /** Number of bytes. */
    public int length() {
        checkLive();
        return length;
    }

    /** Current number of holders (0 once released). */
    public int refCount() {
        return refCount;
    }

    /**
     * Adds a holder (RingAl's {@code Arc} clone) and returns this buffer.
     *
     * @throws IllegalStateException if the buffer was already released
     */
    public FrozenBuffer retain() {
        int count;
        do {
            count = refCount;
            if (count == 0) {
                throw released();
            }
            if (count == Integer.MAX_VALUE) {
                throw new IllegalStateException("reference count overflow");
            }
        } while (!REF_COUNT.compareAndSet(this, count, count + 1));
        return this;
    }

    /**
     * Removes a holder; the last one releases the region to the ring.
     *
     * @throws IllegalStateException if the buffer was already released
     */
    @Override
    public void close() {
        int count;
        do {
            count = refCount;
            if (count == 0) {
                throw released();
            }
        } while (!REF_COUNT.compareAndSet(this, count, count - 1));
        if (count == 1) {
            ring.release(handle);
        }
    }

    /** The byte at {@code index}. */
    public byte getByte(int index) {
        return memory.get(at(index, Byte.BYTES));
    }

    /** The big-endian short at {@code index}. */
    public short getShort(int index) {
        return memory.getShort(at(index, Short.BYTES));
    }

    /** The big-endian int at {@code index}. */
    public int getInt(int index) {
        return memory.getInt(at(index, Integer.BYTES));
    }

    /** The big-endian long at {@code index}. */
    public long getLong(int index) {
        return memory.getLong(at(index, Long.BYTES));
    }

    /** The big-endian float at {@code index}. */
    public float getFloat(int index) {
        return Float.intBitsToFloat(getInt(index));
    }

    /** The big-endian double at {@code index}. */
    public double getDouble(int index) {
        return Double.longBitsToDouble(getLong(index));
    }

    /** Copies {@code len} bytes from {@code index} into {@code dst} at {@code offset}. */
    public void get(int index, byte[] dst, int offset, int len) {
        Objects.checkFromIndexSize(offset, len, dst.length);
        memory.get(at(index, len), dst, offset, len);
    }

    /** The bytes as a new array. */
    public byte[] toByteArray() {
        byte[] copy = new byte[length()];
        get(0, copy, 0, copy.length);
        return copy;
    }

    /** A read-only {@link ByteBuffer} over the bytes, valid while this holder has not closed. */
    public ByteBuffer asByteBuffer() {
        checkLive();
        return memory.slice(base, length).asReadOnlyBuffer();
    }

    private int at(int index, int size) {
        checkLive();
        Objects.checkFromIndexSize(index, size, length);
        return base + index;
    }

    private void checkLive() {
        if (refCount == 0) {
            throw released();
        }
    }

    private static IllegalStateException released() {
        return new IllegalStateException("frozen buffer was already released");
    }

    @Override
    public String toString() {
        return "FrozenBuffer[length=" + length + ", refCount=" + refCount + "]";
    }
}
