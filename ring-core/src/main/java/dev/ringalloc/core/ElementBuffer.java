package dev.ringalloc.core;

import java.nio.ByteBuffer;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * What the typed buffers ({@link FixedLongBuffer}, {@link FixedIntBuffer}, {@link FixedDoubleBuffer}) share:
 * a held region seen as a fixed number of elements of one width, of which the first {@code size} are in use;
 * push and pop at the end, get and set by index. Elements are stored big-endian, element {@code i} at byte
 * {@code i * width} of the region, so that a frozen typed buffer reads as bytes like any other.
 *
 * <p>Not thread-safe: one holder at a time, as {@link FixedBuffer}; closed from any thread.
 */
abstract class ElementBuffer extends RegionHolder {

    /** The typed buffers: width of a value, and how to make an object. */
    enum Kind {
        LONGS(Long.BYTES) {
            @Override
            ElementBuffer make(RingAllocator allocator, ObjectPool<RegionHolder> pool) {
                return new FixedLongBuffer(allocator, pool);
            }
        },
        INTS(Integer.BYTES) {
            @Override
            ElementBuffer make(RingAllocator allocator, ObjectPool<RegionHolder> pool) {
                return new FixedIntBuffer(allocator, pool);
            }
        },
        DOUBLES(Double.BYTES) {
            @Override
            ElementBuffer make(RingAllocator allocator, ObjectPool<RegionHolder> pool) {
                return new FixedDoubleBuffer(allocator, pool);
            }
        };

        /** Bytes of one value. */
        final int width;

        Kind(int width) {
            this.width = width;
        }

        /** A new, unbound object of this kind for {@code pool}. */
        abstract ElementBuffer make(RingAllocator allocator, ObjectPool<RegionHolder> pool);
    }

    /** log2 of the element width in bytes. */
    private final int shift;
    /** Elements in use. Written by the holder. */
    int size;
    /** Elements the region holds. Written by the owner at hand-out. */
    int capacity;

    ElementBuffer(RingAllocator allocator, ObjectPool<RegionHolder> pool, Kind kind) {
        super(allocator, pool);
        this.shift = Integer.numberOfTrailingZeros(kind.width);
    }

    /**
     * Hands this object out over {@code newHandle}, whose {@code next} the allocation just gave ({@code newNext}),
     * empty. Owner only. A typed buffer never grows, so it keeps that {@code next}.
     */
    final void init(long newHandle, int newNext) {
        bind(newHandle, newNext);
        capacity = Ring.payloadBytes(newHandle, newNext) >>> shift;
        size = 0;
        spHolders(1);
    }

    /** Elements in use. */
    public final int size() {
        checkLive();
        return size;
    }

    /** Elements this buffer holds at most (at least the capacity asked for). */
    public final int capacity() {
        checkLive();
        return capacity;
    }

    /** True if no element is in use. */
    public final boolean isEmpty() {
        return size() == 0;
    }

    /** Drops every element: {@code size()} becomes 0. */
    public final void clear() {
        checkLive();
        size = 0;
    }

    /** The offset of a new last element. @throws IndexOutOfBoundsException if the buffer is full */
    final int pushAt() {
        checkLive();
        if (size == capacity) {
            throw new IndexOutOfBoundsException("push onto a full buffer of " + capacity + " elements");
        }
        return base + (size++ << shift);
    }

    /** The offset of the last element, removed. @throws NoSuchElementException if the buffer is empty */
    final int popAt() {
        checkLive();
        if (size == 0) {
            throw new NoSuchElementException("pop from an empty buffer");
        }
        return base + (--size << shift);
    }

    /** The offset of element {@code index}. @throws IndexOutOfBoundsException unless 0 <= index < size */
    final int at(int index) {
        checkLive();
        return base + (Objects.checkIndex(index, size) << shift);
    }

    /** The elements in use as bytes, for a typed view: position 0, limit {@code size * width}, big-endian. */
    final ByteBuffer elementBytes() {
        checkLive();
        return memory.slice(base, size << shift);
    }

    /**
     * Shares the elements in use read-only: returns a {@link FrozenBuffer} (reference count 1) over their
     * bytes, big-endian, element {@code i} at byte {@code i * width}: read it with {@code getLong(i * 8)},
     * {@code getInt(i * 4)}, {@code getDouble(i * 8)}, or {@code asByteBuffer().asLongBuffer()} and the like.
     * This object is finished with; the frozen buffer holds the region.
     */
    public final FrozenBuffer freeze() {
        int bytes = size() << shift;
        return allocator.frozen(handOver(), bytes);
    }

    /**
     * Releases the region back to the ring. Any thread that holds the buffer may close it.
     *
     * @throws IllegalStateException if it was already released
     */
    @Override
    public final void close() {
        closeSingleHolder();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + (isLive() ? "[size=" + size + ", capacity=" + capacity + "]" : "[released]");
    }
}
