package dev.ringalloc.bench.replay;

import dev.ringalloc.bench.ProcMemory;

import dev.ringalloc.bench.NettyAllocator;
import dev.ringalloc.netty.FallbackReason;
import dev.ringalloc.netty.RingByteBufAllocator;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.zip.DataFormatException;

/**
 * One fork of the replay: a JVM that replays the recording against one allocator only and prints its
 * figures as one {@value #RESULT} line for {@link Replay}, which starts one such JVM per allocator and round.
 *
 * <p>Why a JVM per allocator: in one JVM, the replay's call sites ({@code directBuffer}, {@code release})
 * would see every allocator's classes and go megamorphic, so no allocator's fast path would be inlined as
 * it is in a server that uses one allocator; the ring's short fast path would lose the most. The same
 * reason JMH forks.
 *
 * <p>In the fork: the trace is replayed with a doubling repeat count until a pass lasts about
 * {@code passMillis} (this also starts the JIT's work), then {@code warmup} pairs of passes, then the
 * measured pair: an untimed pass (ops/s, heap B/op, peak of the allocator's {@code usedDirectMemory}) and a
 * timed one (latency of every operation).
 */
public final class ReplayFork {
    /** What the result line starts with. */
    public static final String RESULT = "replay-fork-result ";

    /**
     * A fork's figures.
     *
     * @param opsPerSecond  the untimed pass's
     * @param bytesPerOp    heap bytes allocated per operation in the untimed pass
     * @param peakDirect    most direct memory the allocator's metric reported during the untimed pass
     * @param ringResident  the rings' resident bytes (smaps) after the passes; 0 if not the ring
     * @param fallbacks     the ring's fallbacks per pass, by {@link FallbackReason} ordinal; zeros if not the ring
     * @param repeat        how many times over a pass replayed the trace
     * @param latency       every operation of the timed pass, ns
     */
    public record Result(double opsPerSecond, double bytesPerOp, long peakDirect, long ringResident,
                         double[] fallbacks, int repeat, Histogram latency) {
        /** As the text after {@value #RESULT}: space-separated fields, the histogram compressed in base64. */
        String encode() {
            ByteBuffer buffer = ByteBuffer.allocate(latency.getNeededByteBufferCapacity());
            int length = latency.encodeIntoCompressedByteBuffer(buffer);
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%s %s %d %d %d", opsPerSecond, bytesPerOp,
                    peakDirect, ringResident, repeat));
            for (double f : fallbacks) {
                s.append(' ').append(f);
            }
            return s.append(' ').append(Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length)))
                    .toString();
        }

        /** Parses what {@link #encode()} wrote. @throws IllegalArgumentException if it cannot */
        static Result decode(String text) {
            String[] f = text.trim().split(" ");
            int reasons = FallbackReason.values().length;
            if (f.length != 6 + reasons) {
                throw new IllegalArgumentException("not a fork's result: " + text);
            }
            double[] fallbacks = new double[reasons];
            for (int i = 0; i < reasons; i++) {
                fallbacks[i] = Double.parseDouble(f[5 + i]);
            }
            try {
                Histogram latency = Histogram.decodeFromCompressedByteBuffer(
                        ByteBuffer.wrap(Base64.getDecoder().decode(f[5 + reasons])), 0);
                return new Result(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Long.parseLong(f[2]),
                        Long.parseLong(f[3]), fallbacks, Integer.parseInt(f[4]), latency);
            } catch (DataFormatException e) {
                throw new IllegalArgumentException("not a fork's latency histogram: " + text, e);
            }
        }
    }

    private ReplayFork() {
    }

    /**
     * {@code RECORDING ALLOCATOR RING_CAPACITY PASS_MILLIS WARMUP}: replays and prints the {@value #RESULT}
     * line. Started by {@link Replay}, which has checked the recording.
     */
    public static void main(String[] argv) throws Exception {
        Trace trace = RecordingReader.read(Paths.get(argv[0]));
        Result result = measure(trace, NettyAllocator.of(argv[1]), Integer.parseInt(argv[2]),
                Integer.parseInt(argv[3]), Integer.parseInt(argv[4]));
        System.out.println(RESULT + result.encode());
    }

    /** Replays {@code trace} against a new allocator of {@code kind} in this JVM. */
    static Result measure(Trace trace, NettyAllocator kind, int ringCapacity, int passMillis, int warmup) {
        ByteBufAllocator allocator = kind.create(ringCapacity);
        try (Replayer replayer = new Replayer(trace, allocator, kind.paramName());
             PeakSampler direct = new PeakSampler("direct-memory-sampler",
                     ((ByteBufAllocatorMetricProvider) allocator).metric()::usedDirectMemory, 10)) {
            int repeat = calibrate(replayer, trace, passMillis);
            for (int i = 0; i < warmup; i++) {
                long nanos = replayer.pass(repeat, false).nanos();
                replayer.pass(repeat, true);
                repeat = scale(trace, repeat, nanos, passMillis);
            }
            long[] before = fallbacks(allocator);
            direct.reset();
            Replayer.Pass plain = replayer.pass(repeat, false);
            long peak = direct.peak();
            Replayer.Pass timed = replayer.pass(repeat, true);
            long[] after = fallbacks(allocator);
            double[] perPass = new double[after.length];
            for (int i = 0; i < after.length; i++) {
                perPass[i] = (after[i] - before[i]) / 2.0;
            }
            long ringResident = allocator instanceof RingByteBufAllocator ? Math.max(0, ProcMemory.ringResidentBytes()) : 0;
            return new Result(plain.opsPerSecond(), plain.bytesPerOp(), peak, ringResident, perPass, repeat,
                    timed.latency());
        }
    }

    private static long[] fallbacks(ByteBufAllocator allocator) {
        long[] counts = new long[FallbackReason.values().length];
        if (allocator instanceof RingByteBufAllocator) {
            for (FallbackReason r : FallbackReason.values()) {
                counts[r.ordinal()] = ((RingByteBufAllocator) allocator).metric().fallbacks(r);
            }
        }
        return counts;
    }

    /** A repeat count doubled until a pass lasts about {@code passMillis}. */
    private static int calibrate(Replayer replayer, Trace trace, int passMillis) {
        int repeat = 1;
        for (int i = 0; i < 40; i++) {
            long nanos = replayer.pass(repeat, false).nanos();
            if (nanos >= passMillis * 1_000_000L || repeat == maxRepeat(trace)) {
                return scale(trace, repeat, nanos, passMillis);
            }
            repeat = Math.min(repeat * 2, maxRepeat(trace));
        }
        return repeat;
    }

    /** The repeat count that makes a pass last about {@code passMillis}, from one of {@code repeat} in {@code nanos}. */
    private static int scale(Trace trace, int repeat, long nanos, int passMillis) {
        double wanted = repeat * (passMillis * 1e6 / Math.max(1, nanos));
        return (int) Math.max(1, Math.min(wanted, maxRepeat(trace)));
    }

    /** The most repetitions whose step numbers (repetition × operations on a buffer) stay well in int range. */
    private static int maxRepeat(Trace trace) {
        int max = 1;
        for (int b = 0; b < trace.buffers(); b++) {
            max = Math.max(max, trace.opsOn(b));
        }
        return Integer.MAX_VALUE / 4 / max;
    }
}
