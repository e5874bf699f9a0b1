package dev.ringalloc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Model-based test: thousands of seeded random sequences of allocate / write / extend / finish /
 * freeze / retain / release, each checked against a reference model that holds what every live
 * buffer's holder wrote. After every step: no two live regions overlap, the ring counts exactly the
 * model's live regions and bytes, an allocation fails only if no free run of that size exists, and the
 * buffer just touched holds exactly its bytes; every few steps, all buffers are checked. At the end of
 * each sequence everything is released and the whole ring must be allocatable as one buffer.
 *
 * <p>A failure names its seed: rerun it with {@code -Dringalloc.model.seed=N}.
 */
class RingModelTest {

    private static final int SEQUENCES = Integer.getInteger("ringalloc.model.sequences", 3000);
    private static final int STEPS = 250;
    private static final int[] CAPACITIES = {128, 512, 2048, 8192};

    /** One live buffer in the model: the object under test and the bytes its holder wrote. */
    private static final class Live {
        RegionBuffer<?> buffer;       // fixed or extendable, or null once frozen
        FrozenBuffer frozen;
        int holders;                  // frozen only
        final ByteArrayOutputStream expected = new ByteArrayOutputStream();

        long handle() {
            return frozen != null ? frozen.handle : buffer.handle;
        }

        byte[] actual() {
            return frozen != null ? frozen.toByteArray() : buffer.toByteArray();
        }
    }

    @Test
    void randomSequencesAgreeWithTheModel() {
        Integer only = Integer.getInteger("ringalloc.model.seed");
        if (only != null) {
            runSequence(only);
            return;
        }
        for (int seed = 0; seed < SEQUENCES; seed++) {
            runSequence(seed);
        }
    }

    private void runSequence(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        RingAllocator allocator = RingAllocator.create(CAPACITIES[random.nextInt(CAPACITIES.length)]);
        Ring ring = allocator.ring();
        List<Live> live = new ArrayList<>();
        try {
            for (int step = 0; step < STEPS; step++) {
                Live touched = step(random, allocator, live);
                checkStructure(ring, live);
                if (touched != null && live.contains(touched)) {
                    assertThat(touched.actual()).isEqualTo(touched.expected.toByteArray());
                }
                if (step % 16 == 0) {
                    for (Live l : live) {
                        assertThat(l.actual()).isEqualTo(l.expected.toByteArray());
                    }
                }
            }
            for (Live l : live) {
                assertThat(l.actual()).isEqualTo(l.expected.toByteArray());
                if (l.frozen != null) {
                    for (int i = 0; i < l.holders; i++) {
                        l.frozen.close();
                    }
                } else {
                    l.buffer.close();
                }
            }
            live.clear();
            checkStructure(ring, live);
            try (FixedBuffer whole = allocator.fixed(allocator.maxAllocation())) {
                assertThat(whole.capacity()).isEqualTo(allocator.maxAllocation());
            }
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("model sequence failed for seed " + seed + ": " + e.getMessage(), e);
        }
    }

    /** Performs one random operation; returns the buffer it touched, if any. */
    private Live step(SplittableRandom random, RingAllocator allocator, List<Live> live) {
        int op = random.nextInt(100);
        if (live.isEmpty() || op < 30) {
            return allocate(random, allocator, live);
        }
        Live l = live.get(random.nextInt(live.size()));
        if (op < 55) {
            return write(random, allocator, l);
        }
        if (op < 62 && l.buffer instanceof ExtendableBuffer) {
            l.buffer = ((ExtendableBuffer) l.buffer).finish();
            return l;
        }
        if (op < 70 && l.buffer instanceof FixedBuffer) {
            l.frozen = ((FixedBuffer) l.buffer).freeze();
            l.buffer = null;
            l.holders = 1;
            return l;
        }
        if (op < 76 && l.frozen != null) {
            assertThat(l.frozen.retain()).isSameAs(l.frozen);
            l.holders++;
            return l;
        }
        // release (a frozen buffer loses one holder)
        if (l.frozen != null) {
            l.frozen.close();
            if (--l.holders > 0) {
                return l;
            }
        } else {
            l.buffer.close();
        }
        live.remove(l);
        return null;
    }

    private Live allocate(SplittableRandom random, RingAllocator allocator, List<Live> live) {
        int max = allocator.maxAllocation();
        int size = random.nextInt(8) == 0 ? 1 + random.nextInt(max) : 1 + random.nextInt(Math.max(1, max / 6));
        boolean extendable = random.nextBoolean();
        RegionBuffer<?> buffer = extendable ? allocator.tryExtendable(size) : allocator.tryFixed(size);
        if (buffer == null) {
            // Failure is legitimate only if no run of free regions could hold the request.
            assertThat(allocator.stats().largestFreeRegion()).as("largest free run when %d bytes failed", size)
                    .isLessThan((size + 7L) & ~7L);
            return null;
        }
        assertThat(buffer.capacity()).isGreaterThanOrEqualTo(size);
        Live l = new Live();
        l.buffer = buffer;
        live.add(l);
        return l;
    }

    private Live write(SplittableRandom random, RingAllocator allocator, Live l) {
        if (l.frozen != null) {
            return l; // read-only: the content check is the operation
        }
        RegionBuffer<?> buffer = l.buffer;
        int len = random.nextInt(4) == 0 ? random.nextInt(allocator.maxAllocation() / 2 + 1) : random.nextInt(64);
        byte[] data = new byte[len];
        random.nextBytes(data);
        int before = buffer.length();
        boolean fits = len <= buffer.spare();
        try {
            switch (random.nextInt(3)) {
                case 0 -> buffer.write(data);
                case 1 -> {
                    for (byte b : data) {
                        buffer.writeByte(b);
                    }
                }
                default -> buffer.write(java.nio.ByteBuffer.wrap(data));
            }
            l.expected.write(data, 0, len);
            if (buffer instanceof FixedBuffer) {
                assertThat(fits).as("a fixed buffer accepted a write beyond its spare bytes").isTrue();
            }
        } catch (IndexOutOfBoundsException | RingFullException e) {
            if (buffer instanceof FixedBuffer) {
                assertThat(fits).as("a fixed buffer refused a write that fits").isFalse();
                assertThat(e).isInstanceOf(IndexOutOfBoundsException.class);
            }
            // A byte-by-byte write may have stopped part way: the model takes what was written.
            l.expected.write(data, 0, buffer.length() - before);
        }
        return l;
    }

    /** No overlap, and the ring's own count of live regions and bytes equals the model's. */
    private static void checkStructure(Ring ring, List<Live> live) {
        long[][] spans = new long[live.size()][];
        long bytes = 0;
        for (int i = 0; i < live.size(); i++) {
            long handle = live.get(i).handle();
            int start = Ring.payloadOffset(handle);
            int capacity = ring.capacity(handle); // throws if the region is not held under this handle
            spans[i] = new long[] {start - 8, start + capacity};
            bytes += capacity;
        }
        java.util.Arrays.sort(spans, Comparator.comparingLong(s -> s[0]));
        for (int i = 1; i < spans.length; i++) {
            if (spans[i][0] < spans[i - 1][1]) {
                fail("live regions overlap: [%d, %d) and [%d, %d)", spans[i - 1][0], spans[i - 1][1], spans[i][0], spans[i][1]);
            }
        }
        RingStats stats = ring.stats();
        assertThat(stats.liveRegions()).as("regions the ring holds").isEqualTo(live.size());
        assertThat(stats.bytesInUse()).as("bytes the ring holds").isEqualTo(bytes);
    }

    @Test
    void theModelCatchesAGrownBufferThatLosesItsLock() {
        // The RingAl 0.4.0 defect, reproduced by hand: a grown region whose guard is unlocked is handed
        // out again. The structure check must see it.
        RingAllocator allocator = RingAllocator.create(1024);
        ExtendableBuffer grown = allocator.extendable(8);
        grown.write(new byte[300]);
        Live l = new Live();
        l.buffer = grown;
        l.expected.write(new byte[300], 0, 300);
        List<Live> live = new ArrayList<>(List.of(l));
        checkStructure(allocator.ring(), live);

        allocator.ring().release(grown.handle); // what an unlocking rewrite of the guard amounts to
        assertThatThrownBy(() -> checkStructure(allocator.ring(), live)).isInstanceOf(IllegalStateException.class);
    }
}
