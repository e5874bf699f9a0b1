package dev.ringalloc.bench.server;

import org.junit.jupiter.api.Test;

import java.io.StringReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Reading what wrk and async-profiler write. */
class LoadOutputTest {
    private static final String WRK = String.join("\n",
            "Running 10s test @ http://127.0.0.1:8080/",
            "  1 threads and 16 connections",
            "  Thread Stats   Avg      Stdev     Max   +/- Stdev",
            "    Latency   390.12us  200.00us   9.00ms   90.00%",
            "    Req/Sec    41.00k     2.00k   45.00k    70.00%",
            "  Latency Distribution",
            "     50%  350.00us",
            "     75%  400.00us",
            "     90%  500.00us",
            "     99%    1.25ms",
            "  410000 requests in 10.00s, 450.00MB read",
            "  Socket errors: connect 0, read 2, write 0, timeout 1",
            "  Non-2xx or 3xx responses: 3",
            "Requests/sec:  41000.50",
            "Transfer/sec:     45.00MB",
            "");

    @Test
    void wrkRateLatencyAndErrors() {
        WrkOutput wrk = WrkOutput.parse(WRK);

        assertThat(wrk.requestsPerSecond()).isEqualTo(41000.50);
        assertThat(wrk.p99Millis()).isEqualTo(1.25);
        assertThat(wrk.errors()).isEqualTo(6);
        assertThat(WrkOutput.parse(WRK.replace("1.25ms", "850.00us")).p99Millis()).isCloseTo(0.85, within(1e-9));
    }

    @Test
    void wrkOutputWithoutARateIsAnError() {
        assertThatThrownBy(() -> WrkOutput.parse("unable to connect to 127.0.0.1:8080 Connection refused"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Connection refused");
    }

    @Test
    void allocatorShareCountsEventLoopSamplesInAllocatorCode() throws Exception {
        String collapsed = String.join("\n",
                // allocator: a pooled arena (and the Recycler below it), the ring, a buffer's deallocate, a guard
                // written through a segment below the ring's memory
                "[http-worker-3-1 tid=10];io/netty/channel/nio/NioIoHandler.run;io/netty/buffer/PoolArena.allocate 10",
                "[http-worker-3-1 tid=10];io/netty/x/Handler.write;dev/ringalloc/core/Ring.allocate 5",
                "[http-worker-3-1 tid=10];io/netty/buffer/AbstractReferenceCountedByteBuf.release;"
                        + "io/netty/buffer/PooledByteBuf.deallocate 3",
                "[http-worker-3-1 tid=10];io/netty/buffer/PoolArena.allocate;io/netty/util/Recycler.get 2",
                "[http-worker-3-1 tid=10];dev/ringalloc/core/RingMemory.soWord;dev/ringalloc/core/SegmentAccess.soLong 2",
                // not allocator: writing bytes into an adaptive or ring buffer (also through ring-core's copy
                // and segment helpers), the transport's own Recycler use, encoding, the kernel
                "[http-worker-3-1 tid=10];io/netty/buffer/AdaptivePoolingAllocator$AdaptiveByteBuf.setBytes 40",
                "[http-worker-3-1 tid=10];dev/ringalloc/netty/RingByteBuf.setBytes 4",
                "[http-worker-3-1 tid=10];dev/ringalloc/netty/RingByteBuf.setBytes;dev/ringalloc/core/WordCopy.fromArray 6",
                "[http-worker-3-1 tid=10];dev/ringalloc/netty/SegmentRingByteBuf._getByte;"
                        + "dev/ringalloc/core/SegmentAccess.getByte 4",
                "[http-worker-3-1 tid=10];io/netty/channel/ChannelOutboundBuffer$Entry.newInstance;"
                        + "io/netty/util/Recycler.get 4",
                "[http-worker-3-1 tid=10];io/netty/handler/codec/http/HttpObjectEncoder.encode;writev 20",
                // not an event loop: left out
                "[C2 CompilerThread0 tid=5];Compile::Compile 500",
                "");

        assertThat(AllocatorCpuShare.of(new StringReader(collapsed))).isCloseTo(22.0 / 100, within(1e-9));
        assertThat(AllocatorCpuShare.of(new StringReader("[main tid=1];Foo.bar 5\n"))).isNaN();
    }

    @Test
    void bodySizes() {
        assertThat(BodySize.parse("1k")).isEqualTo(new BodySize(1024, 1024));
        assertThat(BodySize.parse("64-16k")).isEqualTo(new BodySize(64, 16384));
        assertThat(new BodySize(1024, 1024).next()).isEqualTo(1024);
        BodySize varied = new BodySize(64, 16384);
        for (int i = 0; i < 1000; i++) {
            assertThat(varied.next()).isBetween(64, 16384);
        }
    }
}
