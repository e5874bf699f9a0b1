package dev.ringalloc.bench;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The JMH settings every benchmark here shares, in one place: throughput in ops/s, the default
 * warmup and measurement, and the forked JVM's arguments: a fixed heap (so heap growth does not pollute
 * the heap-buffer figures), {@link FastThreadExecutor} (benchmark threads are
 * {@code FastThreadLocalThread}s, as on Netty's event loops) and leak detection off (its sampling
 * wrappers would be garbage on every allocator's path). JMH resolves these annotations through the
 * superclass; a benchmark that needs a different fork count declares its own {@code @Fork}, which
 * replaces this one whole.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:MaxDirectMemorySize=2g",
        "-Djmh.executor=CUSTOM", "-Djmh.executor.class=dev.ringalloc.bench.FastThreadExecutor",
        "-Dio.netty.leakDetection.level=disabled"})
public abstract class EventLoopBenchmark {
}
