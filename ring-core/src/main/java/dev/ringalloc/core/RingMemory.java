package dev.ringalloc.core;

import java.io.IOException;
import java.lang.ref.Cleaner;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The block of memory behind one {@link Ring}: how it is obtained and given back, and its 8-byte words read
 * and written with named orderings (the vocabulary of the package documentation). The ring's guard words
 * live here; the ring itself only decides what they say.
 *
 * <h2>Kinds of memory</h2>
 * <ul>
 *   <li><b>Direct, mapped</b> (the default for direct rings on Linux): a private mapping of a sparse,
 *       already deleted file in {@value #DIRECTORY_PROPERTY} (default {@code java.io.tmpdir}), when that
 *       directory is on a local disk file system. The operating system commits a page only when the ring
 *       first writes it, so a ring reserves its whole capacity but holds, resident, only the pages its
 *       buffers have used; nothing is ever written to the file (a private mapping copies on write into
 *       anonymous memory). {@code ByteBuffer.allocateDirect} zero-fills its memory, which makes every page
 *       resident at once.</li>
 *   <li><b>Direct, allocated</b>: where mapping is not possible or {@value #KIND_PROPERTY}{@code =allocated}:
 *       the JDK's zero-filled direct memory, resident from the start.</li>
 *   <li><b>Heap</b>: a {@code byte[]}, for heap buffers.</li>
 * </ul>
 * Direct memory is given back at once by {@link #free()}: on JDK 22 and later through the
 * {@code java.lang.foreign.Arena} it was mapped or allocated in (found by method handles, so this class
 * still compiles for Java 17), before that through {@code Unsafe.invokeCleaner}; a heap ring is left to the
 * garbage collector. With {@value #FREE_AT_ONCE_PROPERTY}{@code =false} no arena is used: without Unsafe the
 * garbage collector then unmaps a freed ring's memory, later, but every access is cheaper (below).
 *
 * <h2>Word access</h2>
 * By {@code base + offset} through {@code sun.misc.Unsafe} where {@link UnsafeAccess} allows it: the same
 * instructions for heap and direct memory (the array and its base offset, or no object and an address).
 * Elsewhere, for direct memory of an arena, through a {@code MemorySegment} of it ({@link SegmentAccess}), for
 * other direct memory through a {@code ByteBuffer} view {@code VarHandle}, with the same orderings (plus bounds
 * and state checks), and for a heap ring through plain accesses between fences, with releases serialized (see
 * {@link #serializesReleases()}). The {@code static final} choice folds away when
 * compiled. Callers pass word indexes in {@code [0, capacity / 8)} only.
 *
 * <p>A buffer of an arena's memory carries the arena's session, and every access through it reaches the memory
 * through the session's segment after the buffer's own checks: on JDK 25 without Unsafe, about a quarter of the
 * samples of a 64-byte allocate, write and release in ring-netty. A segment of that memory skips the buffer's
 * part (6-7 % faster end to end), so arena memory goes through its segment. A buffer mapped without an arena has
 * no session, and its accesses check only bounds; {@value #FREE_AT_ONCE_PROPERTY}{@code =false} maps rings so.
 * That was faster than the segment (whose accesses also check alignment and a session) until the owner's release
 * was stored late (see {@code Ring}): since then the segment path is the faster (benchmark 1 on JDK 25 with the
 * flag, 2026-12-01: 0.96-0.97×). Figures: docs/benchmarks.md, "JDK 25: memory access through MemorySegment".
 */
final class RingMemory {

    /** System property: {@code mapped} (default) or {@code allocated}: see "Kinds of memory". */
    static final String KIND_PROPERTY = "dev.ringalloc.memory";
    /** System property: the directory of the deleted files behind mapped rings. */
    static final String DIRECTORY_PROPERTY = "dev.ringalloc.memory.dir";
    /**
     * System property, default {@code true}: direct memory comes from an {@code Arena} (JDK 22+) so that
     * {@link #free()} gives it back at once without Unsafe; {@code false}: no arena, see "Word access".
     */
    static final String FREE_AT_ONCE_PROPERTY = "dev.ringalloc.memory.freeAtOnce";

    /** Local disk file systems, where a private mapping of a file hole costs no disk and no shared memory. */
    private static final Set<String> LOCAL_DISK_FILE_SYSTEMS =
            Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "overlay", "zfs", "f2fs", "bcachefs");

    private static final sun.misc.Unsafe UNSAFE = UnsafeAccess.UNSAFE;
    private static final VarHandle WORD = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    /** Plain access to a heap ring's words, where no atomic access to a {@code byte[]} is offered. */
    private static final VarHandle ARRAY_WORD = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    /** Names the files behind mapped rings, so that a ring shows in /proc/self/smaps as "ringalloc-pid-n". */
    private static final AtomicLong FILE_SEQUENCE = new AtomicLong();
    /** Where mapped rings go, or null where mapping is off or not possible; decided once. */
    private static final Path MAPPING_DIRECTORY = mappingDirectory();
    /** Whether direct memory comes from an arena: JDK 22+ and {@value #FREE_AT_ONCE_PROPERTY} not false. */
    private static final boolean IN_ARENAS = RingProperties.flag(FREE_AT_ONCE_PROPERTY, true) && Arenas.AVAILABLE;

    /** The bytes: byte 0 is word 0. Absolute access only; its position and limit are shared. */
    private final ByteBuffer buffer;
    /**
     * An arena's memory as a segment, through which its words are read and written without Unsafe (JDK 22+), else
     * null: see "Word access".
     */
    private final Object segment;
    /** With Unsafe: the array of a heap ring, or null for a direct one. */
    private final Object base;
    /** A heap ring's array when words are read plainly and fenced (no Unsafe), else null: see "Word access". */
    private final byte[] fencedArray;
    /** With Unsafe: offset of byte 0 from {@link #base} (an array base offset, or an address). */
    private final long offset;
    /**
     * What {@link #free()} gives back: a {@link Cleaner.Cleanable} that closes an {@code Arena} (run by the
     * cleaner thread if this object becomes unreachable first), a JDK direct buffer, or null (heap).
     */
    private final Object owner;
    private final Kind kind;

    /** How a block was obtained. */
    enum Kind {
        /** Private file mapping: pages committed on first write. */
        MAPPED,
        /** JDK direct memory, zero-filled, all resident. */
        ALLOCATED,
        /** A byte array. */
        HEAP
    }

    private RingMemory(ByteBuffer buffer, Object owner, Kind kind) {
        this.buffer = buffer;
        // A shared arena is never closed by the garbage collector: a ring that nobody retired (its thread ended
        // without clean-up, and it and its buffers became garbage) would leak it. The cleaner closes it then.
        boolean inArena = Arenas.isArena(owner);
        this.owner = inArena ? Arenas.CLEANER.register(this, () -> Arenas.close(owner)) : owner;
        this.kind = kind;
        this.fencedArray = UNSAFE == null && buffer.hasArray() ? buffer.array() : null;
        this.segment = UNSAFE == null && inArena && SegmentAccess.isAvailable() ? SegmentAccess.of(buffer) : null;
        if (UNSAFE == null) {
            this.base = null;
            this.offset = 0;
        } else if (buffer.hasArray()) {
            this.base = buffer.array();
            this.offset = UnsafeAccess.BYTE_ARRAY_BASE + buffer.arrayOffset();
        } else if (UnsafeAccess.addressesAvailable()) {
            this.base = null;
            this.offset = UnsafeAccess.address(buffer);
        } else {
            throw new IllegalStateException("direct buffer addresses are not readable on this JVM");
        }
    }

    /**
     * Direct memory of {@code capacity} bytes (a multiple of 8) whose byte 8 starts a cache line, so that the
     * payload of guard 0, and of every guard at a multiple of 8 words, is 64-byte aligned.
     */
    static RingMemory direct(int capacity) {
        if (MAPPING_DIRECTORY != null) {
            try {
                return mapped(capacity);
            } catch (IOException | RuntimeException e) {
                // A full or read-only directory, a file-descriptor limit: the memory can still be allocated.
                System.getLogger(RingMemory.class.getName()).log(System.Logger.Level.DEBUG,
                        "could not map a ring in " + MAPPING_DIRECTORY + "; allocating it instead", e);
            }
        }
        return allocated(capacity);
    }

    /** Heap memory of {@code capacity} bytes. */
    static RingMemory heap(int capacity) {
        return new RingMemory(ByteBuffer.wrap(new byte[capacity]), null, Kind.HEAP);
    }

    private static RingMemory mapped(int capacity) throws IOException {
        Path file = MAPPING_DIRECTORY.resolve("ringalloc-" + ProcessHandle.current().pid() + "-"
                + FILE_SEQUENCE.incrementAndGet());
        // DELETE_ON_CLOSE unlinks the file as soon as it is open on Linux: nothing is left behind, even by a
        // crash. The mapping outlives the channel.
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE)) {
            long size = capacity + 64L; // mappings are page aligned: start 56 bytes in
            if (IN_ARENAS) {
                Object arena = Arenas.ofShared();
                try {
                    return aligned(Arenas.map(channel, size, arena), arena, Kind.MAPPED, capacity);
                } catch (RuntimeException | Error e) {
                    Arenas.close(arena);
                    throw e;
                }
            }
            ByteBuffer mapping = channel.map(FileChannel.MapMode.PRIVATE, 0, size);
            return aligned(mapping, mapping, Kind.MAPPED, capacity);
        }
    }

    private static RingMemory allocated(int capacity) {
        if (IN_ARENAS) {
            Object arena = Arenas.ofShared();
            try {
                return aligned(Arenas.allocate(arena, capacity + 64L), arena, Kind.ALLOCATED, capacity);
            } catch (RuntimeException | Error e) {
                Arenas.close(arena);
                throw e;
            }
        }
        ByteBuffer allocation = ByteBuffer.allocateDirect(capacity + 63);
        return aligned(allocation, allocation, Kind.ALLOCATED, capacity);
    }

    /** The {@code capacity} bytes of {@code block} whose byte 8 is the first cache-line boundary past byte 0. */
    private static RingMemory aligned(ByteBuffer block, Object owner, Kind kind, int capacity) {
        int shift = (64 - 8 - block.alignmentOffset(0, 64)) & 63;
        return new RingMemory(block.slice(shift, capacity), owner, kind);
    }

    private static Path mappingDirectory() {
        String kind = RingProperties.choice(KIND_PROPERTY, "mapped", "mapped", "allocated");
        if (!kind.equals("mapped") || !System.getProperty("os.name", "").startsWith("Linux")) {
            return null;
        }
        try {
            Path dir = Paths.get(RingProperties.get(DIRECTORY_PROPERTY, System.getProperty("java.io.tmpdir")));
            FileStore store = Files.getFileStore(dir);
            // A hole in a tmpfs file would cost shared memory, and a network file system a round trip per page.
            return LOCAL_DISK_FILE_SYSTEMS.contains(store.type()) && !store.isReadOnly() ? dir : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    // ---- the block ------------------------------------------------------------------------------------

    /** The bytes (byte 0 is word 0), big-endian; absolute access only. */
    ByteBuffer buffer() {
        return buffer;
    }

    Kind kind() {
        return kind;
    }

    /** The memory as a segment when its words go through one (see "Word access"), else null. */
    Object segment() {
        return segment;
    }

    /**
     * Gives the memory back: direct memory at once, a heap array to the garbage collector. Called once, when
     * no thread can touch the memory any more (see {@code Ring}'s lifecycle).
     */
    void free() {
        if (owner == null) {
            return;
        }
        if (owner instanceof Cleaner.Cleanable) {
            ((Cleaner.Cleanable) owner).clean(); // closes the arena, at most once
        } else {
            UnsafeAccess.invokeCleaner((ByteBuffer) owner); // without Unsafe, the garbage collector frees it
        }
    }

    /** True when {@link #free()} gives direct memory back at once rather than at a garbage collection. */
    static boolean freesDirectMemoryAtOnce() {
        return IN_ARENAS || UNSAFE != null;
    }

    // ---- words ----------------------------------------------------------------------------------------

    private long wordOffset(int index) {
        return offset + ((long) index << 3);
    }

    /** Load-acquire of word {@code index}. */
    long laWord(int index) {
        if (UNSAFE != null) {
            return UNSAFE.getLongVolatile(base, wordOffset(index));
        }
        if (segment != null) {
            return SegmentAccess.laLong(segment, (long) index << 3);
        }
        if (fencedArray == null) {
            return (long) WORD.getAcquire(buffer, index << 3);
        }
        long value = (long) ARRAY_WORD.get(fencedArray, index << 3);
        VarHandle.acquireFence();
        return value;
    }

    /** Load-volatile of word {@code index}. */
    long lvWord(int index) {
        if (UNSAFE != null) {
            return UNSAFE.getLongVolatile(base, wordOffset(index));
        }
        if (segment != null) {
            return SegmentAccess.lvLong(segment, (long) index << 3);
        }
        if (fencedArray == null) {
            return (long) WORD.getVolatile(buffer, index << 3);
        }
        VarHandle.fullFence();
        long value = (long) ARRAY_WORD.get(fencedArray, index << 3);
        VarHandle.acquireFence();
        return value;
    }

    /** Store-ordered (release) of word {@code index}. */
    void soWord(int index, long value) {
        if (UNSAFE != null) {
            UNSAFE.putOrderedLong(base, wordOffset(index), value);
        } else if (segment != null) {
            SegmentAccess.soLong(segment, (long) index << 3, value);
        } else if (fencedArray == null) {
            WORD.setRelease(buffer, index << 3, value);
        } else {
            VarHandle.releaseFence();
            ARRAY_WORD.set(fencedArray, index << 3, value);
        }
    }

    /**
     * Volatile compare-and-set of word {@code index}. On fenced words, a check and a store under this object's
     * monitor: atomic against every other caller, which is enough, as {@link #serializesReleases()} explains.
     */
    boolean casWord(int index, long expected, long update) {
        if (UNSAFE != null) {
            return UNSAFE.compareAndSwapLong(base, wordOffset(index), expected, update);
        }
        if (segment != null) {
            return SegmentAccess.casLong(segment, (long) index << 3, expected, update);
        }
        if (fencedArray == null) {
            return WORD.compareAndSet(buffer, index << 3, expected, update);
        }
        synchronized (this) {
            if ((long) ARRAY_WORD.get(fencedArray, index << 3) != expected) {
                return false;
            }
            VarHandle.releaseFence();
            ARRAY_WORD.set(fencedArray, index << 3, update);
        }
        VarHandle.fullFence();
        return true;
    }

    /**
     * True when every release must go through {@link #casWord}, the owner's too. That is the case for a heap
     * ring without Unsafe: since JDK 22 no public API offers atomic access to a {@code byte[]}, so its words are
     * read and written plainly between fences (a 64-bit JVM does not split an aligned 8-byte access, which JLS
     * 17.7 permits but HotSpot never does) and the compare-and-set is a check and a store under a monitor. That
     * is atomic only against other callers of {@code casWord}; it suffices because the owner writes only free
     * guards or, through {@code casWord}, its own held ones, while releases write only held guards.
     */
    boolean serializesReleases() {
        return fencedArray != null;
    }

    /** True when this ring's words are read and written through a {@code MemorySegment} (see "Word access"). */
    boolean wordsThroughSegment() {
        return segment != null;
    }

    /** True when words are read and written through {@code sun.misc.Unsafe} (see "Word access"). */
    static boolean wordsThroughUnsafe() {
        return UNSAFE != null;
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    /**
     * JDK 22's {@code java.lang.foreign.Arena}, reached through method handles: a shared arena maps or
     * allocates the ring's memory, and closing it frees the memory at once, without {@code sun.misc.Unsafe}.
     * Loaded on first use; on JDK 17 to 21 {@link #AVAILABLE} is false and nothing else is touched.
     */
    private static final class Arenas {
        static final boolean AVAILABLE;
        /** Closes the arenas of rings that became unreachable without being freed; one daemon thread. */
        static final Cleaner CLEANER;
        private static final Class<?> ARENA_CLASS;
        private static final MethodHandle OF_SHARED;
        private static final MethodHandle MAP;
        private static final MethodHandle ALLOCATE;
        private static final MethodHandle AS_BYTE_BUFFER;
        private static final MethodHandle CLOSE;

        static {
            MethodHandle ofShared = null;
            MethodHandle map = null;
            MethodHandle allocate = null;
            MethodHandle asByteBuffer = null;
            MethodHandle close = null;
            if (Runtime.version().feature() >= 22) { // final API since 22; a preview before
                try {
                    MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                    Class<?> arena = Class.forName("java.lang.foreign.Arena");
                    Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
                    ofShared = lookup.findStatic(arena, "ofShared", MethodType.methodType(arena));
                    map = lookup.findVirtual(FileChannel.class, "map", MethodType.methodType(segment,
                            FileChannel.MapMode.class, long.class, long.class, arena));
                    allocate = lookup.findVirtual(arena, "allocate",
                            MethodType.methodType(segment, long.class, long.class));
                    asByteBuffer = lookup.findVirtual(segment, "asByteBuffer", MethodType.methodType(ByteBuffer.class));
                    close = lookup.findVirtual(arena, "close", MethodType.methodType(void.class));
                } catch (ReflectiveOperationException e) {
                    ofShared = null;
                }
            }
            AVAILABLE = ofShared != null;
            ARENA_CLASS = AVAILABLE ? ofShared.type().returnType() : null;
            CLEANER = AVAILABLE ? Cleaner.create(r -> {
                Thread t = new Thread(r, "ringalloc-cleaner");
                t.setDaemon(true);
                return t;
            }) : null;
            OF_SHARED = ofShared;
            MAP = map;
            ALLOCATE = allocate;
            AS_BYTE_BUFFER = asByteBuffer;
            CLOSE = close;
        }

        static boolean isArena(Object o) {
            return AVAILABLE && ARENA_CLASS.isInstance(o);
        }

        static Object ofShared() {
            try {
                return OF_SHARED.invoke();
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        static ByteBuffer map(FileChannel channel, long size, Object arena) throws IOException {
            try {
                return (ByteBuffer) AS_BYTE_BUFFER.invoke(MAP.invoke(channel, FileChannel.MapMode.PRIVATE, 0L, size, arena));
            } catch (IOException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        static ByteBuffer allocate(Object arena, long size) {
            try {
                return (ByteBuffer) AS_BYTE_BUFFER.invoke(ALLOCATE.invoke(arena, size, 64L));
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        static void close(Object arena) {
            try {
                CLOSE.invoke(arena);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        private static RuntimeException rethrow(Throwable t) {
            if (t instanceof RuntimeException) {
                throw (RuntimeException) t;
            }
            if (t instanceof Error) {
                throw (Error) t;
            }
            throw new IllegalStateException(t);
        }
    }
}
