package dev.ringalloc.netty;

import io.netty.buffer.ByteBuf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * {@link RingByteBuf} without a memory address: every heap buffer, read and written through its array (byte-array
 * view {@link VarHandle}s, one bounds-checked access each, no byte swapping by hand), and direct buffers where
 * Unsafe (or unaligned access) is not available or the allocator is built with
 * {@link RingByteBufAllocator.Builder#memoryAddressAccess(boolean) memoryAddressAccess(false)} and the ring has no
 * segment (else {@link SegmentRingByteBuf}), read and written through {@link java.nio.ByteBuffer} absolute access
 * on the big-endian memory view (little-endian accessors swap bytes). A buffer keeps its kind for life, so each
 * accessor's branch on the kind always goes the same way.
 */
final class NioRingByteBuf extends RingByteBuf {

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle SHORT_LE =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final boolean direct;

    NioRingByteBuf(ThreadRing home, RingByteBufAllocator allocator, boolean direct) {
        super(home, allocator);
        this.direct = direct;
    }

    @Override
    public boolean isDirect() {
        return direct;
    }

    @Override
    public boolean hasMemoryAddress() {
        return false;
    }

    @Override
    public long memoryAddress() {
        throw new UnsupportedOperationException(direct ? "memory address access is disabled for this allocator"
                : "heap buffer");
    }

    @Override
    public ByteBuf setZero(int index, int length) {
        if (direct) {
            return super.setZero(index, length);
        }
        checkIndex(index, length);
        Arrays.fill(array, arrayBase + index, arrayBase + index + length, (byte) 0);
        return this;
    }

    @Override
    protected byte _getByte(int index) {
        return direct ? memory.get(offset + index) : array[arrayBase + index];
    }

    @Override
    protected short _getShort(int index) {
        return direct ? memory.getShort(offset + index) : (short) SHORT.get(array, arrayBase + index);
    }

    @Override
    protected short _getShortLE(int index) {
        return direct ? Short.reverseBytes(memory.getShort(offset + index))
                : (short) SHORT_LE.get(array, arrayBase + index);
    }

    @Override
    protected int _getInt(int index) {
        return direct ? memory.getInt(offset + index) : (int) INT.get(array, arrayBase + index);
    }

    @Override
    protected int _getIntLE(int index) {
        return direct ? Integer.reverseBytes(memory.getInt(offset + index))
                : (int) INT_LE.get(array, arrayBase + index);
    }

    @Override
    protected long _getLong(int index) {
        return direct ? memory.getLong(offset + index) : (long) LONG.get(array, arrayBase + index);
    }

    @Override
    protected long _getLongLE(int index) {
        return direct ? Long.reverseBytes(memory.getLong(offset + index))
                : (long) LONG_LE.get(array, arrayBase + index);
    }

    @Override
    protected void _setByte(int index, int value) {
        if (direct) {
            memory.put(offset + index, (byte) value);
        } else {
            array[arrayBase + index] = (byte) value;
        }
    }

    @Override
    protected void _setShort(int index, int value) {
        if (direct) {
            memory.putShort(offset + index, (short) value);
        } else {
            SHORT.set(array, arrayBase + index, (short) value);
        }
    }

    @Override
    protected void _setShortLE(int index, int value) {
        if (direct) {
            memory.putShort(offset + index, Short.reverseBytes((short) value));
        } else {
            SHORT_LE.set(array, arrayBase + index, (short) value);
        }
    }

    @Override
    protected void _setInt(int index, int value) {
        if (direct) {
            memory.putInt(offset + index, value);
        } else {
            INT.set(array, arrayBase + index, value);
        }
    }

    @Override
    protected void _setIntLE(int index, int value) {
        if (direct) {
            memory.putInt(offset + index, Integer.reverseBytes(value));
        } else {
            INT_LE.set(array, arrayBase + index, value);
        }
    }

    @Override
    protected void _setLong(int index, long value) {
        if (direct) {
            memory.putLong(offset + index, value);
        } else {
            LONG.set(array, arrayBase + index, value);
        }
    }

    @Override
    protected void _setLongLE(int index, long value) {
        if (direct) {
            memory.putLong(offset + index, Long.reverseBytes(value));
        } else {
            LONG_LE.set(array, arrayBase + index, value);
        }
    }
}
