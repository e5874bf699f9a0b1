package dev.ringalloc.bench.replay;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Pairing where the recording gives no address: heap buffers, or the pooled allocator's. */
class TraceBuilderTest {
    private static final TraceBuilder.Key HEAP_64 = new TraceBuilder.Key(0, false, 64, Integer.MAX_VALUE);

    @Test
    void aFreeTakesABufferOfItsOwnThreadBeforeAnOlderOneOfAnotherThread() {
        TraceBuilder b = new TraceBuilder();
        b.allocate(1, "loop-1", HEAP_64, 50);
        b.allocate(2, "loop-2", HEAP_64, 60);
        b.free(2, "loop-2", HEAP_64, 60);
        b.free(1, "loop-1", HEAP_64, 50);

        Trace trace = b.build();

        assertThat(trace.programs()).hasSize(2);
        for (Trace.Program p : trace.programs()) {
            assertThat(p.kind()).containsExactly(Trace.ALLOCATE_HEAP, Trace.FREE);
            assertThat(p.buffer()[1]).isEqualTo(p.buffer()[0]);
        }
        assertThat(trace.counts().frees()).isEqualTo(2);
    }

    @Test
    void withoutABufferOfItsOwnAFreeTakesTheOldest() {
        TraceBuilder b = new TraceBuilder();
        b.allocate(1, "loop-1", HEAP_64, 50);
        b.allocate(1, "loop-1", HEAP_64, 50);
        b.free(2, "other", HEAP_64, 50);

        Trace trace = b.build();

        Trace.Program other = trace.programs().get(1);
        assertThat(other.thread()).isEqualTo("other");
        assertThat(other.buffer()).containsExactly(0);
        assertThat(trace.counts().unfreed()).isEqualTo(1);
    }

    @Test
    void aFreeOfABufferAllocatedBeforeTheRecordingIsCountedAndSkipped() {
        TraceBuilder b = new TraceBuilder();
        b.free(1, "loop-1", new TraceBuilder.Key(0x1000, true, 64, 1024), 64);
        b.allocate(1, "loop-1", HEAP_64, 50);

        Trace trace = b.build();

        assertThat(trace.counts().unmatchedFrees()).isEqualTo(1);
        assertThat(trace.programs().get(0).kind()).containsExactly(Trace.ALLOCATE_HEAP, Trace.FREE);
    }
}
