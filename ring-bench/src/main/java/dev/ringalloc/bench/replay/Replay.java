package dev.ringalloc.bench.replay;

import dev.ringalloc.bench.NettyAllocator;
import dev.ringalloc.netty.FallbackReason;
import dev.ringalloc.netty.RingByteBufAllocator;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static dev.ringalloc.bench.replay.Arguments.allocators;
import static dev.ringalloc.bench.replay.Arguments.size;
import static dev.ringalloc.bench.replay.Arguments.value;

/**
 * Replays a JFR recording of Netty's buffer events against several allocators and compares them: the
 * main class of {@code ring-bench/replay.sh}.
 *
 * <pre>
 * ring-bench/replay.sh RECORDING.jfr [--allocators ring,pooled,adaptive,unpooledDirect] [--rounds 5]
 *                      [--warmup 2] [--pass-ms 300] [--ring-capacity 4m] [--out results]
 * </pre>
 *
 * <p>The recording becomes a {@link Trace} ({@link RecordingReader}); each allocator gets its own
 * {@link Replayer} (one replay thread per recorded thread). A pass replays the trace as many times over as
 * fill about {@code --pass-ms}. Each round runs, for every allocator in turn (the first one rotating from
 * round to round), an untimed pass (ops/s, heap B/op, peak direct memory) and a timed pass (latency of every
 * operation). It prints and writes the medians ({@link ReplayReport}) under {@code results/<timestamp>/}.
 * Exit code 2, with a one-line message, for a bad recording or bad arguments.
 */
public final class Replay {
    /** Exit code for a recording or arguments the replay cannot use. */
    public static final int BAD_INPUT = 2;

    private static final String USAGE = String.join("\n",
            "Usage: ring-bench/replay.sh RECORDING.jfr [options]",
            "  --allocators LIST    allocators to compare (default ring,pooled,adaptive,unpooledDirect)",
            "  --rounds N           measured rounds (default 5)",
            "  --warmup N           warm-up rounds, not reported (default 2)",
            "  --pass-ms MS         about how long one pass runs: the trace is repeated to fill it (default 300)",
            "  --ring-capacity N    bytes per ring, k/m suffix allowed (default ring-netty's, 4m)",
            "  --out DIR            results folder (default results); each run writes a timestamped subfolder",
            "Record a server with: java -XX:StartFlightRecording:settings=ring-bench/netty-buffers.jfc,"
                    + "filename=rec.jfr ... (see docs/replay.md)");

    /** Parsed command line. */
    static final class Args {
        Path recording;
        List<NettyAllocator> allocators = List.of(NettyAllocator.RING, NettyAllocator.POOLED,
                NettyAllocator.ADAPTIVE, NettyAllocator.UNPOOLED_DIRECT);
        int rounds = 5;
        int warmup = 2;
        int passMillis = 300;
        int ringCapacity = RingByteBufAllocator.DEFAULT_RING_CAPACITY;
        Path out = Paths.get("results");

        static Args parse(String... argv) {
            Args a = new Args();
            for (int i = 0; i < argv.length; i++) {
                String arg = argv[i];
                switch (arg) {
                    case "--allocators": a.allocators = allocators(value(argv, ++i, arg)); break;
                    case "--rounds": a.rounds = size(value(argv, ++i, arg), arg); break;
                    case "--warmup": a.warmup = size(value(argv, ++i, arg), arg); break;
                    case "--pass-ms": a.passMillis = size(value(argv, ++i, arg), arg); break;
                    case "--ring-capacity": a.ringCapacity = size(value(argv, ++i, arg), arg); break;
                    case "--out": a.out = Paths.get(value(argv, ++i, arg)); break;
                    default:
                        if (arg.startsWith("-") || a.recording != null) {
                            throw new IllegalArgumentException("unexpected argument '" + arg + "'");
                        }
                        a.recording = Paths.get(arg);
                }
            }
            if (a.recording == null) {
                throw new IllegalArgumentException("no recording given");
            }
            if (a.rounds < 1) {
                throw new IllegalArgumentException("--rounds must be at least 1");
            }
            return a;
        }
    }

    private Replay() {
    }

    /** Runs the replay; exits with its exit code. */
    public static void main(String[] argv) {
        System.exit(run(System.out, System.err, argv));
    }

    /** Runs the replay, printing to {@code out} and one-line errors to {@code err}; returns the exit code. */
    public static int run(PrintStream out, PrintStream err, String... argv) {
        if (List.of(argv).contains("--help") || List.of(argv).contains("-h")) {
            out.println(USAGE);
            return 0;
        }
        Args args;
        try {
            args = Args.parse(argv);
        } catch (IllegalArgumentException e) {
            err.println("replay: " + e.getMessage());
            err.println(USAGE);
            return BAD_INPUT;
        }
        Trace trace;
        try {
            trace = RecordingReader.read(args.recording);
        } catch (BadRecordingException e) {
            err.println("replay: " + e.getMessage().replace('\n', ' '));
            return BAD_INPUT;
        }
        String summary = describe(args.recording, trace);
        out.println(summary);
        ReplayReport report = measure(args, trace, summary, out);
        out.println();
        out.print(report.markdown());
        Path dir = args.out.resolve(LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        try {
            report.write(dir);
            out.println("\nWrote " + dir.resolve("replay.md") + " and " + dir.resolve("replay.png"));
        } catch (IOException e) {
            err.println("replay: cannot write " + dir + ": " + e.getMessage());
            return 1;
        }
        return 0;
    }

    /** The recording in a few lines of markdown: threads, counts, sizes by power-of-two bucket. */
    static String describe(Path recording, Trace trace) {
        Trace.Counts c = trace.counts();
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "Recording `%s`: %d threads, %,d allocations (%,d heap), %,d reallocations, %,d frees"
                        + " (%,d unmatched, %,d still live at the end), peak %,d bytes live.%n%nSizes:",
                recording.getFileName(), trace.programs().size(), c.allocations(), c.heapAllocations(),
                c.reallocations(), c.frees(), c.unmatchedFrees(), c.unfreed(), c.peakLiveBytes()));
        Map<Integer, Long> buckets = new TreeMap<>();
        trace.allocationSizes().forEach((size, n) -> buckets.merge(bucket(size), n, Long::sum));
        buckets.forEach((upper, n) -> s.append(String.format(Locale.ROOT, " \u2264%s %.1f%%;", bytes(upper),
                100.0 * n / c.allocations())));
        return s.toString();
    }

    /** The power of two at or above {@code size} (its bucket's upper bound). */
    static int bucket(int size) {
        return size <= 1 ? 1 : Integer.highestOneBit(size - 1) << 1;
    }

    private static String bytes(int n) {
        return n >= 1 << 20 ? (n >> 20) + "M" : n >= 1 << 10 ? (n >> 10) + "K" : String.valueOf(n);
    }

    /** One allocator's replayer, gauges and figures so far. */
    private static final class Contender {
        final String name;
        final ByteBufAllocator allocator;
        final Replayer replayer;
        final PeakSampler direct;
        final List<Double> opsPerSecond = new ArrayList<>();
        final List<Double> bytesPerOp = new ArrayList<>();
        final Histogram latency = new Histogram(Replayer.MAX_LATENCY_NANOS, 3);
        long peakDirect;
        long ringResident;
        long lastPassNanos;
        Map<FallbackReason, Long> fallbacksBefore;

        Contender(NettyAllocator kind, Trace trace, int ringCapacity) {
            this.name = kind.paramName();
            this.allocator = kind.create(ringCapacity);
            this.replayer = new Replayer(trace, allocator, name);
            this.direct = new PeakSampler("direct-" + name,
                    ((ByteBufAllocatorMetricProvider) allocator).metric()::usedDirectMemory, 10);
        }

        void round(int repeat, boolean measured) {
            direct.reset();
            Replayer.Pass plain = replayer.pass(repeat, false);
            lastPassNanos = plain.nanos();
            long peak = direct.peak();
            Replayer.Pass timed = replayer.pass(repeat, true);
            if (measured) {
                opsPerSecond.add(plain.opsPerSecond());
                bytesPerOp.add(plain.bytesPerOp());
                latency.add(timed.latency());
                peakDirect = Math.max(peakDirect, peak);
                if (allocator instanceof RingByteBufAllocator) {
                    ringResident = Math.max(ringResident, ProcessMemory.ringResidentBytes());
                }
            }
        }

        Map<FallbackReason, Long> fallbacks() {
            Map<FallbackReason, Long> m = new EnumMap<>(FallbackReason.class);
            if (allocator instanceof RingByteBufAllocator) {
                for (FallbackReason r : FallbackReason.values()) {
                    m.put(r, ((RingByteBufAllocator) allocator).metric().fallbacks(r));
                }
            }
            return m;
        }

        ReplayReport.Row row(int passes) {
            Map<FallbackReason, Double> perPass = new EnumMap<>(FallbackReason.class);
            fallbacks().forEach((r, n) -> perPass.put(r, (n - fallbacksBefore.get(r)) / (double) passes));
            return new ReplayReport.Row(name, Median.of(opsPerSecond), Median.of(bytesPerOp), latency, peakDirect,
                    ringResident, perPass);
        }

        void close() {
            replayer.close();
            direct.close();
        }
    }

    private static ReplayReport measure(Args args, Trace trace, String summary, PrintStream out) {
        List<Contender> contenders = new ArrayList<>();
        try {
            for (NettyAllocator kind : args.allocators) {
                contenders.add(new Contender(kind, trace, args.ringCapacity));
            }
            Contender first = contenders.get(0);
            int repeat = calibrate(first.replayer, trace, args.passMillis);
            for (int round = 0; round < args.warmup + args.rounds; round++) {
                boolean measured = round >= args.warmup;
                if (round == args.warmup) {
                    // The warm-up's passes ran compiled code: size the measured passes from the last one.
                    repeat = args.warmup == 0 ? repeat : scale(trace, repeat, first.lastPassNanos, args.passMillis);
                    out.printf(Locale.ROOT, "One pass = the trace %d times over (%,d operations).%n", repeat,
                            repeat * trace.ops());
                    contenders.forEach(c -> c.fallbacksBefore = c.fallbacks());
                }
                StringBuilder line = new StringBuilder(measured ? "round " + (round - args.warmup + 1)
                        : "warm-up " + (round + 1)).append(':');
                for (int k = 0; k < contenders.size(); k++) {
                    Contender c = contenders.get((k + round) % contenders.size());
                    c.round(repeat, measured);
                    if (measured) {
                        line.append(String.format(Locale.ROOT, " %s %,.0f ops/s;", c.name,
                                c.opsPerSecond.get(c.opsPerSecond.size() - 1)));
                    }
                }
                out.println(line);
            }
            List<ReplayReport.Row> rows = new ArrayList<>();
            contenders.forEach(c -> rows.add(c.row(2 * args.rounds)));
            String settings = String.format(Locale.ROOT, "%n%nJVM %s %s, %d CPUs; ring capacity %,d bytes;"
                            + " %d rounds after %d warm-up; a pass is the trace %d times over.",
                    System.getProperty("java.vm.name"), System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors(), args.ringCapacity, args.rounds, args.warmup, repeat);
            return new ReplayReport("Replay of " + args.recording.getFileName(), summary + settings, rows);
        } finally {
            contenders.forEach(Contender::close);
        }
    }

    /**
     * How many times over one pass replays the trace to last about {@code passMillis}, from a pass that
     * replayed it {@code repeat} times in {@code nanos}; at most what keeps the step counters in int range.
     */
    private static int scale(Trace trace, int repeat, long nanos, int passMillis) {
        double wanted = repeat * (passMillis * 1e6 / Math.max(1, nanos));
        return (int) Math.max(1, Math.min(wanted, maxRepeat(trace)));
    }

    /** A first repeat count: doubled until a pass lasts a quarter of {@code passMillis} (the JIT warms up meanwhile). */
    private static int calibrate(Replayer replayer, Trace trace, int passMillis) {
        int repeat = 1;
        for (int i = 0; i < 30; i++) {
            long nanos = replayer.pass(repeat, false).nanos();
            if (nanos * 4 >= passMillis * 1_000_000L) {
                return scale(trace, repeat, nanos, passMillis);
            }
            repeat = Math.min(repeat * 2, maxRepeat(trace));
        }
        return repeat;
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
