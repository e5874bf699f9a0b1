package dev.ringalloc.bench;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Memory as Linux reports it for this process: the resident set of the mappings whose path contains a
 * given name ({@code /proc/self/smaps}), and the process's whole resident set ({@code VmRSS} in
 * {@code /proc/self/status}). What a lazily committed mapping costs is what it has touched, which only the
 * operating system knows.
 *
 * <p>Benchmarks read it at the end of an iteration, where JMH's GC profiler still counts what they allocate:
 * so the files are read into one reused byte array and scanned byte by byte, with no object per line (a
 * JVM's smaps runs to hundreds of kilobytes of text). Not thread-safe: one caller at a time.
 */
public final class ProcMemory {

    /** What the path of this process's ring mappings contains: ring-core names them {@code ringalloc-<pid>-<n>}. */
    public static final String RING_MAPPINGS = "/ringalloc-" + ProcessHandle.current().pid() + "-";

    private static final byte[] RSS = "Rss:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VM_RSS = "VmRSS:".getBytes(StandardCharsets.US_ASCII);

    private static byte[] text = new byte[1 << 20];

    private ProcMemory() {
    }

    /**
     * Bytes resident in the mappings of this process whose path contains {@code pathPart}, or -1 if no
     * mapping's path contains it (or this is not Linux).
     */
    public static synchronized long residentBytes(String pathPart) {
        int length = read("/proc/self/smaps");
        return length < 0 ? -1 : residentBytes(text, length, pathPart.getBytes(StandardCharsets.US_ASCII));
    }

    /** Bytes resident in this process's ring mappings, or -1 if there are none. */
    public static long ringResidentBytes() {
        return residentBytes(RING_MAPPINGS);
    }

    /** The process's resident set ({@code VmRSS}) in bytes, or -1 if unknown. */
    public static synchronized long vmRssBytes() {
        int length = read("/proc/self/status");
        if (length < 0) {
            return -1;
        }
        for (int at = 0; at < length; at = lineEnd(text, at, length) + 1) {
            if (startsWith(text, at, length, VM_RSS)) {
                return kilobytes(text, at + VM_RSS.length, length) * 1024;
            }
        }
        return -1;
    }

    /**
     * The sum of the {@code Rss:} lines of the smaps entries in {@code smaps[0, length)} whose header line
     * contains {@code pathPart}, in bytes, or -1 if no header does. An entry is a header line (it starts
     * with the mapping's hexadecimal address range) followed by field lines ({@code Name: value}, names
     * starting with a capital letter).
     */
    static long residentBytes(byte[] smaps, int length, byte[] pathPart) {
        long kilobytes = 0;
        boolean any = false;
        boolean matching = false;
        for (int at = 0; at < length; ) {
            int end = lineEnd(smaps, at, length);
            byte first = smaps[at];
            if ((first >= '0' && first <= '9') || (first >= 'a' && first <= 'f')) {
                matching = indexOf(smaps, at, end, pathPart) >= 0;
                any |= matching;
            } else if (matching && startsWith(smaps, at, end, RSS)) {
                kilobytes += kilobytes(smaps, at + RSS.length, end);
            }
            at = end + 1;
        }
        return any ? kilobytes * 1024 : -1;
    }

    /** Reads {@code file} whole into {@link #text}, growing it as needed; its length, or -1. */
    private static int read(String file) {
        try (FileInputStream in = new FileInputStream(file)) {
            int length = 0;
            for (int n; (n = in.read(text, length, text.length - length)) > 0; ) {
                length += n;
                if (length == text.length) {
                    text = Arrays.copyOf(text, 2 * text.length);
                }
            }
            return length;
        } catch (IOException e) {
            return -1;
        }
    }

    private static int lineEnd(byte[] b, int from, int length) {
        int i = from;
        while (i < length && b[i] != '\n') {
            i++;
        }
        return i;
    }

    private static boolean startsWith(byte[] b, int from, int end, byte[] prefix) {
        if (end - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] b, int from, int end, byte[] part) {
        for (int i = from; i <= end - part.length; i++) {
            if (startsWith(b, i, end, part)) {
                return i;
            }
        }
        return -1;
    }

    /** The first decimal number in {@code b[from, ...)} on that line (a {@code kB} figure). */
    private static long kilobytes(byte[] b, int from, int length) {
        int i = from;
        while (i < length && b[i] != '\n' && (b[i] < '0' || b[i] > '9')) {
            i++;
        }
        long v = 0;
        while (i < length && b[i] >= '0' && b[i] <= '9') {
            v = v * 10 + (b[i++] - '0');
        }
        return v;
    }
}
