package dev.ringalloc.bench.server;

import dev.ringalloc.bench.Compare;
import dev.ringalloc.bench.NettyAllocator;
import dev.ringalloc.bench.replay.Arguments;
import dev.ringalloc.bench.MarkdownTable;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import static dev.ringalloc.bench.replay.Arguments.value;

/**
 * End to end under a real load generator: the main class of {@code ring-bench/http-load.sh}. Starts the
 * {@link HttpServer} with each allocator in turn, in interleaved rounds (ring, pooled, adaptive, ring,
 * pooled, ...), drives it with wrk over loopback, and reports per allocator the median requests/s (and its
 * ratio to pooled and adaptive), wrk's p99 latency, the server's VmRSS, the most direct memory its
 * allocator's metric reported, the rings' resident memory (smaps) and, with {@code --profile}, the
 * allocator's share of the event loops' CPU samples (async-profiler, see {@link AllocatorCpuShare}).
 *
 * <p>Each run: a fresh server JVM, a wrk warm-up of {@code --warmup} seconds, a measured wrk run of
 * {@code --duration} seconds with {@code --latency}, then SIGTERM and the server's statistics line. Exit
 * code 2 if wrk is missing (with how to install it) or an argument is wrong.
 */
public final class HttpLoad {
    /**
     * async-profiler's sampling interval: 1 ms of CPU. At its default of 10 ms an event loop gives about 100 samples
     * a second, so an allocator share of 2 % in a 20 s run rests on some 40 samples; at 1 ms, on some 400.
     */
    private static final long PROFILE_INTERVAL_NANOS = 1_000_000;

    private static final String USAGE = String.join("\n",
            "Usage: ring-bench/http-load.sh [options]",
            "  --allocators LIST     default ring,pooled,adaptive",
            "  --rounds N            interleaved rounds (default 3)",
            "  --duration S          measured seconds of wrk per run (default 10)",
            "  --warmup S            wrk warm-up seconds per run, not measured (default 5)",
            "  --connections N       wrk connections (default 16)",
            "  --wrk-threads N       wrk threads (default 1)",
            "  --server-threads N    the server's event loops (default 1)",
            "  --body N|MIN-MAX      response body bytes (default 1024)",
            "  --tls  --gzip         HTTPS (JDK TLS, self-signed), gzip responses",
            "  --jvm-args \"ARGS\"     extra options for the server's JVM",
            "  --profile             the allocator's share of CPU samples, with async-profiler",
            "  --out DIR             results folder (default results)");

    /** Parsed command line. */
    static final class Args {
        List<NettyAllocator> allocators = List.of(NettyAllocator.RING, NettyAllocator.POOLED,
                NettyAllocator.ADAPTIVE);
        int rounds = 3;
        int duration = 10;
        int warmup = 5;
        int connections = 16;
        int wrkThreads = 1;
        int serverThreads = 1;
        String body = "1024";
        boolean tls;
        boolean gzip;
        List<String> jvmArgs = List.of();
        boolean profile;
        Path profiler;
        Path out = Paths.get("results");

        static Args parse(String... argv) {
            Args a = new Args();
            for (int i = 0; i < argv.length; i++) {
                String arg = argv[i];
                switch (arg) {
                    case "--allocators": a.allocators = Arguments.allocators(value(argv, ++i, arg)); break;
                    case "--rounds": a.rounds = Math.max(1, Arguments.size(value(argv, ++i, arg), arg)); break;
                    case "--duration": a.duration = Math.max(1, Arguments.size(value(argv, ++i, arg), arg)); break;
                    case "--warmup": a.warmup = Arguments.size(value(argv, ++i, arg), arg); break;
                    case "--connections": a.connections = Arguments.size(value(argv, ++i, arg), arg); break;
                    case "--wrk-threads": a.wrkThreads = Arguments.size(value(argv, ++i, arg), arg); break;
                    case "--server-threads": a.serverThreads = Arguments.size(value(argv, ++i, arg), arg); break;
                    case "--body": a.body = BodySize.parse(value(argv, ++i, arg)).toString(); break;
                    case "--tls": a.tls = true; break;
                    case "--gzip": a.gzip = true; break;
                    case "--jvm-args": a.jvmArgs = List.of(value(argv, ++i, arg).trim().split("\\s+")); break;
                    case "--profile": a.profile = true; break;
                    case "--async-profiler": a.profiler = Paths.get(value(argv, ++i, arg)); break;
                    case "--out": a.out = Paths.get(value(argv, ++i, arg)); break;
                    default: throw new IllegalArgumentException("unexpected argument '" + arg + "'");
                }
            }
            if (a.profile && (a.profiler == null || !Files.isRegularFile(a.profiler))) {
                throw new IllegalArgumentException("--profile: async-profiler's library not found at " + a.profiler
                        + " (http-load.sh unpacks it from Maven Central into ring-bench/target/async-profiler)");
            }
            return a;
        }
    }

    /** One run's figures. */
    private record Run(WrkOutput wrk, Map<String, String> stats, double allocatorCpuShare) {
        double stat(String key) {
            String v = stats.get(key);
            return v == null ? Double.NaN : Double.parseDouble(v);
        }
    }

    private HttpLoad() {
    }

    /** Runs the comparison; exits with its exit code. */
    public static void main(String[] argv) throws Exception {
        if (List.of(argv).contains("--help") || List.of(argv).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        Args args;
        try {
            args = Args.parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println("http-load: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (!wrkInstalled()) {
            System.err.println("http-load: wrk not found. Install it (Debian/Ubuntu: apt-get install -y wrk;"
                    + " macOS: brew install wrk) and run again.");
            System.exit(2);
            return;
        }
        Path dir = Arguments.runFolder(args.out);
        Files.createDirectories(dir);
        Map<String, List<Run>> runs = new LinkedHashMap<>();
        args.allocators.forEach(a -> runs.put(a.paramName(), new ArrayList<>()));
        for (int round = 1; round <= args.rounds; round++) {
            for (NettyAllocator allocator : args.allocators) {
                Run run = run(args, allocator, round, dir);
                runs.get(allocator.paramName()).add(run);
                System.out.printf(Locale.ROOT, "round %d %s: %s%n", round, allocator.paramName(), run.wrk());
            }
        }
        String report = report(args, runs);
        System.out.println();
        System.out.print(report);
        Files.write(dir.resolve("http-load.md"), report.getBytes(StandardCharsets.UTF_8));
        System.out.println("\nWrote " + dir.resolve("http-load.md"));
    }

    private static boolean wrkInstalled() {
        try {
            Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor();
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Run run(Args args, NettyAllocator allocator, int round, Path dir) throws Exception {
        List<String> jvm = new ArrayList<>(args.jvmArgs);
        Path profile = dir.resolve("profile-" + allocator.paramName() + "-" + round + ".collapsed");
        if (args.profile) {
            jvm.add("-agentpath:" + args.profiler.toAbsolutePath() + "=start,event=cpu,interval=" + PROFILE_INTERVAL_NANOS
                    + ",collapsed,threads,file=" + profile);
        }
        List<String> server = new ArrayList<>(List.of("--allocator", allocator.paramName(), "--port", "0",
                "--threads", String.valueOf(args.serverThreads), "--body", args.body));
        if (args.tls) {
            server.add("--tls");
        }
        if (args.gzip) {
            server.add("--gzip");
        }
        ServerProcess process = new ServerProcess(jvm, server);
        Map<String, String> stats;
        WrkOutput measured;
        try {
            String url = process.awaitUrl();
            if (args.warmup > 0) {
                wrk(args, url, args.warmup);
            }
            measured = wrk(args, url, args.duration);
        } finally {
            stats = process.stop();
        }
        double share = Double.NaN;
        if (args.profile && Files.isRegularFile(profile)) {
            try (Reader in = Files.newBufferedReader(profile, StandardCharsets.UTF_8)) {
                share = AllocatorCpuShare.of(in);
            }
        }
        return new Run(measured, stats, share);
    }

    private static WrkOutput wrk(Args args, String url, int seconds) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("wrk", "-t", String.valueOf(args.wrkThreads),
                "-c", String.valueOf(args.connections), "-d", seconds + "s", "--latency"));
        if (args.gzip) {
            command.addAll(List.of("-H", "Accept-Encoding: gzip"));
        }
        command.add(url);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return WrkOutput.parse(output);
    }

    private static String report(Args args, Map<String, List<Run>> runs) {
        List<String> headers = new ArrayList<>(List.of("allocator", "req/s", "vs pooled", "vs adaptive", "p99 ms",
                "VmRSS MiB", "peak direct MiB", "ring RSS MiB"));
        if (args.profile) {
            headers.add("allocator CPU %");
        }
        MarkdownTable table = new MarkdownTable(headers.toArray(new String[0]));
        for (Map.Entry<String, List<Run>> e : runs.entrySet()) {
            List<Run> r = e.getValue();
            double rps = median(r, run -> run.wrk().requestsPerSecond());
            List<String> row = new ArrayList<>(List.of(e.getKey(), String.format(Locale.ROOT, "%,.0f", rps),
                    ratio(rps, runs.get("pooled")), ratio(rps, runs.get("adaptive")),
                    String.format(Locale.ROOT, "%.2f", median(r, run -> run.wrk().p99Millis())),
                    mib(median(r, run -> run.stat("vmRss"))), mib(max(r, "peakDirectMemory")),
                    mib(max(r, "ringResident"))));
            if (args.profile) {
                row.add(String.format(Locale.ROOT, "%.1f", 100 * median(r, Run::allocatorCpuShare)));
            }
            table.row(row.toArray(new String[0]));
        }
        long errors = runs.values().stream().flatMap(List::stream).mapToLong(run -> run.wrk().errors()).sum();
        return String.format(Locale.ROOT, "# HTTP load: %s%n%nwrk -t%d -c%d, %d s measured after %d s warm-up per run;"
                        + " server: %d event loop(s), body %s bytes%s%s; %d interleaved rounds, medians (peak"
                        + " direct and ring RSS: the largest). JVM %s, %d CPUs: load generator and server share them,"
                        + " so figures from a small machine are noisy.%s%n%n",
                String.join(", ", runs.keySet()), args.wrkThreads, args.connections, args.duration, args.warmup,
                args.serverThreads, args.body, args.tls ? ", TLS" : "", args.gzip ? ", gzip" : "", args.rounds,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                errors > 0 ? " wrk counted " + errors + " failed requests." : "") + table;
    }

    private static double median(List<Run> runs, ToDoubleFunction<Run> figure) {
        List<Double> values = new ArrayList<>();
        runs.forEach(r -> values.add(figure.applyAsDouble(r)));
        return Compare.median(values);
    }

    private static double max(List<Run> runs, String stat) {
        return runs.stream().mapToDouble(r -> r.stat(stat)).max().orElse(Double.NaN);
    }

    private static String ratio(double value, List<Run> baseline) {
        return baseline == null ? "-" : String.format(Locale.ROOT, "%.2f\u00d7",
                value / median(baseline, run -> run.wrk().requestsPerSecond()));
    }

    private static String mib(double bytes) {
        return Double.isNaN(bytes) ? "-" : String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0));
    }
}
