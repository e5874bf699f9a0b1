package dev.ringalloc.netty;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocalThread;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.ringalloc.netty.TestSupport.inRing;

/**
 * The child JVM of {@link AllocationSitesTest}, run with allocation sites on: one buffer from {@link #holdOldest},
 * then buffers until the ring is full, under a JFR recording of the ring-full event; prints the dump and the event.
 */
public final class SitesChild {

    public static void main(String[] args) throws Exception {
        RingByteBufAllocator alloc = RingByteBufAllocator.builder().ringCapacity(64 << 10).maxRingAllocation(8 << 10)
                .build();
        Path file = Files.createTempFile("sites", ".jfr");
        List<ByteBuf> live = new ArrayList<>();
        try (Recording recording = new Recording()) {
            recording.enable("dev.ringalloc.RingFull");
            recording.start();
            Thread loop = new FastThreadLocalThread(() -> {
                live.add(holdOldest(alloc));
                ByteBuf buf;
                while (inRing(buf = alloc.directBuffer(500))) {
                    live.add(buf);
                }
                buf.release();
                System.out.println("SITES-DUMP-BEGIN\n" + alloc.dump() + "SITES-DUMP-END");
            }, "sites-loop");
            loop.start();
            loop.join();
            recording.stop();
            recording.dump(file);
        }
        live.forEach(ByteBuf::release);
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            System.out.println("RING-FULL exact=" + (event.getLong("oldestMinAge") == event.getLong("oldestMaxAge")) + " site:\n"
                    + event.getString("oldestSite"));
        }
        Files.delete(file);
        System.out.println("SITES-CHILD done");
    }

    /** The allocation site the dump and the event must name. */
    static ByteBuf holdOldest(RingByteBufAllocator alloc) {
        return alloc.directBuffer(1000);
    }
}
