package dev.ringalloc.bench.replay;

import dev.ringalloc.bench.Compare;
import dev.ringalloc.bench.NettyAllocator;
import dev.ringalloc.netty.FallbackReason;
import dev.ringalloc.netty.RingByteBufAllocator;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
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
 *                      [--warmup 3] [--pass-ms 300] [--ring-capacity 4m] [--out results]
 * </pre>
 *
 * <p>It reads the recording into a {@link Trace} ({@link RecordingReader}) and prints what it holds; then
 * each round starts, for every allocator in turn (the first one rotating from round to round), one
 * {@link ReplayFork}: a JVM that replays the trace against that allocator alone (one replay thread per
 * recorded thread, see {@link Replayer}), warms up, and measures one untimed and one timed pass of about
 * {@code --pass-ms} each. It prints and writes the medians over the rounds ({@link ReplayReport}) under
 * {@code results/<timestamp>/}. Exit code 2, with a one-line message, for a bad recording or bad arguments.
 */
public final class Replay {
    /** Exit code for a recording or arguments the replay cannot use. */
    public static final int BAD_INPUT = 2;

    private static final String USAGE = String.join("\n",
            "Usage: ring-bench/replay.sh RECORDING.jfr [options]",
            "  --allocators LIST    allocators to compare (default ring,pooled,adaptive,unpooledDirect)",
            "  --rounds N           measured rounds (default 5)",
            "  --warmup N           warm-up pass pairs in each fork, not reported (default 3)",
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
        int warmup = 3;
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
        ReplayReport report;
        try {
            report = measure(args, summary, out);
        } catch (IOException | InterruptedException | IllegalStateException e) {
            err.println("replay: " + e.getMessage());
            return 1;
        }
        out.println();
        out.print(report.markdown());
        Path dir = Arguments.runFolder(args.out);
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

    private static ReplayReport measure(Args args, String summary, PrintStream out)
            throws IOException, InterruptedException {
        Map<NettyAllocator, List<ReplayFork.Result>> results = new LinkedHashMap<>();
        args.allocators.forEach(a -> results.put(a, new ArrayList<>()));
        out.printf(Locale.ROOT, "%n%d rounds; each round one JVM per allocator: %d warm-up pass pairs, then one"
                + " untimed and one timed pass of about %d ms.%n", args.rounds, args.warmup, args.passMillis);
        for (int round = 0; round < args.rounds; round++) {
            StringBuilder line = new StringBuilder("round " + (round + 1) + ":");
            for (int k = 0; k < args.allocators.size(); k++) {
                NettyAllocator kind = args.allocators.get((k + round) % args.allocators.size());
                ReplayFork.Result r = fork(args, kind);
                results.get(kind).add(r);
                line.append(String.format(Locale.ROOT, " %s %,.0f ops/s;", kind.paramName(), r.opsPerSecond()));
            }
            out.println(line);
        }
        List<ReplayReport.Row> rows = new ArrayList<>();
        results.forEach((kind, forks) -> rows.add(row(kind, forks)));
        String settings = String.format(Locale.ROOT, "%n%nJVM %s %s, %d CPUs; ring capacity %,d bytes; %d rounds"
                        + " of one JVM per allocator, %d warm-up pass pairs, passes of about %d ms.",
                System.getProperty("java.vm.name"), System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), args.ringCapacity, args.rounds, args.warmup,
                args.passMillis);
        return new ReplayReport("Replay of " + args.recording.getFileName(), summary + settings, rows);
    }

    /** One allocator's figures over its forks: medians, the merged latency, the largest memory figures. */
    private static ReplayReport.Row row(NettyAllocator kind, List<ReplayFork.Result> forks) {
        List<Double> opsPerSecond = new ArrayList<>();
        List<Double> bytesPerOp = new ArrayList<>();
        Histogram latency = new Histogram(Replayer.MAX_LATENCY_NANOS, 3);
        long peakDirect = 0;
        long ringResident = 0;
        Map<FallbackReason, Double> fallbacks = new EnumMap<>(FallbackReason.class);
        for (ReplayFork.Result r : forks) {
            opsPerSecond.add(r.opsPerSecond());
            bytesPerOp.add(r.bytesPerOp());
            latency.add(r.latency());
            peakDirect = Math.max(peakDirect, r.peakDirect());
            ringResident = Math.max(ringResident, r.ringResident());
            for (FallbackReason reason : FallbackReason.values()) {
                fallbacks.merge(reason, r.fallbacks()[reason.ordinal()] / forks.size(), Double::sum);
            }
        }
        return new ReplayReport.Row(kind.paramName(), Compare.median(opsPerSecond), Compare.median(bytesPerOp), latency,
                peakDirect, ringResident, kind == NettyAllocator.RING ? fallbacks : Map.of());
    }

    /** Runs one {@link ReplayFork} JVM for {@code kind} and returns its figures. */
    private static ReplayFork.Result fork(Args args, NettyAllocator kind) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // This JVM's heap and system properties, not its agents, debugger or flight recording.
            if ((option.startsWith("-D") || option.startsWith("-X")) && !option.contains("FlightRecord")
                    && !option.startsWith("-Xrun") && !option.startsWith("-Xdebug")) {
                command.add(option);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ReplayFork.class.getName(),
                args.recording.toAbsolutePath().toString(), kind.paramName(), String.valueOf(args.ringCapacity),
                String.valueOf(args.passMillis), String.valueOf(args.warmup)));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        for (String line : output.split("\n")) {
            if (line.startsWith(ReplayFork.RESULT)) {
                return ReplayFork.Result.decode(line.substring(ReplayFork.RESULT.length()));
            }
        }
        throw new IllegalStateException("the " + kind.paramName() + " fork failed (exit code " + code + "): "
                + output.trim());
    }
}
