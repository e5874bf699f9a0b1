package dev.ringalloc.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the comparison runs: the short matrix (the main job, a few minutes on two cores) or the full one
 * (every benchmark's whole parameter matrix, with enough forks for the medians the targets ask for).
 */
public final class Plan {

    /**
     * One JMH run: one benchmark method with every parameter fixed.
     *
     * @param table      where its figures go
     * @param benchmark  the benchmark class
     * @param method     its method (for group benchmarks, the group)
     * @param params     every {@code @Param}, fixed
     * @param series     the series (allocator) it reports as
     * @param key        the row it reports as: a size in bytes, or the benchmark's row name
     * @param forks      forks to run
     * @param scoreLabel the secondary result to score ({@code produce} for the hand-off), or null for
     *                   the primary score
     */
    public record Config(TableSpec table, Class<?> benchmark, String method, Map<String, String> params,
                         String series, String key, int forks, String scoreLabel) {

        /** JMH's include pattern for exactly this method. */
        public String includePattern() {
            return "^" + Pattern.quote(benchmark.getName() + "." + method) + "$";
        }

        /** One line naming it, for progress output: {@code Class.method param=value ...}. */
        public String describe() {
            StringBuilder b = new StringBuilder(benchmark.getSimpleName()).append('.').append(method);
            params.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
            return b.toString();
        }
    }

    /** One JMH run of the {@link #schedule()}: one fork of {@code config}, as round {@code round} of {@link #rounds()}. */
    public record Run(Config config, int round) {

        /** The rounds of its configuration: one per fork. */
        public int rounds() {
            return config.forks();
        }
    }

    /** Allocator series in table order; the ring first. */
    public static final List<String> ALLOCATORS = List.of(NettyAllocator.ALL.split(","));
    /** The heap table of benchmark 1: each allocator's heap buffers. */
    public static final List<String> HEAP_ALLOCATORS = List.of("ringHeap", "pooledHeap", "adaptiveHeap", "unpooledHeap");
    /** Benchmark 7's allocators: the direct ones. */
    public static final List<String> MIXED_ALLOCATORS = List.of("ring", "pooled", "adaptive", "unpooledDirect");
    /** ring-core and the JVM's buffers, for RingAl's tables. */
    public static final List<String> IMPLS = List.of("ring", "byteArray", "heapByteBuffer", "byteArrayOutputStream");
    /** RingAl's rows. */
    public static final List<String> SCENARIOS =
            List.of("10M_64_64", "10M_1024_64", "10M_1024_1024", "1M_65536_64", "1M_131072_1024");

    private final List<Config> configs = new ArrayList<>();
    private final boolean full;

    private Plan(boolean full) {
        this.full = full;
    }

    /** The configurations, in run order. */
    public List<Config> configs() {
        return configs;
    }

    /** True for the full matrix. */
    public boolean full() {
        return full;
    }

    /**
     * Builds the plan. Each table, with its columns and targets, is declared by its benchmark.
     *
     * @param full          the whole matrix (true) or the short comparison (false)
     * @param forksOverride forks for every configuration, or 0 for the plan's own (short: 1; full: 5 for
     *                      benchmark 1 with its floor, for the two-thread hand-off and for benchmark 7, 3 for
     *                      the rest)
     */
    public static Plan build(boolean full, int forksOverride) {
        Plan p = new Plan(full);
        int forks = forksOverride > 0 ? forksOverride : full ? 3 : 1;
        // Benchmark 1's 2x targets, the hand-off's and benchmark 7's sit where one fork's spread (40-60 % on a
        // two-vCPU VM) flips the verdict: their medians take five rounds.
        int medianForks = forksOverride > 0 ? forksOverride : full ? 5 : 1;
        List<String> sizes = List.of("64", "1024", "16384", "65536");

        for (String window : full ? List.of("1", "64", "1024") : List.of("64")) {
            TableSpec t = ShortLivedBenchmark.table(window);
            for (String size : sizes) {
                for (String a : ALLOCATORS) {
                    p.add(t, ShortLivedBenchmark.class, "allocateWriteRelease", a, size, medianForks, null,
                            "allocator", a, "size", size, "window", window);
                }
                p.add(t, FloorBenchmark.class, "write", FloorBenchmark.SERIES, size, medianForks, null, "size", size,
                        "window", window);
            }
        }

        TableSpec heap = ShortLivedBenchmark.heapTable();
        for (String size : full ? List.of("64", "1024", "16384") : List.of("1024")) {
            for (String a : HEAP_ALLOCATORS) {
                String series = a.equals("unpooledHeap") ? a : a.substring(0, a.length() - "Heap".length());
                p.add(heap, ShortLivedBenchmark.class, "allocateWriteRelease", series, size, medianForks, null,
                        "allocator", a, "size", size, "window", "64");
            }
        }

        TableSpec cross = CrossThreadBenchmark.table();
        for (String size : full ? sizes : List.of("64", "1024")) {
            for (String a : ALLOCATORS) {
                p.add(cross, CrossThreadBenchmark.class, "handOff", a, size, medianForks, "produce",
                        "allocator", a, "size", size, "queue", "256");
            }
            p.add(cross, CrossThreadBenchmark.class, "handOff", CrossThreadBenchmark.BOUND, size, medianForks,
                    "produce", "allocator", CrossThreadBenchmark.BOUND, "size", size, "queue", "256");
        }

        TableSpec growth = GrowthBenchmark.table();
        for (String size : full ? sizes : List.of("1024", "16384")) {
            for (String a : ALLOCATORS) {
                p.add(growth, GrowthBenchmark.class, "allocateGrowRelease", a, size, forks, null,
                        "allocator", a, "size", size, "window", "64");
            }
        }

        for (String kind : List.of("fixed", "extendable")) {
            TableSpec t = RingAlTablesBenchmark.table(kind);
            for (String scenario : full ? SCENARIOS : List.of("10M_1024_64")) {
                for (String impl : IMPLS) {
                    p.add(t, RingAlTablesBenchmark.class, "iteration", impl, scenario, forks, null,
                            "scenario", scenario, "impl", impl, "kind", kind);
                }
            }
        }

        TableSpec echo = EchoBenchmark.table();
        for (String size : full ? List.of("64", "1024", "16384") : List.of("1024")) {
            for (String a : ALLOCATORS) {
                p.add(echo, EchoBenchmark.class, "echo", a, size, forks, null, "allocator", a, "size", size);
            }
        }

        // Benchmark 7 and its floor: short mode takes the framing sizes with 1 % long-lived and with the hand-off.
        for (String mix : full ? List.of("logUniform", "framing") : List.of("framing")) {
            TableSpec t = MixedWorkloadBenchmark.table(mix);
            for (String longLived : full ? List.of("0", "1", "5") : List.of("1")) {
                String key = MixedWorkloadBenchmark.key(Integer.parseInt(longLived));
                for (String a : MIXED_ALLOCATORS) {
                    p.add(t, MixedWorkloadBenchmark.class, "mix", a, key, medianForks, null,
                            "allocator", a, "sizes", mix, "longLivedPercent", longLived, "heapShare", "0");
                }
                p.add(t, MixedFloorBenchmark.class, "write", MixedFloorBenchmark.SERIES, key, medianForks, null,
                        "sizes", mix, "longLivedPercent", longLived);
            }
            for (String a : MIXED_ALLOCATORS) {
                p.add(t, MixedWorkloadBenchmark.class, "handOff", a, MixedWorkloadBenchmark.HAND_OFF, medianForks,
                        "produce", "allocator", a, "sizes", mix, "longLivedPercent", "0", "heapShare", "0");
            }
        }
        return p;
    }

    private void add(TableSpec table, Class<?> benchmark, String method, String series, String key, int forks,
                     String scoreLabel, String... params) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            map.put(params[i], params[i + 1]);
        }
        configs.add(new Config(table, benchmark, method, Collections.unmodifiableMap(map), series, key, forks,
                scoreLabel));
    }

    /**
     * The JMH runs, in order: one fork per run, in rounds. The consecutive configurations of one table and
     * key (the allocators compared at that size, with the floor where there is one) run one fork each per
     * round, round after round, so that whatever the machine does meanwhile falls on every allocator alike.
     * On a shared two-vCPU virtual machine the speed of the same code moves by tens of percent from one
     * minute to the next (the hypervisor placing the vCPUs, the neighbours' load): forks run one allocator
     * after the other would turn that drift into differences between allocators, while interleaved forks
     * give every allocator the same minutes, and the report compares them round by round
     * ({@link Report#ratio(Measurement, Measurement)}).
     */
    public List<Run> schedule() {
        List<Run> runs = new ArrayList<>();
        int i = 0;
        while (i < configs.size()) {
            Config first = configs.get(i);
            int end = i + 1;
            while (end < configs.size() && configs.get(end).table().equals(first.table())
                    && configs.get(end).key().equals(first.key())) {
                end++;
            }
            List<Config> block = configs.subList(i, end);
            int rounds = block.stream().mapToInt(Config::forks).max().orElse(1);
            for (int round = 1; round <= rounds; round++) {
                for (Config c : block) {
                    if (round <= c.forks()) {
                        runs.add(new Run(c, round));
                    }
                }
            }
            i = end;
        }
        return runs;
    }

    /** The distinct tables, in first-use order. */
    public List<TableSpec> tables() {
        List<TableSpec> tables = new ArrayList<>();
        for (Config c : configs) {
            if (!tables.contains(c.table())) {
                tables.add(c.table());
            }
        }
        return tables;
    }

    /** A copy keeping the configurations whose table id or description matches {@code regex}. */
    public Plan filter(String regex) {
        Pattern pattern = Pattern.compile(regex);
        Plan p = new Plan(full);
        for (Config c : configs) {
            if (pattern.matcher(c.table().id()).find() || pattern.matcher(c.describe()).find()) {
                p.configs.add(c);
            }
        }
        return p;
    }
}
