package dev.ringalloc.core;

import java.nio.ByteBuffer;

/**
 * Bulk copies between Java arrays and a ring's bytes. By address through {@code sun.misc.Unsafe} where
 * {@link UnsafeAccess} allows it, for a direct ring: a bulk put through the {@code ByteBuffer} checks the index
 * and the slice again, looks up the buffer's memory session and only then copies, which a write of 128 bytes
 * measurably pays (profile of benchmark 4, extendable rows). Puts go in whole words ({@link WordCopy}) where
 * that pays. Elsewhere through the {@code ByteBuffer}. Callers have checked both ranges.
 */
final class PayloadCopy {

    private static final boolean BY_ADDRESS = UnsafeAccess.UNSAFE != null && UnsafeAccess.addressesAvailable();

    private PayloadCopy() {
    }

    /** The address of {@code memory}'s byte 0 if copies into it go by address, else -1. */
    static long addressOf(ByteBuffer memory) {
        return BY_ADDRESS && memory.isDirect() ? UnsafeAccess.address(memory) : -1;
    }

    /** Copies {@code len} bytes of {@code src} from {@code offset} to byte {@code at} of {@code memory}. */
    static void put(ByteBuffer memory, long address, int at, byte[] src, int offset, int len) {
        if (address >= 0 && WordCopy.pays(len)) {
            WordCopy.fromArray(src, offset, address + at, len);
        } else if (address >= 0) {
            UnsafeAccess.UNSAFE.copyMemory(src, UnsafeAccess.BYTE_ARRAY_BASE + offset, null, address + at, len);
        } else {
            memory.put(at, src, offset, len);
        }
    }

    /** Copies {@code len} bytes from byte {@code at} of {@code memory} to {@code dst} at {@code offset}. */
    static void get(ByteBuffer memory, long address, int at, byte[] dst, int offset, int len) {
        if (address >= 0) {
            UnsafeAccess.UNSAFE.copyMemory(null, address + at, dst, UnsafeAccess.BYTE_ARRAY_BASE + offset, len);
        } else {
            memory.get(at, dst, offset, len);
        }
    }
}
