package dev.ringalloc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Buffer objects recycled per ring: no garbage in the steady state, objects released on other threads come
 * back to the owner, and a stale reference never reaches the bytes of the region's next holder (within the
 * quarantine; never, with recycling off). Each test ends by proving its ring intact.
 */
class RecyclingTest extends RingTestSupport {

    RecyclingTest() {
        super(1 << 16);
    }

    @Test
    void theSteadyStateAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] payload = new byte[300];
        FixedBuffer[] kept = new FixedBuffer[8];
        for (int i = 0; i < 20_000; i++) {
            cycle(payload, kept, i); // warm-up: every pool reaches its quarantine, the code is compiled
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 20_000; i++) {
            cycle(payload, kept, i);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        for (FixedBuffer b : kept) {
            b.close();
        }
        // 20,000 cycles, each six buffer objects handed out and released: a new object per allocation would
        // be 5 MB. What is left is the measurement's own noise (a few hundred bytes at most).
        assertThat(allocated).as("bytes allocated by 20,000 steady-state cycles").isLessThan(4096);
    }

    /** Fixed, extendable with growth and finish, freeze, and each typed buffer: one of each, released. */
    private void cycle(byte[] payload, FixedBuffer[] kept, int i) {
        int slot = i & (kept.length - 1);
        if (kept[slot] != null) {
            kept[slot].close();
        }
        kept[slot] = ring.fixed(1 + (i % 300)).write(payload, 0, 1 + (i % 300));
        ExtendableBuffer ext = ring.extendable(16);
        ext.write(payload, 0, 200);
        FrozenBuffer frozen = ext.finish().freeze();
        frozen.retain().close();
        frozen.close();
        ring.longs(4).push(i).push(-i).close();
        ring.ints(4).push(i).close();
        FixedDoubleBuffer doubles = ring.doubles(2).push(0.5);
        doubles.freeze().close();
    }

    @Test
    void aStaleReferenceThrowsAndNeverTouchesTheNextHoldersBytes() {
        FixedBuffer stale = ring.fixed(64).writeLong(1);
        stale.close();
        // The region goes to the next allocation at once (released last on the owner), the object does not.
        FixedBuffer next = ring.fixed(64).writeLong(2);
        assertThat(next).isNotSameAs(stale);
        assertThat(next.handle >>> 32).as("same region").isEqualTo(stale.handle >>> 32);
        assertThatThrownBy(() -> stale.writeLong(3)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> stale.getLong(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(stale::close).isInstanceOf(IllegalStateException.class);
        assertThat(next.length()).isEqualTo(8);
        assertThat(next.getLong(0)).isEqualTo(2);
        next.close();
    }

    @Test
    void aRecycledObjectComesBackOnlyAfterTheQuarantine() {
        FixedBuffer stale = ring.fixed(32);
        stale.close();
        int reusedAfter = -1;
        for (int released = 1; released <= 2 * RegionHolder.QUARANTINE; released++) {
            FixedBuffer b = ring.fixed(32);
            if (b == stale) {
                reusedAfter = released - 1;
                b.close();
                break;
            }
            // Until its object comes back, the stale reference throws and the live buffer keeps its bytes.
            b.writeInt(released);
            assertThatThrownBy(() -> stale.writeInt(-1)).isInstanceOf(IllegalStateException.class);
            assertThat(b.getInt(0)).isEqualTo(released);
            assertThat(b.length()).isEqualTo(4);
            b.close();
        }
        assertThat(reusedAfter).as("releases of other fixed buffers before the object was handed out again")
                .isEqualTo(RegionHolder.QUARANTINE);
    }

    @Test
    void withRecyclingOffAStaleReferenceThrowsForever() {
        RingAllocator fresh = RingAllocator.builder().capacity(4096).recycleBuffers(false).build();
        FixedBuffer stale = fresh.fixed(32);
        stale.close();
        for (int i = 0; i < 10 * RegionHolder.QUARANTINE; i++) {
            FixedBuffer b = fresh.fixed(32).writeInt(i);
            assertThat(b).isNotSameAs(stale);
            assertThatThrownBy(() -> stale.getInt(0)).isInstanceOf(IllegalStateException.class);
            b.close();
        }
        RingTestSupport.assertIntact(fresh);
    }

    @Test
    void objectsReleasedOnAnotherThreadComeBackToTheOwner() throws Exception {
        Map<Object, Boolean> releasedElsewhere = new IdentityHashMap<>();
        for (int i = 0; i < 4 * RegionHolder.QUARANTINE; i++) {
            FixedBuffer b = ring.fixed(16);
            FrozenBuffer f = ring.fixed(16).freeze();
            releasedElsewhere.put(b, true);
            releasedElsewhere.put(f, true);
            other.submit(() -> {
                b.close();
                f.close();
            }).get();
        }
        int reused = 0;
        for (int i = 0; i < 4 * RegionHolder.QUARANTINE; i++) {
            FixedBuffer b = ring.fixed(16);
            FrozenBuffer f = ring.fixed(16).freeze();
            reused += (releasedElsewhere.containsKey(b) ? 1 : 0) + (releasedElsewhere.containsKey(f) ? 1 : 0);
            b.close();
            f.close();
        }
        assertThat(reused).as("objects closed on another thread and handed out again by the owner").isPositive();
    }

    @Test
    void freezeOnAnotherThreadMakesAFrozenBufferThatStillRecycles() throws Exception {
        FixedBuffer b = ring.fixed(16).writeInt(7);
        FrozenBuffer frozen = other.submit(b::freeze).get();
        assertThat(frozen.getInt(0)).isEqualTo(7);
        assertThatThrownBy(() -> b.getInt(0)).isInstanceOf(IllegalStateException.class);
        frozen.close();
        assertThat(frozen.isLive()).isFalse();
    }
}
