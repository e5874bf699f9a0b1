package dev.ringalloc.bench.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Answers every HTTP request with {@code 200 OK} and a text body of {@link BodySize#next()} bytes, written
 * into a buffer from the channel's allocator (as a server encoding its response would). Responses are
 * flushed once per read batch; keep-alive as the request asks.
 */
final class HttpHandler extends SimpleChannelInboundHandler<HttpObject> {
    private final byte[] text;
    private final BodySize bodySize;

    /** @param text at least {@code bodySize.max()} bytes of body text */
    HttpHandler(byte[] text, BodySize bodySize) {
        this.text = text;
        this.bodySize = bodySize;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        if (!(msg instanceof HttpRequest)) {
            return; // request content: nothing to do (the superclass releases it)
        }
        HttpRequest request = (HttpRequest) msg;
        int size = bodySize.next();
        ByteBuf content = ctx.alloc().buffer(size);
        content.writeBytes(text, 0, size);
        FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
                content);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, size);
        if (HttpUtil.isKeepAlive(request)) {
            if (!request.protocolVersion().isKeepAliveDefault()) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.write(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.write(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a load generator cutting its connections at the end is no error worth a stack trace
    }
}
