package dev.ringalloc.netty;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS over loopback with the JDK's own {@code SSLEngine} and {@link RingByteBufAllocator#DEFAULT} as every channel's
 * allocator. With the JDK provider, Netty's {@link SslHandler} encrypts into heap buffers: they must come from the
 * event loops' heap rings (no {@code HEAP} fallback, every heap buffer seen in a ring region). The client sends
 * 5,000 messages of 1 B to 64 KiB, a third in heap buffers; the server echoes each read in pieces, direct or heap;
 * the client checks every byte. Leak detection runs at PARANOID.
 */
class TlsPipelineTest {

    static final int MESSAGES = 5_000;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void echoOverTlsWithTheJdkEngine(@TempDir Path dir) throws Exception {
        SelfSignedTls tls = SelfSignedTls.create(dir);
        assertThat(tls.provider()).isEqualTo("SunJSSE");
        RingByteBufAllocator alloc = RingByteBufAllocator.DEFAULT;
        PipelineAudit audit = PipelineAudit.start(alloc);
        // Outside SslHandler: the encrypted bytes (what it wraps into, what the socket reads); inside: the plain ones.
        RingProbe serverNet = new RingProbe("server, encrypted");
        RingProbe serverApp = new RingProbe("server, plain");
        RingProbe clientNet = new RingProbe("client, encrypted");
        RingProbe clientApp = new RingProbe("client, plain");
        RealPipelineTest.Echo echo = new RealPipelineTest.Echo(alloc.maxRingAllocation());
        RealPipelineTest.Client client = new RealPipelineTest.Client(
                RealPipelineTest.messageSizes(new Random(20261130), MESSAGES));
        Map<FallbackReason, Long> fallbacks;
        try (Loopback loopback = new Loopback(alloc,
                new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(serverNet, new SslHandler(tls.serverEngine()), serverApp, echo);
                    }
                },
                new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(clientNet, new SslHandler(tls.clientEngine()), clientApp, client);
                    }
                })) {
            assertThat(client.done.await(150, TimeUnit.SECONDS)).as("all echoes received").isTrue();
            assertThat(client.failure.get()).isNull();
            assertThat(echo.failure.get()).isNull();
            assertThat(client.received).isEqualTo(client.total);
            assertThat(loopback.client.pipeline().get(SslHandler.class).engine().getSession().getProtocol())
                    .startsWith("TLS");
        }
        fallbacks = audit.fallbacks();
        System.out.println("TLS (JDK SSLEngine), " + client.total + " bytes each way; fallbacks " + fallbacks
                + "\n  " + serverNet + "\n  " + serverApp + "\n  " + clientNet + "\n  " + clientApp);

        assertThat(fallbacks.get(FallbackReason.HEAP)).as("heap requests sent to the fallback").isZero();
        for (RingProbe probe : new RingProbe[] {serverNet, clientNet}) {
            assertThat(probe.heapInRing()).as("%s: SslHandler's heap buffers, from heap rings", probe).isPositive();
        }
        // Every heap buffer here fits a ring: at most 64 KiB.
        PipelineAudit.assertHeapBuffersFromRings(fallbacks, serverNet, serverApp, clientNet, clientApp);
        audit.finish();
    }
}
