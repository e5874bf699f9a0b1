package dev.ringalloc.bench.replay;

import org.junit.jupiter.api.Test;

import java.io.StringReader;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessMemoryTest {
    private static final String SMAPS = String.join("\n",
            "55f29692e000-55f296930000 r--p 00000000 fe:00 260386                     /usr/bin/java",
            "Size:                  8 kB",
            "Rss:                   8 kB",
            "7f0000000000-7f0000400000 rw-s 00000000 00:1a 1234                       /dev/shm/ringalloc-42-0 (deleted)",
            "Size:               4096 kB",
            "Rss:                 132 kB",
            "Pss:                 132 kB",
            "7f0000400000-7f0000800000 rw-p 00000000 00:00 0 ",
            "Rss:                4096 kB",
            "7f0000800000-7f0000c00000 rw-s 00000000 00:1a 1235                       /dev/shm/ringalloc-42-1 (deleted)",
            "Rss:                  12 kB",
            "VmFlags: rd wr sh mr mw me ms sd",
            "");

    @Test
    void ringResidentBytesSumsTheRssOfTheRingMappingsOnly() throws Exception {
        assertThat(ProcessMemory.ringResidentBytes(new StringReader(SMAPS))).isEqualTo((132 + 12) * 1024L);
    }

    @Test
    void noRingMappingMeansZero() throws Exception {
        String withoutRings = SMAPS.replace("ringalloc", "other");

        assertThat(ProcessMemory.ringResidentBytes(new StringReader(withoutRings))).isZero();
    }

    @Test
    void vmRssIsReadFromStatus() throws Exception {
        String status = "Name:\tjava\nVmPeak:\t 9000 kB\nVmRSS:\t  123456 kB\nThreads:\t20\n";

        assertThat(ProcessMemory.vmRss(new StringReader(status))).isEqualTo(123456 * 1024L);
    }

    @Test
    void thisProcessHasAResidentSetOnLinux() {
        if (System.getProperty("os.name").startsWith("Linux")) {
            assertThat(ProcessMemory.residentBytes()).isPositive();
        }
    }
}
