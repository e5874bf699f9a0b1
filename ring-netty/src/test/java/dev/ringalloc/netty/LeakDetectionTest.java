package dev.ringalloc.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

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
}
