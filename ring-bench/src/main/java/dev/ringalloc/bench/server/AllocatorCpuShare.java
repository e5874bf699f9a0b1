package dev.ringalloc.bench.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.regex.Pattern;

/**
 * The allocator's share of the CPU samples of the server's event loops, from an async-profiler profile in
 * collapsed form with thread names ({@code collapsed,threads}: one line per stack, {@code [thread
 * tid=N];frame;frame... count}).
 *
 * <p>A sample counts for the allocator if any frame of its stack is allocator code: a method of an
 * allocator class (ring-core, ring-netty's allocator, thread ring and wrapper pool; Netty's pooled arenas,
 * chunks, subpages and thread caches, the adaptive allocator's magazines and chunks, the allocator base
 * classes) or a buffer's own allocation and release methods ({@code deallocate}, {@code reallocate},
 * {@code allocateDirect}, ...). Reading and writing a buffer's bytes is not allocator code, for the ring's buffers
 * either: ring-core's classes that only move bytes ({@code WordCopy}, {@code PayloadCopy}, {@code SegmentAccess},
 * which ring-netty's buffers call for their copies and, on JDK 22+ without Unsafe, for every access) count only
 * below an allocator frame, as when the ring reads a guard through a segment. Netty's {@code Recycler} is not
 * an allocator class: the buffer objects it pools are taken and returned below allocator frames (a pooled
 * arena, an adaptive magazine, a {@code deallocate}) and count there; its other uses (the transport's outbound
 * entries) are the same work under any allocator.
 */
public final class AllocatorCpuShare {
    /** Prefix of the server's event-loop thread names (see {@link HttpServer}). */
    public static final String WORKER_THREAD = "[http-worker";

    private static final Pattern ALLOCATOR_CLASS = Pattern.compile(
            "(dev\\.ringalloc\\.core\\.(?!(WordCopy|PayloadCopy|SegmentAccess)[.$])"
            + "|dev\\.ringalloc\\.netty\\.(RingByteBufAllocator|ThreadRing|RingByteBufPool)[.$]"
            + "|io\\.netty\\.buffer\\.(PooledByteBufAllocator|PoolArena|PoolChunk|PoolChunkList|PoolSubpage"
            + "|PoolThreadCache|AdaptiveByteBufAllocator|AbstractByteBufAllocator|UnpooledByteBufAllocator)[.$]"
            + "|io\\.netty\\.buffer\\.AdaptivePoolingAllocator(\\.|\\$(?!AdaptiveByteBuf\\.))).*");
    private static final Pattern LIFECYCLE_METHOD = Pattern.compile(
            "(io\\.netty\\.buffer|dev\\.ringalloc)\\..*\\.(deallocate|reallocate|allocateDirect|freeDirect"
                    + "|allocateArray|freeArray)");

    private AllocatorCpuShare() {
    }

    /**
     * The share (0 to 1) of the event-loop threads' samples that are in allocator code; NaN if the profile
     * has no sample of those threads.
     */
    public static double of(Reader collapsed) throws IOException {
        BufferedReader in = new BufferedReader(collapsed);
        long total = 0;
        long allocator = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            int space = line.lastIndexOf(' ');
            if (!line.startsWith(WORKER_THREAD) || space < 0) {
                continue;
            }
            long samples = Long.parseLong(line.substring(space + 1).trim());
            total += samples;
            if (inAllocator(line.substring(0, space))) {
                allocator += samples;
            }
        }
        return total == 0 ? Double.NaN : (double) allocator / total;
    }

    private static boolean inAllocator(String stack) {
        for (String frame : stack.split(";")) {
            String f = frame.replace('/', '.');
            if (ALLOCATOR_CLASS.matcher(f).matches() || LIFECYCLE_METHOD.matcher(f).matches()) {
                return true;
            }
        }
        return false;
    }
}
