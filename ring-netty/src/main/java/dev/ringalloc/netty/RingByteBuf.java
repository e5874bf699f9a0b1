package dev.ringalloc.netty;

import dev.ringalloc.core.Ring;
import dev.ringalloc.core.SegmentAccess;
import dev.ringalloc.core.WordCopy;
import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.internal.PlatformDependent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;

/**
 * A {@link ByteBuf} handed out by {@link RingByteBufAllocator}: direct or heap, normally over one region of the
 * allocating event loop's ring of that kind, else over memory of the allocator's fallback. Every buffer the
 * allocator hands out is one, so {@link #alloc()} is always that allocator. Instances are recycled through the
 * allocating thread's pool (see {@code ThreadRing.pool}): a buffer must not be used after its last release.
 *
 * <h2>Memory</h2>
 * A buffer lives in a region of the ring of the event loop that allocated it, or, when the ring could not serve
 * it (see {@link FallbackReason}), in a buffer of the fallback allocator. It keeps its kind (direct or heap) for
 * life. Its capacity can grow:
 * <ul>
 *   <li>in place, without a copy, when the growth runs on the ring's owner thread and the regions behind the
 *       buffer are free (the common case for the newest buffer of an event loop);</li>
 *   <li>otherwise by a <em>move</em>: a new region of the calling thread's own ring, or, when that thread has
 *       no ring, the ring is full or the capacity is above the maximum ring allocation, memory of the fallback
 *       allocator. A buffer in fallback memory behaves exactly the same; it may move back into a ring on a
 *       later growth.</li>
 * </ul>
 * A capacity decrease on the owner thread gives the unused end of the region back to the ring.
 *
 * <h2>Reference count</h2>
 * {@link #retain()}, {@link #release()} and {@link #refCnt()} behave as with Netty's buffers: a release that
 * takes the count below zero, and any access or retain after the last release, throws
 * {@link IllegalReferenceCountException}. Every change of the count is a compare-and-set, the last release
 * too, so two threads releasing the same reference at the same moment cannot both succeed. The count is a
 * field of this object (Netty 4.2's buffers reach theirs through a separate object): measured against this
 * class extending {@code AbstractReferenceCountedByteBuf}, 1 KiB allocate-write-release on one thread ran
 * 5-10 % faster (4 interleaved runs), 64 B the same within noise.
 *
 * <h2>Release</h2>
 * The last {@link #release()} may run on any thread: it releases the region (a store-release on the ring's
 * owner thread, one compare-and-set on any other, see {@link Ring#release(long)}) and recycles this object.
 *
 * <h2>Access</h2>
 * Three implementations share everything but the primitive accessors: {@link UnsafeRingByteBuf} reads and writes
 * direct memory through its address (when Netty's {@code PlatformDependent.hasUnsafe()} and unaligned access is
 * allowed), {@link SegmentRingByteBuf} direct memory without an address through the ring's
 * {@link Ring#memorySegment() segment} (JDK 22+), and {@link NioRingByteBuf} heap memory through its array and any
 * other direct memory through {@link ByteBuffer} absolute access. Bulk transfers copy array to array with
 * {@link System#arraycopy}, address to address or array by a direct memory copy, segment to array and back with
 * {@link SegmentAccess}, and use {@link ByteBuffer} bulk operations for the rest.
 *
 * <h2>Threads</h2>
 * Like every {@link ByteBuf}, an instance is not thread-safe: the fields below are plain. They are written by
 * the thread that allocates the buffer or changes its capacity, and read by whichever thread uses or releases
 * it afterwards; that thread must have received the buffer through a hand-off that orders memory (a channel
 * write, a task queue, a concurrent collection), which Netty's own event loops always provide. Every change
 * of the reference count by another thread is a volatile read-modify-write, and the last release reads the
 * count with acquire, so the thread that performs the last release sees every field written before any
 * earlier {@code release()} of another thread.
 */
public abstract class RingByteBuf extends AbstractByteBuf {

    private static final VarHandle REF_CNT;
    /**
     * Whether Netty copies memory by address (Unsafe): a buffer may report a memory address without it (Netty 4.2
     * on JDK 24+), so a heap buffer copies to or from an address only when this is true.
     */
    private static final boolean ADDRESS_COPY = PlatformDependent.hasUnsafe();

    static {
        try {
            REF_CNT = MethodHandles.lookup().findVarHandle(RingByteBuf.class, "refCnt", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The thread ring whose pool made this object and takes it back at the last release; null for an object made
     * for a thread without a ring, which is left to the garbage collector.
     */
    private final ThreadRing home;
    /** The allocator whose thread ring's pool this object belongs to: it hands out only this allocator's buffers. */
    private final RingByteBufAllocator allocator;

    // Every field below is plain. Writers: the allocating thread (init, before the buffer is published), then
    // the thread holding the buffer (capacity changes), then the thread of the last release (deallocate). Each
    // hand-off between those threads is ordered by the application's publication of the buffer and by the
    // atomic reference count (see "Threads" above); nothing here is read by a thread without such an edge.

    /** The ring holding the memory, or null while the memory comes from the fallback allocator. */
    ThreadRing threadRing;
    /**
     * The ring region's handle; meaningful only while the buffer is live and {@link #threadRing} is not null.
     * A released buffer keeps its last handle (stale): {@link #init} writes the next one.
     */
    long handle = Ring.NO_REGION;
    /** The fallback allocator's buffer holding the memory (its kind matches this buffer's), or null in a ring. */
    ByteBuf fallbackMemory;
    /**
     * The bytes: the ring's view, or a view of the fallback buffer; a heap buffer over an array. Absolute access
     * only. Big-endian.
     */
    ByteBuffer memory;
    /** Index of this buffer's byte 0 within {@link #memory}. */
    int offset;
    /** The array behind heap {@link #memory} (a heap ring's, or the fallback buffer's); null for direct memory. */
    byte[] array;
    /** Index of this buffer's byte 0 within {@link #array}: the memory's array offset plus {@link #offset}. */
    int arrayBase;
    /** Native address of this buffer's byte 0; 0 when the memory has no address. */
    long address;
    /**
     * The ring's {@link Ring#memorySegment()}, read and written at {@link #offset} instead of {@link #memory} where
     * the buffer has no address; null for heap and fallback memory, before JDK 22, and wherever the ByteBuffer is
     * the faster.
     */
    Object segment;
    /** {@link #capacity()}. */
    int length;
    /**
     * Bytes the memory holds from {@link #offset} on, or fewer: at least {@link #length}. For a fresh ring
     * region it is the request rounded up to 8 ({@link Ring#regionBytes}), which spares reading the guard
     * again; growth in place finds any slack beyond it.
     */
    int regionCapacity;
    /**
     * The region's {@code next} as the hand-out gave it ({@link Ring#nextOfLastAllocation()}), or -1 once the region
     * grew or shrank, and over fallback memory: with it, the owner's release stores the guard without reading it
     * ({@link ThreadRing#release}).
     * Written by the owner (hand-out, growth, shrink); read by the releasing thread, and used only if that is the
     * owner. The reference count makes the release happen once per allocation, the check the guard read was for.
     */
    int regionNext = -1;
    /** Duplicate of {@link #memory} behind {@link #internalNioBuffer(int, int)}; kept across recycling. */
    private ByteBuffer tmpNioBuf;

    /**
     * The reference count; 0 once released. Written with store-release by {@link #init} (before the buffer is
     * published), otherwise by compare-and-set from any thread holding a reference. Read with load-acquire
     * ({@code laRefCnt}).
     */
    @SuppressWarnings("unused")
    private volatile int refCnt;

    RingByteBuf(ThreadRing home, RingByteBufAllocator allocator) {
        super(0);
        this.home = home;
        this.allocator = allocator;
    }

    /**
     * Prepares a recycled (or new) instance to serve a fresh allocation of ring region {@code regionHandle},
     * allocated for {@code max(1, capacity)} bytes.
     */
    final void init(ThreadRing ring, long regionHandle, int capacity, int maxCapacity) {
        useRegion(ring, regionHandle, Math.max(1, capacity));
        start(capacity, maxCapacity);
    }

    /**
     * Prepares a recycled (or new) instance to serve a fresh allocation over {@code memory}, a buffer of the
     * fallback allocator of this buffer's kind holding exactly {@code capacity} bytes.
     */
    final void initFallback(ByteBuf memory, int capacity, int maxCapacity) {
        useFallback(memory, capacity);
        start(capacity, maxCapacity);
    }

    private void start(int capacity, int maxCapacity) {
        this.length = capacity;
        maxCapacity(maxCapacity);
        soRefCnt(1);
        clear();
        markReaderIndex();
        markWriterIndex();
    }

    // Reference fields are written only when they change: a recycled object is old, and each reference store
    // into it costs a GC write barrier.

    private void useRegion(ThreadRing ring, long regionHandle, int requested) {
        if (threadRing != ring) {
            threadRing = ring;
        }
        handle = regionHandle;
        regionNext = ring.ring.nextOfLastAllocation();
        if (fallbackMemory != null) {
            fallbackMemory = null;
        }
        useMemory(ring.memory, Ring.payloadOffset(regionHandle), ring.address, ring.segment);
        regionCapacity = Ring.regionBytes(requested);
    }

    private void useFallback(ByteBuf buffer, int capacity) {
        ByteBuffer view = buffer.nioBuffer(0, capacity).order(ByteOrder.BIG_ENDIAN);
        threadRing = null;
        handle = Ring.NO_REGION;
        regionNext = -1;
        fallbackMemory = buffer;
        // Fallback memory goes through its ByteBuffer: making a segment of it would allocate on every use.
        useMemory(view, 0, view.isDirect() && PlatformDependent.hasUnsafe()
                ? PlatformDependent.directBufferAddress(view) : 0L, null);
        regionCapacity = capacity;
    }

    private void useMemory(ByteBuffer newMemory, int newOffset, long baseAddress, Object newSegment) {
        if (memory != newMemory) {
            memory = newMemory;
            segment = newSegment; // one per ring's memory: changes only with it
            tmpNioBuf = null;
            array = newMemory.hasArray() ? newMemory.array() : null;
        }
        offset = newOffset;
        address = baseAddress == 0L ? 0L : baseAddress + newOffset;
        if (array != null) {
            arrayBase = newMemory.arrayOffset() + newOffset;
        }
    }

    /** True while this buffer's memory is a ring region (false once it moved to fallback memory). */
    public final boolean isInRing() {
        ensureAccessible();
        return threadRing != null;
    }

    // ---- reference counting ---------------------------------------------------------------------------

    private int laRefCnt() {
        return (int) REF_CNT.getAcquire(this);
    }

    private void soRefCnt(int value) {
        REF_CNT.setRelease(this, value);
    }

    private boolean casRefCnt(int expected, int update) {
        return REF_CNT.compareAndSet(this, expected, update);
    }

    @Override
    public final int refCnt() {
        return laRefCnt();
    }

    @Override
    public final ByteBuf retain() {
        return retain0(1);
    }

    @Override
    public final ByteBuf retain(int increment) {
        if (increment <= 0) {
            throw new IllegalArgumentException("increment: " + increment + " (expected: > 0)");
        }
        return retain0(increment);
    }

    private ByteBuf retain0(int increment) {
        while (true) {
            int count = laRefCnt();
            if (count == 0 || count + increment <= 0) { // released, or overflow
                throw new IllegalReferenceCountException(count, increment);
            }
            if (casRefCnt(count, count + increment)) {
                return this;
            }
        }
    }

    @Override
    public final ByteBuf touch() {
        return this;
    }

    @Override
    public final ByteBuf touch(Object hint) {
        return this;
    }

    @Override
    public final boolean release() {
        return release0(1);
    }

    @Override
    public final boolean release(int decrement) {
        if (decrement <= 0) {
            throw new IllegalArgumentException("decrement: " + decrement + " (expected: > 0)");
        }
        return release0(decrement);
    }

    private boolean release0(int decrement) {
        // Always a compare-and-set, the last release too: of two threads releasing the same reference at
        // once (a bug), exactly one succeeds and the other gets IllegalReferenceCountException, so the region
        // and this object are never freed twice.
        while (true) {
            int count = laRefCnt();
            if (count < decrement) {
                throw new IllegalReferenceCountException(count, -decrement);
            }
            if (casRefCnt(count, count - decrement)) {
                if (count == decrement) {
                    deallocate();
                    return true;
                }
                return false;
            }
        }
    }

    /**
     * Gives the memory back, then recycles this object. If giving the memory back throws (a stale region: a
     * bug elsewhere), the object is not recycled: it is left to the garbage collector rather than risk its
     * being handed out twice.
     */
    private void deallocate() {
        final ThreadRing ring = threadRing;
        final Thread current = Thread.currentThread();
        if (fallbackMemory != null) {
            fallbackMemory.release();
        } else {
            ring.release(handle, current, regionNext);
        }
        if (home == null) {
            return; // made for a thread without a ring: garbage now
        }
        if (ring != home) {
            // Memory of the fallback or of another thread's ring (after a move): keep neither reachable from
            // this object's pool. The home ring's view stays, so that the next allocation reuses tmpNioBuf;
            // it is only ever as reachable as the pool itself, which belongs to that ring.
            memory = null;
            array = null;
            segment = null;
            tmpNioBuf = null;
            threadRing = null;
            fallbackMemory = null;
        }
        home.recycle(this, current);
    }

    // ---- capacity -------------------------------------------------------------------------------------

    @Override
    public final int capacity() {
        return length;
    }

    /**
     * The bytes that can be written without a move: up to the region's (or the fallback memory's) capacity, within
     * {@link #maxCapacity()}. A ring region holds the request rounded up to 8 bytes, so this may exceed
     * {@code capacity() - writerIndex()} (52 where Netty's own heap buffer says 50 for a 50-byte buffer): the
     * contract asks only that writing that many bytes does not reallocate, which holds.
     */
    @Override
    public final int maxFastWritableBytes() {
        return Math.min(regionCapacity, maxCapacity()) - writerIndex();
    }

    @Override
    public final ByteBuf capacity(int newCapacity) {
        checkNewCapacity(newCapacity);
        final int oldCapacity = length;
        if (newCapacity == oldCapacity) {
            return this;
        }
        if (newCapacity < oldCapacity) {
            trimIndicesToCapacity(newCapacity);
            ThreadRing ring = threadRing;
            if (ring != null && ring.ownedByCurrentThread()) {
                regionCapacity = ring.ring.shrink(handle, Math.max(1, newCapacity));
                regionNext = -1;
            }
            length = newCapacity;
            return this;
        }
        if (newCapacity > regionCapacity && !growInPlace(newCapacity)) {
            move(newCapacity);
        }
        length = newCapacity;
        return this;
    }

    private boolean growInPlace(int newCapacity) {
        ThreadRing ring = threadRing;
        if (ring == null || newCapacity > allocator.maxRingAllocation() || !ring.ownedByCurrentThread()
                || !ring.ring.tryGrowInPlace(handle, newCapacity)) {
            return false;
        }
        regionCapacity = ring.ring.capacity(handle);
        regionNext = -1;
        return true;
    }

    /**
     * Copies the content into new memory of the same kind, of at least {@code newCapacity} bytes, and frees the old
     * memory: a region of the calling thread's ring, else fallback memory.
     */
    private void move(int newCapacity) {
        final RingByteBufAllocator alloc = allocator;
        final ByteBuffer oldMemory = memory;
        final int oldOffset = offset;
        final int bytes = length;
        final ThreadRing oldRing = threadRing;
        final long oldHandle = handle;
        final int oldNext = regionNext;
        final ByteBuf oldFallback = fallbackMemory;

        ThreadRing target = alloc.currentThreadRing(isDirect(), newCapacity);
        FallbackReason reason;
        long region = Ring.NO_REGION;
        if (target == null) {
            reason = alloc.noRingReason(isDirect());
        } else if (newCapacity > alloc.maxRingAllocation()) {
            reason = FallbackReason.TOO_LARGE;
        } else {
            region = target.ring.tryAllocate(newCapacity);
            reason = FallbackReason.RING_FULL;
        }
        if (region != Ring.NO_REGION) {
            target.memory.put(Ring.payloadOffset(region), oldMemory, oldOffset, bytes);
            useRegion(target, region, newCapacity);
            target.allocated(region); // time sample, allocation site: see ThreadRing
        } else {
            useFallback(alloc.fallbackMemory(isDirect(), newCapacity, reason), newCapacity);
            memory.put(offset, oldMemory, oldOffset, bytes);
        }
        alloc.countMove();
        if (oldFallback != null) {
            oldFallback.release();
        } else {
            oldRing.release(oldHandle, Thread.currentThread(), oldNext);
        }
    }

    // ---- identity -------------------------------------------------------------------------------------

    @Override
    public final ByteBufAllocator alloc() {
        return allocator;
    }

    @SuppressWarnings("deprecation")
    @Override
    public final ByteOrder order() {
        return ByteOrder.BIG_ENDIAN;
    }

    @Override
    public final ByteBuf unwrap() {
        return null;
    }

    @Override
    public final boolean isContiguous() {
        return true;
    }

    @Override
    public final boolean hasArray() {
        return !isDirect();
    }

    @Override
    public final byte[] array() {
        ensureAccessible();
        if (isDirect()) {
            throw new UnsupportedOperationException("direct buffer");
        }
        return array;
    }

    /**
     * Where this buffer's byte 0 lies in {@link #array()}. Checks the reference count, as {@link #array()} does: a
     * released buffer no longer has memory (fallback memory is let go of at the last release).
     */
    @Override
    public final int arrayOffset() {
        if (isDirect()) {
            throw new UnsupportedOperationException("direct buffer");
        }
        ensureAccessible();
        return arrayBase;
    }

    // ---- medium accessors, shared: one byte plus one short ------------------------------------------------

    @Override
    protected final int _getUnsignedMedium(int index) {
        return (_getByte(index) & 0xff) << 16 | _getShort(index + 1) & 0xffff;
    }

    @Override
    protected final int _getUnsignedMediumLE(int index) {
        return _getByte(index) & 0xff | (_getShortLE(index + 1) & 0xffff) << 8;
    }

    @Override
    protected final void _setMedium(int index, int value) {
        _setByte(index, value >>> 16);
        _setShort(index + 1, value);
    }

    @Override
    protected final void _setMediumLE(int index, int value) {
        _setByte(index, value);
        _setShortLE(index + 1, value >>> 8);
    }

    // ---- bulk transfers -------------------------------------------------------------------------------

    @Override
    public final ByteBuf getBytes(int index, ByteBuf dst, int dstIndex, int length) {
        checkDstIndex(index, length, dstIndex, dst.capacity());
        if (length == 0) {
            return this;
        }
        final byte[] a = array;
        if (dst.hasArray()) {
            if (a != null) {
                System.arraycopy(a, arrayBase + index, dst.array(), dst.arrayOffset() + dstIndex, length);
            } else if (hasMemoryAddress()) {
                PlatformDependent.copyMemory(address + index, dst.array(), dst.arrayOffset() + dstIndex, length);
            } else {
                copyToArray(index, dst.array(), dst.arrayOffset() + dstIndex, length);
            }
        } else if (a != null && ADDRESS_COPY && dst.hasMemoryAddress()) {
            PlatformDependent.copyMemory(a, arrayBase + index, dst.memoryAddress() + dstIndex, length);
        } else if (hasMemoryAddress() && dst.hasMemoryAddress()) { // never a heap buffer: it has no address
            PlatformDependent.copyMemory(address + index, dst.memoryAddress() + dstIndex, length);
        } else {
            dst.setBytes(dstIndex, memory.slice(offset + index, length));
        }
        return this;
    }

    @Override
    public final ByteBuf getBytes(int index, byte[] dst, int dstIndex, int length) {
        checkDstIndex(index, length, dstIndex, dst.length);
        final byte[] a = array;
        if (a != null) {
            System.arraycopy(a, arrayBase + index, dst, dstIndex, length);
        } else if (hasMemoryAddress()) {
            PlatformDependent.copyMemory(address + index, dst, dstIndex, length);
        } else {
            copyToArray(index, dst, dstIndex, length);
        }
        return this;
    }

    @Override
    public final ByteBuf getBytes(int index, ByteBuffer dst) {
        final int n = dst.remaining();
        checkIndex(index, n);
        final int position = dst.position();
        dst.put(position, memory, offset + index, n);
        dst.position(position + n);
        return this;
    }

    @Override
    public final ByteBuf getBytes(int index, OutputStream out, int length) throws IOException {
        checkIndex(index, length);
        if (length == 0) {
            return this;
        }
        if (array != null) {
            out.write(array, arrayBase + index, length);
            return this;
        }
        byte[] chunk = StreamChunk.get(Math.min(length, 8192));
        for (int at = offset + index, left = length; left > 0; ) {
            int n = Math.min(left, chunk.length);
            memory.get(at, chunk, 0, n);
            out.write(chunk, 0, n);
            at += n;
            left -= n;
        }
        return this;
    }

    @Override
    public final int getBytes(int index, GatheringByteChannel out, int length) throws IOException {
        checkIndex(index, length);
        if (length == 0) {
            return 0;
        }
        // A private view: derived buffers (duplicates, slices) may call this from several threads at once.
        return out.write(memory.slice(offset + index, length));
    }

    @Override
    public final int getBytes(int index, FileChannel out, long position, int length) throws IOException {
        checkIndex(index, length);
        if (length == 0) {
            return 0;
        }
        return out.write(memory.slice(offset + index, length), position);
    }

    @Override
    public final int readBytes(GatheringByteChannel out, int length) throws IOException {
        checkReadableBytes(length);
        if (length == 0) {
            return 0;
        }
        int written = out.write(internalNioBuffer(readerIndex(), length));
        readerIndex(readerIndex() + written);
        return written;
    }

    @Override
    public final int readBytes(FileChannel out, long position, int length) throws IOException {
        checkReadableBytes(length);
        if (length == 0) {
            return 0;
        }
        int written = out.write(internalNioBuffer(readerIndex(), length), position);
        readerIndex(readerIndex() + written);
        return written;
    }

    @Override
    public final ByteBuf setBytes(int index, ByteBuf src, int srcIndex, int length) {
        checkSrcIndex(index, length, srcIndex, src.capacity());
        if (length == 0) {
            return this;
        }
        final byte[] a = array;
        if (src.hasArray()) {
            if (a != null) {
                System.arraycopy(src.array(), src.arrayOffset() + srcIndex, a, arrayBase + index, length);
            } else if (hasMemoryAddress()) {
                copyToAddress(src.array(), src.arrayOffset() + srcIndex, address + index, length);
            } else {
                copyFromArray(src.array(), src.arrayOffset() + srcIndex, index, length);
            }
        } else if (a != null && ADDRESS_COPY && src.hasMemoryAddress()) {
            PlatformDependent.copyMemory(src.memoryAddress() + srcIndex, a, arrayBase + index, length);
        } else if (hasMemoryAddress() && src.hasMemoryAddress()) { // never a heap buffer: it has no address
            PlatformDependent.copyMemory(src.memoryAddress() + srcIndex, address + index, length);
        } else {
            src.getBytes(srcIndex, memory.slice(offset + index, length));
        }
        return this;
    }

    @Override
    public final ByteBuf setBytes(int index, byte[] src, int srcIndex, int length) {
        checkSrcIndex(index, length, srcIndex, src.length);
        final byte[] a = array;
        if (a != null) {
            // One array copy; ByteBuffer.put would repeat the bounds and session checks done above.
            System.arraycopy(src, srcIndex, a, arrayBase + index, length);
        } else if (hasMemoryAddress()) {
            // One Unsafe copy, for the same reason.
            copyToAddress(src, srcIndex, address + index, length);
        } else {
            copyFromArray(src, srcIndex, index, length);
        }
        return this;
    }

    /**
     * Copies out of direct memory without an address: through the ring's segment where it has one, else through
     * the buffer. Kept out of the bulk methods, which stay as small as they were for the JIT's inlining (with the
     * branch written into them, benchmark 1 lost 2-5 % on JDK 17, which never takes it).
     */
    private void copyToArray(int index, byte[] dst, int dstIndex, int length) {
        if (segment != null) {
            SegmentAccess.copyToArray(segment, offset + index, dst, dstIndex, length);
        } else {
            memory.get(offset + index, dst, dstIndex, length);
        }
    }

    /** Copies to direct memory by address: in whole words where that pays ({@link WordCopy#pays}), else by Netty. */
    private static void copyToAddress(byte[] src, int srcIndex, long address, int length) {
        if (WordCopy.pays(length)) {
            WordCopy.fromArray(src, srcIndex, address, length);
        } else {
            PlatformDependent.copyMemory(src, srcIndex, address, length);
        }
    }

    /** Copies into direct memory without an address: see {@link #copyToArray}. */
    private void copyFromArray(byte[] src, int srcIndex, int index, int length) {
        if (segment != null) {
            // One segment copy: ByteBuffer.put would check bounds, then reach the memory through the same segment.
            SegmentAccess.copyFromArray(src, srcIndex, segment, offset + index, length);
        } else {
            memory.put(offset + index, src, srcIndex, length);
        }
    }

    @Override
    public final ByteBuf setBytes(int index, ByteBuffer src) {
        final int n = src.remaining();
        checkIndex(index, n);
        final int position = src.position();
        memory.put(offset + index, src, position, n);
        src.position(position + n);
        return this;
    }

    /**
     * Reads from {@code in} into this buffer at {@code index}: one {@code in.read} call, whose result it returns
     * (-1 at the end of the stream, as every Netty buffer does). A heap buffer reads straight into its array; a
     * direct one through a per-thread array (see {@code StreamChunk}), so no call of up to 64 KiB allocates.
     */
    @Override
    public final int setBytes(int index, InputStream in, int length) throws IOException {
        checkIndex(index, length);
        if (array != null) {
            return in.read(array, arrayBase + index, length);
        }
        byte[] chunk = StreamChunk.get(length);
        int n = in.read(chunk, 0, length);
        if (n > 0) {
            memory.put(offset + index, chunk, 0, n);
        }
        return n;
    }

    @Override
    public final int setBytes(int index, ScatteringByteChannel in, int length) throws IOException {
        checkIndex(index, length);
        try {
            return in.read(internalNioBuffer(index, length));
        } catch (ClosedChannelException ignored) {
            return -1;
        }
    }

    @Override
    public final int setBytes(int index, FileChannel in, long position, int length) throws IOException {
        checkIndex(index, length);
        try {
            return in.read(internalNioBuffer(index, length), position);
        } catch (ClosedChannelException ignored) {
            return -1;
        }
    }

    @Override
    public final ByteBuf copy(int index, int length) {
        checkIndex(index, length);
        ByteBuf copy = isDirect() ? alloc().directBuffer(length, maxCapacity()) : alloc().heapBuffer(length, maxCapacity());
        try {
            return copy.writeBytes(this, index, length);
        } catch (RuntimeException | Error e) {
            copy.release();
            throw e;
        }
    }

    // ---- NIO views ------------------------------------------------------------------------------------

    @Override
    public final int nioBufferCount() {
        return 1;
    }

    @Override
    public final ByteBuffer nioBuffer(int index, int length) {
        checkIndex(index, length);
        return memory.slice(offset + index, length);
    }

    @Override
    public final ByteBuffer[] nioBuffers(int index, int length) {
        return new ByteBuffer[] {nioBuffer(index, length)};
    }

    @Override
    public final ByteBuffer internalNioBuffer(int index, int length) {
        checkIndex(index, length);
        ByteBuffer view = tmpNioBuf;
        if (view == null) {
            tmpNioBuf = view = memory.duplicate();
        }
        view.clear().limit(offset + index + length).position(offset + index);
        return view;
    }

    @Override
    public String toString() {
        if (refCnt() == 0) {
            return getClass().getSimpleName() + "(freed)";
        }
        return getClass().getSimpleName() + "(ridx: " + readerIndex() + ", widx: " + writerIndex() + ", cap: "
                + length + '/' + maxCapacity() + (threadRing != null ? ", ring" : ", fallback") + ')';
    }
}
