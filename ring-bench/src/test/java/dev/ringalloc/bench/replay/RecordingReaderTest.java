package dev.ringalloc.bench.replay;

import dev.ringalloc.bench.NettyAllocator;
import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocalThread;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A recording made here, of known operations on Netty's adaptive allocator, becomes the expected programs:
 * a free on another thread, a reallocation, a heap buffer and a buffer never freed.
 */
class RecordingReaderTest {
    @TempDir
    Path dir;

    private static final String WRITER = "test-writer";
    private static final String RELEASER = "test-releaser";

    private Trace recordKnownOperations() throws Exception {
        AdaptiveByteBufAllocator alloc = new AdaptiveByteBufAllocator(true); // registers Netty's events
        List<ByteBuf> handedOver = new ArrayList<>();
        List<ByteBuf> kept = new ArrayList<>();
        Path file = dir.resolve("known.jfr");
        try (Recording recording = new Recording()) {
            recording.enable(RecordingReader.ALLOCATE);
            recording.enable(RecordingReader.REALLOCATE);
            recording.enable(RecordingReader.FREE);
            recording.start();
            runOn(WRITER, () -> {
                handedOver.add(alloc.directBuffer(100));
                ByteBuf growing = alloc.directBuffer(10, 1000);
                growing.writeBytes(new byte[300]); // past what the buffer can reach in place: reallocated
                ByteBuf heap = alloc.heapBuffer(50);
                kept.add(alloc.directBuffer(7));
                growing.release();
                heap.release();
            });
            runOn(RELEASER, () -> handedOver.get(0).release());
            recording.stop();
            recording.dump(file);
        } finally {
            kept.forEach(ByteBuf::release);
        }
        return RecordingReader.read(file);
    }

    private static void runOn(String name, Runnable task) throws InterruptedException {
        Thread t = new FastThreadLocalThread(task, name);
        t.start();
        t.join();
    }

    private static Trace.Program program(Trace trace, String thread) {
        return trace.programs().stream().filter(p -> p.thread().equals(thread)).findFirst().orElseThrow();
    }

    @Test
    void buildsOneProgramPerThreadWithFreesAndReallocationsPaired() throws Exception {
        Trace trace = recordKnownOperations();
        Trace.Program writer = program(trace, WRITER);
        Trace.Program releaser = program(trace, RELEASER);

        // Buffers 0..3: handed over, growing, heap, kept (allocation order).
        assertThat(writer.kind()).containsExactly(Trace.ALLOCATE_DIRECT, Trace.ALLOCATE_DIRECT, Trace.RESIZE,
                Trace.ALLOCATE_HEAP, Trace.ALLOCATE_DIRECT, Trace.FREE, Trace.FREE, Trace.FREE);
        int handedOver = writer.buffer()[0];
        int growing = writer.buffer()[1];
        int heap = writer.buffer()[3];
        int kept = writer.buffer()[4];
        assertThat(writer.size()[0]).isEqualTo(100);
        assertThat(writer.size()[1]).isEqualTo(10);
        assertThat(writer.maxCapacity()[1]).isEqualTo(1000);
        assertThat(writer.buffer()[2]).isEqualTo(growing);
        assertThat(writer.size()[2]).isGreaterThanOrEqualTo(310).isLessThanOrEqualTo(1000);
        assertThat(writer.size()[3]).isEqualTo(50);
        assertThat(writer.size()[4]).isEqualTo(7);
        // Freed in the recording's order; the buffer never freed is freed at the end, where it was last used.
        assertThat(writer.buffer()).endsWith(growing, heap, kept);
        assertThat(writer.step()).endsWith(2, 1, 1);
        assertThat(releaser.kind()).containsExactly(Trace.FREE);
        assertThat(releaser.buffer()).containsExactly(handedOver);
        assertThat(releaser.step()).containsExactly(1);
        assertThat(trace.counts()).isEqualTo(new Trace.Counts(4, 1, 1, 3, 0, 1, 100 + writer.size()[2] + 50 + 7));
    }

    @Test
    void theRingReplaysItWithTheFreeOnAnotherThread() throws Exception {
        Trace trace = recordKnownOperations();

        try (Replayer replayer = new Replayer(trace, NettyAllocator.RING.create(1 << 20), "test")) {
            Replayer.Pass pass = replayer.pass(1000, true);

            assertThat(pass.ops()).isEqualTo(1000 * trace.ops());
            assertThat(pass.latency().getTotalCount()).isEqualTo(pass.ops());
        }
    }
}
