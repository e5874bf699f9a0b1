package dev.ringalloc.bench;

import dev.ringalloc.core.Ring;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import static dev.ringalloc.bench.MixedWorkloadBenchmark.SEQUENCE;
import static dev.ringalloc.bench.MixedWorkloadBenchmark.SIZE_MASK;
import static dev.ringalloc.bench.MixedWorkloadBenchmark.TIMED;

/**
 * Benchmark 7's floor: {@link MixedWorkloadBenchmark}'s writes with no allocator at all, as {@link FloorBenchmark}
 * is benchmark 1's.
 *
 * <p>The same drawn sequence (sizes, and which operations are timed); each operation copies its size's bytes into one
 * direct buffer, allocated once, at an offset that moves by the size rounded up to 8 bytes and wraps where the next
 * copy would not fit. The buffer holds the sequence's peak bytes in flight, so the copies cycle through as many bytes
 * as the allocators keep in flight, and the caches see about their working set. Nothing is released and nothing is
 * held, so the lifetimes do not matter beyond that size. The difference between an allocator's time per operation
 * and this one is the allocator's own cost, with its windows' bookkeeping ("time above the floor").
 */
@State(Scope.Thread)
@Threads(1)
public class MixedFloorBenchmark extends EventLoopBenchmark {

    /** Its series name in benchmark 7's tables, where it is the reference. */
    public static final String SERIES = "floor";

    /** The size distribution, as {@link MixedWorkloadBenchmark#sizes}. */
    @Param({"logUniform", "framing"})
    public String sizes;

    /** As {@link MixedWorkloadBenchmark#longLivedPercent}: here only the size of the buffer written depends on it. */
    @Param({"0", "1", "5"})
    public int longLivedPercent;

    private int[] sequence;
    private int next;
    private byte[] payload;
    private ByteBuf memory;
    private int offset;
    private Histogram latency;

    /** The buffer's size: the peak bytes in flight of {@code sequence} with the long-lived window of that share. */
    static int span(int[] sequence, int longLivedPercent) {
        return Math.toIntExact(MixedWorkloadBenchmark.peakBytesInFlight(sequence,
                MixedWorkloadBenchmark.longWindow(longLivedPercent)));
    }

    /** Where a copy of {@code size} bytes begins when the one before ended at {@code offset}: wraps to 0 at the end. */
    static int copyStart(int offset, int size, int span) {
        return span - offset < size ? 0 : offset;
    }

    /** Where a copy of {@code size} bytes that began at {@code start} ends: where a ring's region for it would. */
    static int copyEnd(int start, int size) {
        return start + Ring.regionBytes(size);
    }

    /** Draws the sequence and allocates the one buffer. */
    @Setup(Level.Trial)
    public void setUp() {
        FastThreadExecutor.requireFastThreadLocalThread();
        sequence = MixedWorkloadBenchmark.sequence(sizes, longLivedPercent / 100.0, 0);
        int span = span(sequence, longLivedPercent);
        memory = Unpooled.directBuffer(span, span);
        payload = MixedWorkloadBenchmark.payloadFor(sequence);
        latency = MixedWorkloadBenchmark.latencyHistogram();
    }

    /** The next operation's copy, timed if the sequence marks it so (as {@link MixedWorkloadBenchmark}'s). */
    @Benchmark
    public void write() {
        int e = sequence[next++ & (SEQUENCE - 1)];
        long start = (e & TIMED) != 0 ? System.nanoTime() : 0;
        int size = e & SIZE_MASK;
        int at = copyStart(offset, size, memory.capacity());
        memory.setBytes(at, payload, 0, size);
        offset = copyEnd(at, size);
        if ((e & TIMED) != 0) {
            MixedWorkloadBenchmark.recordSince(latency, start);
        }
    }

    /** Publishes the iteration's latency percentiles under benchmark 7's labels. */
    @TearDown(Level.Iteration)
    public void endIteration() {
        MixedWorkloadBenchmark.publishLatency(latency);
    }

    /** Frees the buffer. */
    @TearDown(Level.Trial)
    public void tearDown() {
        memory.release();
    }
}
