package dev.ringalloc.bench.replay;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;

/**
 * A recorded allocation trace, ready to replay: one {@link Program} per recorded thread, each a sequence of
 * operations on numbered buffers (allocate, resize, free). Built by {@link TraceBuilder}.
 *
 * <p>A buffer may be allocated on one thread and resized or freed on another; each operation carries its
 * {@linkplain Program#step step} on its buffer (0 for the allocation, then 1, 2, ...), so that a replay
 * thread can wait until the buffer's previous operation, on whichever thread, has happened.
 */
public final class Trace {
    /** Operation kind: allocate a direct buffer. */
    public static final byte ALLOCATE_DIRECT = 0;
    /** Operation kind: allocate a heap buffer. */
    public static final byte ALLOCATE_HEAP = 1;
    /** Operation kind: set the buffer's capacity (a reallocation in the recording). */
    public static final byte RESIZE = 2;
    /** Operation kind: release the buffer. */
    public static final byte FREE = 3;

    /**
     * One recorded thread's operations, in the order it performed them: operation {@code i} is
     * {@code kind[i]} on buffer {@code buffer[i]}, its {@code step[i]}-th operation on that buffer, with
     * {@code size[i]} (initial or new capacity) and {@code maxCapacity[i]} where they apply.
     *
     * @param thread      the recorded thread's name
     * @param kind        operation kinds, {@link #ALLOCATE_DIRECT} ... {@link #FREE}
     * @param buffer      buffer numbers, from 0 to {@link #buffers()} - 1
     * @param step        each operation's index among its buffer's operations
     * @param size        capacity to allocate or resize to
     * @param maxCapacity maximum capacity of an allocation
     */
    public record Program(String thread, byte[] kind, int[] buffer, int[] step, int[] size, int[] maxCapacity) {
        /** Number of operations. */
        public int length() {
            return kind.length;
        }
    }

    /**
     * What the recording held, as counted while the trace was built.
     *
     * @param allocations      buffers allocated (a reallocation is not one)
     * @param heapAllocations  of those, heap buffers
     * @param reallocations    reallocations of a buffer (replayed as a resize)
     * @param frees            frees paired with their allocation
     * @param unmatchedFrees   frees of buffers allocated before the recording started (not replayed)
     * @param unfreed          buffers still live when the recording ended (freed at the end of each replay)
     * @param peakLiveBytes    the most bytes live at once, over all threads, in the recording's time order
     */
    public record Counts(long allocations, long heapAllocations, long reallocations, long frees,
                         long unmatchedFrees, long unfreed, long peakLiveBytes) {
    }

    private final List<Program> programs;
    private final int[] opsPerBuffer;
    private final SortedMap<Integer, Long> allocationSizes;
    private final Counts counts;

    Trace(List<Program> programs, int[] opsPerBuffer, SortedMap<Integer, Long> allocationSizes, Counts counts) {
        this.programs = List.copyOf(programs);
        this.opsPerBuffer = opsPerBuffer;
        this.allocationSizes = Collections.unmodifiableSortedMap(allocationSizes);
        this.counts = counts;
    }

    /** One program per recorded thread that allocated, resized or freed a buffer. */
    public List<Program> programs() {
        return programs;
    }

    /** Number of buffers (allocations) in one replay of the trace. */
    public int buffers() {
        return opsPerBuffer.length;
    }

    /** Operations on {@code buffer} in one replay: its allocation, resizes and free. */
    public int opsOn(int buffer) {
        return opsPerBuffer[buffer];
    }

    /** Operations in one replay of the trace, over all programs. */
    public long ops() {
        long n = 0;
        for (Program p : programs) {
            n += p.length();
        }
        return n;
    }

    /** Allocations by requested initial capacity (bytes to count), direct and heap together. */
    public SortedMap<Integer, Long> allocationSizes() {
        return allocationSizes;
    }

    /** The recording's counts. */
    public Counts counts() {
        return counts;
    }
}
