package dev.ringalloc.netty;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Micrometer and JFR are optional: the allocator runs (every path {@link QuietChild} takes) in a JVM whose class path
 * has no Micrometer jar and whose runtime has no {@code jdk.jfr} module, and prints nothing on standard error.
 */
class OptionalDependenciesTest {

    @Test
    void theAllocatorRunsWithoutMicrometerAndWithoutJfr() throws Exception {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("micrometer"))
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(classPath).isNotEqualTo(System.getProperty("java.class.path"));
        ChildJvm.Result child = ChildJvm.run(classPath,
                List.of("--limit-modules", "java.base,java.logging,jdk.unsupported"), QuietChild.class);
        assertThat(child.out()).contains("QUIET-CHILD done");
        assertThat(child.err()).isEmpty();
    }
}
