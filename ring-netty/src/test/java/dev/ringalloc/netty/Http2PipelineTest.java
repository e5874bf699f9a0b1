package dev.ringalloc.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/2 in cleartext with prior knowledge (h2c) over loopback, {@link RingByteBufAllocator#DEFAULT} as the
 * connections' allocator. {@link Http2MultiplexHandler} gives every stream a child channel with a configuration of
 * its own, whose allocator is Netty's default: {@code childOption(ChannelOption.ALLOCATOR, ...)} reaches the
 * connection, not the streams. One line in the stream initializer hands the connection's allocator down:
 * <pre>{@code
 * ch.config().setAllocator(ch.parent().config().getAllocator());
 * }</pre>
 * With it, the stream handlers' {@code ctx.alloc()} is the ring allocator and their buffers come from rings (the
 * test); without it, they come from Netty's default allocator (the control). The client opens {@value #STREAMS}
 * streams, each posting a body of 1 B to 60 KiB; the server's stream handler echoes it from buffers of
 * {@code ctx.alloc()}, heap and direct; the client checks every byte. Leak detection runs at PARANOID.
 */
class Http2PipelineTest {

    static final int STREAMS = 300;
    static final int MAX_BODY = 60 << 10;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void streamHandlersAllocateFromRingsOnceTheStreamChannelsGetTheAllocator() throws Exception {
        RingByteBufAllocator alloc = RingByteBufAllocator.DEFAULT;
        PipelineAudit audit = PipelineAudit.start(alloc);
        StreamEcho echo = run(alloc, true, STREAMS);
        Map<FallbackReason, Long> fallbacks = audit.fallbacks();
        System.out.println("HTTP/2 (h2c), " + STREAMS + " streams; fallbacks " + fallbacks + "\n  stream handlers' "
                + "ctx.alloc(): " + echo.allocators + "\n  " + echo.received + "\n  " + echo.sent);

        assertThat(echo.allocators).as("the stream handlers' ctx.alloc()").containsExactly(alloc);
        assertThat(echo.received.foreign()).as("%s: request data frames not from the ring allocator",
                echo.received).isZero();
        assertThat(echo.received.directInRing()).as("%s", echo.received).isPositive();
        assertThat(echo.sent.foreign()).as("%s: response buffers not from the ring allocator", echo.sent).isZero();
        assertThat(echo.sent.heapInRing()).as("%s", echo.sent).isPositive();
        assertThat(echo.sent.directInRing()).as("%s", echo.sent).isPositive();
        assertThat(fallbacks.get(FallbackReason.HEAP)).isZero();
        audit.finish();
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void withoutTheLineStreamHandlersAllocateFromNettysDefault() throws Exception {
        PipelineAudit audit = PipelineAudit.start(RingByteBufAllocator.DEFAULT);
        StreamEcho echo = run(RingByteBufAllocator.DEFAULT, false, 4);
        assertThat(echo.allocators).hasSize(1).doesNotContain(RingByteBufAllocator.DEFAULT)
                .allMatch(a -> !(a instanceof RingByteBufAllocator));
        assertThat(echo.sent.foreign()).as("%s: response buffers not from the ring allocator", echo.sent)
                .isPositive();
        audit.finish();
    }

    /**
     * Runs {@code streams} echo streams on one h2c connection; the server's stream initializer hands the
     * connection's allocator to each stream channel when {@code handDownAllocator}.
     */
    private static StreamEcho run(ByteBufAllocator alloc, boolean handDownAllocator, int streams) throws Exception {
        StreamEcho echo = new StreamEcho();
        ChannelInitializer<Http2StreamChannel> serverStreams = new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                if (handDownAllocator) {
                    ch.config().setAllocator(ch.parent().config().getAllocator()); // the line
                }
                ch.pipeline().addLast(echo);
            }
        };
        try (Loopback loopback = new Loopback(alloc,
                new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                                new Http2MultiplexHandler(serverStreams));
                    }
                },
                new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                })) {
            for (int n = 0; n < streams; n++) {
                Poster poster = new Poster(body(n));
                Channel stream = new Http2StreamChannelBootstrap(loopback.client)
                        .option(ChannelOption.ALLOCATOR, alloc)
                        .handler(poster)
                        .open().sync().getNow();
                assertThat(poster.done.await(30, TimeUnit.SECONDS)).as("stream %d answered", n).isTrue();
                assertThat(poster.failure.get()).as("stream %d", n).isNull();
                stream.close().sync();
            }
            assertThat(echo.failure.get()).isNull();
            assertThat(echo.answered.get()).isEqualTo(streams);
        }
        return echo;
    }

    /** The body stream {@code n} posts: 1 B to {@value #MAX_BODY}, log-uniform, random bytes. */
    static byte[] body(int n) {
        Random random = new Random(n);
        byte[] body = new byte[Math.min(MAX_BODY, (int) Math.pow(2, random.nextDouble() * 15.91))];
        random.nextBytes(body);
        return body;
    }

    /**
     * Server, one per connection, shared by its streams: collects a stream's request data, then answers with
     * headers and the same bytes copied into buffers of the stream's {@code ctx.alloc()}, heap and direct in turn.
     */
    @io.netty.channel.ChannelHandler.Sharable
    static final class StreamEcho extends ChannelInboundHandlerAdapter {
        final Set<ByteBufAllocator> allocators = ConcurrentHashMap.newKeySet();
        final RingProbe received = new RingProbe("server streams, request data");
        final RingProbe sent = new RingProbe("server streams, response data");
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicInteger answered = new AtomicInteger();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2DataFrame) {
                    Http2DataFrame data = (Http2DataFrame) msg;
                    received.record(data);
                    if (data.content().isReadable()) {
                        answer(ctx, data.content(), data.isEndStream());
                    } else if (data.isEndStream()) {
                        ctx.writeAndFlush(new DefaultHttp2DataFrame(true));
                    }
                } else if (msg instanceof Http2HeadersFrame) {
                    allocators.add(ctx.alloc());
                    Http2Headers headers = new DefaultHttp2Headers().status(HttpResponseStatus.OK.codeAsText());
                    ctx.write(new DefaultHttp2HeadersFrame(headers, false));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void answer(ChannelHandlerContext ctx, ByteBuf content, boolean last) {
            int n = content.readableBytes();
            ByteBuf out = answered.get() % 2 == 0 ? ctx.alloc().heapBuffer(n) : ctx.alloc().directBuffer(n);
            out.writeBytes(content, content.readerIndex(), n);
            sent.record(out);
            ctx.writeAndFlush(new DefaultHttp2DataFrame(out, last));
            if (last) {
                answered.incrementAndGet();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failure.compareAndSet(null, cause);
            ctx.close();
        }
    }

    /** Client, one per stream: posts its body when the stream opens (on the event loop), checks the answer. */
    static final class Poster extends ChannelInboundHandlerAdapter {
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final byte[] body;
        /** Event loop only. */
        private byte[] got = new byte[0];

        Poster(byte[] body) {
            this.body = body;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Http2Headers headers = new DefaultHttp2Headers().method("POST").scheme("http").authority("localhost")
                    .path("/echo");
            ctx.write(new DefaultHttp2HeadersFrame(headers, false));
            ctx.writeAndFlush(new DefaultHttp2DataFrame(ctx.alloc().buffer(body.length).writeBytes(body), true));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2DataFrame) {
                    Http2DataFrame data = (Http2DataFrame) msg;
                    int at = got.length;
                    got = Arrays.copyOf(got, at + data.content().readableBytes());
                    data.content().getBytes(data.content().readerIndex(), got, at, got.length - at);
                    if (data.isEndStream()) {
                        if (!Arrays.equals(got, body)) {
                            throw new AssertionError("echo of " + body.length + " bytes: got " + got.length
                                    + ", first difference at " + Arrays.mismatch(got, body));
                        }
                        done.countDown();
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
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
