package dev.ringalloc.bench;

import io.netty.buffer.ByteBuf;

/**
 * Buffers in flight, released oldest first: the life cycle benchmarks 1, 3 and 7 give their buffers, like
 * the per-read and per-message buffers of a server. Call {@link #releaseOldest()} before allocating a
 * buffer and {@link #add(ByteBuf)} after, so an allocator can reuse what was just released.
 * Single-threaded, like the benchmark thread that owns it.
 */
final class Window {

    private final ByteBuf[] inFlight;
    private int next;

    /** @param size buffers in flight, at least 1 */
    Window(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("window must hold at least one buffer, got " + size);
        }
        inFlight = new ByteBuf[size];
    }

    /** Releases the oldest buffer if the window is full. */
    void releaseOldest() {
        ByteBuf oldest = inFlight[next];
        if (oldest != null) {
            oldest.release();
        }
    }

    /** Puts {@code buf} in the slot {@link #releaseOldest()} emptied. */
    void add(ByteBuf buf) {
        int i = next;
        inFlight[i] = buf;
        next = i + 1 == inFlight.length ? 0 : i + 1;
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
