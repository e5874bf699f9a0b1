package dev.ringalloc.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** A ring buffer that is never released is reported by Netty's ResourceLeakDetector. */
class LeakDetectionTest {

    @Test
    void leakedRingBufferIsReported() throws Exception {
        ResourceLeakDetector.Level saved = LeakCapture.paranoid();
        try {
            RingByteBufAllocator alloc = RingByteBufAllocator.builder().ringCapacity(64 << 10)
                    .fallback(new UnpooledByteBufAllocator(true)).build();
            boolean wrapped = TestSupport.onFastThread(() -> {
                ByteBuf buf = alloc.directBuffer(100);
                buf.writeLong(1);
                LeakCapture.touchDeliberate(buf);
                return TestSupport.ringBuf(buf) != null && buf != TestSupport.ringBuf(buf);
            }); // the buffer is now unreachable and was never released
            assertThat(wrapped).as("a leak-aware wrapper around a RingByteBuf").isTrue();
            for (int i = 0; i < 50 && !LeakCapture.reported(LeakCapture.DELIBERATE); i++) {
                LeakCapture.collect(alloc);
            }
            assertThat(LeakCapture.reported(LeakCapture.DELIBERATE)).isTrue();
            // The leaked region is never released; the ring of the ended thread goes with the garbage collector.
        } finally {
            ResourceLeakDetector.setLevel(saved);
        }
    }

    /**
     * The buffer object of a leak came out of its thread's pool, and that thread (an event loop) lives on: the
     * pool must not keep the object reachable, or the leak would never be reported.
     */
    @Test
    void leakOfARecycledBufferIsReportedWhileItsThreadLives() throws Exception {
        String marker = LeakCapture.DELIBERATE + ":recycled-object";
        ResourceLeakDetector.Level saved = LeakCapture.paranoid();
        CountDownLatch leaked = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        AtomicBoolean sameObject = new AtomicBoolean();
        try {
            RingByteBufAllocator alloc = RingByteBufAllocator.builder().ringCapacity(64 << 10)
                    .fallback(new UnpooledByteBufAllocator(true)).build();
            Thread loop = new FastThreadLocalThread(() -> {
                leakRecycledBuffer(alloc, marker, sameObject);
                leaked.countDown();
                try {
                    checked.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            loop.start();
            assertThat(leaked.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(sameObject).as("the leaked buffer's object came out of the pool").isTrue();
            for (int i = 0; i < 50 && !LeakCapture.reported(marker); i++) {
                LeakCapture.collect(alloc);
            }
            assertThat(LeakCapture.reported(marker)).as("leak reported while the thread lives").isTrue();
            checked.countDown();
            loop.join(30_000);
        } finally {
            checked.countDown();
            ResourceLeakDetector.setLevel(saved);
        }
    }

    /** Allocates and releases a buffer, then allocates again (the same object, from the pool) and leaks it. */
    private static void leakRecycledBuffer(RingByteBufAllocator alloc, String marker, AtomicBoolean sameObject) {
        ByteBuf first = alloc.directBuffer(100);
        RingByteBuf object = TestSupport.ringBuf(first);
        first.release();
        ByteBuf buf = alloc.directBuffer(100);
        sameObject.set(TestSupport.ringBuf(buf) == object);
        buf.writeLong(1);
        buf.touch(marker);
    }
}
