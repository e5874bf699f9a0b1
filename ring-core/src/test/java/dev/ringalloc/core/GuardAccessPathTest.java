package dev.ringalloc.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Which way the ring reaches its guard words in this JVM: through {@code sun.misc.Unsafe} on JDK 17-23 (and on
 * 24+ with {@code --sun-misc-unsafe-memory-access=allow}), through {@code VarHandle}s with
 * {@code -Ddev.ringalloc.noUnsafe=true} or on JDK 24+ by default (direct memory's through a {@code MemorySegment}
 * from JDK 22 on); and whether direct memory comes from an arena.
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
    void arenaWordsGoThroughSegmentsOnJdk22WithoutUnsafe() {
        int feature = Runtime.version().feature();
        // Fails when the tests run on the base classes only (target/classes) rather than on the jdk22 profile's
        // overlay: what users get from the multi-release jar would then go untested.
        assertThat(SegmentAccess.isAvailable()).as("Java 22 SegmentAccess on JDK %d", feature).isEqualTo(feature >= 22);
        RingMemory direct = RingMemory.direct(1024);
        RingMemory heap = RingMemory.heap(1024);
        try {
            boolean arenas = !"false".equals(System.getProperty(RingMemory.FREE_AT_ONCE_PROPERTY));
            // Without an arena, the buffer is the faster way to the memory (RingMemory, "Word access").
            assertThat(direct.wordsThroughSegment()).as("direct words through a segment, arenas %s", arenas)
                    .isEqualTo(feature >= 22 && arenas && !RingMemory.wordsThroughUnsafe());
            assertThat(direct.segment() != null).isEqualTo(direct.wordsThroughSegment());
            assertThat(heap.wordsThroughSegment()).as("heap words through a segment").isFalse();
        } finally {
            direct.free();
            heap.free();
        }
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
