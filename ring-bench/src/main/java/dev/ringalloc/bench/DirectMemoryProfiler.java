package dev.ringalloc.bench;

import io.netty.util.internal.PlatformDependent;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;

/**
 * A JMH profiler that reports the most direct memory the benchmark's process held during each
 * iteration, as the secondary result {@value #LABEL} in MiB (the largest over the iterations).
 *
 * <p>A daemon thread samples every {@value #SAMPLE_MILLIS} ms throughout the run (reading two
 * counters: cheap next to the benchmark). It adds the JDK's "direct" buffer pool
 * ({@code ByteBuffer.allocateDirect}: Netty's buffers when Netty uses cleaner-backed buffers, a ring where it
 * cannot be mapped), its "mapped" pool (a mapped ring's whole reserved capacity: its resident pages are what
 * benchmark 7 reads from the operating system) and Netty's own counter of the direct memory it allocates
 * without a cleaner ({@code PlatformDependent.usedDirectMemory()}, when Netty uses that mode); each byte is
 * counted by exactly one of them. Sampling during the iteration matters: JMH tears the benchmark state down
 * before the profilers see the end of the last iteration.
 *
 * <p>Use: {@code -prof dev.ringalloc.bench.DirectMemoryProfiler}, or {@code addProfiler} (the comparison
 * does).
 */
public final class DirectMemoryProfiler implements InternalProfiler {
    /** Name of the secondary result. */
    public static final String LABEL = "direct.used";
    /** Sampling period. */
    public static final int SAMPLE_MILLIS = 10;

    private static final double MIB = 1024.0 * 1024.0;

    private static final BufferPoolMXBean JDK_DIRECT = pool("direct");
    private static final BufferPoolMXBean JDK_MAPPED = pool("mapped");

    private volatile long peak;
    private Thread sampler;

    @Override
    public String getDescription() {
        return "peak direct memory during each iteration (JDK direct and mapped pools + Netty's no-cleaner counter), MiB";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        peak = usedBytes();
        if (sampler == null) {
            // One sampler for the whole run; it allocates nothing while sampling, so it does not show in
            // the GC profiler's allocation figures.
            sampler = new Thread(this::sample, "direct-memory-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }
    }

    private void sample() {
        while (true) {
            long now = usedBytes();
            if (now > peak) {
                peak = now;
            }
            try {
                Thread.sleep(SAMPLE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    @SuppressWarnings("rawtypes") // the signature JMH's InternalProfiler declares
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
                                                       IterationParams iterationParams, IterationResult result) {
        long now = usedBytes();
        long max = Math.max(peak, now);
        return List.of(new ScalarResult(LABEL, max / MIB, "MiB", AggregationPolicy.MAX));
    }

    private static BufferPoolMXBean pool(String name) {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (name.equals(pool.getName())) {
                return pool;
            }
        }
        return null;
    }

    /** Direct bytes in use now: the JDK's direct and mapped pools plus Netty's no-cleaner counter. */
    public static long usedBytes() {
        return used(JDK_DIRECT) + used(JDK_MAPPED) + Math.max(0, PlatformDependent.usedDirectMemory());
    }

    private static long used(BufferPoolMXBean pool) {
        return pool == null ? 0 : Math.max(0, pool.getMemoryUsed());
    }
}
