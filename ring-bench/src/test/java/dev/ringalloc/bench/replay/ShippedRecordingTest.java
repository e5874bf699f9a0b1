package dev.ringalloc.bench.replay;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The recording shipped as test data (see docs/replay.md) is read whole and replayed exactly. */
class ShippedRecordingTest {
    /** The shipped recording: the HTTP server with the adaptive allocator under wrk. */
    static Path recording() throws Exception {
        return Paths.get(ShippedRecordingTest.class.getResource("http-adaptive.jfr").toURI());
    }

    /**
     * Allocations by size counted straight from the file, independently of {@link RecordingReader}: every
     * AllocateBuffer event except the one that follows a ReallocateBuffer on the same thread.
     */
    private static Map<Integer, Long> recordedSizes(Path file, AtomicLong heap) throws Exception {
        Map<Integer, Long> sizes = new TreeMap<>();
        Set<Long> reallocating = new HashSet<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            long thread = e.getThread().getJavaThreadId();
            String type = e.getEventType().getName();
            if (type.equals(RecordingReader.REALLOCATE)) {
                reallocating.add(thread);
            } else if (type.equals(RecordingReader.ALLOCATE) && !reallocating.remove(thread)) {
                sizes.merge(e.getInt("size"), 1L, Long::sum);
                if (!e.getBoolean("direct")) {
                    heap.incrementAndGet();
                }
            }
        }
        return sizes;
    }

    @Test
    void theTraceHoldsEveryRecordedAllocationAndPairsEveryFree() throws Exception {
        AtomicLong heap = new AtomicLong();
        Map<Integer, Long> recorded = recordedSizes(recording(), heap);

        Trace trace = RecordingReader.read(recording());

        assertThat(trace.allocationSizes()).isEqualTo(recorded);
        assertThat(trace.counts().allocations()).isEqualTo(recorded.values().stream().mapToLong(Long::longValue).sum());
        assertThat(trace.counts().heapAllocations()).isEqualTo(heap.get());
        assertThat(trace.counts().unmatchedFrees()).isZero();
        assertThat(trace.counts().frees() + trace.counts().unfreed()).isEqualTo(trace.counts().allocations());
        assertThat(trace.programs()).extracting(Trace.Program::thread).allMatch(t -> t.startsWith("http-worker"));
    }

    @Test
    void replayingItReproducesTheRecordedAllocationCountAndSizeHistogram() throws Exception {
        AtomicLong heap = new AtomicLong();
        Map<Integer, Long> recorded = recordedSizes(recording(), heap);
        Trace trace = RecordingReader.read(recording());
        CountingAllocator counting = new CountingAllocator();

        try (Replayer replayer = new Replayer(trace, counting, "test")) {
            replayer.pass(1, false);
        }

        assertThat(counting.sizes).isEqualTo(recorded);
        assertThat(counting.heap.get()).isEqualTo(heap.get());
        // Every buffer the replay allocated, it released.
        assertThat(counting.delegate.metric().usedDirectMemory()).isZero();
        assertThat(counting.delegate.metric().usedHeapMemory()).isZero();
    }

    /** Counts the requests by initial capacity, and serves them from an unpooled allocator that tracks its memory. */
    private static final class CountingAllocator extends AbstractByteBufAllocator {
        final UnpooledByteBufAllocator delegate = new UnpooledByteBufAllocator(true);
        final Map<Integer, Long> sizes = new TreeMap<>();
        final AtomicLong heap = new AtomicLong();

        CountingAllocator() {
            super(true);
        }

        private synchronized void count(int size) {
            sizes.merge(size, 1L, Long::sum);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            count(initialCapacity);
            heap.incrementAndGet();
            return delegate.heapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            count(initialCapacity);
            return delegate.directBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }
}
