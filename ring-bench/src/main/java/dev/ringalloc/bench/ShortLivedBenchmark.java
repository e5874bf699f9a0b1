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
@Threads(1)
public class ShortLivedBenchmark extends EventLoopBenchmark {

    /**
     * Which allocator: see {@link NettyAllocator}. The heap ones ({@code ringHeap}, {@code pooledHeap},
     * {@code adaptiveHeap}, with {@code unpooledHeap} as their baseline) ask for heap buffers:
     * {@code -p allocator=ringHeap,pooledHeap,unpooledHeap}.
     */
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
    private Window inFlight;
    private byte[] payload;

    /**
     * Its table at {@code window}: the floor (benchmark 6) as reference, the ns above it, and the targets: ring
     * at least twice pooled and adaptive at 64 B and 1 KiB, ahead of unpooled heap everywhere, at most half
     * their own cost above the floor at 16 and 64 KiB, no garbage.
     */
    static TableSpec table(String window) {
        return TableSpec.of("shortLived-w" + window, "1. Short-lived Netty buffers, window " + window, "pooled",
                        "allocate, write size bytes, release the oldest of " + window
                                + " in flight; floor = the same writes into one preallocated buffer (benchmark 6)")
                .reference(FloorBenchmark.SERIES)
                .columns(Column.nanosAboveReference("ns above floor"))
                .targets(Target.ratio("pooled", 2, "64", "1024"), Target.ratio("adaptive", 2, "64", "1024"),
                        Target.ahead("unpooledHeap"),
                        Target.halfTheCostAboveReference("pooled", "16384", "65536"),
                        Target.halfTheCostAboveReference("adaptive", "16384", "65536"),
                        Target.zeroGarbage());
    }

    /**
     * The table of heap buffers (window 64): the ring's heap rings against Netty's heap allocators. Series are named
     * as in the direct tables ({@code ring}, {@code pooled}, ...); the allocators run are their heap kinds
     * ({@code ringHeap}, {@code pooledHeap}, ...).
     */
    static TableSpec heapTable() {
        return TableSpec.of("shortLived-heap-w64", "1. Short-lived Netty heap buffers, window 64", "pooled",
                        "heapBuffer(size), write size bytes, release the oldest of 64 in flight; series are the "
                                + "allocators' heap buffers")
                .targets(Target.ratio("pooled", 1.5, "64", "1024", "16384"),
                        Target.ratio("unpooledHeap", 1.5, "64", "1024", "16384"), Target.zeroGarbage());
    }

    /** Builds the allocator on the benchmark thread (the ring's owner) and the payload. */
    @Setup(Level.Trial)
    public void setUp() {
        inFlight = new Window(window);
        FastThreadExecutor.requireFastThreadLocalThread();
        kind = NettyAllocator.of(allocator);
        alloc = kind.create(NettyAllocator.ringCapacityFor((long) window * size));
        payload = Payloads.bytes(size);
    }

    /** One buffer's life: see the class comment. Returns nothing: the buffer escapes into the window. */
    @Benchmark
    public void allocateWriteRelease() {
        inFlight.releaseOldest();
        ByteBuf buf = kind.buffer(alloc, size);
        buf.writeBytes(payload);
        inFlight.add(buf);
    }

    /** Releases what is still in flight, so the next trial starts clean. */
    @TearDown(Level.Trial)
    public void tearDown() {
        inFlight.releaseAll();
        RingWiring.checkServedByRings(alloc);
    }
}
