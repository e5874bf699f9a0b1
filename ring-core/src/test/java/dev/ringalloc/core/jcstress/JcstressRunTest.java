package dev.ringalloc.core.jcstress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs the jcstress tests of {@code src/jcstress/java} in a forked JVM (jcstress forks further JVMs
 * per test configuration) and fails the build if any of them reports a forbidden outcome, an error,
 * or did not run.
 *
 * <p>The preset comes from the system property {@code ringalloc.jcstress.mode} and extra jcstress
 * arguments from {@code ringalloc.jcstress.extra} (space-separated), both set in the parent pom: by
 * default and in CI, {@code quick} with {@code -sc false -iters 1 -time 300 -jvmArgs -Xmx256m} (every
 * test, about a million samples each, about a minute on 2 cores); with {@code -Pjcstress}, the full
 * {@code default} preset over every JVM flag and compilation configuration. {@code off} skips.
 *
 * <p>Two passes: direct rings as the JVM reaches them (Unsafe on JDK 17 to 23, VarHandles on 24+), then heap
 * rings without Unsafe; on JDK 17 to 23 a third, direct rings without Unsafe, where the owner's releases are
 * stored late as on 24+ (Ring, "The owner's last release, stored late"). Each writes its full console output to {@code target/jcstress/<pass>/output.txt}, the
 * outcome counts of every test (across all configurations) to {@code summary.txt} there, and the HTML report to
 * {@code report}.
 */
class JcstressRunTest {

    private static final String PACKAGE = "dev.ringalloc.core.jcstress";

    @Test
    void guardProtocolHasNoForbiddenOutcomes() throws Exception {
        run("direct", List.of());
    }

    /**
     * The same tests on direct rings without Unsafe, on a JDK where the first pass used it: words through a
     * VarHandle's checks, and the owner's releases stored late. (On 24+ the first pass is this one.)
     */
    @Test
    void guardProtocolWithoutUnsafeHasNoForbiddenOutcomes() throws Exception {
        assumeTrue(Runtime.version().feature() < 24, "the first pass ran without Unsafe already");
        run("direct-no-unsafe", List.of("-Ddev.ringalloc.noUnsafe=true"));
    }

    /**
     * The same tests on heap rings without Unsafe: guards are plain words between fences there, and every release
     * goes through a monitor (RingMemory.serializesReleases), a protocol of its own.
     */
    @Test
    void guardProtocolOnFencedHeapRingsHasNoForbiddenOutcomes() throws Exception {
        run("heap", List.of("-Ddev.ringalloc.noUnsafe=true", "-Ddev.ringalloc.jcstress.heapRings=true"));
    }

    private static void run(String name, List<String> vmProperties) throws Exception {
        String mode = System.getProperty("ringalloc.jcstress.mode", "quick").trim();
        assumeFalse(mode.equals("off") || mode.isEmpty(), "jcstress run switched off");

        Path dir = Paths.get("target", "jcstress", name).toAbsolutePath();
        Files.createDirectories(dir);
        Path output = dir.resolve("output.txt");

        // jcstress loads JNA (for CPU affinity), a restricted method that JDK 24+ warns about unless allowed.
        List<String> vmArgs = new ArrayList<>(vmProperties);
        if (Runtime.version().feature() >= 24) {
            vmArgs.add("--enable-native-access=ALL-UNNAMED");
        }
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(vmArgs);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                "org.openjdk.jcstress.Main",
                "-t", Pattern.quote(PACKAGE) + "\\..*",
                "-m", mode,
                "-v",
                "-r", dir.resolve("report").toString()));
        if (!vmArgs.isEmpty()) {
            command.addAll(List.of("-jvmArgsPrepend", String.join(" ", vmArgs)));
        }
        String extra = System.getProperty("ringalloc.jcstress.extra", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(Arrays.asList(extra.split("\\s+")));
        }

        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        // A bound against a hung harness, not a timing assertion: the full preset takes about 66 minutes on 2 cores.
        boolean exited = process.waitFor(3, TimeUnit.HOURS);
        if (!exited) {
            process.destroyForcibly();
        }
        assertThat(exited).as("jcstress finished").isTrue();

        String text = Files.readString(output, StandardCharsets.UTF_8);
        String results = section(text);
        Files.writeString(dir.resolve("summary.txt"), "jcstress mode " + mode + ", " + name + " rings\n" + results,
                StandardCharsets.UTF_8);
        System.out.println("jcstress (" + mode + ", " + name + " rings) outcome counts, all configurations:\n" + results);

        assertThat(process.exitValue()).as("jcstress exit code (see %s)", output).isZero();
        assertThat(results).as("jcstress results").contains("Failed tests: No matches.", "Error tests: No matches.");

        TreeSet<String> declared = declaredTests();
        assertThat(declared).as("jcstress tests compiled into META-INF/TestList").hasSizeGreaterThanOrEqualTo(9);
        TreeSet<String> passed = new TreeSet<>();
        Matcher ok = Pattern.compile("\\[OK\\] (" + Pattern.quote(PACKAGE) + "\\.\\w+)").matcher(results);
        while (ok.find()) {
            passed.add(ok.group(1));
        }
        assertThat(passed).as("tests that ran and passed").isEqualTo(declared);

        // Belt and braces: no forbidden row with a non-zero count in any table.
        Matcher forbidden = Pattern.compile("^\\s*(.+?)\\s+([\\d,]+)\\s+[\\d.]+%\\s+Forbidden", Pattern.MULTILINE)
                .matcher(results);
        while (forbidden.find()) {
            assertThat(forbidden.group(2).replace(",", "")).as("samples of forbidden outcome %s", forbidden.group(1))
                    .isEqualTo("0");
        }
    }

    /** The "RUN RESULTS" part of the console output: every test's outcome counts across configurations. */
    private static String section(String text) {
        int at = text.lastIndexOf("RUN RESULTS:");
        assertThat(at).as("jcstress printed its results").isNotNegative();
        StringBuilder out = new StringBuilder();
        for (String line : text.substring(at).split("\\R")) {
            if (!line.isBlank() && !line.startsWith("(")) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    /** The jcstress tests the annotation processor registered, from META-INF/TestList. */
    private static TreeSet<String> declaredTests() throws IOException {
        TreeSet<String> names = new TreeSet<>();
        try (InputStream in = JcstressRunTest.class.getClassLoader().getResourceAsStream("META-INF/TestList")) {
            assertThat(in).as("META-INF/TestList on the test class path").isNotNull();
            String list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            // Each record starts "JCTEST<length>S<test class name>".
            Matcher m = Pattern.compile("JCTEST(\\d+)S").matcher(list);
            while (m.find()) {
                String name = list.substring(m.end(), m.end() + Integer.parseInt(m.group(1)));
                if (name.startsWith(PACKAGE + ".")) {
                    names.add(name);
                }
            }
        }
        return names;
    }
}
