package dev.ringalloc.bench.replay;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a {@link Trace} from buffer events fed in time order: pairs each free and reallocation with the
 * allocation of its buffer, and appends each operation to the program of the thread that performed it.
 *
 * <p>Pairing is by {@link Key}: the buffer's memory address where the recording's allocator reports it
 * reliably (Netty's adaptive allocator reports the same address on allocation and free; the pooled
 * allocator does not), plus what does not change over a buffer's life (direct or heap, the capacity it can
 * reach without reallocating, its maximum capacity). Of buffers with equal keys (heap buffers, or any
 * buffer of the pooled allocator), a free takes the oldest that its own thread used last, else the oldest. A reallocation (Netty emits {@code ReallocateBuffer}
 * and then, on the same thread, an {@code AllocateBuffer} for the new memory) becomes a resize of the
 * buffer, and the buffer takes the new memory's key.
 */
public final class TraceBuilder {

    /**
     * What identifies a live buffer in the recording.
     *
     * @param address         memory address, or 0 where the allocator does not report it reliably
     * @param direct          direct or heap
     * @param maxFastCapacity capacity the buffer can reach without reallocating
     * @param maxCapacity     maximum capacity
     */
    public record Key(long address, boolean direct, int maxFastCapacity, int maxCapacity) {
    }

    private final Map<Long, ProgramBuilder> programs = new LinkedHashMap<>();
    private final Map<Key, ArrayDeque<Integer>> live = new HashMap<>();
    /** Per thread: the buffer whose reallocation awaits its AllocateBuffer event. */
    private final Map<Long, Integer> pendingReallocation = new HashMap<>();
    private final TreeMap<Integer, Long> allocationSizes = new TreeMap<>();

    // Per buffer: operations so far, current capacity, thread of its last operation.
    private int[] opsOn = new int[1024];
    private int[] capacity = new int[1024];
    private long[] lastThread = new long[1024];
    private int buffers;

    private long heapAllocations;
    private long reallocations;
    private long frees;
    private long unmatchedFrees;
    private long liveBytes;
    private long peakLiveBytes;

    /** An allocation on thread {@code threadId} (named {@code threadName}): a new buffer, or a reallocation's new memory. */
    public void allocate(long threadId, String threadName, Key key, int size) {
        Integer reallocated = pendingReallocation.remove(threadId);
        if (reallocated != null) {
            reallocations++;
            resize(threadId, threadName, reallocated, size);
            add(key, reallocated);
            return;
        }
        int buffer = newBuffer(size);
        allocationSizes.merge(size, 1L, Long::sum);
        if (!key.direct()) {
            heapAllocations++;
        }
        append(threadId, threadName, key.direct() ? Trace.ALLOCATE_DIRECT : Trace.ALLOCATE_HEAP, buffer,
                size, key.maxCapacity());
        add(key, buffer);
    }

    /**
     * A reallocation of the buffer {@code key} identifies; its new memory comes with the thread's next
     * {@link #allocate}. A reallocation of a buffer allocated before the recording started is ignored, and
     * that next allocation then counts as a new buffer.
     */
    public void reallocate(long threadId, Key key) {
        Integer buffer = take(threadId, key);
        if (buffer != null) {
            pendingReallocation.put(threadId, buffer);
        }
    }

    /**
     * A free of the buffer {@code key} identifies, whose capacity was then {@code size}. If the buffer grew
     * or shrank without reallocating (no event), it is resized to that capacity first, on the same thread.
     */
    public void free(long threadId, String threadName, Key key, int size) {
        Integer buffer = take(threadId, key);
        if (buffer == null) {
            unmatchedFrees++;
            return;
        }
        frees++;
        if (size != capacity[buffer]) {
            resize(threadId, threadName, buffer, size);
        }
        release(threadId, threadName, buffer);
    }

    /**
     * The trace. Buffers still live (or in the middle of a reallocation) when the recording ended are freed at
     * the end of the program of the thread that last used them, so that every replay frees all it allocates.
     */
    public Trace build() {
        List<Integer> unfreed = new ArrayList<>(pendingReallocation.values());
        live.values().forEach(unfreed::addAll);
        for (int buffer : unfreed) {
            release(lastThread[buffer], null, buffer);
        }
        live.clear();
        pendingReallocation.clear();
        List<Trace.Program> list = new ArrayList<>();
        for (ProgramBuilder p : programs.values()) {
            list.add(p.build());
        }
        Trace.Counts counts = new Trace.Counts(buffers, heapAllocations, reallocations, frees, unmatchedFrees,
                unfreed.size(), peakLiveBytes);
        return new Trace(list, Arrays.copyOf(opsOn, buffers), allocationSizes, counts);
    }

    private int newBuffer(int size) {
        if (buffers == opsOn.length) {
            opsOn = Arrays.copyOf(opsOn, buffers * 2);
            capacity = Arrays.copyOf(capacity, buffers * 2);
            lastThread = Arrays.copyOf(lastThread, buffers * 2);
        }
        capacity[buffers] = size;
        addLiveBytes(size);
        return buffers++;
    }

    private void resize(long threadId, String threadName, int buffer, int size) {
        addLiveBytes(size - capacity[buffer]);
        capacity[buffer] = size;
        append(threadId, threadName, Trace.RESIZE, buffer, size, 0);
    }

    private void release(long threadId, String threadName, int buffer) {
        addLiveBytes(-capacity[buffer]);
        append(threadId, threadName, Trace.FREE, buffer, 0, 0);
    }

    private void addLiveBytes(long delta) {
        liveBytes += delta;
        peakLiveBytes = Math.max(peakLiveBytes, liveBytes);
    }

    private void add(Key key, int buffer) {
        live.computeIfAbsent(key, k -> new ArrayDeque<>(1)).addLast(buffer);
    }

    /**
     * The live buffer {@code key} identifies, removed from the live set: of several (no address), the oldest
     * that thread {@code threadId} used last, else the oldest. An event loop frees its own buffers: pairing
     * a free with another thread's buffer of the same shape would invent a hand-off between threads.
     */
    private Integer take(long threadId, Key key) {
        ArrayDeque<Integer> queue = live.get(key);
        if (queue == null) {
            return null;
        }
        Integer buffer = null;
        for (Iterator<Integer> it = queue.iterator(); it.hasNext() && queue.size() > 1; ) {
            Integer candidate = it.next();
            if (lastThread[candidate] == threadId) {
                it.remove();
                buffer = candidate;
                break;
            }
        }
        if (buffer == null) {
            buffer = queue.pollFirst();
        }
        if (queue.isEmpty()) {
            live.remove(key);
        }
        return buffer;
    }

    private void append(long threadId, String threadName, byte kind, int buffer, int size, int maxCapacity) {
        ProgramBuilder program = programs.computeIfAbsent(threadId,
                id -> new ProgramBuilder(threadName != null ? threadName : "thread-" + id));
        program.add(kind, buffer, opsOn[buffer]++, size, maxCapacity);
        lastThread[buffer] = threadId;
    }

    /** One thread's growing program. */
    private static final class ProgramBuilder {
        private final String thread;
        private byte[] kind = new byte[256];
        private int[] buffer = new int[256];
        private int[] step = new int[256];
        private int[] size = new int[256];
        private int[] maxCapacity = new int[256];
        private int length;

        ProgramBuilder(String thread) {
            this.thread = thread;
        }

        void add(byte k, int b, int s, int sz, int max) {
            if (length == kind.length) {
                int n = length * 2;
                kind = Arrays.copyOf(kind, n);
                buffer = Arrays.copyOf(buffer, n);
                step = Arrays.copyOf(step, n);
                size = Arrays.copyOf(size, n);
                maxCapacity = Arrays.copyOf(maxCapacity, n);
            }
            kind[length] = k;
            buffer[length] = b;
            step[length] = s;
            size[length] = sz;
            maxCapacity[length] = max;
            length++;
        }

        Trace.Program build() {
            return new Trace.Program(thread, Arrays.copyOf(kind, length), Arrays.copyOf(buffer, length),
                    Arrays.copyOf(step, length), Arrays.copyOf(size, length), Arrays.copyOf(maxCapacity, length));
        }
    }
}
