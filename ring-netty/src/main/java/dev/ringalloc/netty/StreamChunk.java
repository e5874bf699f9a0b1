package dev.ringalloc.netty;

import io.netty.util.concurrent.FastThreadLocal;

/**
 * A per-thread array through which direct {@link RingByteBuf}s copy to and from streams, so that a stream transfer
 * allocates nothing: it starts at 8 KiB and grows with the largest transfer, up to {@value #MAX_BYTES} bytes;
 * a larger one gets an array of its own for that call (as Netty's own direct buffers do beyond their cached
 * array). Each thread uses only its own array, within one call.
 */
final class StreamChunk {

    private static final int MIN_BYTES = 8192;
    private static final int MAX_BYTES = 64 << 10;

    private static final FastThreadLocal<byte[]> CHUNK = new FastThreadLocal<byte[]>() {
        @Override
        protected byte[] initialValue() {
            return new byte[MIN_BYTES];
        }
    };

    private StreamChunk() {
    }

    /** An array of at least {@code length} bytes, or of at least 8 KiB for a transfer done in pieces. */
    static byte[] get(int length) {
        byte[] chunk = CHUNK.get();
        if (length <= chunk.length) {
            return chunk;
        }
        if (length > MAX_BYTES) {
            return new byte[length];
        }
        chunk = new byte[Math.max(length, Math.min(2 * chunk.length, MAX_BYTES))];
        CHUNK.set(chunk);
        return chunk;
    }
}
