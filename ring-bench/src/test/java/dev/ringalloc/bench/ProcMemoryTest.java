package dev.ringalloc.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ProcMemoryTest {
    private static final String SMAPS = String.join("\n",
            "7f0000000000-7f0000400000 rw-s 00000000 00:1a 4242      /dev/shm/ringalloc-77-0 (deleted)",
            "Size:               4096 kB",
            "Rss:                 128 kB",
            "Pss:                 128 kB",
            "VmFlags: rd wr sh mr mw me ms sd",
            "7f0000400000-7f0000800000 rw-p 00000000 00:00 0 ",
            "Size:               4096 kB",
            "Rss:                4096 kB",
            "7f0000800000-7f0000c00000 rw-s 00000000 00:1a 4243      /dev/shm/ringalloc-77-1 (deleted)",
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
    void seesOnlyThePagesOfALazilyCommittedMappingThatWereTouched() throws IOException {
        assumeTrue(Files.isReadable(Paths.get("/proc/self/smaps")) && Files.isDirectory(Paths.get("/dev/shm")));
        String name = "ringalloc-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Path file = Paths.get("/dev/shm", name);
        int size = 4 << 20;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE)) {
            MappedByteBuffer memory = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            Files.deleteIfExists(file); // as the ring's memory will be: "/dev/shm/ringalloc-<pid>-<n> (deleted)"

            assertThat(ProcMemory.residentBytes(name)).as("mapped, nothing touched").isZero();
            for (int page = 0; page < 16; page++) {
                memory.put(page * 4096, (byte) 1);
            }
            assertThat(ProcMemory.residentBytes(name)).as("16 pages touched of 1024").isEqualTo(16 * 4096L);
            assertThat(ProcMemory.residentBytes(MixedWorkloadBenchmark.RING_MAPPING)).as("what benchmark 7 reads")
                    .isGreaterThanOrEqualTo(16 * 4096L);
        }
    }

    @Test
    void readsTheProcesssResidentSet() {
        assumeTrue(Files.isReadable(Paths.get("/proc/self/status")));

        assertThat(ProcMemory.vmRssBytes()).isGreaterThan(1 << 20);
    }
}
