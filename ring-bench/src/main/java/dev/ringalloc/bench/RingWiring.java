package dev.ringalloc.bench;

import io.netty.buffer.ByteBufAllocator;

/**
 * The one place that builds ring-netty's allocator for the benchmarks.
 *
 * <p><b>Interim:</b> ring-netty ({@code dev.ringalloc.netty.RingByteBufAllocator}) is being written on
 * another branch. Until it is merged here this class finds it by reflection, through its documented
 * {@code DEFAULT} instance, so the module compiles and every other allocator runs; asking for the ring
 * before ring-netty is on the class path fails with a clear message. Once merged, this becomes a direct
 * call to the allocator's builder with the requested ring capacity.
 */
public final class RingWiring {
    /** ring-netty's allocator class, by its documented name. */
    public static final String ALLOCATOR_CLASS = "dev.ringalloc.netty.RingByteBufAllocator";

    private RingWiring() {
    }

    /** True if ring-netty's allocator is on the class path. */
    public static boolean available() {
        try {
            Class.forName(ALLOCATOR_CLASS, false, RingWiring.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * ring-netty's allocator, with rings of {@code ringCapacity} bytes where ring-netty lets us say so.
     *
     * @throws IllegalStateException if ring-netty is not on the class path
     */
    public static ByteBufAllocator create(int ringCapacity) {
        try {
            Class<?> type = Class.forName(ALLOCATOR_CLASS);
            return (ByteBufAllocator) type.getField("DEFAULT").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("ring-netty's " + ALLOCATOR_CLASS + " is not available (not merged into this"
                    + " build yet?): cannot benchmark allocator 'ring'", e);
        }
    }
}
