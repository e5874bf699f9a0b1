package dev.ringalloc.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Run in a child JVM by {@link NettyOverloadTest}, with a direct-memory cap (Netty's
 * {@code io.netty.maxDirectMemory} or the JDK's {@code -XX:MaxDirectMemorySize}) that must not leak into
 * the other tests. On an event-loop-like thread it allocates 32 KiB buffers and holds every one: the
 * ring fills, the fallback serves the rest, and the capped fallback runs out. Prints one line starting
 * {@code OVERLOAD-RESULT} and exits 0 if everything held up, 1 otherwise.
 *
 * <p>Argument: {@code default} (Netty's default allocator as fallback) or {@code unpooled-cleaner}
 * (an unpooled fallback whose buffers are JDK direct buffers, capped by -XX:MaxDirectMemorySize).
 */
public final class OverloadChild {

    private static final int SIZE = 32 * 1024;
    private static final int RING_CAPACITY = 1 << 20;

    public static void main(String[] args) throws Exception {
        String kind = args.length > 0 ? args[0] : "default";
        AtomicInteger exit = new AtomicInteger(1);
        Thread t = new FastThreadLocalThread(() -> {
            try {
                System.out.println(run(kind));
                exit.set(0);
            } catch (Throwable e) {
                System.out.println("OVERLOAD-RESULT failed " + e);
                e.printStackTrace(System.out);
            }
        }, "overload-loop");
        t.start();
        t.join();
        System.exit(exit.get());
    }

    private static String run(String kind) {
        RingByteBufAllocator.Builder builder = RingByteBufAllocator.builder().ringCapacity(RING_CAPACITY);
        if (kind.equals("unpooled-cleaner")) {
            builder.fallback(new UnpooledByteBufAllocator(true, false, false));
        }
        RingByteBufAllocator alloc = builder.build();
        ByteBufAllocator fallback = alloc.fallback();
        List<ByteBuf> held = new ArrayList<>();
        int inRing = 0;
        int fromFallback = 0;
        Throwable error = null;
        while (held.size() < 1_000_000) {
            ByteBuf buf;
            try {
                buf = alloc.directBuffer(SIZE);
            } catch (Throwable e) {
                error = e;
                break;
            }
            if (NettyStress.inRing(buf)) {
                inRing++;
            } else {
                fromFallback++;
            }
            NettyStress.fill(buf, held.size() % 1024, SIZE);
            held.add(buf);
        }
        if (error == null) {
            throw new AssertionError("the capped fallback never ran out");
        }
        if (!(error instanceof OutOfMemoryError)) {
            throw new AssertionError("expected an OutOfMemoryError, got " + error, error);
        }
        if (inRing == 0 || fromFallback == 0) {
            throw new AssertionError("ring " + inRing + ", fallback " + fromFallback + ": both should have served");
        }
        // Every fallback counted, including the attempt the exhausted fallback refused.
        long counted = alloc.metric().fallbacks(FallbackReason.RING_FULL);
        if (counted != fromFallback + 1) {
            throw new AssertionError("RING_FULL fallbacks counted " + counted + ", observed " + fromFallback + " + 1 refused");
        }
        // Nothing lost: every buffer handed out before the error is intact.
        for (int i = 0; i < held.size(); i++) {
            if (!NettyStress.intact(held.get(i), i % 1024, SIZE)) {
                throw new AssertionError("buffer " + i + " corrupted");
            }
        }
        for (ByteBuf buf : held) {
            buf.release();
        }
        // Dropped too: where Netty cannot free a released direct buffer at once (JDK 24+ without Unsafe), only a
        // collection gives its memory back, and the JDK's cap counts it until then.
        held.clear();
        // Recovered: the ring serves again, and so does the fallback.
        ByteBuf again = alloc.directBuffer(SIZE);
        boolean ringAgain = NettyStress.inRing(again);
        again.release();
        ByteBuf big = alloc.directBuffer(alloc.maxRingAllocation() + 1);
        big.release();
        if (!ringAgain) {
            throw new AssertionError("the ring did not serve again after release");
        }
        return "OVERLOAD-RESULT ok fallback=" + fallback.getClass().getName() + " ring=" + inRing + " fallback-buffers="
                + fromFallback + " error=" + error.getClass().getName() + ": " + error.getMessage();
    }
}
