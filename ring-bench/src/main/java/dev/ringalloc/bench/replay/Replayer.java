package dev.ringalloc.bench.replay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.HdrHistogram.Histogram;

import java.lang.management.ManagementFactory;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Replays a {@link Trace} against one allocator: one long-lived {@link FastThreadLocalThread} per recorded
 * thread (like an event loop, so the allocators' thread caches and the ring's per-thread ring live across
 * passes), each performing its thread's operations in order, as fast as it can.
 *
 * <p>An operation on a buffer that another thread allocated, resized or will free waits (yielding) until
 * that buffer's previous operation has happened: the per-buffer step counter in {@link #steps} orders
 * them, and publishes the buffer from one thread to the next. The recorded order is a total order in
 * time, so these waits cannot deadlock. Same-thread operations never wait.
 *
 * <p>Not thread-safe: one coordinating thread calls {@link #pass} and {@link #close}.
 */
public final class Replayer implements AutoCloseable {
    /** Longest operation the latency histogram can hold; longer ones are recorded as this. */
    public static final long MAX_LATENCY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /**
     * The figures of one pass.
     *
     * @param ops            operations performed (allocations, resizes and frees)
     * @param nanos          wall time from the start of the first replay thread to the end of the last
     * @param allocatedBytes heap bytes the replay threads allocated (ThreadMXBean)
     * @param latency        every operation's latency in ns, or null for an untimed pass
     */
    public record Pass(long ops, long nanos, long allocatedBytes, Histogram latency) {
        /** Operations per second. */
        public double opsPerSecond() {
            return ops * 1e9 / nanos;
        }

        /** Heap bytes allocated per operation. */
        public double bytesPerOp() {
            return (double) allocatedBytes / ops;
        }
    }

    private final Trace trace;
    private final ByteBufAllocator allocator;
    private final Worker[] workers;
    private final CyclicBarrier start;
    private final CyclicBarrier end;
    private final ByteBuf[] buffers;
    private final AtomicIntegerArray steps;

    // Written by the coordinator before the start barrier, read by workers after it.
    private int repeat;
    private boolean timed;
    private boolean closed;
    private volatile Throwable failure;

    /** Starts one replay thread per program of {@code trace}, named after {@code name}; they wait for {@link #pass}. */
    public Replayer(Trace trace, ByteBufAllocator allocator, String name) {
        this.trace = trace;
        this.allocator = allocator;
        this.buffers = new ByteBuf[trace.buffers()];
        this.steps = new AtomicIntegerArray(trace.buffers());
        int n = trace.programs().size();
        this.start = new CyclicBarrier(n + 1);
        this.end = new CyclicBarrier(n + 1);
        this.workers = new Worker[n];
        for (int i = 0; i < n; i++) {
            workers[i] = new Worker(trace.programs().get(i));
            Thread thread = new FastThreadLocalThread(null, workers[i], "replay-" + name + "-" + i);
            thread.setDaemon(true);
            thread.start();
        }
    }

    /**
     * Replays the trace {@code repeat} times over (the repetitions follow each other per buffer, not as a
     * whole: a thread may start the next while another finishes this one) and returns the figures.
     *
     * @param timed whether to time every operation into {@link Pass#latency()} (costs two clock reads each)
     * @throws IllegalStateException if a replay thread failed
     */
    public Pass pass(int repeat, boolean timed) {
        this.repeat = repeat;
        this.timed = timed;
        for (int i = 0; i < steps.length(); i++) {
            steps.set(i, 0);
        }
        await(start);
        await(end);
        if (failure != null) {
            throw new IllegalStateException("replay thread failed: " + failure, failure);
        }
        long allocated = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        Histogram latency = timed ? new Histogram(MAX_LATENCY_NANOS, 3) : null;
        for (Worker w : workers) {
            allocated += w.allocatedBytes;
            first = Math.min(first, w.startNanos);
            last = Math.max(last, w.endNanos);
            if (latency != null) {
                latency.add(w.latency);
            }
        }
        return new Pass(repeat * trace.ops(), Math.max(1, last - first), allocated, latency);
    }

    /** Ends the replay threads. */
    @Override
    public void close() {
        closed = true;
        await(start);
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (BrokenBarrierException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One replay thread: its program, and its figures of the last pass. */
    private final class Worker implements Runnable {
        private final Trace.Program program;
        private final Histogram latency = new Histogram(MAX_LATENCY_NANOS, 3);
        private long allocatedBytes;
        private long startNanos;
        private long endNanos;

        Worker(Trace.Program program) {
            this.program = program;
        }

        @Override
        public void run() {
            while (true) {
                await(start);
                if (closed) {
                    return;
                }
                long before = THREADS.getCurrentThreadAllocatedBytes();
                latency.reset();
                // Each thread times itself: the coordinator may be scheduled back only after the pass.
                startNanos = System.nanoTime();
                try {
                    play(timed ? latency : null);
                } catch (Throwable t) {
                    if (failure == null) { // keep the first cause, not the others' "another thread failed"
                        failure = t;
                    }
                }
                endNanos = System.nanoTime();
                allocatedBytes = THREADS.getCurrentThreadAllocatedBytes() - before;
                await(end);
            }
        }

        private void play(Histogram h) {
            Trace.Program p = program;
            int length = p.length();
            for (int r = 0; r < repeat; r++) {
                for (int i = 0; i < length; i++) {
                    int buffer = p.buffer()[i];
                    int step = r * trace.opsOn(buffer) + p.step()[i];
                    while (steps.get(buffer) != step) {
                        awaitOtherThread();
                    }
                    if (h == null) {
                        execute(p.kind()[i], buffer, p.size()[i], p.maxCapacity()[i]);
                    } else {
                        long t0 = System.nanoTime();
                        execute(p.kind()[i], buffer, p.size()[i], p.maxCapacity()[i]);
                        h.recordValue(Math.min(System.nanoTime() - t0, MAX_LATENCY_NANOS));
                    }
                    steps.lazySet(buffer, step + 1);
                }
            }
        }

        private void awaitOtherThread() {
            if (failure != null) {
                throw new IllegalStateException("another replay thread failed");
            }
            Thread.yield();
        }

        private void execute(byte kind, int buffer, int size, int maxCapacity) {
            switch (kind) {
                case Trace.ALLOCATE_DIRECT:
                    buffers[buffer] = allocator.directBuffer(size, maxCapacity);
                    break;
                case Trace.ALLOCATE_HEAP:
                    buffers[buffer] = allocator.heapBuffer(size, maxCapacity);
                    break;
                case Trace.RESIZE:
                    buffers[buffer].capacity(size);
                    break;
                default:
                    buffers[buffer].release();
                    buffers[buffer] = null;
            }
        }
    }
}
