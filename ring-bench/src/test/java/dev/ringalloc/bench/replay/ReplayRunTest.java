package dev.ringalloc.bench.replay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole replay command, briefly, on the shipped recording: a row per allocator and the two files. */
class ReplayRunTest {
    @TempDir
    Path out;

    @Test
    void printsATableAndWritesMarkdownAndChart() throws Exception {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();

        int code = Replay.run(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8),
                ShippedRecordingTest.recording().toString(), "--allocators", "ring,pooled,adaptive",
                "--rounds", "1", "--warmup", "0", "--pass-ms", "5", "--out", out.toString());

        assertThat(stderr.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(code).isZero();
        String printed = stdout.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("| ring ", "| pooled ", "| adaptive ", "ring/pooled ", "Ring fallbacks per pass: TOO_LARGE");
        List<Path> written;
        try (Stream<Path> files = Files.walk(out)) {
            written = files.filter(Files::isRegularFile).collect(Collectors.toList());
        }
        assertThat(written).extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrder("replay.md", "replay.png");
    }

    @Test
    void bucketsArePowersOfTwo() {
        assertThat(Replay.bucket(0)).isEqualTo(1);
        assertThat(Replay.bucket(64)).isEqualTo(64);
        assertThat(Replay.bucket(65)).isEqualTo(128);
        assertThat(Replay.bucket(16384)).isEqualTo(16384);
    }
}
