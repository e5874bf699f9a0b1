package dev.ringalloc.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/1.1 with gzip over loopback, {@link RingByteBufAllocator#DEFAULT} as every channel's allocator: the server
 * compresses its responses ({@link HttpContentCompressor}), the client decompresses them
 * ({@link HttpContentDecompressor}). Both compress and decompress through the JDK's zlib into heap buffers, which
 * must come from the event loops' heap rings: no {@code HEAP} fallback, every heap buffer seen in a ring region. The
 * client posts {@value #REQUESTS} compressible bodies of 1 B to 48 KiB on one keep-alive connection; the server
 * echoes each (half of them from heap buffers); the client checks that every response was gzip-encoded and every
 * decompressed byte. Leak detection runs at PARANOID.
 */
class HttpGzipPipelineTest {

    static final int REQUESTS = 600;
    static final int MAX_BODY = 48 << 10;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void gzipEncodedResponses() throws Exception {
        RingByteBufAllocator alloc = RingByteBufAllocator.DEFAULT;
        PipelineAudit audit = PipelineAudit.start(alloc);
        // Between the HTTP codec and the compressor (server) or decompressor (client): the compressed side.
        RingProbe serverCompressed = new RingProbe("server, compressed");
        RingProbe clientCompressed = new RingProbe("client, compressed");
        RingProbe clientPlain = new RingProbe("client, decompressed");
        RingProbe serverNet = new RingProbe("server, socket");
        RingProbe clientNet = new RingProbe("client, socket");
        EchoBody server = new EchoBody();
        Poster client = new Poster();
        Map<FallbackReason, Long> fallbacks;
        try (Loopback ignored = new Loopback(alloc,
                new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(serverNet, new HttpServerCodec(), serverCompressed,
                                new HttpContentCompressor(), new HttpObjectAggregator(1 << 20), server);
                    }
                },
                new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(clientNet, new HttpClientCodec(), clientCompressed, client.encodings,
                                new HttpContentDecompressor(), clientPlain, new HttpObjectAggregator(1 << 20), client);
                    }
                })) {
            assertThat(client.done.await(150, TimeUnit.SECONDS)).as("every response received").isTrue();
            assertThat(client.failure.get()).isNull();
            assertThat(server.failure.get()).isNull();
            assertThat(client.verified.get()).isEqualTo(REQUESTS);
            assertThat(client.encodings.gzip.get()).as("gzip-encoded responses").isEqualTo(REQUESTS);
        }
        fallbacks = audit.fallbacks();
        System.out.println("HTTP/1.1 + gzip, " + REQUESTS + " requests; fallbacks " + fallbacks + "\n  " + serverNet
                + "\n  " + serverCompressed + "\n  " + clientNet + "\n  " + clientCompressed + "\n  " + clientPlain);

        assertThat(fallbacks.get(FallbackReason.HEAP)).as("heap requests sent to the fallback").isZero();
        assertThat(serverCompressed.heapInRing()).as("%s: the compressor's heap buffers, from heap rings",
                serverCompressed).isPositive();
        assertThat(clientPlain.heapInRing()).as("%s: the decompressor's heap buffers, from heap rings",
                clientPlain).isPositive();
        // Every heap buffer here fits a ring: bodies of at most 48 KiB, compressed or not.
        PipelineAudit.assertHeapBuffersFromRings(fallbacks, serverNet, serverCompressed, clientNet, clientCompressed,
                clientPlain);
        audit.finish();
    }

    /** The body of request {@code n}: compressible text of 1 B to {@value #MAX_BODY}, log-uniform. */
    static byte[] body(int n) {
        Random random = new Random(n);
        int size = Math.min(MAX_BODY, (int) Math.pow(2, random.nextDouble() * 15.6));
        String[] words = {"ring ", "buffer ", "region ", "guard ", "event ", "loop ", "netty ", "heap ", "gzip\n"};
        StringBuilder text = new StringBuilder(size + 8);
        while (text.length() < size) {
            text.append(words[random.nextInt(words.length)]);
        }
        return text.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }

    /** Server: answers each request with its body, copied into a heap or a direct buffer (every other request). */
    @io.netty.channel.ChannelHandler.Sharable
    static final class EchoBody extends SimpleChannelInboundHandler<FullHttpRequest> {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final AtomicInteger answered = new AtomicInteger();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            ByteBuf in = request.content();
            int n = in.readableBytes();
            ByteBuf out = answered.getAndIncrement() % 2 == 0 ? ctx.alloc().heapBuffer(n) : ctx.alloc().buffer(n);
            out.writeBytes(in, in.readerIndex(), n);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, out);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
            HttpUtil.setContentLength(response, n);
            HttpUtil.setKeepAlive(response, true);
            ctx.writeAndFlush(response);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failure.compareAndSet(null, cause);
            ctx.close();
        }
    }

    /** Client, before the decompressor: counts the responses that came gzip-encoded. */
    @io.netty.channel.ChannelHandler.Sharable
    static final class Encodings extends ChannelInboundHandlerAdapter {
        final AtomicInteger gzip = new AtomicInteger();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpResponse
                    && HttpHeaderValues.GZIP.contentEqualsIgnoreCase(
                            ((HttpResponse) msg).headers().get(HttpHeaderNames.CONTENT_ENCODING, ""))) {
                gzip.incrementAndGet();
            }
            ctx.fireChannelRead(msg);
        }
    }

    /**
     * Client: posts the bodies one after the other on one connection, each built on the event loop, and checks each
     * decompressed response against the body it posted.
     */
    @io.netty.channel.ChannelHandler.Sharable
    static final class Poster extends SimpleChannelInboundHandler<FullHttpResponse> {
        final Encodings encodings = new Encodings();
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicInteger verified = new AtomicInteger();
        /** Event loop only. */
        private int next;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            post(ctx);
        }

        private void post(ChannelHandlerContext ctx) {
            byte[] body = body(next);
            ByteBuf content = ctx.alloc().buffer(body.length).writeBytes(body);
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/echo/" + next,
                    content);
            request.headers().set(HttpHeaderNames.HOST, "localhost");
            request.headers().set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.GZIP);
            HttpUtil.setContentLength(request, body.length);
            ctx.writeAndFlush(request);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            byte[] expected = body(next);
            byte[] got = ByteBufUtil.getBytes(response.content());
            if (!Arrays.equals(got, expected)) {
                throw new AssertionError("response " + next + ": " + got.length + " bytes, expected "
                        + expected.length + ", first difference at " + Arrays.mismatch(got, expected));
            }
            verified.incrementAndGet();
            if (++next == REQUESTS) {
                done.countDown();
            } else {
                post(ctx);
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
