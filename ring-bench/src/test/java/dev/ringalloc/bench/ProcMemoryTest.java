package dev.ringalloc.bench;

import org.junit.jupiter.api.Test;

import dev.ringalloc.core.Ring;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ProcMemoryTest {
    private static final String SMAPS = String.join("\n",
            "7f0000000000-7f0000400000 rw-p 00000000 00:1a 4242      /tmp/ringalloc-77-0 (deleted)",
            "Size:               4096 kB",
            "Rss:                 128 kB",
            "Pss:                 128 kB",
            "VmFlags: rd wr sh mr mw me ms sd",
            "7f0000400000-7f0000800000 rw-p 00000000 00:00 0 ",
            "Size:               4096 kB",
            "Rss:                4096 kB",
            "7f0000800000-7f0000c00000 rw-p 00000000 00:1a 4243      /tmp/ringalloc-77-1 (deleted)",
            "Rss:                  64 kB",
            "55d0c0a00000-55d0c0a01000 r--p 00000000 fe:00 12   /usr/bin/java",
            "Rss:                   4 kB");

    private static long resident(String text, String part) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        return ProcMemory.residentBytes(b, b.length, part.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void sumsTheRssOfTheEntriesWhosePathMatches() {
        assertThat(resident(SMAPS, "ringalloc")).isEqualTo((128 + 64) * 1024L);
        assertThat(resident(SMAPS, "/usr/bin/java")).isEqualTo(4 * 1024L);
        assertThat(resident(SMAPS, "jemalloc")).as("no such mapping").isEqualTo(-1);
        assertThat(resident("", "ringalloc")).isEqualTo(-1);
    }

    @Test
    void aRingIsResidentOnlyWhereItsBuffersHaveBeen() {
        assumeTrue(Files.isReadable(Paths.get("/proc/self/smaps")));
        Ring ring = Ring.allocate(4 << 20, Integer.MAX_VALUE);
        assumeTrue(ring.memoryKind().equals("mapped"), "ring memory is mapped here (Linux, tmpdir on a local disk)");
        try {
            long before = ProcMemory.ringResidentBytes();
            assertThat(before).as("reserved 4 MiB, resident: the first and last page (the guards)")
                    .isLessThanOrEqualTo(2 * 4096L);
            long handle = ring.tryAllocate(64 << 10);
            ByteBuffer memory = ring.memory();
            for (int i = 0; i < (64 << 10); i += 8) {
                memory.putLong(Ring.payloadOffset(handle) + i, i);
            }
            assertThat(ProcMemory.ringResidentBytes() - before).as("64 KiB written")
                    .isBetween(64L << 10, (64L << 10) + 2 * 4096);
            ring.release(handle);
        } finally {
            ring.retire();
        }
    }

    @Test
    void readsTheProcesssResidentSet() {
        assumeTrue(Files.isReadable(Paths.get("/proc/self/status")));

        assertThat(ProcMemory.vmRssBytes()).isGreaterThan(1 << 20);
    }
}
