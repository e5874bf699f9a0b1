package dev.ringalloc.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Control;


/**
 * Benchmark 2 — cross-thread release: one thread allocates and writes, another releases.
 *
 * <p>This is the pipeline of a server that encodes on one thread and finishes the write on another (or
 * hands a decoded message to a worker). The producer allocates a buffer of {@code size} bytes, writes
 * {@code size} bytes and hands it over a bounded single-producer single-consumer queue
 * ({@link SpscHandOff}, {@code queue} slots); the consumer takes it and releases it. Pooled and adaptive
 * pay for a release on a thread that is not the buffer's allocating thread (no thread-cache hit, arena
 * locks or hand-back queues); the ring pays one CAS on the guard word.
 *
 * <p>The score to compare is the producer's ({@code handOff:produce}) operations per second: buffers
 * allocated, written and handed over. A thread facing a full or empty queue spins briefly, then yields
 * its core ({@link #SPINS_BEFORE_YIELD}), and stops waiting when JMH ends the iteration. The queue's sides
 * publish their progress every {@link #PUBLISH_EVERY} buffers ({@link SpscHandOff} says why: with a
 * queue that publishes every buffer, the waiting side's polling lands on whichever allocator path is the
 * slower side and the benchmark measures the queue).
 *
 * <p>On a two-vCPU virtual machine the score also depends on where the hypervisor places the two vCPUs,
 * which changes during a run and moves every allocator alike (measured: 36 M and 12 M ring buffers/s in
 * two forks a minute apart, adaptive 12.5 M and 3 M beside them). The comparison therefore runs these
 * forks interleaved, one fork of each allocator per round, and reports the median of at least five rounds.
 *
 * <p>{@code allocator = bound} is no allocator: the producer writes the same bytes into one preallocated,
 * cache-hot buffer and hands that over; the consumer drops it. It does strictly less than any allocator
 * (no allocation, no release, no memory the other thread touched), so its rate is what no allocator can
 * exceed on that machine at that moment: the ceiling a ratio target at this size has to fit under.
 */
@State(Scope.Group)
// No @Fork of its own: the comparison runs the five forks the median needs itself, interleaved with the
// other allocators' (Plan.schedule()), which JMH cannot do; raw JMH runs take -f 5.
public class CrossThreadBenchmark extends EventLoopBenchmark {

    /** The series that is no allocator: the ceiling (see the class comment). */
    public static final String BOUND = "bound";

    /** Busy-wait rounds before a waiting side starts yielding its core. */
    static final int SPINS_BEFORE_YIELD = 100;

    /** How often each side of the queue publishes its progress: see {@link SpscHandOff}. */
    static final int PUBLISH_EVERY = 16;

    /** Which allocator: see {@link NettyAllocator}; or {@value #BOUND}, none (see the class comment). */
    @Param({"ring", "pooled", "adaptive", "unpooledDirect", "unpooledHeap", BOUND})
    public String allocator;

    /** Bytes per buffer, and bytes written into it. */
    @Param({"64", "1024", "16384", "65536"})
    public int size;

    /** Slots of the hand-off queue: at most this many buffers wait for release. */
    @Param({"256"})
    public int queue;

    private NettyAllocator kind;
    private ByteBufAllocator alloc;
    private SpscHandOff<ByteBuf> handOff;
    private byte[] payload;
    /** For {@value #BOUND}: the one buffer written and handed over every time; null otherwise. */
    private ByteBuf bound;

    /**
     * Its table: the bound as reference, and the targets: ring at least twice pooled and adaptive (said out
     * of reach where that is above the bound), no garbage.
     */
    static TableSpec table() {
        return TableSpec.of("crossThread", "2. Cross-thread release (SPSC hand-off, queue 256)", "pooled",
                        "one thread allocates and writes, another releases; score = producer ops/s, median of forks; "
                                + "bound = the same writes into one buffer, handed over, no allocator: the ceiling")
                .reference(BOUND)
                .targets(Target.ratio("pooled", 2), Target.ratio("adaptive", 2), Target.zeroGarbage());
    }

    /** Builds the allocator (or the bound's one buffer) and the queue. */
    @Setup(Level.Trial)
    public void setUp() {
        FastThreadExecutor.requireFastThreadLocalThread();
        handOff = new SpscHandOff<>(queue, PUBLISH_EVERY);
        payload = Payloads.bytes(size);
        if (BOUND.equals(allocator)) {
            bound = Unpooled.directBuffer(size, size);
            return;
        }
        kind = NettyAllocator.of(allocator);
        // In flight: the queue, plus one buffer on each side.
        alloc = kind.create(NettyAllocator.ringCapacityFor((long) (handOff.capacity() + 2) * size));
    }

    /** Producer: allocate, write, hand over (waiting while the queue is full). */
    @Benchmark
    @Group("handOff")
    @GroupThreads(1)
    public void produce(Control control) {
        ByteBuf buf = bound != null ? bound.clear() : kind.buffer(alloc, size);
        buf.writeBytes(payload);
        if (!offer(handOff, buf, control)) {
            release(buf);
        }
    }

    /** Consumer: take the oldest buffer (waiting while the queue is empty) and release it. */
    @Benchmark
    @Group("handOff")
    @GroupThreads(1)
    public void consume(Control control) {
        ByteBuf buf = take(handOff, control);
        if (buf != null) {
            release(buf);
        }
    }

    /** Releases a buffer the producer allocated; the bound's one buffer is kept. */
    private void release(ByteBuf buf) {
        if (buf != bound) {
            buf.release();
        }
    }

    /**
     * Producer side of a hand-off: offers {@code e}, waiting while the queue is full; false, with {@code e}
     * not handed over, if JMH ended the iteration meanwhile.
     */
    static <E> boolean offer(SpscHandOff<E> queue, E e, Control control) {
        int spins = 0;
        while (!queue.offer(e)) {
            if (control.stopMeasurement) {
                return false;
            }
            spins = backOff(spins);
        }
        return true;
    }

    /**
     * Consumer side of a hand-off: the oldest element, waiting while the queue is empty; null if JMH ended
     * the iteration meanwhile.
     */
    static <E> E take(SpscHandOff<E> queue, Control control) {
        E e;
        int spins = 0;
        while ((e = queue.poll()) == null) {
            if (control.stopMeasurement) {
                return null;
            }
            spins = backOff(spins);
        }
        return e;
    }

    /**
     * Waits a little: spins first, then yields the core, so that a side that shares its core with the
     * other (an oversubscribed machine) lets the other side run instead of spinning out its time slice.
     */
    private static int backOff(int spins) {
        if (spins < SPINS_BEFORE_YIELD) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
        return spins + 1;
    }

    /** Releases what the consumer left in the queue when the iteration ended. */
    @TearDown(Level.Iteration)
    public void drain() {
        handOff.drain(this::release);
    }

    /** Fails the run if the ring's fallback, not the ring, served it; frees the bound's buffer. */
    @TearDown(Level.Trial)
    public void check() {
        if (bound != null) {
            bound.release();
            return;
        }
        RingWiring.checkServedByRings(alloc);
    }
}
