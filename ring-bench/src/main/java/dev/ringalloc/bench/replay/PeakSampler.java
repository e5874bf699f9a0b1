package dev.ringalloc.bench.replay;

import java.util.function.LongSupplier;

/**
 * The largest value a gauge (such as direct memory in use) took since the last {@link #reset()}, sampled
 * by a daemon thread every few milliseconds. Reading the gauge must be cheap and allocate nothing.
 */
public final class PeakSampler implements AutoCloseable {
    private final LongSupplier gauge;
    private final Thread thread;
    private volatile long peak;

    /** Starts sampling {@code gauge} every {@code periodMillis} ms. */
    public PeakSampler(String name, LongSupplier gauge, long periodMillis) {
        this.gauge = gauge;
        this.peak = gauge.getAsLong();
        this.thread = new Thread(() -> sample(periodMillis), name);
        thread.setDaemon(true);
        thread.start();
    }

    private void sample(long periodMillis) {
        while (!Thread.currentThread().isInterrupted()) {
            long now = gauge.getAsLong();
            if (now > peak) {
                peak = now; // only this thread raises it; a reset racing with it loses at most one sample
            }
            try {
                Thread.sleep(periodMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Starts a new peak from the gauge's value now. */
    public void reset() {
        peak = gauge.getAsLong();
    }

    /** The peak since the last reset, including the gauge's value now. */
    public long peak() {
        return Math.max(peak, gauge.getAsLong());
    }

    /** Stops sampling. */
    @Override
    public void close() {
        thread.interrupt();
    }
}
