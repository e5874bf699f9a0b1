package dev.ringalloc.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static dev.ringalloc.netty.TestSupport.inRing;
import static dev.ringalloc.netty.TestSupport.onFastThread;
import static org.assertj.core.api.Assertions.assertThat;

/** The JFR events: recorded when enabled, with the figures they promise. */
class RingEventsTest {

    private static final String[] EVENTS = {"dev.ringalloc.Fallback", "dev.ringalloc.RingCreated",
            "dev.ringalloc.RingFreed", "dev.ringalloc.RingFull"};

    @Test
    void eventsOfARingsLifeAreRecorded(@TempDir Path dir) throws Exception {
        UnpooledByteBufAllocator fallback = new UnpooledByteBufAllocator(true, true);
        RingByteBufAllocator alloc = RingByteBufAllocator.builder().ringCapacity(64 << 10).maxRingAllocation(8 << 10)
                .fallback(fallback).build();
        Path file = dir.resolve("ring.jfr");
        int[] held = new int[1];
        // The settings file the project ships (surefire runs in the module's folder).
        Configuration shipped = Configuration.create(Path.of("ringalloc.jfc"));
        for (String event : EVENTS) {
            assertThat(shipped.getSettings()).containsEntry(event + "#enabled", "true");
        }
        try (Recording recording = new Recording(shipped)) {
            recording.start();
            onFastThread(() -> {
                alloc.directBuffer(16 << 10).release(); // above maxRingAllocation: TOO_LARGE (the ring is created)
                List<ByteBuf> live = new ArrayList<>();
                ByteBuf buf;
                while (inRing(buf = alloc.directBuffer(1000))) { // the first one ends up the oldest: it pins the ring
                    live.add(buf);
                }
                buf.release(); // the first RING_FULL fallback
                held[0] = live.size();
                live.forEach(ByteBuf::release);
                return null;
            }); // the thread ends: its ring is retired and, empty, freed
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        assertThat(events.stream().map(e -> e.getEventType().getName()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(EVENTS);
        assertThat(events).allSatisfy(e -> assertThat(e.getEventType().getCategoryNames()).containsExactly("ringalloc"));

        RecordedEvent created = only(events, "dev.ringalloc.RingCreated");
        assertThat(created.getLong("capacity")).isEqualTo(64 << 10);
        assertThat(created.getBoolean("direct")).isTrue();
        assertThat(created.getBoolean("large")).as("large rings are off").isFalse();
        assertThat(created.getThread("owner").getJavaName()).isEqualTo("ring-test-fast");

        List<RecordedEvent> fallbacks = named(events, "dev.ringalloc.Fallback");
        assertThat(fallbacks).extracting(e -> e.getString("reason")).containsExactly("TOO_LARGE", "RING_FULL");
        assertThat(fallbacks).extracting(e -> e.getLong("requestedBytes")).containsExactly(16L << 10, 1000L);
        assertThat(fallbacks.get(0).getThread().getJavaName()).isEqualTo("ring-test-fast");
        assertThat(fallbacks.get(0).getStackTrace()).as("who asked").isNotNull();

        RecordedEvent full = only(events, "dev.ringalloc.RingFull");
        assertThat(full.getLong("requestedBytes")).isEqualTo(1000);
        assertThat(full.getLong("ringFullFallbacks")).isEqualTo(1);
        assertThat(full.getBoolean("large")).isFalse();
        assertThat(full.getLong("capacity")).isEqualTo(64 << 10);
        assertThat(full.getLong("liveRegions")).isEqualTo(held[0]);
        // a region keeps a remainder too small to split off (under 64 bytes)
        assertThat(full.getLong("bytesInUse")).isBetween(held[0] * 1000L, held[0] * 1000L + 63);
        assertThat(full.getLong("largestFreeRun")).isLessThan(1000);
        assertThat(full.getLong("oldestAgeAllocations")).isEqualTo(held[0] - 1); // the first buffer, allocated
        assertThat(full.getLong("oldestBytes")).isEqualTo(1000);
        assertThat(full.getLong("oldestMinAge")).as("under 1024 allocations: no time sample yet, at least 0").isZero();
        assertThat(full.getLong("oldestMaxAge")).as("since the ring's creation").isPositive();
        assertThat(full.getString("oldestSite")).as("allocation sites are off").isNull();
        assertThat(full.getThread("owner").getJavaName()).isEqualTo("ring-test-fast");

        RecordedEvent freed = only(events, "dev.ringalloc.RingFreed");
        assertThat(freed.getLong("capacity")).isEqualTo(64 << 10);
        assertThat(freed.getString("ownerName")).isEqualTo("ring-test-fast");
        assertThat(freed.getLong("allocations")).isEqualTo(held[0]);
        assertThat(fallback.metric().usedDirectMemory()).isZero();
    }

    /** A ring retired with a buffer still out is freed by that buffer's release, on another thread: reported then. */
    @Test
    void aRingFreedByItsLastReleaseIsReportedOnce(@TempDir Path dir) throws Exception {
        RingByteBufAllocator alloc = RingByteBufAllocator.builder().ringCapacity(64 << 10).build();
        Path file = dir.resolve("freed.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("dev.ringalloc.RingFreed");
            recording.start();
            ByteBuf outlives = onFastThread(() -> alloc.directBuffer(100));
            assertThat(alloc.metric().rings()).as("retired, not yet freed").isEqualTo(1);
            outlives.release();
            assertThat(alloc.metric().rings()).isZero(); // the metric's prune does not report it again
            recording.stop();
            recording.dump(file);
        }
        RecordedEvent freed = only(RecordingFile.readAllEvents(file), "dev.ringalloc.RingFreed");
        assertThat(freed.getThread().getJavaName()).as("the releasing thread").isEqualTo(Thread.currentThread().getName());
        assertThat(freed.getLong("allocations")).isEqualTo(1);
    }

    /** With large rings on, each ring's creation and freeing say which of its owner's rings it is. */
    @Test
    void eventsSayWhichRingIsTheLargeRing(@TempDir Path dir) throws Exception {
        RingByteBufAllocator alloc = RingByteBufAllocator.builder().ringCapacity(64 << 10).maxRingAllocation(8 << 10)
                .largeRingAbove(1024).build();
        Path file = dir.resolve("large.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("dev.ringalloc.RingCreated");
            recording.enable("dev.ringalloc.RingFreed");
            recording.start();
            onFastThread(() -> {
                alloc.directBuffer(16).release();
                alloc.directBuffer(2048).release(); // above largeRingAbove: the large ring
                return null;
            }); // the thread ends: both rings retired and freed
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        for (String name : new String[] {"dev.ringalloc.RingCreated", "dev.ringalloc.RingFreed"}) {
            assertThat(named(events, name)).as(name).extracting(e -> e.getBoolean("large"))
                    .containsExactlyInAnyOrder(false, true);
        }
    }

    private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).collect(Collectors.toList());
    }

    private static RecordedEvent only(List<RecordedEvent> events, String name) {
        List<RecordedEvent> found = named(events, name);
        assertThat(found).as(name).hasSize(1);
        return found.get(0);
    }
}
