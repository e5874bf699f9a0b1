package dev.ringalloc.bench;

import io.netty.util.concurrent.FastThreadLocalThread;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JMH executor of every benchmark here: a fixed pool of {@link FastThreadLocalThread}s, the kind of
 * thread Netty's event loops run on.
 *
 * <p>Why: Netty's pooled and adaptive allocators keep their per-thread caches, and {@code Recycler} its
 * per-thread pools, only (or best) on {@code FastThreadLocalThread}s that clean up their fast
 * thread-locals. Plain JMH worker threads would put both allocators on their slow path and flatter the
 * ring. ring-netty keeps one ring per such thread, too.
 *
 * <p>JMH 1.37 instantiates it by reflection when the forked VM runs with
 * {@code -Djmh.executor=CUSTOM -Djmh.executor.class=dev.ringalloc.bench.FastThreadExecutor}; it needs the
 * public {@code (int maxThreads, String prefix)} constructor. The {@code @Fork} of {@link EventLoopBenchmark} (and of CrossThreadBenchmark) passes
 * those two properties.
 */
public final class FastThreadExecutor extends ThreadPoolExecutor {

    /**
     * Called by JMH.
     *
     * @param maxThreads the benchmark's thread count
     * @param prefix     the benchmark's name, used for the thread names
     */
    public FastThreadExecutor(int maxThreads, String prefix) {
        super(maxThreads, maxThreads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), factory(prefix));
    }

    /**
     * Fails unless the calling thread is a {@link FastThreadLocalThread}: benchmarks call it in their
     * setup, so a run without the custom executor (which would flatter the ring) cannot go unnoticed.
     *
     * @throws IllegalStateException naming the JVM options that are missing
     */
    public static void requireFastThreadLocalThread() {
        if (!(Thread.currentThread() instanceof FastThreadLocalThread)) {
            throw new IllegalStateException("benchmark thread '" + Thread.currentThread().getName()
                    + "' is not a FastThreadLocalThread: run the forked JVM with -Djmh.executor=CUSTOM"
                    + " -Djmh.executor.class=" + FastThreadExecutor.class.getName());
        }
    }

    private static ThreadFactory factory(String prefix) {
        AtomicInteger count = new AtomicInteger();
        String base = shortName(prefix);
        return runnable -> {
            // This constructor wraps the task so the thread cleans up its fast thread-locals on exit,
            // which is what Netty's allocators check before they trust a thread cache to be freed.
            Thread thread = new FastThreadLocalThread(null, runnable, base + "-ftl-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static String shortName(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return "jmh-worker";
        }
        int dot = prefix.lastIndexOf('.', prefix.lastIndexOf('.') - 1);
        return dot < 0 ? prefix : prefix.substring(dot + 1);
    }
}
