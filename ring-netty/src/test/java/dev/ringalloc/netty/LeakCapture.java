package dev.ringalloc.netty;

import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Collects the leak reports of the detector behind every Netty buffer ({@code AbstractByteBuf.leakDetector},
 * which {@code toLeakAwareBuffer} uses) through its public {@code setLeakListener}. The field itself is not
 * public, hence the reflection.
 */
final class LeakCapture {

    private static final ConcurrentLinkedQueue<String> REPORTS = new ConcurrentLinkedQueue<>();

    static {
        try {
            Field field = AbstractByteBuf.class.getDeclaredField("leakDetector");
            field.setAccessible(true);
            ResourceLeakDetector<?> detector = (ResourceLeakDetector<?>) field.get(null);
            detector.setLeakListener((resourceType, records) -> REPORTS.add(resourceType + ": " + records));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private LeakCapture() {
    }

    /** Reports so far, excluding those whose records contain {@code ignoredMarker} (a deliberate leak). */
    static List<String> reports(String ignoredMarker) {
        List<String> list = new ArrayList<>();
        for (String r : REPORTS) {
            if (ignoredMarker == null || !r.contains(ignoredMarker)) {
                list.add(r);
            }
        }
        return list;
    }

    /** True once a report mentioning {@code marker} arrived. */
    static boolean reported(String marker) {
        for (String r : REPORTS) {
            if (r.contains(marker)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Lets the detector see collected buffers: a GC, then tracked allocations (the detector drains its queue
     * of collected trackers when it tracks a new buffer).
     */
    static void collect(ByteBufAllocator alloc) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
            for (int j = 0; j < 10; j++) {
                ByteBuf b = alloc.directBuffer(16);
                b.release();
            }
        }
    }

    /** The marker deliberate leaks carry in their records; pipeline checks ignore it. */
    static final String DELIBERATE = "deliberate-leak-of-a-ring-buffer";

    static void touchDeliberate(ByteBuf buf) {
        buf.touch(DELIBERATE);
    }

    static ResourceLeakDetector.Level paranoid() {
        ResourceLeakDetector.Level saved = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        return saved;
    }
}
