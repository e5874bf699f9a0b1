package dev.ringalloc.bench;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Figures a benchmark takes at the end of each iteration, outside its measured loop (latency percentiles,
 * memory the allocator reserved, what the operating system says is resident, fallbacks by reason), handed
 * to JMH as secondary results. The benchmark calls {@link #publish} from a {@code @TearDown(Level.Iteration)}
 * method; this profiler, which JMH runs in the benchmark's JVM, returns what was published when the
 * iteration ends (JMH tears the iteration down before it asks the profilers).
 *
 * <p>Use: {@code -prof dev.ringalloc.bench.IterationFigures}, or {@code addProfiler} (the comparison does).
 * A benchmark that publishes nothing gets nothing.
 */
public final class IterationFigures implements InternalProfiler {

    private static final Map<String, ScalarResult> PUBLISHED = new ConcurrentHashMap<>();

    /**
     * Publishes {@code value} as the secondary result {@code label} of the iteration that is ending.
     *
     * @param policy how JMH combines it over the iterations: {@code AVG} for rates and latencies,
     *               {@code MAX} for memory held
     */
    public static void publish(String label, double value, String unit, AggregationPolicy policy) {
        PUBLISHED.put(label, new ScalarResult(label, value, unit, policy));
    }

    @Override
    public String getDescription() {
        return "figures the benchmark published at the end of each iteration";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        PUBLISHED.clear();
    }

    @Override
    @SuppressWarnings("rawtypes") // the signature JMH's InternalProfiler declares
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
                                                       IterationParams iterationParams, IterationResult result) {
        List<ScalarResult> figures = new ArrayList<>(PUBLISHED.values());
        PUBLISHED.clear();
        return figures;
    }
}
