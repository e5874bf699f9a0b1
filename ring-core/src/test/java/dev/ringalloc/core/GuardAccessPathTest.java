package dev.ringalloc.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Which way the ring reaches its guard words in this JVM: through {@code sun.misc.Unsafe} on JDK 17-23 (and on
 * 24+ with {@code --sun-misc-unsafe-memory-access=allow}), through {@code VarHandle}s with
 * {@code -Ddev.ringalloc.noUnsafe=true} or on JDK 24+ by default; and whether direct memory comes from an arena.
 * Runs in all three surefire executions of ring-core, so each proves it took its path, and that heap and direct
 * rings work on it.
 */
class GuardAccessPathTest {

    @Test
    void guardsAreReachedTheWayThisJvmAllows() {
        int feature = Runtime.version().feature();
        boolean allowed = feature < 24 || "allow".equals(System.getProperty("sun.misc.unsafe.memory.access"));
        boolean expectUnsafe = allowed && !Boolean.getBoolean(UnsafeAccess.NO_UNSAFE_PROPERTY);
        assertThat(RingMemory.wordsThroughUnsafe())
                .as("guards through Unsafe on JDK %d, noUnsafe=%s", feature,
                        System.getProperty(UnsafeAccess.NO_UNSAFE_PROPERTY))
                .isEqualTo(expectUnsafe);
    }

    @Test
    void directMemoryIsFreedAtOnceUnlessArenasAreOffWithoutUnsafe() {
        boolean arenas = Runtime.version().feature() >= 22
                && !"false".equals(System.getProperty(RingMemory.FREE_AT_ONCE_PROPERTY));
        assertThat(RingMemory.freesDirectMemoryAtOnce())
                .as("arenas %s, Unsafe %s", arenas, RingMemory.wordsThroughUnsafe())
                .isEqualTo(arenas || RingMemory.wordsThroughUnsafe());
    }

    @Test
    void directAndHeapRingsWorkOnThisPath() {
        for (Ring ring : new Ring[] {Ring.allocate(1024, Integer.MAX_VALUE), Ring.allocateHeap(1024, Integer.MAX_VALUE)}) {
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
}
