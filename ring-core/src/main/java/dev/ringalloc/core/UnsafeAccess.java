package dev.ringalloc.core;

import sun.misc.Unsafe;

import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;

/**
 * {@code sun.misc.Unsafe}, where this JVM lets the library use it without a warning; else nothing.
 *
 * <p>With it, a guard word is one load or store at {@code base + offset} (a direct ring's address, or a heap
 * ring's array and the array's base offset): the same code for heap and direct rings. Without it the ring
 * falls back to a {@code ByteBuffer} view {@code VarHandle} with the same orderings (see {@link RingMemory}).
 *
 * <p>Allowed on JDK 17 to 23. JDK 24 and later print a warning at the first use of any of its memory-access
 * methods (JEP 471/498), so there it is not even looked up unless the JVM runs with
 * {@code --sun-misc-unsafe-memory-access=allow}. System property {@value #NO_UNSAFE_PROPERTY}{@code =true}
 * turns it off on every JDK.
 */
final class UnsafeAccess {

    /** System property: {@code true} keeps the library away from {@code sun.misc.Unsafe} altogether. */
    static final String NO_UNSAFE_PROPERTY = "dev.ringalloc.noUnsafe";

    /** The instance, or null where it may not be used. */
    static final Unsafe UNSAFE = find();

    /** Offset of a {@code byte[]}'s element 0, or -1 without {@link #UNSAFE}. */
    static final long BYTE_ARRAY_BASE = UNSAFE == null ? -1 : UNSAFE.arrayBaseOffset(byte[].class);

    /** Offset of {@code java.nio.Buffer.address} (a direct buffer's base address), or -1. */
    private static final long BUFFER_ADDRESS = bufferAddressOffset();

    private UnsafeAccess() {
    }

    /** True when this JVM lets the library use {@code sun.misc.Unsafe} (see the class comment). */
    static boolean allowed() {
        if (RingProperties.flag(NO_UNSAFE_PROPERTY, false)) {
            return false;
        }
        return Runtime.version().feature() < 24 || "allow".equals(System.getProperty("sun.misc.unsafe.memory.access"));
    }

    private static Unsafe find() {
        if (!allowed()) {
            return null;
        }
        try {
            Field field = Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            return (Unsafe) field.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static long bufferAddressOffset() {
        if (UNSAFE == null) {
            return -1;
        }
        try {
            return UNSAFE.objectFieldOffset(Buffer.class.getDeclaredField("address"));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    /** True when {@link #address(ByteBuffer)} can be called. */
    static boolean addressesAvailable() {
        return BUFFER_ADDRESS >= 0;
    }

    /** The native address of direct buffer {@code buffer}'s byte 0; only when {@link #addressesAvailable()}. */
    static long address(ByteBuffer buffer) {
        return UNSAFE.getLong(buffer, BUFFER_ADDRESS);
    }

    /** Frees a direct buffer that the JDK allocated or mapped (not a slice) now; false if it cannot. */
    static boolean invokeCleaner(ByteBuffer buffer) {
        if (UNSAFE == null) {
            return false;
        }
        UNSAFE.invokeCleaner(buffer);
        return true;
    }
}
