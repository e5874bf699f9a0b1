package dev.ringalloc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The thread-local accessor: each thread its own ring, of the configured default capacity. */
class RingsTest {

    @Test
    void eachThreadHasItsOwnRing() throws Exception {
        RingAllocator mine = Rings.local();
        assertThat(Rings.local()).isSameAs(mine);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            RingAllocator theirs = other.submit(Rings::local).get();
            assertThat(theirs).isNotSameAs(mine);
            // A buffer from another thread's ring can be released here.
            FixedBuffer buf = other.submit(() -> Rings.fixed(64).writeInt(5)).get();
            assertThat(buf.getInt(0)).isEqualTo(5);
            buf.close();
            assertThat(theirs.stats().bytesInUse()).isZero();
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void defaultCapacityAppliesToRingsCreatedAfterwards() throws Exception {
        int before = Rings.defaultCapacity();
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Rings.setDefaultCapacity(8192);
            assertThat(other.submit(() -> Rings.local().capacity()).get()).isEqualTo(8192);
            assertThatThrownBy(() -> Rings.setDefaultCapacity(10)).isInstanceOf(IllegalArgumentException.class);
        } finally {
            Rings.setDefaultCapacity(before);
            other.shutdownNow();
        }
    }

    @Test
    void closeLocalFreesTheRingAndTheNextUseMakesANewOne() {
        try (ExtendableBuffer ext = Rings.extendable(8)) {
            ext.write(new byte[100]);
            try (FixedBuffer done = Rings.tryFixed(16)) {
                assertThat(done).isNotNull();
            }
        }
        RingAllocator old = Rings.local();
        assertThat(Rings.closeLocal(Duration.ofSeconds(1))).isTrue();
        assertThat(old.isFreed()).isTrue();
        assertThat(Rings.local()).isNotSameAs(old);
        Rings.tryExtendable(8).close();
    }
}
