package dev.ringalloc.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Benchmark 1 — short-lived Netty buffers, the ring's home ground.
 *
 * <p>One operation: release the oldest buffer if {@code window} buffers are in flight, allocate a
 * buffer of {@code size} bytes from the allocator, write {@code size} bytes into it, and keep it. So at
 * most {@code window} buffers live at once and they die in the order they were born, like per-read and
 * per-message buffers of a network server. {@code window = 1} is allocate-write-release.
 *
 * <p>What it measures: the allocator's allocate + release path plus one copy of {@code size} bytes
 * (the copy is what {@link FloorBenchmark} measures alone, over the same working set, so "time above
 * the floor" is the allocator's own cost). {@code gc.alloc.rate.norm} shows the garbage per buffer: the
 * target for the ring is 0 B/op.
 *
 * <p>Runs on a {@code FastThreadLocalThread} ({@link FastThreadExecutor}) so pooled and adaptive use
 * their thread caches and {@code Recycler} works, as on an event loop.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:MaxDirectMemorySize=2g",
        "-Djmh.executor=CUSTOM", "-Djmh.executor.class=dev.ringalloc.bench.FastThreadExecutor",
        "-Dio.netty.leakDetection.level=disabled"})
public class ShortLivedBenchmark {

    /** Which allocator: see {@link NettyAllocator}. */
    @Param({"ring", "pooled", "adaptive", "unpooledDirect", "unpooledHeap"})
    public String allocator;

    /** Bytes per buffer, and bytes written into it. */
    @Param({"64", "1024", "16384", "65536"})
    public int size;

    /** Buffers in flight (a power of two). */
    @Param({"1", "64", "1024"})
    public int window;

    private NettyAllocator kind;
    private ByteBufAllocator alloc;
    private ByteBuf[] inFlight;
    private int mask;
    private int next;
    private byte[] payload;

    /** Builds the allocator on the benchmark thread (the ring's owner) and the payload. */
    @Setup(Level.Trial)
    public void setUp() {
        if (Integer.bitCount(window) != 1) {
            throw new IllegalArgumentException("window must be a power of two, got " + window);
        }
        FastThreadExecutor.requireFastThreadLocalThread();
        kind = NettyAllocator.of(allocator);
        alloc = kind.create(NettyAllocator.ringCapacityFor((long) window * size));
        inFlight = new ByteBuf[window];
        mask = window - 1;
        payload = Payloads.bytes(size);
    }

    /** One buffer's life: see the class comment. Returns nothing: the buffer escapes into the window. */
    @Benchmark
    public void allocateWriteRelease() {
        int slot = next++ & mask;
        ByteBuf oldest = inFlight[slot];
        if (oldest != null) {
            oldest.release();
        }
        ByteBuf buf = kind.buffer(alloc, size);
        buf.writeBytes(payload);
        inFlight[slot] = buf;
    }

    /** Releases what is still in flight, so the next trial starts clean. */
    @TearDown(Level.Trial)
    public void tearDown() {
        for (int i = 0; i < inFlight.length; i++) {
            if (inFlight[i] != null) {
                inFlight[i].release();
                inFlight[i] = null;
            }
        }
        RingWiring.checkServedByRings(alloc);
    }
}
