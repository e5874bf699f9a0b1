package dev.ringalloc.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ringalloc.core.StressSupport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.util.IllegalReferenceCountException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Thread death at the Netty level: the thread that owns a ring ends while its buffers are live on
 * other threads. The buffers stay valid and intact; the ring's memory is freed once the last one is
 * released — observed through the allocator's metric (rings not yet freed) and the JDK's
 * direct-memory figure, not assumed.
 */
class NettyThreadDeathTest {

    private static final int RING_CAPACITY = 1 << 20;
    private static final int BUFFERS = 16;

    private record Held(ByteBuf buf, int offset, int length) {
    }

    private static RingByteBufAllocator allocator(boolean ringsForAllThreads) {
        return RingByteBufAllocator.builder()
                .ringCapacity(RING_CAPACITY)
                .fallback(new UnpooledByteBufAllocator(true, false, false))
                .ringsForAllThreads(ringsForAllThreads)
                .build();
    }

    private static List<Held> allocateMany(RingByteBufAllocator alloc) {
        List<Held> held = new ArrayList<>();
        for (int i = 0; i < BUFFERS; i++) {
            int length = 100 + i * 300;
            int offset = i * 1000;
            ByteBuf buf = alloc.directBuffer(length);
            assertThat(NettyStress.inRing(buf)).as("served by the thread's ring").isTrue();
            NettyStress.fill(buf, offset, length);
            held.add(new Held(buf, offset, length));
        }
        return held;
    }

    private static void assertIntact(List<Held> held) {
        for (Held h : held) {
            assertThat(NettyStress.intact(h.buf(), h.offset(), h.length())).as("buffer intact after its owner died").isTrue();
        }
    }

    @Test
    void eventLoopShutDownWhileItsBuffersAreHeldElsewhere() throws Exception {
        RingByteBufAllocator alloc = allocator(false);
        NettyStress.settleGarbage();
        long baseline = StressSupport.directMemoryUsed();
        DefaultEventLoopGroup group = new DefaultEventLoopGroup(1);
        EventLoop loop = group.next();
        AtomicReference<Thread> loopThread = new AtomicReference<>();
        List<Held> held = loop.submit(() -> {
            loopThread.set(Thread.currentThread());
            return allocateMany(alloc);
        }).get();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        assertThat(group.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        loopThread.get().join();
        assertThat(loopThread.get().isAlive()).as("the event-loop thread ended").isFalse();

        assertThat(alloc.metric().rings()).as("its ring lives on while buffers are held").isEqualTo(1);
        assertThat(StressSupport.directMemoryUsed() - baseline).isGreaterThanOrEqualTo(RING_CAPACITY);
        assertIntact(held);

        // Released on another thread, all but one: the ring stays.
        TestSupport.onPlainThread(() -> {
            for (Held h : held.subList(0, BUFFERS - 1)) {
                assertThat(h.buf().release()).isTrue();
            }
            return null;
        });
        assertThat(alloc.metric().rings()).as("one buffer is still held").isEqualTo(1);
        Held last = held.get(BUFFERS - 1);
        assertThat(NettyStress.intact(last.buf(), last.offset(), last.length())).isTrue();
        long beforeLast = StressSupport.directMemoryUsed();
        TestSupport.onPlainThread(() -> last.buf().release());

        assertThat(alloc.metric().rings()).as("the last release freed the ring").isZero();
        assertThat(beforeLast - StressSupport.directMemoryUsed()).as("direct memory given back")
                .isGreaterThanOrEqualTo(RING_CAPACITY);
        assertThatThrownBy(() -> last.buf().getByte(0)).isInstanceOf(IllegalReferenceCountException.class);
        assertThatThrownBy(() -> last.buf().release()).isInstanceOf(IllegalReferenceCountException.class);
    }

    @Test
    void plainThreadWithARingEndsWithoutCleanupWhileBuffersAreHeld() throws Exception {
        RingByteBufAllocator alloc = allocator(true);
        NettyStress.settleGarbage();
        long baseline = StressSupport.directMemoryUsed();
        List<Held> held = TestSupport.onPlainThread(() -> allocateMany(alloc)); // the thread has ended on return
        assertThat(alloc.metric().rings()).as("retired (owner dead) but held").isEqualTo(1);
        assertThat(StressSupport.directMemoryUsed() - baseline).isGreaterThanOrEqualTo(RING_CAPACITY);
        assertIntact(held);
        long before = StressSupport.directMemoryUsed();
        TestSupport.onPlainThread(() -> {
            held.forEach(h -> h.buf().release());
            return null;
        });
        assertThat(alloc.metric().rings()).as("freed by the last release").isZero();
        assertThat(before - StressSupport.directMemoryUsed()).isGreaterThanOrEqualTo(RING_CAPACITY);
    }

    @Test
    void plainThreadWhoseBuffersWereAllReleasedBeforeItsRingWasRetired() throws Exception {
        RingByteBufAllocator alloc = allocator(true);
        NettyStress.settleGarbage();
        long baseline = StressSupport.directMemoryUsed();
        List<Held> held = TestSupport.onPlainThread(() -> allocateMany(alloc));
        // Released before anyone noticed the thread's death: nothing can free the ring yet ...
        held.forEach(h -> h.buf().release());
        assertThat(StressSupport.directMemoryUsed() - baseline).as("not freed until the allocator retires it")
                .isGreaterThanOrEqualTo(RING_CAPACITY);
        long before = StressSupport.directMemoryUsed();
        // ... until the allocator next looks at its rings (metric, or a new ring): it retires the dead
        // thread's ring, which is empty, so it is freed at once.
        assertThat(alloc.metric().rings()).isZero();
        assertThat(before - StressSupport.directMemoryUsed()).isGreaterThanOrEqualTo(RING_CAPACITY);
    }
}
