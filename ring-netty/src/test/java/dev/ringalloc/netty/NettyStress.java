package dev.ringalloc.netty;

import static dev.ringalloc.core.StressSupport.directMemoryUsed;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Helpers of the Netty-level soak, thread-death and overload tests; the direct-memory reading, the soak
 * duration and the report are ring-core's {@link dev.ringalloc.core.StressSupport}.
 */
final class NettyStress {

    /** Random bytes; a buffer's content is a slice of it, so a check is one range comparison. */
    static final byte[] PATTERN = new byte[256 * 1024];

    static {
        new SplittableRandom(7).nextBytes(PATTERN);
    }

    private NettyStress() {
    }

    /**
     * Lets earlier tests' unreachable direct buffers be collected first, so that their memory is not
     * given back in the middle of a test's readings of the direct-memory figure.
     */
    static void settleGarbage() throws InterruptedException {
        long last = -1;
        for (int i = 0; i < 20; i++) {
            System.gc();
            Thread.sleep(10);
            long now = directMemoryUsed();
            if (now == last) {
                return;
            }
            last = now;
        }
    }

    /** Writes PATTERN[offset, offset + length) into buf. */
    static void fill(ByteBuf buf, int offset, int length) {
        buf.writeBytes(PATTERN, offset, length);
    }

    /** True if buf's readable bytes are exactly PATTERN[offset, offset + length). */
    static boolean intact(ByteBuf buf, int offset, int length) {
        if (buf.readableBytes() != length) {
            return false;
        }
        byte[] copy = new byte[length];
        buf.getBytes(buf.readerIndex(), copy);
        return Arrays.equals(copy, 0, length, PATTERN, offset, offset + length);
    }

    /** True if buf is a ring buffer whose memory is a ring region. */
    /**
     * True when this JVM gives a released direct buffer of {@code allocator} back at once. On JDK 24+ without Unsafe
     * Netty cannot (it has no way to run a buffer's cleaner), and the memory waits for a garbage collection.
     */
    static boolean freesReleasedDirectMemoryAtOnce(io.netty.buffer.ByteBufAllocator allocator)
            throws InterruptedException {
        settleGarbage();
        long before = directMemoryUsed();
        allocator.directBuffer(1 << 20).release();
        return directMemoryUsed() - before < (1 << 20);
    }

    /** The JDK's direct-memory figure once collections have run every pending cleaner. */
    static long directMemoryAfterCollection() throws InterruptedException {
        settleGarbage();
        return directMemoryUsed();
    }

    static boolean inRing(ByteBuf buf) {
        return TestSupport.inRing(buf);
    }
}
