package dev.ringalloc.bench;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The main job: runs the allocator comparison through JMH and reports it.
 *
 * <pre>
 * java -jar ring-bench/target/benchmarks.jar            # short comparison, a few minutes
 * java -jar ring-bench/target/benchmarks.jar --full     # the whole matrix, more than an hour
 * </pre>
 *
 * <p>It runs each configuration of the {@link Plan} as its own JMH run (with the GC profiler, for
 * {@code gc.alloc.rate.norm}, and {@link DirectMemoryProfiler}): one fork per JMH run, the forks of the
 * allocators compared at one size interleaved round by round ({@link Plan#schedule()}); it prints one progress line per run,
 * then prints the tables (allocator × size: ops/s, ratio to pooled, B/op, direct memory, and each table's
 * own columns) and the targets the benchmarks declare, and writes the same as {@code compare.md},
 * {@code compare.png} and {@code compare.csv} under {@code results/<timestamp>/}.
 *
 * <p>Options: {@code --full}; {@code --only REGEX} (table ids such as {@code shortLived}, {@code crossThread},
 * {@code growth}, {@code ringal}, {@code echo}, {@code mixed}, or any part of a configuration's description);
 * {@code --forks N}; {@code --warmup N} and {@code --iterations N} (count), {@code --time MS} (each);
 * {@code --jvm JAVA_HOME} (the JDK the benchmarks fork on); {@code --out DIR}; {@code --verbose} (JMH's own
 * output); {@code --list} (print the plan and stop).
 * For raw JMH: {@code java -cp ring-bench/target/benchmarks.jar org.openjdk.jmh.Main -prof gc ...}.
 */
public final class Compare {

    /** Parsed command line. */
    static final class Args {
        boolean full;
        boolean verbose;
        boolean list;
        boolean help;
        String only;
        String jvm;
        int forks;
        int warmup = -1;
        int iterations = -1;
        int timeMillis = -1;
        String out = "results";

        static Args parse(String... argv) {
            Args a = new Args();
            for (int i = 0; i < argv.length; i++) {
                String arg = argv[i];
                switch (arg) {
                    case "--full": a.full = true; break;
                    case "--verbose": a.verbose = true; break;
                    case "--list": a.list = true; break;
                    case "-h": case "--help": a.help = true; break;
                    case "--only": a.only = value(argv, ++i, arg); break;
                    case "--out": a.out = value(argv, ++i, arg); break;
                    case "--jvm": a.jvm = value(argv, ++i, arg); break;
                    case "--forks": a.forks = positive(argv, ++i, arg); break;
                    case "--warmup": a.warmup = Integer.parseInt(value(argv, ++i, arg)); break;
                    case "--iterations": a.iterations = positive(argv, ++i, arg); break;
                    case "--time": a.timeMillis = positive(argv, ++i, arg); break;
                    default: throw new IllegalArgumentException("unknown option '" + arg + "' (try --help)");
                }
            }
            return a;
        }

        private static String value(String[] argv, int i, String option) {
            if (i >= argv.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return argv[i];
        }

        private static int positive(String[] argv, int i, String option) {
            int v = Integer.parseInt(value(argv, i, option));
            if (v <= 0) {
                throw new IllegalArgumentException(option + " must be positive, got " + v);
            }
            return v;
        }

        int warmupIterations() {
            return warmup >= 0 ? warmup : full ? 3 : 2;
        }

        TimeValue warmupTime() {
            return TimeValue.milliseconds(timeMillis > 0 ? timeMillis : full ? 1000 : 500);
        }

        int measurementIterations() {
            return iterations > 0 ? iterations : full ? 5 : 3;
        }

        TimeValue measurementTime() {
            return TimeValue.milliseconds(timeMillis > 0 ? timeMillis : full ? 1000 : 500);
        }
    }

    private static final String USAGE = String.join("\n",
            "usage: java -jar ring-bench/target/benchmarks.jar [--full] [--only REGEX] [--forks N]",
            "           [--warmup N] [--iterations N] [--time MS] [--jvm JAVA_HOME] [--out DIR] [--verbose] [--list]",
            "  (default) short comparison: a few minutes on two cores",
            "  --full    every benchmark's whole matrix (5 forks for benchmarks 1, 2 and 7, 3 for the rest)",
            "  --only    keep configurations whose table id or description matches REGEX,",
            "            e.g. shortLived, crossThread, growth, ringal, echo, mixed, 'allocator=ring'",
            "  --jvm     the JDK (its JAVA_HOME) the benchmarks fork on; default: this JVM",
            "  --out     results folder (default: results); each run writes a timestamped subfolder",
            "  --list    print the plan and stop",
            "Raw JMH: java -cp ring-bench/target/benchmarks.jar org.openjdk.jmh.Main -prof gc <regex>");

    private Compare() {
    }

    /** Runs the comparison. */
    public static void main(String[] argv) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Args args;
        try {
            args = Args.parse(argv);
            featureVersion(args.jvm); // a --jvm that is no JDK fails here, not in every run
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (args.help) {
            System.out.println(USAGE);
            return;
        }
        Plan plan = Plan.build(args.full, args.forks);
        if (args.only != null) {
            plan = plan.filter(args.only);
        }
        List<Plan.Config> configs = plan.configs();
        if (args.list || configs.isEmpty()) {
            for (Plan.Config c : configs) {
                System.out.println(c.table().id() + "  " + c.describe() + "  forks=" + c.forks());
            }
            System.out.println(configs.size() + " configurations");
            return;
        }

        String stamp = LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path outDir = Paths.get(args.out, stamp);
        System.out.printf(Locale.ROOT, "%s comparison: %d configurations, warmup %d × %s, measurement %d × %s%n",
                args.full ? "Full" : "Short", configs.size(), args.warmupIterations(), args.warmupTime(),
                args.measurementIterations(), args.measurementTime());

        List<Plan.Run> schedule = plan.schedule();
        // Forks of each configuration so far (they arrive one round at a time); a configuration
        // is reduced to its measurement after its last round, and dropped at its first failure.
        Map<Plan.Config, List<BenchmarkResult>> forksSoFar = new HashMap<>();
        Map<Plan.Config, Measurement> measured = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        String forkedJvm = null;
        long started = System.nanoTime();
        int n = 0;
        for (Plan.Run r : schedule) {
            Plan.Config c = r.config();
            n++;
            if (!forksSoFar.containsKey(c) && r.round() > 1) {
                continue; // failed in an earlier round
            }
            String round = r.rounds() > 1 ? " (round " + r.round() + "/" + r.rounds() + ")" : "";
            System.out.printf(Locale.ROOT, "[%d/%d] %s%s ... ", n, schedule.size(), c.describe(), round);
            System.out.flush();
            try {
                List<BenchmarkResult> forks = forksSoFar.computeIfAbsent(c, k -> new ArrayList<>());
                RunResult result = run(c, args);
                forks.addAll(result.getBenchmarkResults());
                BenchmarkParams params = result.getParams();
                forkedJvm = params.getVmName() + " " + params.getVmVersion() + " (JDK " + params.getJdkVersion()
                        + ", " + params.getJvm() + ")";
                if (r.round() == r.rounds()) {
                    Measurement m = reduce(c, forks);
                    measured.put(c, m);
                    System.out.printf(Locale.ROOT, "%s ops/s, %s B/op%s%n", Report.ops(m.opsPerSec()),
                            Report.bytes(m.bytesPerOp()), r.rounds() > 1 ? " (median of " + forks.size() + " forks)" : "");
                } else {
                    Measurement m = reduce(c, forks.subList(forks.size() - 1, forks.size()));
                    System.out.printf(Locale.ROOT, "%s ops/s%n", Report.ops(m.opsPerSec()));
                }
            } catch (RunnerException | RuntimeException e) {
                String why = rootMessage(e);
                failures.add(c.describe() + ": " + why);
                forksSoFar.remove(c);
                System.out.println("FAILED: " + why);
            }
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        // In plan order, whatever order the runs took.
        List<Measurement> measurements = new ArrayList<>();
        for (Plan.Config c : configs) {
            if (measured.containsKey(c)) {
                measurements.add(measured.get(c));
            }
        }

        Report report = new Report(plan.tables(), measurements);
        System.out.println(report.toText());
        if (!failures.isEmpty()) {
            System.out.println("Failed configurations:");
            failures.forEach(f -> System.out.println("  " + f));
        }

        List<String> preamble = new ArrayList<>(environment(args, seconds, forkedJvm));
        if (!failures.isEmpty()) {
            preamble.add("");
            preamble.add("**Failed configurations:**");
            preamble.add("");
            failures.forEach(f -> preamble.add("- " + f));
        }
        Files.createDirectories(outDir);
        Path md = outDir.resolve("compare.md");
        Path png = outDir.resolve("compare.png");
        Path csv = outDir.resolve("compare.csv");
        Files.writeString(md, report.toMarkdown("ringalloc comparison " + stamp + " UTC", preamble),
                StandardCharsets.UTF_8);
        ChartWriter.write(report, "ringalloc " + stamp + " UTC, " + (args.full ? "full" : "short") + " run", png);
        Files.writeString(csv, toCsv(measurements), StandardCharsets.UTF_8);
        System.out.println("Wrote " + md + ", " + png + ", " + csv + " (" + seconds + " s)");
        if (!failures.isEmpty()) {
            System.exit(1);
        }
    }

    /**
     * JVM flags every fork gets on the JDK of feature version {@code feature}. On 24 and later, JMH 1.37 itself
     * calls {@code sun.misc.Unsafe.objectFieldOffset} (org.openjdk.jmh.util.Utils), which prints a deprecation
     * warning in every fork unless Unsafe memory access is allowed. So the forks allow it, and switch off
     * Unsafe in Netty ({@code io.netty.noUnsafe}) and in ringalloc ({@code dev.ringalloc.noUnsafe}): Netty 4.2
     * already defaults to noUnsafe on Java 25+, and ringalloc uses no Unsafe on 24+ unless it is allowed, so
     * this is what a default JDK 25 user runs, minus JMH's warning.
     */
    static List<String> forkFlags(int feature) {
        return feature >= 24 ? List.of("--sun-misc-unsafe-memory-access=allow", "-Dio.netty.noUnsafe=true",
                "-Ddev.ringalloc.noUnsafe=true") : List.of();
    }

    /**
     * The feature version (17, 25, ...) of the JDK at {@code javaHome}, from its {@code release} file, or of
     * this JVM if {@code javaHome} is null.
     *
     * @throws IllegalArgumentException if {@code javaHome} has no readable {@code release} file naming one
     */
    static int featureVersion(String javaHome) {
        if (javaHome == null) {
            return Runtime.version().feature();
        }
        try {
            for (String line : Files.readAllLines(Paths.get(javaHome, "release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring(line.indexOf('=') + 1).replace("\"", "");
                    return Runtime.Version.parse(v.startsWith("1.") ? v.substring(2) : v).feature();
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("--jvm " + javaHome + ": not a JDK (no readable release file)", e);
        }
        throw new IllegalArgumentException("--jvm " + javaHome + ": its release file names no JAVA_VERSION");
    }

    /** Runs one fork of one configuration through JMH. */
    static RunResult run(Plan.Config c, Args args) throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(c.includePattern())
                .forks(1)
                .warmupIterations(args.warmupIterations())
                .warmupTime(args.warmupTime())
                .measurementIterations(args.measurementIterations())
                .measurementTime(args.measurementTime())
                .addProfiler(GCProfiler.class)
                .addProfiler(DirectMemoryProfiler.class)
                .addProfiler(IterationFigures.class)
                // Set, not inherited: JMH would otherwise give the forks this JVM's own flags (a JDK 17 fork
                // cannot take a JDK 25 host's). The @Fork's jvmArgsAppend still follows.
                .jvmArgs(forkFlags(featureVersion(args.jvm)).toArray(new String[0]))
                .shouldFailOnError(true)
                .verbosity(args.verbose ? VerboseMode.NORMAL : VerboseMode.SILENT);
        if (args.jvm != null) {
            options.jvm(Paths.get(args.jvm, "bin", "java").toString());
        }
        for (Map.Entry<String, String> p : c.params().entrySet()) {
            options.param(p.getKey(), p.getValue());
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        if (results.size() != 1) {
            throw new IllegalStateException("expected one JMH result, got " + results.size()
                    + " (did the benchmark fail? rerun with --verbose)");
        }
        return results.iterator().next();
    }

    /**
     * Reduces the forks of one configuration to a {@link Measurement}: medians over forks of the score (or
     * the {@code scoreLabel} secondary result), {@code gc.alloc.rate.norm} and {@code direct.used}.
     */
    @SuppressWarnings("rawtypes") // JMH's result API is raw
    static Measurement reduce(Plan.Config c, Collection<BenchmarkResult> forkResults) {
        List<BenchmarkResult> forks = new ArrayList<>(forkResults);
        double[] scores = new double[forks.size()];
        double[] norms = new double[forks.size()];
        double[] direct = new double[forks.size()];
        Map<String, double[]> figures = new TreeMap<>();
        for (int i = 0; i < forks.size(); i++) {
            BenchmarkResult fork = forks.get(i);
            Map<String, Result> secondary = fork.getSecondaryResults();
            double total = fork.getPrimaryResult().getScore();
            double score = c.scoreLabel() == null ? total : scoreOf(secondary, c.scoreLabel());
            scores[i] = score;
            // The GC profiler divides by all operations of the run; for a group that is producer plus
            // consumer operations, so scale it to bytes per scored operation.
            norms[i] = scoreOf(secondary, "gc.alloc.rate.norm") * (total / score);
            direct[i] = scoreOf(secondary, DirectMemoryProfiler.LABEL);
            for (String label : secondary.keySet()) {
                figures.computeIfAbsent(label, k -> nans(forks.size()))[i] = scoreOf(secondary, label);
            }
        }
        double median = median(scores);
        double spread;
        if (scores.length > 1) {
            spread = (max(scores) - min(scores)) / median;
        } else {
            // One fork: the spread of its measured iterations.
            List<Double> its = new ArrayList<>();
            for (BenchmarkResult fork : forks) {
                for (IterationResult it : fork.getIterationResults()) {
                    Result r = c.scoreLabel() == null ? it.getPrimaryResult()
                            : it.getSecondaryResults().get(c.scoreLabel());
                    if (r != null) {
                        its.add(r.getScore());
                    }
                }
            }
            double[] v = its.stream().mapToDouble(Double::doubleValue).toArray();
            spread = v.length > 1 ? (max(v) - min(v)) / median(v) : Double.NaN;
        }
        Map<String, Double> medians = new TreeMap<>();
        figures.forEach((label, perFork) -> medians.put(label, median(perFork)));
        return new Measurement(c.table().id(), c.series(), c.key(), spread, median(norms), median(direct),
                Arrays.stream(scores).boxed().toList(), medians);
    }

    private static double[] nans(int n) {
        double[] v = new double[n];
        Arrays.fill(v, Double.NaN);
        return v;
    }

    @SuppressWarnings("rawtypes") // JMH's result API is raw
    private static double scoreOf(Map<String, Result> results, String label) {
        Result r = results.get(label);
        return r == null ? Double.NaN : r.getScore();
    }

    /** Median of the non-NaN values, or NaN if none: a figure a noisy round or fork cannot drag. */
    public static double median(double[] values) {
        double[] v = Arrays.stream(values).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** {@link #median(double[])} of a list. */
    public static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
    }

    /** The measurements as CSV, one row per configuration; its secondary figures as {@code label=value;...}. */
    static String toCsv(List<Measurement> measurements) {
        StringBuilder b = new StringBuilder(
                "table,series,key,ops_per_s,spread,bytes_per_op,direct_mib,forks,fork_ops_per_s,figures\n");
        for (Measurement m : measurements) {
            String rounds = m.forkScores().stream().map(score -> String.format(Locale.ROOT, "%.1f", score))
                    .collect(Collectors.joining(";"));
            String figures = new TreeMap<>(m.figures()).entrySet().stream()
                    .map(f -> String.format(Locale.ROOT, "%s=%.6g", f.getKey(), f.getValue()))
                    .collect(Collectors.joining(";"));
            b.append(String.format(Locale.ROOT, "%s,%s,%s,%.1f,%.4f,%.3f,%.2f,%d,%s,%s%n", m.table(), m.series(),
                    m.key(), m.opsPerSec(), m.spread(), m.bytesPerOp(), m.directMiB(), m.forks(), rounds, figures));
        }
        return b.toString();
    }

    /** Lines describing the machine and the run, for the markdown file. */
    static List<String> environment(Args args, long seconds, String forkedJvm) {
        List<String> lines = new ArrayList<>();
        lines.add("- Mode: " + (args.full ? "full matrix" : "short comparison") + "; warmup "
                + args.warmupIterations() + " × " + args.warmupTime() + ", measurement "
                + args.measurementIterations() + " × " + args.measurementTime() + "; forks per plan"
                + (args.forks > 0 ? " (overridden: " + args.forks + ")" : "") + "; took " + seconds + " s");
        lines.add("- Machine: " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " CPUs, "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        List<String> flags = forkFlags(featureVersion(args.jvm));
        lines.add("- JVM: benchmarks on " + (forkedJvm != null ? forkedJvm : "(no run)") + ", -Xms2g -Xmx2g"
                + " -XX:MaxDirectMemorySize=2g" + (flags.isEmpty() ? "" : " " + String.join(" ", flags))
                + ", FastThreadLocalThread workers, leak detection off; comparison on "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        lines.add("- Netty: " + nettyVersion() + "; ring: ring-netty's RingByteBufAllocator, rings sized to each"
                + " benchmark's bytes in flight (runs where its fallback served over 1 % of direct requests fail)");
        lines.add("- Scores: operations per second, median of the forks' means. The forks of one row run"
                + " interleaved, one per allocator per round; a ratio against the table's baseline, and the"
                + " ns above the floor, are the median over rounds of that round's figure (each round's forks ran"
                + " within seconds of each other). B/op = gc.alloc.rate.norm; direct MiB = direct memory held"
                + " during an iteration; ± = (max − min) / median of the forks' means, or of the iterations with one fork.");
        return lines;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch") + " CPU";
    }

    private static String nettyVersion() {
        try {
            return io.netty.util.Version.identify().values().stream()
                    .filter(v -> v.artifactId().equals("netty-buffer"))
                    .map(io.netty.util.Version::artifactVersion)
                    .findFirst().orElse("unknown");
        } catch (RuntimeException e) {
            return "unknown";
        }
    }
}
