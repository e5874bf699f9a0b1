package dev.ringalloc.netty;

import io.netty.buffer.ByteBuf;

/** Test helpers of this package for the tests of other packages. */
public final class TestAccess {

    private TestAccess() {
    }

    /** A direct buffer of {@code bytes} allocated on a new event-loop thread that has ended since. */
    public static ByteBuf allocateOnEventLoop(RingByteBufAllocator alloc, int bytes) throws Exception {
        return TestSupport.onFastThread(() -> alloc.directBuffer(bytes));
    }
}
