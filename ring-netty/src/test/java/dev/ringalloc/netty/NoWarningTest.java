package dev.ringalloc.netty;

import io.netty.util.Version;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The library prints nothing on the JVM's standard error, JDK 24+ included, where any use of
 * {@code sun.misc.Unsafe}'s memory access (even {@code objectFieldOffset} or {@code invokeCleaner}) prints a
 * deprecation warning unless the JVM allows it. A child JVM runs {@link QuietChild}, with the JVM's defaults;
 * its standard error must be empty.
 */
class NoWarningTest {

    @Test
    void aJvmUsingRingsPrintsNoWarning() throws Exception {
        runQuietChild(List.of());
    }

    /** The same with direct rings mapped outside any arena, freed by the garbage collector (JDK 22+ only differs). */
    @Test
    void aJvmUsingRingsOutsideArenasPrintsNoWarning() throws Exception {
        runQuietChild(List.of("-Ddev.ringalloc.memory.freeAtOnce=false"));
    }

    private static void runQuietChild(List<String> properties) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        if (Runtime.version().feature() >= 24 && Version.identify().get("netty-common").artifactVersion().startsWith("4.1.")) {
            // Netty 4.1 itself uses Unsafe on JDK 24+ unless told not to (4.2 does not by default): not ours to test.
            command.add("-Dio.netty.noUnsafe=true");
        }
        command.addAll(properties);
        command.add(QuietChild.class.getName());
        Process p = new ProcessBuilder(command).start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("the child finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("exit code; stderr:%n%s", err).isZero();
        assertThat(out).contains("QUIET-CHILD done");
        assertThat(err).as("the child's standard error on JDK %s with %s", Runtime.version(), properties).isEmpty();
    }
}
