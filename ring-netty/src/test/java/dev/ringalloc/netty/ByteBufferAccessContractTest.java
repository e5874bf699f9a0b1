package dev.ringalloc.netty;

/** The ByteBuf contract with ByteBuffer access (what runs where Unsafe is missing). */
class ByteBufferAccessContractTest extends RingByteBufContractTest {

    @Override
    boolean addressAccess() {
        return false;
    }
}
