package dev.ringalloc.bench.server;

import dev.ringalloc.bench.NettyAllocator;
import dev.ringalloc.bench.replay.Arguments;
import dev.ringalloc.bench.replay.PeakSampler;
import dev.ringalloc.bench.ProcMemory;
import dev.ringalloc.netty.FallbackReason;
import dev.ringalloc.netty.RingByteBufAllocator;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

import static dev.ringalloc.bench.replay.Arguments.value;

/**
 * A small real HTTP/1.1 server on Netty, with the allocator chosen by name for the server and child
 * channels: the server that {@code ring-bench/http-load.sh} drives with wrk, and the one whose recording
 * ships as the replay's test data.
 *
 * <pre>
 * java -cp ring-bench/target/benchmarks.jar dev.ringalloc.bench.server.HttpServer \
 *     [--allocator ring|pooled|adaptive|unpooled] [--port 8080] [--threads 2] [--tls] [--gzip] [--body 1024|64-65536]
 * </pre>
 *
 * <p>Every request gets a text body of the given size, or of a size drawn per response ({@link BodySize}).
 * {@code --tls}: HTTPS with the JDK's TLS and a self-signed certificate made at start
 * ({@link SelfSignedKeyStore}). {@code --gzip}: {@link HttpContentCompressor} (for clients that send
 * {@code Accept-Encoding: gzip}). Port 0 picks a free port. It prints {@value #LISTENING} and the URL once
 * it accepts connections; when it is stopped (SIGTERM) it prints one line starting {@value #STATS} with the
 * allocator's figures as {@code key=value}: {@code usedDirectMemory} (now) and {@code peakDirectMemory}
 * (sampled every 100 ms) from the allocator's metric, {@code ringResident} (smaps, see
 * {@link ProcessMemory}), {@code vmRss}, all in bytes, and the ring's fallbacks by reason.
 */
public final class HttpServer {
    /** What the line announcing the URL starts with. */
    public static final String LISTENING = "listening on ";
    /** What the statistics line printed at exit starts with. */
    public static final String STATS = "stats:";

    /**
     * The server's settings.
     *
     * @param allocator for the server and child channels
     * @param port      0 for any free port
     * @param threads   event loops serving connections
     * @param tls       HTTPS
     * @param gzip      compress responses for clients that accept it
     * @param body      response body sizes
     */
    public record Options(NettyAllocator allocator, int port, int threads, boolean tls, boolean gzip, BodySize body) {
        /** Parses the command line. @throws IllegalArgumentException naming what is wrong */
        public static Options parse(String... argv) {
            NettyAllocator allocator = NettyAllocator.ADAPTIVE;
            int port = 8080;
            int threads = 2;
            boolean tls = false;
            boolean gzip = false;
            BodySize body = new BodySize(1024, 1024);
            for (int i = 0; i < argv.length; i++) {
                String arg = argv[i];
                switch (arg) {
                    case "--allocator": allocator = Arguments.allocator(value(argv, ++i, arg)); break;
                    case "--port": port = Arguments.size(value(argv, ++i, arg), arg); break;
                    case "--threads": threads = Arguments.size(value(argv, ++i, arg), arg); break;
                    case "--tls": tls = true; break;
                    case "--gzip": gzip = true; break;
                    case "--body": body = BodySize.parse(value(argv, ++i, arg)); break;
                    default: throw new IllegalArgumentException("unexpected argument '" + arg + "'");
                }
            }
            return new Options(allocator, port, threads, tls, gzip, body);
        }
    }

    private final Options options;
    private final ByteBufAllocator allocator;
    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers;
    private final PeakSampler direct;
    private Channel channel;

    /** A server with these options; {@link #start()} binds it. */
    public HttpServer(Options options) {
        this.options = options;
        this.allocator = options.allocator().create(RingByteBufAllocator.DEFAULT_RING_CAPACITY);
        this.workers = new MultiThreadIoEventLoopGroup(options.threads(), new DefaultThreadFactory("http-worker"),
                NioIoHandler.newFactory());
        this.direct = new PeakSampler("direct-memory-sampler",
                ((ByteBufAllocatorMetricProvider) allocator).metric()::usedDirectMemory, 100);
    }

    /** Binds to 127.0.0.1 and returns the port. */
    public int start() throws Exception {
        SslContext ssl = options.tls()
                ? SslContextBuilder.forServer(SelfSignedKeyStore.keyManagers()).sslProvider(SslProvider.JDK).build()
                : null;
        byte[] text = text(options.body().max());
        channel = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.ALLOCATOR, allocator)
                .childOption(ChannelOption.ALLOCATOR, allocator)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (ssl != null) {
                            p.addLast(ssl.newHandler(ch.alloc()));
                        }
                        p.addLast(new HttpServerCodec());
                        if (options.gzip()) {
                            p.addLast(new HttpContentCompressor());
                        }
                        p.addLast(new HttpHandler(text, options.body()));
                    }
                })
                .bind("127.0.0.1", options.port()).sync().channel();
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** The allocator's figures now, as the {@value #STATS} line. */
    public String stats() {
        StringJoiner s = new StringJoiner(" ", STATS + " ", "");
        s.add("allocator=" + options.allocator().paramName());
        s.add("usedDirectMemory=" + ((ByteBufAllocatorMetricProvider) allocator).metric().usedDirectMemory());
        s.add("peakDirectMemory=" + direct.peak());
        s.add("ringResident=" + Math.max(0, ProcMemory.ringResidentBytes()));
        s.add("vmRss=" + ProcMemory.vmRssBytes());
        if (allocator instanceof RingByteBufAllocator) {
            for (FallbackReason r : FallbackReason.values()) {
                s.add("fallbacks." + r + "=" + ((RingByteBufAllocator) allocator).metric().fallbacks(r));
            }
        }
        return s.toString();
    }

    /** Closes the channel and ends the event loops. */
    public void stop() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        direct.close();
    }

    /** Runs the server until the process is stopped; exit code 2 for bad arguments. */
    public static void main(String[] argv) throws Exception {
        Options options;
        try {
            options = Options.parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println("HttpServer: " + e.getMessage());
            System.exit(2);
            return;
        }
        HttpServer server = new HttpServer(options);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println(server.stats());
            System.out.flush();
            server.stop();
        }, "http-server-stop"));
        int port = server.start();
        System.out.println(LISTENING + (options.tls() ? "https" : "http") + "://127.0.0.1:" + port + "/ " + options);
        System.out.flush();
        server.channel.closeFuture().sync();
    }

    /** {@code size} bytes of text made of words: compressible as real text is, not as a run of one byte. */
    static byte[] text(int size) {
        String[] words = {"ring", "buffer", "netty", "allocator", "event", "loop", "request", "response", "bytes",
            "pooled", "adaptive", "direct", "memory", "the", "a", "of", "to", "and"};
        Random random = new Random(42);
        StringBuilder s = new StringBuilder(size + 16);
        while (s.length() < size) {
            s.append(words[random.nextInt(words.length)]).append(random.nextInt(10) == 0 ? ".\n" : " ");
        }
        return s.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }
}
