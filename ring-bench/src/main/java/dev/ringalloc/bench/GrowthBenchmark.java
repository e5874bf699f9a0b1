package dev.ringalloc.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;


/**
 * Benchmark 3 — growth: a buffer allocated at Netty's default initial capacity (256 bytes) and written
 * {@code size} bytes in {@value #CHUNK}-byte pieces, as an encoder that does not know the message
 * size writes. Every write that does not fit goes through {@code ensureWritable}: the allocator's
 * reallocation (pooled/adaptive/unpooled: allocate bigger, copy, free) or the ring's in-place growth
 * (the newest buffer usually has free space right behind it: no copy).
 *
 * <p>Otherwise like {@link ShortLivedBenchmark}: {@code window} buffers in flight, oldest released first.
 */
@State(Scope.Thread)
@Threads(1)
public class GrowthBenchmark extends EventLoopBenchmark {
    /** Bytes per write call. */
    public static final int CHUNK = 128;

    /** Which allocator: see {@link NettyAllocator}. */
    @Param({"ring", "pooled", "adaptive", "unpooledDirect", "unpooledHeap"})
    public String allocator;

    /** Bytes written into each buffer. */
    @Param({"64", "1024", "16384", "65536"})
    public int size;

    /** Buffers in flight (a power of two). */
    @Param({"64"})
    public int window;

    private NettyAllocator kind;
    private ByteBufAllocator alloc;
    private Window inFlight;
    private byte[] payload;

    /** Its table at window 64, and the targets: ring at least as fast as pooled and adaptive, no garbage. */
    static TableSpec table() {
        return TableSpec.of("growth-w64", "3. Growth from the default 256 B (ensureWritable), window 64", "pooled",
                        "allocate at default capacity, write size bytes in 128-byte pieces")
                .targets(Target.ratio("pooled", 1), Target.ratio("adaptive", 1), Target.zeroGarbage());
    }

    /** Builds the allocator and the payload. */
    @Setup(Level.Trial)
    public void setUp() {
        inFlight = new Window(window);
        FastThreadExecutor.requireFastThreadLocalThread();
        kind = NettyAllocator.of(allocator);
        // Growth by doubling can hold up to twice the final size for a moment.
        alloc = kind.create(NettyAllocator.ringCapacityFor((long) window * Math.max(256, 2 * size)));
        payload = Payloads.bytes(size);
    }

    /** Release the oldest, allocate at the default capacity, write {@code size} bytes in chunks. */
    @Benchmark
    public void allocateGrowRelease() {
        inFlight.releaseOldest();
        ByteBuf buf = kind.buffer(alloc);
        byte[] src = payload;
        for (int at = 0; at < src.length; at += CHUNK) {
            buf.writeBytes(src, at, Math.min(CHUNK, src.length - at));
        }
        inFlight.add(buf);
    }

    /** Releases what is still in flight. */
    @TearDown(Level.Trial)
    public void tearDown() {
        inFlight.releaseAll();
        RingWiring.checkServedByRings(alloc);
    }
}
