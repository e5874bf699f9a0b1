package dev.ringalloc.bench;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RingAlTablesBenchmarkTest {

    private final FastThreadExecutor executor = new FastThreadExecutor(1, "dev.ringalloc.bench.Test.copy");

    private <T> T onFastThread(Callable<T> task) throws Exception {
        try {
            return executor.submit(task).get(30, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
    }

    private static RingAlTablesBenchmark copy(String kind) {
        RingAlTablesBenchmark b = new RingAlTablesBenchmark();
        b.scenario = "10M_1024_64";
        b.impl = "copy";
        b.kind = kind;
        b.setUp();
        return b;
    }

    /** The payload's first {@code len} bytes are behind the guard at {@code guardAt}. */
    private static void assertCopied(ByteBuffer region, int guardAt, int len) {
        byte[] expected = Payloads.bytes(1024);
        for (int i = 0; i < len; i++) {
            assertThat(region.get(guardAt + Long.BYTES + i)).as("byte %d of %d", i, len).isEqualTo(expected[i]);
        }
    }

    @Test
    void copyWritesEachBufferWhereTheRingsNextBufferWouldBeAndWraps() throws Exception {
        onFastThread(() -> {
            for (String kind : new String[] {"fixed", "extendable"}) {
                RingAlTablesBenchmark b = copy(kind);
                int[] lengths = Payloads.lengths(RingAlTablesBenchmark.LENGTHS, 1024);
                int guardAt = 0;
                boolean wrapped = false;
                for (int i = 0; i < 4000; i++) {
                    int len = lengths[i];
                    int span = Long.BYTES + ((len + 7) & -8);
                    if (guardAt + span > b.region.capacity()) {
                        guardAt = 0;
                        wrapped = true;
                    }
                    b.iteration();
                    assertCopied(b.region, guardAt, len);
                    guardAt += span;
                    assertThat(b.regionOffset).as(kind + " buffer %d", i).isEqualTo(guardAt);
                }
                assertThat(wrapped).as("4,000 buffers of up to 1 KiB wrap a 1 MiB region").isTrue();
                b.tearDown();
            }
            return null;
        });
    }
}
