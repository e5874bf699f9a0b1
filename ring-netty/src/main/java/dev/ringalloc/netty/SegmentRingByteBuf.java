package dev.ringalloc.netty;

import dev.ringalloc.core.Ring;
import dev.ringalloc.core.SegmentAccess;

/**
 * {@link RingByteBuf} over direct memory without a memory address, for a ring that has a segment
 * ({@link Ring#memorySegment()}: arena memory on JDK 22 and later, without Unsafe): read and written through the
 * segment ({@link SegmentAccess}), whose accesses skip the checks a {@link java.nio.ByteBuffer} of the same memory
 * makes before it reaches the memory through that segment. While the buffer is in fallback memory it reads and
 * writes its {@code ByteBuffer} view, as {@link NioRingByteBuf} does. A class of its own so that the heap buffers'
 * accessors in {@code NioRingByteBuf} stay as small as they were: with the segment branch written into them,
 * benchmark 1 lost 6-7 % on heap buffers of 64 B (JDK 17, which never takes it).
 */
final class SegmentRingByteBuf extends RingByteBuf {

    private SegmentRingByteBuf(ThreadRing home, RingByteBufAllocator allocator) {
        super(home, allocator);
    }

    /**
     * A new buffer object whose home is {@code home}. A factory rather than {@code new} at the call site, so that
     * the allocator's bytecode verification does not load this class where it is never used. Measured, not
     * explained: on JDK 17 with this class loaded and never instantiated, benchmark 1 ran 5 % slower at 1 KiB
     * (direct, Unsafe; 0.95× 8c2b5fe in 6 interleaved rounds, against 1.00× with the factory). The same factory for
     * {@code UnsafeRingByteBuf} lost those 5 % again, so it keeps its {@code new}.
     */
    static RingByteBuf create(ThreadRing home, RingByteBufAllocator allocator) {
        return new SegmentRingByteBuf(home, allocator);
    }

    @Override
    public boolean isDirect() {
        return true;
    }

    @Override
    public boolean hasMemoryAddress() {
        return false;
    }

    @Override
    public long memoryAddress() {
        throw new UnsupportedOperationException("memory address access is disabled for this allocator");
    }

    @Override
    protected byte _getByte(int index) {
        return segment != null ? SegmentAccess.getByte(segment, offset + index) : memory.get(offset + index);
    }

    @Override
    protected short _getShort(int index) {
        return segment != null ? SegmentAccess.getShort(segment, offset + index) : memory.getShort(offset + index);
    }

    @Override
    protected short _getShortLE(int index) {
        return Short.reverseBytes(_getShort(index));
    }

    @Override
    protected int _getInt(int index) {
        return segment != null ? SegmentAccess.getInt(segment, offset + index) : memory.getInt(offset + index);
    }

    @Override
    protected int _getIntLE(int index) {
        return Integer.reverseBytes(_getInt(index));
    }

    @Override
    protected long _getLong(int index) {
        return segment != null ? SegmentAccess.getLong(segment, offset + index) : memory.getLong(offset + index);
    }

    @Override
    protected long _getLongLE(int index) {
        return Long.reverseBytes(_getLong(index));
    }

    @Override
    protected void _setByte(int index, int value) {
        if (segment != null) {
            SegmentAccess.setByte(segment, offset + index, (byte) value);
        } else {
            memory.put(offset + index, (byte) value);
        }
    }

    @Override
    protected void _setShort(int index, int value) {
        if (segment != null) {
            SegmentAccess.setShort(segment, offset + index, (short) value);
        } else {
            memory.putShort(offset + index, (short) value);
        }
    }

    @Override
    protected void _setShortLE(int index, int value) {
        _setShort(index, Short.reverseBytes((short) value));
    }

    @Override
    protected void _setInt(int index, int value) {
        if (segment != null) {
            SegmentAccess.setInt(segment, offset + index, value);
        } else {
            memory.putInt(offset + index, value);
        }
    }

    @Override
    protected void _setIntLE(int index, int value) {
        _setInt(index, Integer.reverseBytes(value));
    }

    @Override
    protected void _setLong(int index, long value) {
        if (segment != null) {
            SegmentAccess.setLong(segment, offset + index, value);
        } else {
            memory.putLong(offset + index, value);
        }
    }

    @Override
    protected void _setLongLE(int index, long value) {
        _setLong(index, Long.reverseBytes(value));
    }
}
