package dev.ringalloc.netty;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocalThread;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/** Helpers shared by the ring-netty tests. */
final class TestSupport {

    private TestSupport() {
    }

    /** The RingByteBuf under leak-detection wrappers, or null if {@code buf} is not a ring buffer. */
    static RingByteBuf ringBuf(ByteBuf buf) {
        for (ByteBuf b = buf; b != null; b = b.unwrap()) {
            if (b instanceof RingByteBuf) {
                return (RingByteBuf) b;
            }
        }
        return null;
    }

    /** True if {@code buf} is a ring buffer whose memory is a ring region (not fallback memory). */
    static boolean inRing(ByteBuf buf) {
        RingByteBuf ring = ringBuf(buf);
        return ring != null && ring.isInRing();
    }

    /** Runs {@code task} on a new FastThreadLocalThread (it cleans up its thread-locals at exit), waits for it. */
    static <T> T onFastThread(Callable<T> task) throws Exception {
        return onThread(true, task);
    }

    /** Runs {@code task} on a new plain thread, waits for its end. */
    static <T> T onPlainThread(Callable<T> task) throws Exception {
        return onThread(false, task);
    }

    private static <T> T onThread(boolean fast, Callable<T> task) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable body = () -> {
            try {
                result.set(task.call());
            } catch (Throwable t) {
                failure.set(t);
            }
        };
        Thread t = fast ? new FastThreadLocalThread(body, "ring-test-fast") : new Thread(body, "ring-test-plain");
        t.start();
        t.join();
        Throwable f = failure.get();
        if (f instanceof Exception) {
            throw (Exception) f;
        }
        if (f instanceof Error) {
            throw (Error) f;
        }
        return result.get();
    }
}
