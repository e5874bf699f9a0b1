package dev.ringalloc.bench;

import dev.ringalloc.netty.FallbackReason;
import dev.ringalloc.netty.RingByteBufAllocator;
import dev.ringalloc.netty.RingByteBufAllocatorMetric;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import org.HdrHistogram.Histogram;
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
import org.openjdk.jmh.results.AggregationPolicy;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 7 — a mixed workload: sizes drawn from a distribution, buffers of different lifetimes, some
 * released by another thread. Every other benchmark allocates one fixed size in one loop where all
 * buffers live equally long; a server does not.
 *
 * <p>The operations are drawn once, with a fixed seed, into a sequence of {@value #SEQUENCE} entries that
 * the benchmark cycles through (no random numbers on the hot path). Each entry is a request size and flags:
 * <ul>
 *   <li>sizes {@code logUniform}: 64 B to 16 KiB, log-uniform; {@code framing}: 90 % log-uniform 32 B to 1 KiB,
 *       10 % log-uniform 1 KiB to 64 KiB (most frames small, a tail of large ones);</li>
 *   <li>lifetime: a short-lived buffer stays among the last {@value #SHORT_WINDOW} short-lived buffers; a share
 *       of {@code longLivedPercent} % stays among the last {@code 6400 × share} long-lived ones, so it lives
 *       about {@value #LONG_LIFE} times longer;</li>
 *   <li>in the {@code handOff} group, a quarter of the other buffers go over an SPSC queue to a second
 *       thread that releases them ({@link CrossThreadBenchmark}'s hand-off); the score is the producer's
 *       operations;</li>
 *   <li>a share of {@code heapShare} asks for {@code heapBuffer()} (0 in the comparison so far);</li>
 *   <li>one operation in {@value #TIMED_ONE_IN} is timed with {@code System.nanoTime()} into an HdrHistogram
 *       (no allocation), whose p50, p99 and p99.9 are published at the end of each iteration. A timed
 *       latency includes about one {@code nanoTime} call.</li>
 * </ul>
 * One operation: release the oldest buffer of the lifetime's window, allocate, write the size's bytes, keep
 * it (or hand it over).
 *
 * <p>At the end of each iteration (outside the measured loop) it publishes ({@link IterationFigures}) the
 * allocator's reserved memory (the ring's capacity; pooled's, adaptive's and unpooled's
 * {@code metric().usedDirectMemory()}), the ring's resident memory as the operating system counts it (the
 * {@code Rss} of the {@code /proc/self/smaps} entries of {@link #RING_MAPPING}: absent while ring memory is
 * not such a mapping), the process's {@code VmRSS}, and the ring's fallbacks by reason (% of requests).
 *
 * <p>The ring is the allocator's default 4 MiB when that holds the sequence's peak bytes in flight, else
 * sized to it as the other benchmarks size theirs ({@link NettyAllocator#ringCapacityFor(long)}).
 */
@State(Scope.Group)
public class MixedWorkloadBenchmark extends EventLoopBenchmark {
    /** Entries of the drawn sequence (a power of two). */
    static final int SEQUENCE = 1 << 14;
    /** Short-lived buffers in flight. */
    static final int SHORT_WINDOW = 64;
    /** How many times longer a long-lived buffer lives than a short-lived one. */
    static final int LONG_LIFE = 100;
    /** Share of the buffers that are not long-lived which the {@code handOff} group releases on the other thread. */
    static final double REMOTE_SHARE = 0.25;
    /** One operation in this many is timed. */
    static final int TIMED_ONE_IN = 32;
    /** Slots of the hand-off queue. */
    static final int QUEUE = 256;

    // A sequence entry: the size in the low bits, flags above.
    static final int SIZE_MASK = (1 << 20) - 1;
    static final int LONG_LIVED = 1 << 20;
    static final int REMOTE = 1 << 21;
    static final int TIMED = 1 << 22;
    static final int HEAP = 1 << 23;

    /** Figures it publishes. */
    static final String P50 = "latency.p50";
    static final String P99 = "latency.p99";
    static final String P999 = "latency.p99.9";
    static final String RESERVED = "memory.reserved";
    static final String RESIDENT = "memory.resident";
    static final String VM_RSS = "memory.vmRss";
    static final String FALLBACKS = "fallbacks.";

    /**
     * What the path of this process's ring mappings contains: ring-core maps a direct ring from a deleted file
     * named {@code ringalloc-<pid>-<n>} (in {@code java.io.tmpdir}). The name with the pid, not just
     * "ringalloc": a checkout directory of that name must not count.
     */
    static final String RING_MAPPING = ProcMemory.RING_MAPPINGS;

    /** The row key of the {@code handOff} group. */
    static final String HAND_OFF = "¼ released by another thread";

    /** The longest latency recorded; longer ones count as this. */
    private static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final double MIB = 1024.0 * 1024.0;

    /** Which allocator: see {@link NettyAllocator}. */
    @Param({"ring", "pooled", "adaptive", "unpooledDirect"})
    public String allocator;

    /** The size distribution: {@code logUniform} or {@code framing}. */
    @Param({"logUniform", "framing"})
    public String sizes;

    /** Percentage of buffers held about {@value #LONG_LIFE} times longer. */
    @Param({"0", "1", "5"})
    public int longLivedPercent;

    /** Share of requests for a heap buffer. */
    @Param({"0"})
    public double heapShare;

    private ByteBufAllocator alloc;
    private int[] sequence;
    private int next;
    private byte[] payload;
    private Window shortLived;
    private Window longLived;
    private SpscHandOff<ByteBuf> handOff;
    private Histogram latency;

    /** The row key of {@code longLivedPercent}. */
    static String key(int longLivedPercent) {
        return longLivedPercent + " % long-lived";
    }

    /**
     * Its table for a size distribution, with its floor ({@link MixedFloorBenchmark}) as reference, and the targets:
     * the ring at least 1.5× pooled and adaptive with 0 % and 1 % long-lived buffers and in the hand-off, 1.2× with
     * 5 %; its p99.9 latency at most theirs; its resident memory at most a quarter of their
     * {@code usedDirectMemory}; no garbage.
     */
    static TableSpec table(String sizes) {
        String[] fastest = {key(0), key(1), HAND_OFF};
        return TableSpec.of("mixed-" + sizes, "7. Mixed workload, " + (sizes.equals("framing")
                                ? "framing sizes (90 % 32 B–1 KiB, 10 % 1–64 KiB)" : "log-uniform sizes 64 B–16 KiB"),
                        "pooled", "64 short-lived buffers in flight, a share held 100× longer, or a quarter released "
                                + "by another thread (score = producer ops/s); floor = the same writes into one "
                                + "preallocated buffer of the peak bytes in flight (none for the hand-off); latency of "
                                + "1 op in 32 (HdrHistogram); reserved = ring capacity or metric().usedDirectMemory(); "
                                + "resident = Rss of the ringalloc mappings (/proc/self/smaps); fallbacks = % of the "
                                + "ring's requests")
                .headings("lifetimes", "allocator")
                .reference(MixedFloorBenchmark.SERIES)
                .columns(Column.nanosAboveReference("ns above floor"), Column.figure("p50 ns", P50, "%.0f"),
                        Column.figure("p99 ns", P99, "%.0f"), Column.figure("p99.9 ns", P999, "%.0f"),
                        Column.figure("reserved MiB", RESERVED, "%.1f"),
                        Column.figure("resident MiB", RESIDENT, "%.1f"), Column.figure("VmRSS MiB", VM_RSS, "%.0f"),
                        new Column("fallbacks", (report, m) -> fallbacks(m)))
                .targets(Target.ratio("pooled", 1.5, fastest), Target.ratio("adaptive", 1.5, fastest),
                        Target.ratio("pooled", 1.2, key(5)), Target.ratio("adaptive", 1.2, key(5)),
                        Target.figure("ring's p99.9 latency ≤ %s's", P999, P999, 1, "ns", "pooled"),
                        Target.figure("ring's p99.9 latency ≤ %s's", P999, P999, 1, "ns", "adaptive"),
                        Target.figure("ring's resident memory ≤ ¼ of %s's usedDirectMemory", RESIDENT, RESERVED,
                                0.25, "MiB", "pooled"),
                        Target.figure("ring's resident memory ≤ ¼ of %s's usedDirectMemory", RESIDENT, RESERVED,
                                0.25, "MiB", "adaptive"),
                        Target.zeroGarbage());
    }

    private static String fallbacks(Measurement m) {
        StringJoiner out = new StringJoiner(", ");
        boolean any = false;
        for (FallbackReason reason : FallbackReason.values()) {
            double percent = m.figure(FALLBACKS + reason);
            any |= !Double.isNaN(percent);
            if (percent > 0) {
                out.add(String.format(Locale.ROOT, "%s %.2f%%", reason, percent));
            }
        }
        return !any ? "–" : out.length() == 0 ? "0" : out.toString();
    }

    /**
     * The operations, drawn with a fixed seed: {@link #SEQUENCE} entries of a size and flags (see the class
     * comment). Every entry takes the same draws whatever the shares, so the sizes and the timed operations are
     * the same in every variant.
     */
    static int[] sequence(String sizes, double longLivedShare, double heapShare) {
        if (!sizes.equals("logUniform") && !sizes.equals("framing")) {
            throw new IllegalArgumentException("sizes must be logUniform or framing, got " + sizes);
        }
        SplittableRandom random = new SplittableRandom(0x5eed_0f_07L);
        int[] sequence = new int[SEQUENCE];
        for (int i = 0; i < SEQUENCE; i++) {
            double u = random.nextDouble();
            double tail = random.nextDouble();
            int size = sizes.equals("logUniform") ? (int) Math.round(64 * Math.pow(256, u))
                    : tail < 0.9 ? (int) Math.round(32 * Math.pow(32, u)) : (int) Math.round(1024 * Math.pow(64, u));
            boolean longLived = random.nextDouble() < longLivedShare;
            boolean remote = random.nextDouble() < REMOTE_SHARE && !longLived;
            boolean heap = random.nextDouble() < heapShare;
            boolean timed = random.nextInt(TIMED_ONE_IN) == 0;
            sequence[i] = size | (longLived ? LONG_LIVED : 0) | (remote ? REMOTE : 0) | (heap ? HEAP : 0)
                    | (timed ? TIMED : 0);
        }
        return sequence;
    }

    /** Long-lived buffers in flight when {@code longLivedPercent} % live {@value #LONG_LIFE}× longer. */
    static int longWindow(int longLivedPercent) {
        return Math.max(1, (int) Math.round(SHORT_WINDOW * LONG_LIFE * longLivedPercent / 100.0));
    }

    /**
     * The most bytes in flight over two passes of {@code sequence}: the short-lived and long-lived windows full,
     * and the hand-off's queue full of remote buffers (its consumer lagging), each buffer with 72 bytes more for
     * the ring's guard word and alignment.
     */
    static long peakBytesInFlight(int[] sequence, int longWindow) {
        ArrayDeque<Integer> shortQ = new ArrayDeque<>();
        ArrayDeque<Integer> longQ = new ArrayDeque<>();
        ArrayDeque<Integer> remoteQ = new ArrayDeque<>();
        long inFlight = 0;
        long peak = 0;
        for (int i = 0; i < 2 * sequence.length; i++) {
            int e = sequence[i % sequence.length];
            ArrayDeque<Integer> q = (e & LONG_LIVED) != 0 ? longQ : (e & REMOTE) != 0 ? remoteQ : shortQ;
            int limit = q == longQ ? longWindow : q == remoteQ ? QUEUE : SHORT_WINDOW;
            if (q.size() == limit) {
                inFlight -= q.poll();
            }
            int bytes = (e & SIZE_MASK) + 72;
            q.add(bytes);
            inFlight += bytes;
            peak = Math.max(peak, inFlight);
        }
        return peak;
    }

    /** Draws the sequence, sizes the ring, builds the allocator, the windows, the queue and the histogram. */
    @Setup(Level.Trial)
    public void setUp() {
        FastThreadExecutor.requireFastThreadLocalThread();
        double longLivedShare = longLivedPercent / 100.0;
        int longWindow = longWindow(longLivedPercent);
        sequence = sequence(sizes, longLivedShare, heapShare);
        long peak = peakBytesInFlight(sequence, longWindow);
        int ringCapacity = peak <= RingByteBufAllocator.DEFAULT_RING_CAPACITY
                ? RingByteBufAllocator.DEFAULT_RING_CAPACITY : NettyAllocator.ringCapacityFor(peak);
        alloc = NettyAllocator.of(allocator).create(ringCapacity);
        payload = payloadFor(sequence);
        shortLived = new Window(SHORT_WINDOW);
        longLived = new Window(longWindow);
        handOff = new SpscHandOff<>(QUEUE, CrossThreadBenchmark.PUBLISH_EVERY);
        latency = latencyHistogram();
    }

    /**
     * One operation, every buffer released on this thread (see the class comment). A group of one thread, as the
     * state is the hand-off group's.
     */
    @Benchmark
    @Group("mix")
    @GroupThreads(1)
    public void mix() {
        operation(null);
    }

    /** Producer: one operation, a quarter of the buffers handed to {@link #consume} for release. */
    @Benchmark
    @Group("handOff")
    @GroupThreads(1)
    public void produce(Control control) {
        operation(control);
    }

    /**
     * The next operation of the sequence, timed if it is marked so; with a {@code control} (the hand-off's
     * producer) a buffer marked remote is handed over instead of kept. Inlined into each benchmark method, where
     * {@code control} is a constant null or not.
     */
    private void operation(Control control) {
        int e = sequence[next++ & (SEQUENCE - 1)];
        long start = (e & TIMED) != 0 ? System.nanoTime() : 0;
        if (control == null || (e & REMOTE) == 0) {
            keep(e);
        } else {
            ByteBuf buf = allocate(e);
            if (!CrossThreadBenchmark.offer(handOff, buf, control)) {
                buf.release();
                return;
            }
        }
        if ((e & TIMED) != 0) {
            recordSince(latency, start);
        }
    }

    /** Consumer: releases what the producer hands over. */
    @Benchmark
    @Group("handOff")
    @GroupThreads(1)
    public void consume(Control control) {
        ByteBuf buf = CrossThreadBenchmark.take(handOff, control);
        if (buf != null) {
            buf.release();
        }
    }

    /** Releases the oldest buffer of {@code e}'s lifetime, then allocates and keeps the new one. */
    private void keep(int e) {
        Window window = (e & LONG_LIVED) != 0 ? longLived : shortLived;
        window.releaseOldest();
        window.add(allocate(e));
    }

    private ByteBuf allocate(int e) {
        int size = e & SIZE_MASK;
        ByteBuf buf = (e & HEAP) != 0 ? alloc.heapBuffer(size) : alloc.directBuffer(size);
        return buf.writeBytes(payload, 0, size);
    }

    /** Releases what the consumer left in the queue, and publishes the iteration's figures. */
    @TearDown(Level.Iteration)
    public void endIteration() {
        handOff.drain(ByteBuf::release);
        publishLatency(latency);
        if (alloc instanceof RingByteBufAllocator) {
            RingByteBufAllocatorMetric metric = ((RingByteBufAllocator) alloc).metric();
            publishMiB(RESERVED, metric.ringCapacity());
            publishMiB(RESIDENT, ProcMemory.residentBytes(RING_MAPPING));
            double requests = metric.allocations() + metric.fallbacks();
            for (FallbackReason reason : FallbackReason.values()) {
                IterationFigures.publish(FALLBACKS + reason, 100 * metric.fallbacks(reason) / Math.max(1, requests), "%",
                        AggregationPolicy.MAX);
            }
        } else if (alloc instanceof ByteBufAllocatorMetricProvider) {
            publishMiB(RESERVED, ((ByteBufAllocatorMetricProvider) alloc).metric().usedDirectMemory());
        }
        publishMiB(VM_RSS, ProcMemory.vmRssBytes());
    }

    /** The bytes every operation copies a prefix of: as many as the sequence's largest size. */
    static byte[] payloadFor(int[] sequence) {
        return Payloads.bytes(Arrays.stream(sequence).map(e -> e & SIZE_MASK).max().orElse(0));
    }

    /** A histogram for the timed operations' latencies, up to 10 s, two significant digits. */
    static Histogram latencyHistogram() {
        return new Histogram(MAX_NANOS, 2);
    }

    /** Records the latency of a timed operation that began at {@code start} ({@code System.nanoTime()}). */
    static void recordSince(Histogram latency, long start) {
        latency.recordValue(Math.min(System.nanoTime() - start, MAX_NANOS));
    }

    /** Publishes the iteration's latency percentiles and starts the histogram afresh. */
    static void publishLatency(Histogram latency) {
        IterationFigures.publish(P50, latency.getValueAtPercentile(50), "ns", AggregationPolicy.AVG);
        IterationFigures.publish(P99, latency.getValueAtPercentile(99), "ns", AggregationPolicy.AVG);
        IterationFigures.publish(P999, latency.getValueAtPercentile(99.9), "ns", AggregationPolicy.AVG);
        latency.reset();
    }

    /** Publishes {@code bytes} in MiB, the most over the iterations; nothing if unknown (negative). */
    private static void publishMiB(String label, long bytes) {
        if (bytes >= 0) {
            IterationFigures.publish(label, bytes / MIB, "MiB", AggregationPolicy.MAX);
        }
    }

    /** Releases every buffer still held; fails the run if the ring's fallback served it. */
    @TearDown(Level.Trial)
    public void tearDown() {
        shortLived.releaseAll();
        longLived.releaseAll();
        RingWiring.checkServedByRings(alloc);
    }
}
