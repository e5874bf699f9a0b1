package dev.ringalloc.netty;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocalThread;

/**
 * The child JVM of {@link NoWarningTest}: every path of ring-core and ring-netty that touches memory once (direct
 * and heap rings, growth in place and by a move, fallback memory, release on the owner and on another thread, the
 * retirement and freeing of the rings when the event loop ends), then prints {@code QUIET-CHILD done}.
 */
public final class QuietChild {

    public static void main(String[] args) throws Exception {
        RingByteBufAllocator alloc = RingByteBufAllocator.builder().ringCapacity(1 << 20).maxRingAllocation(16 << 10)
                .build();
        ByteBuf[] handedOver = new ByteBuf[1];
        Thread loop = new FastThreadLocalThread(() -> {
            for (int i = 0; i < 1000; i++) {
                alloc.directBuffer(100).writeLong(i).release();
                alloc.heapBuffer(100).writeLong(i).release();
            }
            ByteBuf grown = alloc.directBuffer(64);
            grown.writeZero(4096);          // in place
            grown.writeZero(64 << 10);      // beyond the ring's largest allocation: moves to fallback memory
            grown.release();
            alloc.directBuffer(1 << 20).release(); // too large: fallback
            handedOver[0] = alloc.directBuffer(256).writeInt(7);
        }, "quiet-loop");
        loop.start();
        loop.join();
        handedOver[0].release(); // on another thread, after the loop ended: frees the retired ring
        if (alloc.metric().rings() != 0) {
            throw new AssertionError("rings left: " + alloc.metric().rings());
        }
        System.out.println("QUIET-CHILD done");
    }
}
