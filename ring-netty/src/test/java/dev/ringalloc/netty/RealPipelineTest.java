package dev.ringalloc.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Netty pipeline over loopback with the ring allocator on both ends: a client sends 100,000 messages of
 * random sizes from 1 B to 64 KiB (many above the ring's maximum allocation), a third of them in heap buffers; the
 * server hands each read to an executor thread, which copies it in pieces into new buffers, direct or heap, grown
 * from the default initial capacity, and echoes them (so buffers are released on threads other than the one that
 * allocated them, and heap buffers are copied to direct ones by the channel); the client verifies every byte.
 * ResourceLeakDetector runs at PARANOID and must report nothing; every ring must end empty, and be freed once its
 * event loop has ended.
 */
class RealPipelineTest {

    static final int MESSAGES = 100_000;
    static final int MAX_MESSAGE = 64 << 10;
    static final int RING_MAX_ALLOCATION = 16 << 10;
    /** The byte stream is {@code PATTERN[position % PERIOD]}; a prime period never lines up with a message. */
    static final int PERIOD = 1_000_003;
    static final byte[] PATTERN = new byte[PERIOD + MAX_MESSAGE];

    static {
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < PATTERN.length; i++) {
            if (i < PERIOD) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                PATTERN[i] = (byte) x;
            } else {
                PATTERN[i] = PATTERN[i - PERIOD];
            }
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang fails the build instead of stalling it
    void echoOverLoopback() throws Exception {
        ResourceLeakDetector.Level savedLevel = LeakCapture.paranoid();
        RingByteBufAllocator alloc = RingByteBufAllocator.builder()
                .ringCapacity(1 << 20)
                .maxRingAllocation(RING_MAX_ALLOCATION)
                .build(); // fallback: Netty's default allocator
        EventExecutorGroup executor = new DefaultEventExecutorGroup(1);
        Echo echo = new Echo(RING_MAX_ALLOCATION);
        Client client = new Client(messageSizes(new Random(20261121), MESSAGES));
        try (Loopback loopback = new Loopback(alloc,
                new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(executor, echo);
                    }
                },
                client)) {
            assertThat(client.done.await(4, TimeUnit.MINUTES)).as("all echoes received").isTrue();
            assertThat(client.failure.get()).isNull();
            assertThat(echo.failure.get()).isNull();
            assertThat(client.received).isEqualTo(client.total);
            assertThat(client.sent).isEqualTo(MESSAGES);

            loopback.client.close().sync();
            assertThat(echo.closed.await(1, TimeUnit.MINUTES)).isTrue();
            loopback.server.close().sync();

            // Both event loops are idle now: every ring buffer has been released.
            RingByteBufAllocatorMetric metric = alloc.metric();
            System.out.println("pipeline: " + client.total + " bytes each way; allocations " + metric.allocations()
                    + ", in-place growths " + metric.growthsInPlace() + ", moves " + metric.moves() + ", fallbacks "
                    + Arrays.toString(Arrays.stream(FallbackReason.values()).map(r -> r + "=" + metric.fallbacks(r))
                    .toArray()) + ", leak level " + ResourceLeakDetector.getLevel());
            // Large rings besides, for the threads whose large requests crowded their ring (messages up to 64 KiB
            // held while they are echoed): at most one per thread and kind, beside that thread's ring of the kind.
            List<RingSnapshot> rings = metric.ringSnapshots(0);
            assertThat(rings).filteredOn(r -> r.direct() && !r.large()).as("direct rings: server event loop, server"
                    + " executor, client event loop").hasSize(3);
            assertThat(rings).filteredOn(r -> !r.direct() && !r.large())
                    .as("heap rings: server executor, client event loop").hasSize(2);
            assertThat(rings.stream().filter(RingSnapshot::large).map(RealPipelineTest::threadAndKind))
                    .as("large rings").doesNotHaveDuplicates()
                    .isSubsetOf(rings.stream().filter(r -> !r.large()).map(RealPipelineTest::threadAndKind)
                            .collect(Collectors.toList()));
            assertThat(echo.heapPieces.sum()).as("heap pieces echoed").isPositive();
            // A heap piece that fits a ring is in one, unless a full ring pushed it out (each such counts RING_FULL).
            assertThat(echo.heapPiecesInRing.sum()).as("heap pieces of at most the ring's maximum, in a ring")
                    .isPositive()
                    .isGreaterThanOrEqualTo(
                            echo.heapPiecesUpToRingMax.sum() - metric.fallbacks(FallbackReason.RING_FULL));
            assertThat(metric.fallbacks(FallbackReason.HEAP)).as("heap requests sent to the fallback").isZero();
            assertThat(metric.bytesInUse()).isZero();
            assertThat(metric.liveRegions()).isZero();
            assertThat(metric.allocations()).isGreaterThan(MESSAGES / 2); // most client messages fit a ring
            assertThat(metric.fallbacks(FallbackReason.TOO_LARGE)).as("messages above the ring maximum").isPositive();
            assertThat(metric.growthsInPlace()).isPositive();
            assertThat(metric.moves()).isPositive();
        } catch (Throwable t) {
            ResourceLeakDetector.setLevel(savedLevel); // a paranoid level left behind slows every later test
            throw t;
        } finally {
            executor.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        try {
            // Ended event loops retire their rings; empty retired rings are freed.
            assertThat(alloc.metric().rings()).isZero();
            LeakCapture.collect(alloc);
            assertThat(LeakCapture.reports(LeakCapture.DELIBERATE)).as("leak reports").isEmpty();
        } finally {
            ResourceLeakDetector.setLevel(savedLevel);
        }
    }

    private static String threadAndKind(RingSnapshot ring) {
        return ring.owner() + (ring.direct() ? ", direct" : ", heap");
    }

    /** {@code count} log-uniform sizes from 1 B to 64 KiB, with both extremes present. */
    static int[] messageSizes(Random random, int count) {
        int[] sizes = new int[count];
        for (int i = 0; i < count; i++) {
            sizes[i] = Math.min(MAX_MESSAGE, (int) Math.pow(2, random.nextDouble() * 16.01));
        }
        sizes[0] = 1;
        sizes[1] = MAX_MESSAGE;
        sizes[2] = RING_MAX_ALLOCATION + 1;
        return sizes;
    }

    /**
     * Server side (in this test on an executor thread apart from the event loop): copies every read, in pieces of
     * random sizes, into new buffers, direct or heap at random, from the default initial capacity, and echoes them.
     */
    @io.netty.channel.ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        final CountDownLatch closed = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final LongAdder heapPieces = new LongAdder();
        /** Heap pieces whose final capacity is at most the ring's maximum allocation... */
        final LongAdder heapPiecesUpToRingMax = new LongAdder();
        /** ...and of those, the ones whose memory is a ring region. */
        final LongAdder heapPiecesInRing = new LongAdder();
        private final int ringMax;

        Echo(int ringMax) {
            this.ringMax = ringMax;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg; // allocated on the event loop, released here (on the executor in this test)
            try {
                while (in.isReadable()) {
                    int n = Math.min(in.readableBytes(), 1 + ThreadLocalRandom.current().nextInt(24 << 10));
                    boolean heap = ThreadLocalRandom.current().nextBoolean();
                    // 256 bytes, grown while the piece is copied
                    ByteBuf out = heap ? ctx.alloc().heapBuffer() : ctx.alloc().buffer();
                    try {
                        out.writeBytes(in, n);
                    } catch (RuntimeException e) {
                        out.release();
                        throw e;
                    }
                    if (heap) {
                        countHeapPiece(out);
                    }
                    ctx.write(out); // released by the event loop once written (after its copy to direct memory)
                }
            } finally {
                in.release();
            }
        }

        private void countHeapPiece(ByteBuf out) {
            heapPieces.increment();
            if (out.capacity() <= ringMax) {
                heapPiecesUpToRingMax.increment();
                if (TestSupport.inRing(out)) {
                    heapPiecesInRing.increment();
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            // Back-pressure: stop reading while the client is behind.
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failure.compareAndSet(null, cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed.countDown();
        }
    }

    /** Client side: sends the messages while the channel is writable, verifies the echoed stream. */
    static final class Client extends ChannelInboundHandlerAdapter {
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final int[] sizes;
        final long total;
        // Event-loop thread only; read by the test thread after `done` (a latch: happens-before).
        int sent;
        long sentBytes;
        long received;
        private final byte[] scratch = new byte[MAX_MESSAGE];

        Client(int[] sizes) {
            this.sizes = sizes;
            long sum = 0;
            for (int s : sizes) {
                sum += s;
            }
            this.total = sum;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            sendMore(ctx);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                sendMore(ctx);
            }
        }

        private void sendMore(ChannelHandlerContext ctx) {
            while (sent < sizes.length && ctx.channel().isWritable()) {
                int size = sizes[sent++];
                ByteBuf msg = sent % 3 == 0 ? ctx.alloc().heapBuffer(size) : ctx.alloc().buffer(size);
                msg.writeBytes(PATTERN, (int) (sentBytes % PERIOD), size);
                sentBytes += size;
                ctx.write(msg);
            }
            ctx.flush();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                while (in.isReadable()) {
                    int n = Math.min(in.readableBytes(), scratch.length);
                    in.readBytes(scratch, 0, n);
                    int at = (int) (received % PERIOD);
                    int bad = Arrays.mismatch(scratch, 0, n, PATTERN, at, at + n);
                    if (bad >= 0) {
                        throw new AssertionError("echoed byte " + (received + bad) + " differs");
                    }
                    received += n;
                }
            } finally {
                in.release();
            }
            if (received == total) {
                done.countDown();
            } else if (received > total) {
                throw new AssertionError("more bytes echoed than sent");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failure.compareAndSet(null, cause);
            done.countDown();
            ctx.close();
        }
    }
}
