package dev.ringalloc.netty;

import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs a main class in a child JVM of this test JVM's Java, with this class path unless told otherwise. */
final class ChildJvm {

    record Result(String out, String err) {
    }

    private ChildJvm() {
    }

    static Result run(List<String> jvmOptions, Class<?> main) throws Exception {
        return run(System.getProperty("java.class.path"), jvmOptions, main);
    }

    /** Runs {@code main}, waits for it (2 minutes at most), checks it exited 0, and returns its output. */
    static Result run(String classPath, List<String> jvmOptions, Class<?> main) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath));
        if (Runtime.version().feature() >= 24
                && io.netty.util.Version.identify().get("netty-common").artifactVersion().startsWith("4.1.")) {
            // Netty 4.1 itself uses Unsafe on JDK 24+ unless told not to (4.2 does not by default): see NoWarningTest.
            command.add("-Dio.netty.noUnsafe=true");
        }
        command.addAll(jvmOptions);
        command.add(main.getName());
        Process p = new ProcessBuilder(command).start();
        // Read both streams before waiting: a child that fills a pipe would block.
        byte[][] err = new byte[1][];
        Thread errReader = new Thread(() -> {
            try {
                err[0] = p.getErrorStream().readAllBytes();
            } catch (java.io.IOException e) {
                err[0] = new byte[0];
            }
        });
        errReader.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("the child finished").isTrue();
        errReader.join();
        String errText = new String(err[0], StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("exit code; stdout:%n%s%nstderr:%n%s", out, errText).isZero();
        return new Result(out, errText);
    }
}
