package dev.ringalloc.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.util.concurrent.TimeUnit;

/**
 * A server and a client connected over loopback, each with one NIO event loop of its own and {@code allocator} as
 * every channel's allocator, as an application adopts it ({@code option} and {@code childOption}). Closing closes
 * both channels and ends the event loops, which retires their rings.
 */
final class Loopback implements AutoCloseable {

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final EventLoopGroup clientLoop;
    final Channel server;
    final Channel client;

    @SuppressWarnings("deprecation") // NioEventLoopGroup: the one NIO group class of both Netty 4.1 and 4.2
    Loopback(ByteBufAllocator allocator, ChannelHandler serverChild, ChannelHandler clientHandler)
            throws InterruptedException {
        boss = new NioEventLoopGroup(1);
        workers = new NioEventLoopGroup(1);
        clientLoop = new NioEventLoopGroup(1);
        boolean started = false;
        try {
            server = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.ALLOCATOR, allocator)
                    .childOption(ChannelOption.ALLOCATOR, allocator)
                    .childHandler(serverChild)
                    .bind("127.0.0.1", 0).sync().channel();
            client = new Bootstrap()
                    .group(clientLoop)
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.ALLOCATOR, allocator)
                    .handler(clientHandler)
                    .connect(server.localAddress()).sync().channel();
            started = true;
        } finally {
            if (!started) {
                shutDown();
            }
        }
    }

    /** Closes the client, then the server, and waits for every event loop to end. */
    @Override
    public void close() throws InterruptedException {
        try {
            client.close().sync();
            server.close().sync();
        } finally {
            shutDown();
        }
    }

    private void shutDown() throws InterruptedException {
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
}
