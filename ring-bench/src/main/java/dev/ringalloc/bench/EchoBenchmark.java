package dev.ringalloc.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.net.InetAddress;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 5 — end to end: a Netty echo server and client over loopback (127.0.0.1 only), NIO
 * transport, one event loop each, both using the allocator under test ({@code ChannelOption.ALLOCATOR}).
 *
 * <p>One invocation: the client's event loop writes {@value #BATCH} messages of {@code size} bytes, each
 * a fresh buffer from the allocator, and flushes; the server echoes what it reads (its read buffers come
 * from the allocator too) and the client reads the echo (again into the allocator's buffers). The
 * invocation ends when every byte is back; the score is messages per second
 * ({@code @OperationsPerInvocation(BATCH)}). Bounded: an echo that takes more than
 * {@value #TIMEOUT_SECONDS} s fails the run instead of hanging it.
 *
 * <p>Direct memory: run with {@link DirectMemoryProfiler} (the comparison does) to get
 * {@code direct.used}, the direct memory the process holds after each iteration: the allocators'
 * footprint under this load. {@code gc.alloc.rate.norm} counts the garbage of all threads (event loops
 * included) per message.
 */
@State(Scope.Benchmark)
@Threads(1)
public class EchoBenchmark extends EventLoopBenchmark {
    /** Messages written per invocation before waiting for their echo. */
    public static final int BATCH = 64;
    /** Longest wait for one batch's echo. */
    public static final int TIMEOUT_SECONDS = 10;

    /** Which allocator: see {@link NettyAllocator}. */
    @Param({"ring", "pooled", "adaptive", "unpooledDirect", "unpooledHeap"})
    public String allocator;

    /** Bytes per message. */
    @Param({"64", "1024", "16384"})
    public int size;

    private NettyAllocator kind;
    private ByteBufAllocator alloc;
    private EventLoopGroup serverLoop;
    private EventLoopGroup clientLoop;
    private Channel server;
    private Channel client;
    private EchoClient handler;

    /** Its table, and the targets: ring at least as fast as pooled and adaptive, with less direct memory. */
    static TableSpec table() {
        return TableSpec.of("echo", "5. Echo server and client over 127.0.0.1 (messages/s)", "pooled",
                        "64 messages per round trip batch; direct MiB = process direct memory held")
                .targets(Target.ratio("pooled", 1), Target.ratio("adaptive", 1),
                        Target.lessDirectMemory("pooled"), Target.lessDirectMemory("adaptive"));
    }

    /**
     * Starts the server and connects the client. {@code NioEventLoopGroup} is deprecated in Netty 4.2 (where
     * it is a {@code MultiThreadIoEventLoopGroup} of {@code NioIoHandler}s) but is the one NIO group that
     * exists in 4.1 and 4.2 alike, so the module also builds with {@code -Pnetty41}.
     */
    @Setup(Level.Trial)
    @SuppressWarnings("deprecation")
    public void setUp() throws InterruptedException {
        kind = NettyAllocator.of(allocator);
        // A ring must hold one batch plus the socket reads in flight (up to 64 KiB each): sized to that and
        // no more, as a user sizes rings for a workload. The fallback check at tear-down rejects the run if
        // the ring proves too small. This is the footprint the echo table reports.
        alloc = kind.create(Math.toIntExact((long) BATCH * size + (1 << 18)));
        serverLoop = new NioEventLoopGroup(1);
        clientLoop = new NioEventLoopGroup(1);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        server = new ServerBootstrap()
                .group(serverLoop)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.ALLOCATOR, alloc)
                .childOption(ChannelOption.ALLOCATOR, alloc)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new EchoServer())
                .bind(loopback, 0).sync().channel();
        handler = new EchoClient(kind, alloc, size);
        client = new Bootstrap()
                .group(clientLoop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.ALLOCATOR, alloc)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(handler)
                .connect(server.localAddress()).sync().channel();
        handler.channel = client;
    }

    /** Sends {@value #BATCH} messages and waits until all of them are echoed. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void echo() throws InterruptedException {
        client.eventLoop().execute(handler.sendBatch);
        if (!handler.done.tryAcquire(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("echo of " + BATCH + " × " + size + " bytes not back within "
                    + TIMEOUT_SECONDS + " s (allocator " + allocator + ")");
        }
    }

    /** Closes both channels and stops both event loops. */
    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        client.close().sync();
        server.close().sync();
        clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        serverLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        RingWiring.checkServedByRings(alloc);
    }

    /** Writes back what it reads; flushes once per read burst. */
    @ChannelHandler.Sharable
    static final class EchoServer extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Sends batches on its event loop and counts the echoed bytes; signals when a batch is back. */
    static final class EchoClient extends ChannelInboundHandlerAdapter {
        final Semaphore done = new Semaphore(0);
        final Runnable sendBatch = this::sendBatch;
        private final NettyAllocator kind;
        private final ByteBufAllocator alloc;
        private final byte[] payload;
        Channel channel;
        private long outstanding;

        EchoClient(NettyAllocator kind, ByteBufAllocator alloc, int size) {
            this.kind = kind;
            this.alloc = alloc;
            this.payload = Payloads.bytes(size);
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            ctx.fireChannelActive();
        }

        private void sendBatch() {
            outstanding += (long) BATCH * payload.length;
            for (int i = 0; i < BATCH; i++) {
                ByteBuf msg = kind.buffer(alloc, payload.length);
                msg.writeBytes(payload);
                channel.write(msg, channel.voidPromise());
            }
            channel.flush();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf echoed = (ByteBuf) msg;
            outstanding -= echoed.readableBytes();
            ReferenceCountUtil.release(echoed);
            if (outstanding == 0) {
                done.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
