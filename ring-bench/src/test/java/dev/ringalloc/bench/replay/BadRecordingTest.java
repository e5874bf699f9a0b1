package dev.ringalloc.bench.replay;

import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** A recording the replay cannot use gets one line saying why, and exit code 2, before any replay. */
class BadRecordingTest {
    @TempDir
    Path dir;

    /** Runs the replay on {@code file}; asserts exit code 2, nothing on standard output, one line on standard error; returns it. */
    private static String rejected(Path file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Replay.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), file.toString(), "--out", file.getParent().toString());
        String message = err.toString(StandardCharsets.UTF_8);
        assertThat(code).isEqualTo(Replay.BAD_INPUT);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(message.strip()).startsWith("replay: ").doesNotContain("\n").doesNotContain("\tat ");
        return message;
    }

    @Test
    void aFileThatIsNotJfr() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.jfr"), "these are notes, not a flight recording\n");

        assertThat(rejected(file)).contains("is not a JFR recording");
    }

    @Test
    void aTruncatedRecording() throws Exception {
        byte[] whole = Files.readAllBytes(ShippedRecordingTest.recording());
        Path file = Files.write(dir.resolve("truncated.jfr"), Arrays.copyOf(whole, whole.length / 2));

        assertThat(rejected(file)).contains("is truncated or damaged");
    }

    @Test
    void aRecordingWithoutNettysBufferEvents() throws Exception {
        Path file = dir.resolve("no-netty.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.CPULoad");
            recording.start();
            recording.stop();
            recording.dump(file);
        }

        assertThat(rejected(file)).contains("holds no Netty buffer events").contains("netty-buffers.jfc");
    }

    @Test
    void aMissingFile() {
        assertThat(rejected(dir.resolve("missing.jfr"))).contains("no such file");
    }
}
