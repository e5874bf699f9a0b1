package dev.ringalloc.bench.replay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.regex.Pattern;

/**
 * This process's resident memory as Linux reports it under {@code /proc/self}: the whole process
 * ({@code VmRSS}) and the rings' share of it.
 *
 * <p>The rings' share is the sum of the {@code Rss:} lines of the {@code /proc/self/smaps} mappings whose
 * path contains {@value #RING_MAPPING}: ring-core maps each ring as {@code /dev/shm/ringalloc-<pid>-<n>
 * (deleted)}, so only the pages a ring has touched count, which the JDK's direct-memory counters cannot
 * tell. While rings live in plain {@code ByteBuffer.allocateDirect} memory no mapping matches and the
 * figure is 0. Off Linux both figures are 0.
 */
public final class ProcessMemory {
    /** What a ring's mapping path contains. */
    public static final String RING_MAPPING = "ringalloc";

    private static final Path SMAPS = Paths.get("/proc/self/smaps");
    private static final Path STATUS = Paths.get("/proc/self/status");
    /** A mapping's header line: {@code start-end perms offset dev inode [path]}. */
    private static final Pattern MAPPING_HEADER = Pattern.compile("^[0-9a-f]+-[0-9a-f]+ .*");

    private ProcessMemory() {
    }

    /** Resident bytes of the rings' mappings now; 0 if there are none or smaps cannot be read. */
    public static long ringResidentBytes() {
        return read(SMAPS, true);
    }

    /** The process's resident set ({@code VmRSS}) in bytes; 0 if it cannot be read. */
    public static long residentBytes() {
        return read(STATUS, false);
    }

    private static long read(Path file, boolean smaps) {
        if (!Files.isReadable(file)) {
            return 0;
        }
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            return smaps ? ringResidentBytes(in) : vmRss(in);
        } catch (IOException e) {
            return 0;
        }
    }

    /** Sum of the {@code Rss:} of the mappings in {@code smaps} whose path contains {@value #RING_MAPPING}. */
    static long ringResidentBytes(Reader smaps) throws IOException {
        BufferedReader in = new BufferedReader(smaps);
        long total = 0;
        boolean ring = false;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (MAPPING_HEADER.matcher(line).matches()) {
                ring = line.contains(RING_MAPPING);
            } else if (ring && line.startsWith("Rss:")) {
                total += kilobytes(line);
            }
        }
        return total;
    }

    /** The {@code VmRSS:} of a {@code /proc/<pid>/status} text, in bytes. */
    static long vmRss(Reader status) throws IOException {
        BufferedReader in = new BufferedReader(status);
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.startsWith("VmRSS:")) {
                return kilobytes(line);
            }
        }
        return 0;
    }

    /** Bytes of a {@code Name:   1234 kB} line. */
    private static long kilobytes(String line) {
        String[] fields = line.trim().split("\\s+");
        return Long.parseLong(fields[1]) * 1024;
    }
}
