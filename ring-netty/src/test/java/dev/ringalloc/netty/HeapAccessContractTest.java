package dev.ringalloc.netty;

/**
 * The ByteBuf contract for heap buffers: a heap ring's array (and, for what a ring cannot serve, a heap buffer of the
 * fallback), read and written through a ByteBuffer over the array, with {@code hasArray()} true.
 */
class HeapAccessContractTest extends RingByteBufContractTest {

    @Override
    boolean addressAccess() {
        return false;
    }

    @Override
    boolean heap() {
        return true;
    }
}
