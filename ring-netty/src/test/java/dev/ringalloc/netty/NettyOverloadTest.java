package dev.ringalloc.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ringalloc.core.RingStats;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Overload. A ring that is always full (every buffer held long) degrades to the fallback: no
 * exception, nothing lost, every fallback counted, and the ring serves again once released. When a
 * capped fallback runs out too, the caller gets the error Netty users know — Netty's
 * {@code OutOfDirectMemoryError} under {@code io.netty.maxDirectMemory}, the JDK's
 * {@code OutOfMemoryError: Cannot reserve ... direct buffer memory} under
 * {@code -XX:MaxDirectMemorySize} — promptly, never a hang. The capped runs happen in a child JVM
 * ({@link OverloadChild}) so the caps do not leak into other tests.
 */
class NettyOverloadTest {

    @Test
    void alwaysFullRingDegradesToTheFallbackWithNothingLost() throws Exception {
        RingByteBufAllocator alloc = RingByteBufAllocator.builder()
                .ringCapacity(64 * 1024)
                .fallback(new UnpooledByteBufAllocator(true, false, false))
                .build();
        int total = 400;
        int size = 1024;
        List<ByteBuf> held = TestSupport.onFastThread(() -> {
            List<ByteBuf> bufs = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                ByteBuf buf = alloc.directBuffer(size); // never throws: the fallback takes over
                NettyStress.fill(buf, i, size);
                bufs.add(buf);
            }
            return bufs;
        });
        long inRing = held.stream().filter(NettyStress::inRing).count();
        long fallback = total - inRing;
        assertThat(inRing).as("the ring served until full").isPositive();
        assertThat(fallback).as("then the fallback").isPositive();
        assertThat(alloc.metric().fallbacks(FallbackReason.RING_FULL)).as("every fallback counted").isEqualTo(fallback);
        assertThat(alloc.metric().fallbacks()).isEqualTo(fallback);
        for (int i = 0; i < total; i++) {
            assertThat(NettyStress.intact(held.get(i), i, size)).as("buffer %d intact", i).isTrue();
        }
        // The thread has ended; release everything from here. The ring, retired, is freed by the last release.
        held.forEach(ByteBuf::release);
        assertThat(alloc.metric().rings()).isZero();

        // A ring kept alive (long-lived thread): after release, the whole ring is free again.
        List<RingStats> after = TestSupport.onFastThread(() -> {
            List<ByteBuf> bufs = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                bufs.add(alloc.directBuffer(size));
            }
            bufs.forEach(ByteBuf::release);
            ByteBuf again = alloc.directBuffer(size);
            assertThat(NettyStress.inRing(again)).as("the ring serves again").isTrue();
            again.release();
            return alloc.metric().ringStats();
        });
        assertThat(after).hasSize(1);
        assertThat(after.get(0).liveRegions()).isZero();
        assertThat(after.get(0).largestFreeRegion()).isEqualTo(64 * 1024 - 16);
    }

    @Test
    void nettyCappedFallbackExhaustedGivesOutOfDirectMemoryError() throws Exception {
        // io.netty.maxDirectMemory caps what Netty allocates without a cleaner; Netty 4.1 on JDK 9+ uses that
        // path only when it may open java.nio (4.2 does not need it). The JDK cap is only a safety net.
        String out = child(List.of("-XX:MaxDirectMemorySize=64m", "--add-opens", "java.base/java.nio=ALL-UNNAMED",
                "-Dio.netty.tryReflectionSetAccessible=true", "-Dio.netty.maxDirectMemory=8388608"), "default");
        assertThat(out).contains("OVERLOAD-RESULT ok", "error=io.netty.util.internal.OutOfDirectMemoryError");
    }

    @Test
    void jdkCappedFallbackExhaustedGivesDirectBufferOutOfMemoryError() throws Exception {
        String out = child(List.of("-XX:MaxDirectMemorySize=16m"), "unpooled-cleaner");
        assertThat(out).contains("OVERLOAD-RESULT ok", "error=java.lang.OutOfMemoryError: Cannot reserve");
    }

    private static String child(List<String> jvmFlags, String kind) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        command.addAll(jvmFlags);
        command.add(OverloadChild.class.getName());
        command.add(kind);
        String jvmFlag = String.join(" ", jvmFlags);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        // A bound against a hang (the child takes about a second): a hang is exactly what must not happen.
        boolean exited = p.waitFor(2, TimeUnit.MINUTES);
        if (!exited) {
            p.destroyForcibly();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.println("[overload " + jvmFlag + " " + kind + "] " + out.lines()
                .filter(l -> l.startsWith("OVERLOAD-RESULT")).findFirst().orElse(out));
        assertThat(exited).as("the child finished: no hang").isTrue();
        assertThat(p.exitValue()).as("child exit code; output:%n%s", out).isZero();
        return out;
    }
}
