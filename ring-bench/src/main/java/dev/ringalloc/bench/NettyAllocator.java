package dev.ringalloc.bench;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The allocators the Netty benchmarks compare, by the name their {@code @Param} uses. Every benchmark
 * makes its allocator here, and the ring through {@link RingWiring}: the one place that knows how to build
 * ring-netty's allocator.
 */
public enum NettyAllocator {
    /** ring-netty's {@code RingByteBufAllocator}: one ring per {@code FastThreadLocalThread} (see {@link RingWiring}). */
    RING("ring", true),
    /** Netty's {@link PooledByteBufAllocator}, direct buffers, thread caches on. */
    POOLED("pooled", true),
    /** Netty 4.2's {@link AdaptiveByteBufAllocator}, direct buffers. */
    ADAPTIVE("adaptive", true),
    /** {@link UnpooledByteBufAllocator}, a fresh direct buffer each time. */
    UNPOOLED_DIRECT("unpooledDirect", true),
    /** {@link UnpooledByteBufAllocator}, a fresh heap buffer each time. */
    UNPOOLED_HEAP("unpooledHeap", false),
    /** ring-netty's {@code RingByteBufAllocator} asked for heap buffers: one heap ring per thread, as {@link #RING}. */
    RING_HEAP("ringHeap", false),
    /** Netty's {@link PooledByteBufAllocator} asked for heap buffers, thread caches on. */
    POOLED_HEAP("pooledHeap", false),
    /** Netty 4.2's {@link AdaptiveByteBufAllocator} asked for heap buffers. */
    ADAPTIVE_HEAP("adaptiveHeap", false);

    /**
     * The {@code @Param} values the comparison runs, in the order tables list them. The heap ones other than
     * {@code unpooledHeap} are for benchmark 1 asked for heap buffers, by name.
     */
    public static final String ALL = "ring,pooled,adaptive,unpooledDirect,unpooledHeap";

    private final String paramName;
    private final boolean direct;

    NettyAllocator(String paramName, boolean direct) {
        this.paramName = paramName;
        this.direct = direct;
    }

    /** The name benchmarks take as {@code @Param}. */
    public String paramName() {
        return paramName;
    }

    /** True if it hands out direct buffers (the benchmarks ask for this kind). */
    public boolean direct() {
        return direct;
    }

    /** The allocator for a {@code @Param} value. @throws IllegalArgumentException if unknown */
    public static NettyAllocator of(String paramName) {
        for (NettyAllocator a : values()) {
            if (a.paramName.equalsIgnoreCase(paramName) || a.name().equalsIgnoreCase(paramName)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown allocator '" + paramName + "'; expected one of "
                + Arrays.stream(values()).map(NettyAllocator::paramName).collect(Collectors.joining(",")));
    }

    /**
     * A new allocator of this kind.
     *
     * @param ringCapacity bytes of each thread's ring, for {@link #RING} and {@link #RING_HEAP} (ignored by the
     *                     others): the benchmark sizes it to its peak bytes in flight so the ring is measured,
     *                     not its fallback
     */
    public ByteBufAllocator create(int ringCapacity) {
        switch (this) {
            case RING:
            case RING_HEAP:
                return RingWiring.create(ringCapacity);
            case POOLED:
            case POOLED_HEAP:
                return new PooledByteBufAllocator(true);
            case ADAPTIVE:
            case ADAPTIVE_HEAP:
                return new AdaptiveByteBufAllocator(true);
            case UNPOOLED_DIRECT:
                return new UnpooledByteBufAllocator(true);
            case UNPOOLED_HEAP:
                return new UnpooledByteBufAllocator(false);
            default:
                throw new AssertionError(this);
        }
    }

    /** A buffer of this allocator's kind (direct or heap) with {@code capacity} bytes. */
    public ByteBuf buffer(ByteBufAllocator allocator, int capacity) {
        return direct ? allocator.directBuffer(capacity) : allocator.heapBuffer(capacity);
    }

    /** A buffer of this allocator's kind with Netty's default initial capacity (256 bytes). */
    public ByteBuf buffer(ByteBufAllocator allocator) {
        return direct ? allocator.directBuffer() : allocator.heapBuffer();
    }

    /**
     * Ring capacity for a workload holding up to {@code bytesInFlight}: twice that (room for
     * fragmentation and alignment), at least 1 MiB, a multiple of 64.
     */
    public static int ringCapacityFor(long bytesInFlight) {
        long c = Math.max(1L << 20, 2 * bytesInFlight);
        c = (c + 63) & ~63L;
        return (int) Math.min(c, (Integer.MAX_VALUE - 63) & ~63);
    }
}
