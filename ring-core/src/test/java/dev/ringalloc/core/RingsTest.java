package dev.ringalloc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

    @Test
    void closeLocalOnAThreadWithoutARingMakesNone() throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            long made = Rings.ringsMade();
            assertThat(other.submit(() -> Rings.closeLocal(Duration.ZERO)).get()).isTrue();
            assertThat(Rings.ringsMade()).isEqualTo(made);
            other.submit(() -> Rings.fixed(8).close()).get();
            assertThat(Rings.ringsMade()).isEqualTo(made + 1);
            assertThat(other.submit(() -> Rings.closeLocal(Duration.ZERO)).get()).isTrue();
        } finally {
            other.shutdownNow();
        }
    }

    /**
     * JDK 21+: 100,000 virtual threads calling Rings. None gets a ring (each call that needs one says so and names
     * the alternative), no ring is made, the JDK's direct memory does not grow by even one ring, and the queries
     * answer without making one. The project compiles for Java 17: the executor is made reflectively.
     */
    @Test
    void virtualThreadsGetNoRing() throws Throwable {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21");
        CoreThreadDeathTest.settleGarbage();
        long made = Rings.ringsMade();
        long directBefore = StressSupport.directMemoryUsed();
        ExecutorService virtual = newVirtualThreadPerTaskExecutor();
        RingAllocator platformRing = RingAllocator.create(4096);
        FixedBuffer foreign = platformRing.fixed(16);
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        int threads = 100_000;
        try (FixedBuffer shared = foreign) {
            Future<?>[] tasks = new Future<?>[threads];
            for (int i = 0; i < threads; i++) {
                int n = i;
                tasks[i] = virtual.submit(() -> {
                    try {
                        if ((n & 1) == 0) {
                            Rings.fixed(64);
                        } else {
                            Rings.extendable(64);
                        }
                    } catch (UnsupportedOperationException expected) {
                        if (expected.getMessage().contains("RingAllocator")) {
                            refused.incrementAndGet();
                        }
                    }
                    if (!Rings.isLocal(shared) && !Rings.isLocal(ByteBuffer.allocate(1))
                            && Rings.closeLocal(Duration.ZERO)) {
                        answered.incrementAndGet();
                    }
                    return null;
                });
            }
            for (Future<?> task : tasks) {
                task.get();
            }
        } finally {
            virtual.shutdown();
            assertThat(virtual.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        }
        assertThat(refused.get()).as("calls refused with a message naming RingAllocator").isEqualTo(threads);
        assertThat(answered.get()).as("queries answered without a ring").isEqualTo(threads);
        assertThat(Rings.ringsMade()).as("rings made for virtual threads").isEqualTo(made);
        assertThat(StressSupport.directMemoryUsed() - directBefore).as("direct memory grown by")
                .isLessThan(Rings.defaultCapacity());
        assertThatThrownBy(() -> virtualThreadCall(Rings::local)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("virtual thread");
        RingTestSupport.assertIntact(platformRing);
    }

    /** Runs {@code call} on one new virtual thread and returns its result or throws what it threw. */
    private static <T> T virtualThreadCall(java.util.concurrent.Callable<T> call) throws Throwable {
        ExecutorService virtual = newVirtualThreadPerTaskExecutor();
        try {
            return virtual.submit(call).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause();
        } finally {
            virtual.shutdown();
        }
    }

    /** {@code Executors.newVirtualThreadPerTaskExecutor()} (JDK 21+), called through a method handle. */
    private static ExecutorService newVirtualThreadPerTaskExecutor() throws Throwable {
        return (ExecutorService) MethodHandles.publicLookup()
                .findStatic(Executors.class, "newVirtualThreadPerTaskExecutor", MethodType.methodType(ExecutorService.class))
                .invoke();
    }
}
