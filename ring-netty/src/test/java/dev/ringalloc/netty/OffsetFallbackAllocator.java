package dev.ringalloc.netty;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.List;

/**
 * A fallback allocator whose buffers start {@value #OFFSET} bytes into a larger buffer, as a pooled allocator's do
 * (a heap buffer's {@code arrayOffset()} is not 0, a direct buffer's address is not its allocation's), and which
 * keeps every buffer it handed out, so that a test can check that each was released. One thread at a time.
 */
final class OffsetFallbackAllocator extends AbstractByteBufAllocator {

    static final int OFFSET = 13;

    private final List<ByteBuf> handedOut = new ArrayList<>();

    OffsetFallbackAllocator() {
        super(true);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return keep(Unpooled.buffer(initialCapacity + OFFSET).slice(OFFSET, initialCapacity));
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return keep(Unpooled.directBuffer(initialCapacity + OFFSET).slice(OFFSET, initialCapacity));
    }

    private ByteBuf keep(ByteBuf buf) {
        handedOut.add(buf);
        return buf;
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    /** Buffers handed out so far. */
    int handedOut() {
        return handedOut.size();
    }

    /** Buffers handed out and not yet released. */
    long outstanding() {
        return handedOut.stream().filter(b -> b.refCnt() > 0).count();
    }
}
