package dev.ringalloc.netty;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;

/**
 * {@link RingByteBuf} reading and writing through the memory address. Used only where Netty's
 * {@code PlatformDependent} has Unsafe and allows unaligned access, so every multi-byte access is one native
 * load or store, byte-swapped when the platform's order differs from the one asked for.
 */
final class UnsafeRingByteBuf extends RingByteBuf {

    private static final boolean NATIVE_BIG_ENDIAN = PlatformDependent.BIG_ENDIAN_NATIVE_ORDER;

    UnsafeRingByteBuf(ThreadRing home, RingByteBufAllocator allocator) {
        super(home, allocator);
    }

    @Override
    public boolean isDirect() {
        return true;
    }

    @Override
    public boolean hasMemoryAddress() {
        return true;
    }

    @Override
    public long memoryAddress() {
        ensureAccessible();
        return address;
    }

    @Override
    public ByteBuf setZero(int index, int length) {
        checkIndex(index, length);
        PlatformDependent.setMemory(address + index, length, (byte) 0);
        return this;
    }

    @Override
    protected byte _getByte(int index) {
        return PlatformDependent.getByte(address + index);
    }

    @Override
    protected short _getShort(int index) {
        short v = PlatformDependent.getShort(address + index);
        return NATIVE_BIG_ENDIAN ? v : Short.reverseBytes(v);
    }

    @Override
    protected short _getShortLE(int index) {
        short v = PlatformDependent.getShort(address + index);
        return NATIVE_BIG_ENDIAN ? Short.reverseBytes(v) : v;
    }

    @Override
    protected int _getInt(int index) {
        int v = PlatformDependent.getInt(address + index);
        return NATIVE_BIG_ENDIAN ? v : Integer.reverseBytes(v);
    }

    @Override
    protected int _getIntLE(int index) {
        int v = PlatformDependent.getInt(address + index);
        return NATIVE_BIG_ENDIAN ? Integer.reverseBytes(v) : v;
    }

    @Override
    protected long _getLong(int index) {
        long v = PlatformDependent.getLong(address + index);
        return NATIVE_BIG_ENDIAN ? v : Long.reverseBytes(v);
    }

    @Override
    protected long _getLongLE(int index) {
        long v = PlatformDependent.getLong(address + index);
        return NATIVE_BIG_ENDIAN ? Long.reverseBytes(v) : v;
    }

    @Override
    protected void _setByte(int index, int value) {
        PlatformDependent.putByte(address + index, (byte) value);
    }

    @Override
    protected void _setShort(int index, int value) {
        short v = (short) value;
        PlatformDependent.putShort(address + index, NATIVE_BIG_ENDIAN ? v : Short.reverseBytes(v));
    }

    @Override
    protected void _setShortLE(int index, int value) {
        short v = (short) value;
        PlatformDependent.putShort(address + index, NATIVE_BIG_ENDIAN ? Short.reverseBytes(v) : v);
    }

    @Override
    protected void _setInt(int index, int value) {
        PlatformDependent.putInt(address + index, NATIVE_BIG_ENDIAN ? value : Integer.reverseBytes(value));
    }

    @Override
    protected void _setIntLE(int index, int value) {
        PlatformDependent.putInt(address + index, NATIVE_BIG_ENDIAN ? Integer.reverseBytes(value) : value);
    }

    @Override
    protected void _setLong(int index, long value) {
        PlatformDependent.putLong(address + index, NATIVE_BIG_ENDIAN ? value : Long.reverseBytes(value));
    }

    @Override
    protected void _setLongLE(int index, long value) {
        PlatformDependent.putLong(address + index, NATIVE_BIG_ENDIAN ? Long.reverseBytes(value) : value);
    }
}
