package dev.ringalloc.bench;

import io.netty.buffer.ByteBuf;

/**
 * Buffers in flight, released oldest first: the life cycle benchmarks 1 and 3 give their buffers, like
 * the per-read and per-message buffers of a server. Call {@link #releaseOldest()} before allocating a
 * buffer and {@link #add(ByteBuf)} after, so an allocator can reuse what was just released.
 * Single-threaded, like the benchmark thread that owns it.
 */
final class Window {

    private final ByteBuf[] inFlight;
    private final int mask;
    private int next;

    /** @param size buffers in flight, a power of two */
    Window(int size) {
        if (Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("window must be a power of two, got " + size);
        }
        inFlight = new ByteBuf[size];
        mask = size - 1;
    }

    /** Releases the oldest buffer if the window is full. */
    void releaseOldest() {
        ByteBuf oldest = inFlight[next & mask];
        if (oldest != null) {
            oldest.release();
        }
    }

    /** Puts {@code buf} in the slot {@link #releaseOldest()} emptied. */
    void add(ByteBuf buf) {
        inFlight[next++ & mask] = buf;
    }

    /** Releases everything still in flight. */
    void releaseAll() {
        for (int i = 0; i < inFlight.length; i++) {
            if (inFlight[i] != null) {
                inFlight[i].release();
                inFlight[i] = null;
            }
        }
    }
}
