package dev.ringalloc.netty;

import dev.ringalloc.core.SegmentAccess;
import io.netty.buffer.ByteBuf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * {@link RingByteBuf} without a memory address: every heap buffer, read and written through its array (byte-array
 * view {@link VarHandle}s, one bounds-checked access each, no byte swapping by hand), and direct buffers where
 * Unsafe (or unaligned access) is not available or the allocator is built with
 * {@link RingByteBufAllocator.Builder#memoryAddressAccess(boolean) memoryAddressAccess(false)}, read and written
 * through the ring's {@code MemorySegment} where it has one ({@link SegmentAccess}: arena memory, JDK 22+), else
 * through {@link java.nio.ByteBuffer} absolute access on the big-endian memory view (little-endian accessors swap
 * bytes). A buffer keeps its kind for life, and a direct one its segment while in the same ring, so each
 * accessor's branches go the same way.
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
        if (!direct) {
            return array[arrayBase + index];
        }
        return segment != null ? SegmentAccess.getByte(segment, offset + index) : memory.get(offset + index);
    }

    @Override
    protected short _getShort(int index) {
        if (!direct) {
            return (short) SHORT.get(array, arrayBase + index);
        }
        return segment != null ? SegmentAccess.getShort(segment, offset + index) : memory.getShort(offset + index);
    }

    @Override
    protected short _getShortLE(int index) {
        if (!direct) {
            return (short) SHORT_LE.get(array, arrayBase + index);
        }
        return Short.reverseBytes(segment != null ? SegmentAccess.getShort(segment, offset + index)
                : memory.getShort(offset + index));
    }

    @Override
    protected int _getInt(int index) {
        if (!direct) {
            return (int) INT.get(array, arrayBase + index);
        }
        return segment != null ? SegmentAccess.getInt(segment, offset + index) : memory.getInt(offset + index);
    }

    @Override
    protected int _getIntLE(int index) {
        if (!direct) {
            return (int) INT_LE.get(array, arrayBase + index);
        }
        return Integer.reverseBytes(segment != null ? SegmentAccess.getInt(segment, offset + index)
                : memory.getInt(offset + index));
    }

    @Override
    protected long _getLong(int index) {
        if (!direct) {
            return (long) LONG.get(array, arrayBase + index);
        }
        return segment != null ? SegmentAccess.getLong(segment, offset + index) : memory.getLong(offset + index);
    }

    @Override
    protected long _getLongLE(int index) {
        if (!direct) {
            return (long) LONG_LE.get(array, arrayBase + index);
        }
        return Long.reverseBytes(segment != null ? SegmentAccess.getLong(segment, offset + index)
                : memory.getLong(offset + index));
    }

    @Override
    protected void _setByte(int index, int value) {
        if (!direct) {
            array[arrayBase + index] = (byte) value;
        } else if (segment != null) {
            SegmentAccess.setByte(segment, offset + index, (byte) value);
        } else {
            memory.put(offset + index, (byte) value);
        }
    }

    @Override
    protected void _setShort(int index, int value) {
        if (!direct) {
            SHORT.set(array, arrayBase + index, (short) value);
        } else if (segment != null) {
            SegmentAccess.setShort(segment, offset + index, (short) value);
        } else {
            memory.putShort(offset + index, (short) value);
        }
    }

    @Override
    protected void _setShortLE(int index, int value) {
        if (!direct) {
            SHORT_LE.set(array, arrayBase + index, (short) value);
        } else if (segment != null) {
            SegmentAccess.setShort(segment, offset + index, Short.reverseBytes((short) value));
        } else {
            memory.putShort(offset + index, Short.reverseBytes((short) value));
        }
    }

    @Override
    protected void _setInt(int index, int value) {
        if (!direct) {
            INT.set(array, arrayBase + index, value);
        } else if (segment != null) {
            SegmentAccess.setInt(segment, offset + index, value);
        } else {
            memory.putInt(offset + index, value);
        }
    }

    @Override
    protected void _setIntLE(int index, int value) {
        if (!direct) {
            INT_LE.set(array, arrayBase + index, value);
        } else if (segment != null) {
            SegmentAccess.setInt(segment, offset + index, Integer.reverseBytes(value));
        } else {
            memory.putInt(offset + index, Integer.reverseBytes(value));
        }
    }

    @Override
    protected void _setLong(int index, long value) {
        if (!direct) {
            LONG.set(array, arrayBase + index, value);
        } else if (segment != null) {
            SegmentAccess.setLong(segment, offset + index, value);
        } else {
            memory.putLong(offset + index, value);
        }
    }

    @Override
    protected void _setLongLE(int index, long value) {
        if (!direct) {
            LONG_LE.set(array, arrayBase + index, value);
        } else if (segment != null) {
            SegmentAccess.setLong(segment, offset + index, Long.reverseBytes(value));
        } else {
            memory.putLong(offset + index, Long.reverseBytes(value));
        }
    }
}
