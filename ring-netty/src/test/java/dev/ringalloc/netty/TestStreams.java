package dev.ringalloc.netty;

import java.io.InputStream;
import java.util.Arrays;

/** Input streams for the stream-transfer tests; neither allocates when read. */
final class TestStreams {

    private TestStreams() {
    }

    /** Hands out {@code data}, at most {@code perRead} bytes per read, then reports the end of the stream. */
    static final class Trickle extends InputStream {
        private final byte[] data;
        private final int perRead;
        private int position;

        Trickle(byte[] data, int perRead) {
            this.data = data;
            this.perRead = perRead;
        }

        @Override
        public int read() {
            return position < data.length ? data[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (position == data.length) {
                return -1;
            }
            int n = Math.min(len, Math.min(perRead, data.length - position));
            System.arraycopy(data, position, b, off, n);
            position += n;
            return n;
        }

        int position() {
            return position;
        }
    }

    /** Never ends: every read fills what it is asked for with one byte value, which changes from read to read. */
    static final class Endless extends InputStream {
        private byte next;

        @Override
        public int read() {
            return next++ & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            Arrays.fill(b, off, off + len, next++);
            return len;
        }
    }
}
