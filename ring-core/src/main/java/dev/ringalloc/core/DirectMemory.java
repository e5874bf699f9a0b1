package dev.ringalloc.core;

import sun.misc.Unsafe;

import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;

/**
 * What this library does to direct memory beyond the {@link ByteBuffer} API, both through
 * {@code sun.misc.Unsafe} (module {@code jdk.unsupported}, present in every JDK 9+ and usable without flags):
 * <ul>
 *   <li>{@link #free(ByteBuffer)}: give a direct buffer's memory back to the operating system now rather than at
 *       the next GC ({@code invokeCleaner}). Where Unsafe cannot be reached, freeing falls back to the garbage
 *       collector: the ring drops its last reference and the buffer's cleaner runs when the ring is collected.</li>
 *   <li>{@link #UNSAFE_ACCESS}: the {@link Ring}'s guard words read and written by address. A guard access through
 *       a {@code ByteBuffer} view {@code VarHandle} also checks the buffer's bounds, read-only flag and memory
 *       session on every call; by address it is one load or store. Used only where
 *       {@code sun.misc.Unsafe}'s memory access is allowed without a warning: on JDK 17 to 23, and on JDK 24+
 *       when the JVM runs with {@code --sun-misc-unsafe-memory-access=allow} (JEP 471/498). System property
 *       {@value #NO_UNSAFE_PROPERTY}{@code =true} turns it off.</li>
 * </ul>
 */
final class DirectMemory {

    /** System property: {@code true} keeps guard access on the {@code VarHandle} path. */
    static final String NO_UNSAFE_PROPERTY = "ringalloc.noUnsafe";

    /** Unsafe, or null where it cannot be reached. */
    private static final Unsafe U;
    /** Unsafe for memory access by address, or null where that is not allowed (see the class comment). */
    static final Unsafe UNSAFE_ACCESS;
    /** Offset of {@code java.nio.Buffer.address} (a direct buffer's base address), or -1. */
    private static final long ADDRESS_FIELD_OFFSET;

    static {
        Unsafe unsafe = null;
        long addressOffset = -1;
        try {
            Field field = Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            unsafe = (Unsafe) field.get(null);
            addressOffset = unsafe.objectFieldOffset(Buffer.class.getDeclaredField("address"));
        } catch (ReflectiveOperationException | RuntimeException e) {
            addressOffset = -1;
        }
        U = unsafe;
        ADDRESS_FIELD_OFFSET = addressOffset;
        UNSAFE_ACCESS = unsafe != null && addressOffset >= 0 && memoryAccessAllowed() ? unsafe : null;
    }

    private DirectMemory() {
    }

    private static boolean memoryAccessAllowed() {
        if (Boolean.getBoolean(NO_UNSAFE_PROPERTY)) {
            return false;
        }
        // JDK 24+ warns at the first memory access through sun.misc.Unsafe unless the JVM allows it.
        return Runtime.version().feature() < 24 || "allow".equals(System.getProperty("sun.misc.unsafe.memory.access"));
    }

    /** The base address of direct buffer {@code buffer}; only when {@link #UNSAFE_ACCESS} is not null. */
    static long address(ByteBuffer buffer) {
        return UNSAFE_ACCESS.getLong(buffer, ADDRESS_FIELD_OFFSET);
    }

    /** True when {@link #free(ByteBuffer)} returns memory at once. */
    static boolean freesExplicitly() {
        return U != null;
    }

    /** Frees {@code buffer}, a buffer returned by {@code allocateDirect} itself (not a slice). */
    static void free(ByteBuffer buffer) {
        if (U != null) {
            U.invokeCleaner(buffer);
        }
    }
}
