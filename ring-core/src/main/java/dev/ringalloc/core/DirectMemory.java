package dev.ringalloc.core;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;

/**
 * Gives a direct buffer's memory back to the operating system now rather than at the next GC, through
 * {@code sun.misc.Unsafe.invokeCleaner} (module {@code jdk.unsupported}, present in every JDK 9+ and
 * usable without flags). Where it cannot be reached, freeing falls back to the garbage collector: the
 * ring drops its last reference and the buffer's cleaner runs when the ring is collected.
 */
final class DirectMemory {

    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static {
        Object unsafe = null;
        Method invokeCleaner = null;
        try {
            Class<?> type = Class.forName("sun.misc.Unsafe");
            Field field = type.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            unsafe = field.get(null);
            invokeCleaner = type.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            unsafe = null;
            invokeCleaner = null;
        }
        UNSAFE = unsafe;
        INVOKE_CLEANER = invokeCleaner;
    }

    private DirectMemory() {
    }

    /** True when {@link #free(ByteBuffer)} returns memory at once. */
    static boolean freesExplicitly() {
        return INVOKE_CLEANER != null;
    }

    /** Frees {@code buffer}, a buffer returned by {@code allocateDirect} itself (not a slice). */
    static void free(ByteBuffer buffer) {
        if (INVOKE_CLEANER == null) {
            return;
        }
        try {
            INVOKE_CLEANER.invoke(UNSAFE, buffer);
        } catch (ReflectiveOperationException e) {
            // Left to the garbage collector, as when Unsafe is absent.
        }
    }
}
