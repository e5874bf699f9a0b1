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
 * A JMH profiler that reports the direct memory the benchmark's process holds at the end of each
 * iteration, as the secondary result {@value #LABEL} in MiB (the largest over the iterations).
 *
 * <p>It adds the JDK's "direct" buffer pool ({@code ByteBuffer.allocateDirect}: the ring's memory, and
 * Netty's buffers when Netty uses cleaner-backed buffers) and Netty's own counter of the direct memory it
 * allocates without a cleaner ({@code PlatformDependent.usedDirectMemory()}, when Netty uses that mode).
 * Each byte is counted by exactly one of the two. Taken after the iteration, while the benchmark still
 * holds its buffers in flight: it is the allocators' footprint under the load, not a peak.
 *
 * <p>Use: {@code -prof dev.ringalloc.bench.DirectMemoryProfiler}, or {@code addProfiler} (the comparison
 * does).
 */
public final class DirectMemoryProfiler implements InternalProfiler {
    /** Name of the secondary result. */
    public static final String LABEL = "direct.used";

    private static final double MIB = 1024.0 * 1024.0;

    @Override
    public String getDescription() {
        return "direct memory held after each iteration (JDK direct pool + Netty's no-cleaner counter), MiB";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        // Nothing: the figure is a level, read after the iteration.
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
                                                       IterationParams iterationParams, IterationResult result) {
        return List.of(new ScalarResult(LABEL, usedBytes() / MIB, "MiB", AggregationPolicy.MAX));
    }

    /** Direct bytes in use now: JDK direct pool plus Netty's no-cleaner counter. */
    public static long usedBytes() {
        long jdk = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if ("direct".equals(pool.getName())) {
                jdk += Math.max(0, pool.getMemoryUsed());
            }
        }
        long netty = PlatformDependent.usedDirectMemory();
        return jdk + Math.max(0, netty);
    }
}
