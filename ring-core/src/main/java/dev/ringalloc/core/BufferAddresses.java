package dev.ringalloc.core;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;

/**
 * Where a {@link ByteBuffer}'s memory is, for the ownership queries ({@link RingAllocator#owns(ByteBuffer)}):
 * a direct buffer's native address, through {@link UnsafeAccess} where this JVM allows it, else on JDK 22 and
 * later through {@code java.lang.foreign.MemorySegment.ofBuffer(buffer).address()}, reached by method handles
 * so that this class still compiles for Java 17; a heap buffer's array. On JDK 17 to 21 with
 * {@code sun.misc.Unsafe} turned off no direct address is readable.
 */
final class BufferAddresses {

    /** {@code MemorySegment.ofBuffer(ByteBuffer)}, then {@code MemorySegment.address()}; null before JDK 22. */
    private static final MethodHandle SEGMENT_ADDRESS = segmentAddress();

    private BufferAddresses() {
    }

    private static MethodHandle segmentAddress() {
        if (Runtime.version().feature() < 22) { // final API since 22; a preview before
            return null;
        }
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
            MethodHandle ofBuffer = lookup.findStatic(segment, "ofBuffer", MethodType.methodType(segment, java.nio.Buffer.class));
            MethodHandle address = lookup.findVirtual(segment, "address", MethodType.methodType(long.class));
            return MethodHandles.filterReturnValue(ofBuffer, address)
                    .asType(MethodType.methodType(long.class, ByteBuffer.class));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /** True when this JVM lets the library read direct buffer addresses. */
    static boolean directAddressesReadable() {
        return UnsafeAccess.addressesAvailable() || SEGMENT_ADDRESS != null;
    }

    /**
     * The native address of direct buffer {@code buffer}'s byte 0.
     *
     * @throws UnsupportedOperationException if this JVM lets the library read no direct buffer address
     */
    static long address(ByteBuffer buffer) {
        if (UnsafeAccess.addressesAvailable()) {
            return UnsafeAccess.address(buffer);
        }
        if (SEGMENT_ADDRESS == null) {
            throw new UnsupportedOperationException("direct buffer addresses are not readable on this JVM (JDK "
                    + Runtime.version().feature() + " with sun.misc.Unsafe off): run JDK 22 or later, or drop -D"
                    + UnsafeAccess.NO_UNSAFE_PROPERTY);
        }
        try {
            return (long) SEGMENT_ADDRESS.invokeExact(buffer);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * True if all of {@code view}'s memory, {@code view.capacity()} bytes from its byte 0, lies within
     * {@code block}'s: the same array for heap buffers (a read-only heap buffer shows no array: false), the
     * address range for direct ones.
     */
    static boolean within(ByteBuffer block, ByteBuffer view) {
        if (view.isDirect() != block.isDirect()) {
            return false;
        }
        if (!view.isDirect()) {
            return view.hasArray() && block.hasArray() && view.array() == block.array()
                    && view.arrayOffset() >= block.arrayOffset()
                    && view.arrayOffset() + (long) view.capacity() <= block.arrayOffset() + (long) block.capacity();
        }
        return within(address(block), block.capacity(), address(view), view.capacity());
    }

    /** True if {@code [address, address + size)} lies in {@code [start, start + length)}, and starts inside it. */
    static boolean within(long start, long length, long address, long size) {
        return address >= start && address - start < length && size <= length - (address - start);
    }
}
