package dev.ringalloc.netty;


/**
 * {@link RingByteBuf} reading and writing through {@link java.nio.ByteBuffer} absolute access: every heap buffer
 * (over the ring's, or the fallback's, array), and direct buffers where Unsafe (or unaligned access) is not
 * available or the allocator is built with
 * {@link RingByteBufAllocator.Builder#memoryAddressAccess(boolean) memoryAddressAccess(false)}. The memory view
 * is big-endian; little-endian accessors swap bytes.
 */
final class NioRingByteBuf extends RingByteBuf {

    private final boolean direct;

    NioRingByteBuf(RingByteBufPool home, RingByteBufAllocator allocator, boolean direct) {
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
    protected byte _getByte(int index) {
        return memory.get(offset + index);
    }

    @Override
    protected short _getShort(int index) {
        return memory.getShort(offset + index);
    }

    @Override
    protected short _getShortLE(int index) {
        return Short.reverseBytes(memory.getShort(offset + index));
    }

    @Override
    protected int _getInt(int index) {
        return memory.getInt(offset + index);
    }

    @Override
    protected int _getIntLE(int index) {
        return Integer.reverseBytes(memory.getInt(offset + index));
    }

    @Override
    protected long _getLong(int index) {
        return memory.getLong(offset + index);
    }

    @Override
    protected long _getLongLE(int index) {
        return Long.reverseBytes(memory.getLong(offset + index));
    }

    @Override
    protected void _setByte(int index, int value) {
        memory.put(offset + index, (byte) value);
    }

    @Override
    protected void _setShort(int index, int value) {
        memory.putShort(offset + index, (short) value);
    }

    @Override
    protected void _setShortLE(int index, int value) {
        memory.putShort(offset + index, Short.reverseBytes((short) value));
    }

    @Override
    protected void _setInt(int index, int value) {
        memory.putInt(offset + index, value);
    }

    @Override
    protected void _setIntLE(int index, int value) {
        memory.putInt(offset + index, Integer.reverseBytes(value));
    }

    @Override
    protected void _setLong(int index, long value) {
        memory.putLong(offset + index, value);
    }

    @Override
    protected void _setLongLE(int index, long value) {
        memory.putLong(offset + index, Long.reverseBytes(value));
    }
}
