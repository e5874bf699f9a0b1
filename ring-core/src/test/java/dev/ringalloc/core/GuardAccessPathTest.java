package dev.ringalloc.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Which way the ring reaches its guard words in this JVM: by address on JDK 17-23 (and on 24+ with
 * {@code --sun-misc-unsafe-memory-access=allow}), through the VarHandle with {@code -Dringalloc.noUnsafe=true}
 * or on JDK 24+ by default. Runs in both surefire executions of ring-core, so each proves it took its path.
 */
class GuardAccessPathTest {

    @Test
    void guardsAreReachedTheWayThisJvmAllows() {
        int feature = Runtime.version().feature();
        boolean allowed = feature < 24 || "allow".equals(System.getProperty("sun.misc.unsafe.memory.access"));
        boolean expectAddress = allowed && !Boolean.getBoolean(DirectMemory.NO_UNSAFE_PROPERTY);
        assertThat(DirectMemory.UNSAFE_ACCESS != null)
                .as("guards by address on JDK %d, noUnsafe=%s", feature, System.getProperty("ringalloc.noUnsafe"))
                .isEqualTo(expectAddress);
    }

    @Test
    void aRingWorksOnThisPath() {
        Ring ring = Ring.allocate(1024, Integer.MAX_VALUE);
        long a = ring.tryAllocate(100);
        long b = ring.tryAllocate(100);
        assertThat(ring.capacity(a)).isEqualTo(104);
        ring.release(a);
        ring.releaseOnOwner(b);
        assertThat(ring.stats().bytesInUse()).isZero();
        ring.retire();
        assertThat(ring.isFreed()).isTrue();
    }
}
