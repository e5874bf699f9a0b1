package dev.ringalloc.bench.replay;

import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Reads Netty's buffer events from a JFR recording (with the JDK's {@link RecordingFile}) into a
 * {@link Trace}.
 *
 * <p>Netty 4.2 ({@code io.netty.buffer}) emits {@value #ALLOCATE}, {@value #REALLOCATE} and {@value #FREE}
 * from its pooled and adaptive allocators, disabled unless a recording's settings turn them on (see
 * {@code ring-bench/netty-buffers.jfc}). Each carries the buffer's capacity ({@code size}), the capacity it
 * can reach without reallocating ({@code maxFastCapacity}), {@code maxCapacity}, {@code direct}, its memory
 * {@code address} (0 for heap buffers; reliable on allocation and free only for the adaptive allocator) and
 * the {@code allocatorType}; JFR adds the thread and the time. A reallocation's event is followed, on the
 * same thread, by an allocation event for the new memory.
 */
public final class RecordingReader {
    /** Netty's allocation event. */
    public static final String ALLOCATE = "io.netty.AllocateBuffer";
    /** Netty's reallocation event (followed by an {@value #ALLOCATE} for the new memory). */
    public static final String REALLOCATE = "io.netty.ReallocateBuffer";
    /** Netty's free event. */
    public static final String FREE = "io.netty.FreeBuffer";

    private static final byte[] JFR_MAGIC = {'F', 'L', 'R', 0};
    /** The allocator whose events report the same address on allocation and free. */
    private static final String ADDRESS_TRUSTED = "io.netty.buffer.AdaptiveByteBufAllocator";

    private RecordingReader() {
    }

    /** One buffer event, as much of it as the trace needs. */
    private record BufferEvent(String type, long time, long threadId, String threadName, TraceBuilder.Key key,
                               int size) {
    }

    /**
     * The trace of {@code file}.
     *
     * @throws BadRecordingException if the file is missing, not a JFR recording, truncated or damaged, or
     *                               holds no Netty allocation event
     */
    public static Trace read(Path file) throws BadRecordingException {
        checkIsRecording(file);
        List<BufferEvent> events = new ArrayList<>();
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent e = recording.readEvent();
                String type = e.getEventType().getName();
                if (type.equals(ALLOCATE) || type.equals(REALLOCATE) || type.equals(FREE)) {
                    events.add(toBufferEvent(type, e));
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new BadRecordingException(file + " is truncated or damaged: " + e);
        }
        if (events.stream().noneMatch(e -> e.type.equals(ALLOCATE))) {
            throw new BadRecordingException(file + " holds no Netty buffer events (" + ALLOCATE
                    + "): record with -XX:StartFlightRecording:settings=ring-bench/netty-buffers.jfc and Netty 4.2");
        }
        // Threads' events reach the file in buffers, not in time order; the sort is stable, so a thread's
        // events with equal times keep their order.
        events.sort(Comparator.comparingLong(BufferEvent::time));
        TraceBuilder builder = new TraceBuilder();
        for (BufferEvent e : events) {
            switch (e.type) {
                case ALLOCATE:
                    builder.allocate(e.threadId, e.threadName, e.key, e.size);
                    break;
                case REALLOCATE:
                    builder.reallocate(e.threadId, e.key);
                    break;
                default:
                    builder.free(e.threadId, e.threadName, e.key, e.size);
            }
        }
        return builder.build();
    }

    private static void checkIsRecording(Path file) throws BadRecordingException {
        if (!Files.isRegularFile(file)) {
            throw new BadRecordingException(file + ": no such file");
        }
        byte[] magic = new byte[JFR_MAGIC.length];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(magic, 0, magic.length) != magic.length || !Arrays.equals(magic, JFR_MAGIC)) {
                throw new BadRecordingException(file + " is not a JFR recording");
            }
        } catch (IOException e) {
            throw new BadRecordingException(file + " cannot be read: " + e.getMessage());
        }
    }

    private static BufferEvent toBufferEvent(String type, RecordedEvent e) {
        RecordedThread thread = e.getThread();
        long threadId = thread == null ? -1 : thread.getJavaThreadId();
        String threadName = thread == null ? "unknown" : thread.getJavaName();
        RecordedClass allocator = e.getClass("allocatorType");
        boolean trusted = allocator != null && ADDRESS_TRUSTED.equals(allocator.getName());
        TraceBuilder.Key key = new TraceBuilder.Key(trusted ? e.getLong("address") : 0, e.getBoolean("direct"),
                e.getInt("maxFastCapacity"), e.getInt("maxCapacity"));
        Instant start = e.getStartTime();
        long time = start.getEpochSecond() * 1_000_000_000L + start.getNano();
        return new BufferEvent(type, time, threadId, threadName, key, e.getInt("size"));
    }
}
