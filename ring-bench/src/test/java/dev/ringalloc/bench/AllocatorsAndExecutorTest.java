package dev.ringalloc.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AllocatorsAndExecutorTest {
    private final FastThreadExecutor executor = new FastThreadExecutor(1, "dev.ringalloc.bench.Test.method");

    @AfterEach
    void shutDown() throws InterruptedException {
        executor.shutdown();
        assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    private <T> T onWorker(Callable<T> task) throws Exception {
        return executor.submit(task).get(30, TimeUnit.SECONDS);
    }

    @Test
    void workersAreFastThreadLocalThreadsThatCleanUp() throws Exception {
        Thread worker = onWorker(Thread::currentThread);

        assertThat(worker).isInstanceOf(FastThreadLocalThread.class);
        assertThat(FastThreadLocalThread.willCleanupFastThreadLocals(worker)).isTrue();
        assertThat(worker.getName()).isEqualTo("Test.method-ftl-1");
    }

    @Test
    void pooledGetsAThreadCacheOnTheWorkers() throws Exception {
        PooledByteBufAllocator pooled = (PooledByteBufAllocator) NettyAllocator.POOLED.create(0);

        int caches = onWorker(() -> {
            pooled.directBuffer(64).release();
            return pooled.metric().numThreadLocalCaches();
        });

        assertThat(caches).isEqualTo(1);
    }

    @Test
    void everyAllocatorHandsOutItsKindOfBuffer() throws Exception {
        for (NettyAllocator kind : NettyAllocator.values()) {
            ByteBufAllocator alloc = kind.create(1 << 20);
            boolean direct = onWorker(() -> {
                ByteBuf buf = kind.buffer(alloc, 1024);
                buf.writeBytes(Payloads.bytes(1024));
                boolean isDirect = buf.isDirect();
                buf.release();
                return isDirect;
            });
            assertThat(direct).as(kind.paramName()).isEqualTo(kind.direct());
            assertThat(NettyAllocator.of(kind.paramName())).isSameAs(kind);
        }
        assertThatThrownBy(() -> NettyAllocator.of("jemalloc")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ringServesTheWorkersAndTheCheckRejectsARunServedByTheFallback() throws Exception {
        ByteBufAllocator ring = NettyAllocator.RING.create(1 << 20);
        onWorker(() -> {
            for (int i = 0; i < 1000; i++) {
                ring.directBuffer(512).release();
            }
            return null;
        });
        RingWiring.checkServedByRings(ring);

        // A plain thread has no ring: everything goes to the fallback, and the check says so.
        ByteBufAllocator plain = NettyAllocator.RING.create(1 << 20);
        Thread t = new Thread(() -> plain.directBuffer(512).release());
        t.start();
        t.join();
        assertThatThrownBy(() -> RingWiring.checkServedByRings(plain))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("fallback served 1 of 1 requests");
    }

    @Test
    void ringCapacityCoversTwiceTheBytesInFlight() {
        assertThat(NettyAllocator.ringCapacityFor(10)).isEqualTo(1 << 20);
        assertThat(NettyAllocator.ringCapacityFor(64L * 65536)).isEqualTo(8 << 20);
        assertThat(NettyAllocator.ringCapacityFor(Long.MAX_VALUE / 4) % 64).isZero();
    }
}
