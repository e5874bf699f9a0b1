package dev.ringalloc.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.util.concurrent.atomic.AtomicInteger;


/**
 * Benchmark 6 — the floor: {@link ShortLivedBenchmark}'s writes with no allocator at all.
 *
 * <p>One direct (or, with {@link #heap}, heap) buffer of {@code window × size} bytes is allocated once; each
 * operation copies the same {@code size} bytes into it at an offset that moves by {@code size} and wraps, so the
 * caches see the same working set as an allocator cycling {@code window} buffers. The difference between an
 * allocator's time per operation and this one is the allocator's own cost ("time above the floor").
 *
 * <p>{@link #writeAfterCas()} (a diagnostic, not part of the comparison) adds one compare-and-set on a field
 * per operation, before the copy, where {@link ShortLivedBenchmark} releases the oldest buffer: every allocator's release
 * is an atomic read-modify-write of a reference count, and on x86 a locked instruction first waits for the
 * stores still pending from the previous operation's copy. The difference between the two floors is what
 * that wait costs, which no allocator that counts references atomically avoids.
 */
@State(Scope.Thread)
@Threads(1)
public class FloorBenchmark extends EventLoopBenchmark {

    /** Its series name in benchmark 1's tables, where it is the reference. */
    public static final String SERIES = "floor";

    /** Bytes written per operation. */
    @Param({"64", "1024", "16384", "65536"})
    public int size;

    /** Slots of {@code size} bytes the offset cycles through. */
    @Param({"1", "64", "1024"})
    public int window;

    /**
     * Heap memory (a {@code byte[]}) instead of direct: the floor of benchmark 1's heap table. Only {@code false} by
     * default, so the comparison's matrix is unchanged; {@code -p heap=true} measures it.
     */
    @Param({"false"})
    public boolean heap;

    /** The field {@link #writeAfterCas()} updates atomically. */
    private final AtomicInteger count = new AtomicInteger();
    private ByteBuf memory;
    private byte[] payload;
    private int offset;
    private int limit;

    /** Allocates the one buffer. */
    @Setup(Level.Trial)
    public void setUp() {
        FastThreadExecutor.requireFastThreadLocalThread();
        limit = window * size;
        memory = heap ? Unpooled.buffer(limit, limit) : Unpooled.directBuffer(limit, limit);
        payload = Payloads.bytes(size);
    }

    /** The same copy as {@link ShortLivedBenchmark#allocateWriteRelease()}, at the next offset. */
    @Benchmark
    public void write() {
        int at = offset;
        memory.setBytes(at, payload);
        at += size;
        offset = at == limit ? 0 : at;
    }

    /**
     * {@link #write()} after one compare-and-set, as a reference-counted release makes: see the class comment.
     * A method of its own, so that the floor itself carries no test of a flag.
     */
    @Benchmark
    public void writeAfterCas() {
        count.compareAndSet(0, 0);
        write();
    }

    /** Frees the buffer. */
    @TearDown(Level.Trial)
    public void tearDown() {
        memory.release();
    }
}
