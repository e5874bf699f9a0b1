package dev.ringalloc.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ByteProcessor;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.internal.PlatformDependent;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.function.LongUnaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@link io.netty.buffer.ByteBuf} contract, run against {@link RingByteBuf}. Concrete subclasses choose the
 * access path: direct buffers through the memory address or without one (a MemorySegment on JDK 22+, else a
 * ByteBuffer), or heap buffers (a heap ring's array, through a ByteBuffer). Every test releases what it allocates;
 * {@link #noLeftovers()} checks that the rings and the fallback are empty after each test.
 */
abstract class RingByteBufContractTest {

    static final int CAPACITY = 4096;

    private static ResourceLeakDetector.Level savedLevel;

    UnpooledByteBufAllocator fallback;
    RingByteBufAllocator alloc;
    ByteBuf buffer;
    Random random;

    /** Whether the buffers under test access their memory through its address. */
    abstract boolean addressAccess();

    /** Whether the buffers under test are heap buffers (from the heap ring) rather than direct ones. */
    boolean heap() {
        return false;
    }

    @BeforeAll
    static void rawBuffers() {
        // Test RingByteBuf itself, not the leak-detection wrappers (the pipeline test runs those).
        savedLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    @AfterAll
    static void restoreLeakDetection() {
        ResourceLeakDetector.setLevel(savedLevel);
    }

    @BeforeEach
    void setUp() {
        fallback = new UnpooledByteBufAllocator(true, true);
        RingByteBufAllocator.Builder builder = RingByteBufAllocator.builder()
                .ringCapacity(1 << 20)
                .maxRingAllocation(64 << 10)
                .ringsForAllThreads(true) // the JUnit thread is a plain thread
                .fallback(fallback);
        if (!heap()) {
            // Heap buffers never use an address: their suite runs with the builder's default, as users get it.
            builder.memoryAddressAccess(addressAccess());
        }
        alloc = builder.build();
        if (!heap()) {
            assertThat(alloc.memoryAddressAccess()).isEqualTo(addressAccess());
        }
        buffer = newBuffer(CAPACITY);
        random = new Random(42);
    }

    @AfterEach
    void noLeftovers() {
        if (buffer != null && buffer.refCnt() > 0) {
            assertThat(buffer.release()).isTrue();
        }
        assertThat(alloc.metric().bytesInUse()).as("ring bytes in use").isZero();
        assertThat(alloc.metric().liveRegions()).isZero();
        assertThat(fallback.metric().usedDirectMemory()).as("fallback direct bytes in use").isZero();
        assertThat(fallback.metric().usedHeapMemory()).as("fallback heap bytes in use").isZero();
    }

    ByteBuf newBuffer(int capacity) {
        return newBuffer(capacity, Integer.MAX_VALUE);
    }

    ByteBuf newBuffer(int capacity, int maxCapacity) {
        return checkedKind(heap() ? alloc.heapBuffer(capacity, maxCapacity)
                : alloc.directBuffer(capacity, maxCapacity));
    }

    /** A buffer of the allocator's default initial capacity, of the kind under test. */
    ByteBuf newDefaultBuffer() {
        return checkedKind(heap() ? alloc.heapBuffer() : alloc.buffer());
    }

    private ByteBuf checkedKind(ByteBuf buf) {
        assertThat(buf).isInstanceOf(RingByteBuf.class);
        assertThat(buf.hasMemoryAddress()).isEqualTo(addressAccess());
        assertThat(buf.isDirect()).isEqualTo(!heap());
        assertThat(buf.hasArray()).isEqualTo(heap());
        RingByteBuf ringBuf = (RingByteBuf) buf;
        assertThat(ringBuf.segment).as("the ring's segment, or none in fallback memory")
                .isSameAs(ringBuf.threadRing == null ? null : ringBuf.threadRing.ring.memorySegment());
        if (!heap() && !addressAccess() && ringBuf.threadRing != null) {
            assertThat(buf).as("direct without an address: through the ring's segment where it has one")
                    .isInstanceOf(ringBuf.threadRing.segment != null ? SegmentRingByteBuf.class : NioRingByteBuf.class);
        }
        return buf;
    }

    /** Bytes the fallback holds for buffers of the kind under test. */
    long fallbackBytesInUse() {
        return heap() ? fallback.metric().usedHeapMemory() : fallback.metric().usedDirectMemory();
    }

    byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static byte[] content(ByteBuf buf) {
        byte[] b = new byte[buf.capacity()];
        buf.getBytes(0, b);
        return b;
    }

    // ---- state and identity ------------------------------------------------------------------------------

    @SuppressWarnings("deprecation")
    @Test
    void initialState() {
        assertThat(buffer.capacity()).isEqualTo(CAPACITY);
        assertThat(buffer.maxCapacity()).isEqualTo(Integer.MAX_VALUE);
        assertThat(buffer.readerIndex()).isZero();
        assertThat(buffer.writerIndex()).isZero();
        assertThat(buffer.refCnt()).isOne();
        assertThat(buffer.isDirect()).isEqualTo(!heap());
        assertThat(buffer.hasArray()).isEqualTo(heap());
        assertThat(buffer.isReadOnly()).isFalse();
        assertThat(buffer.isContiguous()).isTrue();
        assertThat(buffer.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
        assertThat(buffer.alloc()).isSameAs(alloc);
        assertThat(buffer.unwrap()).isNull();
        assertThat(buffer.nioBufferCount()).isOne();
        assertThat(((RingByteBuf) buffer).isInRing()).isTrue();
        assertThat(buffer.maxFastWritableBytes()).isGreaterThanOrEqualTo(CAPACITY);
        assertThat(buffer.toString()).contains("cap: " + CAPACITY);
    }

    @Test
    void memoryAddressMatchesNioView() {
        if (addressAccess()) {
            assertThat(buffer.memoryAddress())
                    .isEqualTo(PlatformDependent.directBufferAddress(buffer.nioBuffer(0, CAPACITY)));
            buffer.setLong(8, 0x0102030405060708L);
            long expected = PlatformDependent.BIG_ENDIAN_NATIVE_ORDER ? 0x0102030405060708L : 0x0807060504030201L;
            assertThat(PlatformDependent.getLong(buffer.memoryAddress() + 8)).isEqualTo(expected);
        } else {
            assertThat(buffer.hasMemoryAddress()).isFalse();
            assertThatThrownBy(buffer::memoryAddress).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void zeroCapacityBufferComesFromTheRingAndGrows() {
        ByteBuf b = newBuffer(0, 1024);
        assertThat(b.capacity()).isZero();
        assertThat(b.isWritable()).isFalse();
        b.writeLong(7);
        assertThat(b.capacity()).isGreaterThanOrEqualTo(8).isLessThanOrEqualTo(1024);
        assertThat(b.readLong()).isEqualTo(7);
        b.release();
    }

    // ---- indices -----------------------------------------------------------------------------------------

    @Test
    void indexBoundaries() {
        assertThatThrownBy(() -> buffer.readerIndex(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> buffer.readerIndex(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> buffer.writerIndex(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> buffer.writerIndex(CAPACITY + 1)).isInstanceOf(IndexOutOfBoundsException.class);
        buffer.writerIndex(CAPACITY);
        buffer.readerIndex(CAPACITY);
        assertThatThrownBy(() -> buffer.writerIndex(CAPACITY / 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> buffer.setIndex(-1, CAPACITY)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> buffer.setIndex(CAPACITY / 2, CAPACITY / 4))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> buffer.setIndex(0, CAPACITY + 1)).isInstanceOf(IndexOutOfBoundsException.class);
        buffer.setIndex(1, 3);
        assertThat(buffer.readableBytes()).isEqualTo(2);
        assertThat(buffer.writableBytes()).isEqualTo(CAPACITY - 3);
        buffer.clear();
        assertThat(buffer.readerIndex()).isZero();
        assertThat(buffer.writerIndex()).isZero();
    }

    @Test
    void markAndReset() {
        buffer.writerIndex(100).readerIndex(10);
        buffer.markReaderIndex().markWriterIndex();
        buffer.readerIndex(20).writerIndex(50);
        buffer.resetReaderIndex().resetWriterIndex();
        assertThat(buffer.readerIndex()).isEqualTo(10);
        assertThat(buffer.writerIndex()).isEqualTo(100);
    }

    @Test
    void recycledBufferStartsFresh() {
        buffer.writerIndex(100).readerIndex(10).markReaderIndex().markWriterIndex();
        buffer.release();
        ByteBuf again = newBuffer(64, 128);
        assertThat(again.readerIndex()).isZero();
        assertThat(again.writerIndex()).isZero();
        assertThat(again.capacity()).isEqualTo(64);
        assertThat(again.maxCapacity()).isEqualTo(128);
        assertThat(again.refCnt()).isOne();
        again.resetWriterIndex().resetReaderIndex(); // marks were discarded: back to 0, no exception
        assertThat(again.writerIndex()).isZero();
        buffer = again;
    }

    /** Every fixed-width accessor: name, width, and an action touching {@code width} bytes at an index. */
    interface Access {
        void at(ByteBuf b, int index);
    }

    static Stream<Arguments> accessors() {
        List<Arguments> list = new ArrayList<>();
        add(list, "getBoolean", 1, ByteBuf::getBoolean);
        add(list, "getByte", 1, ByteBuf::getByte);
        add(list, "getUnsignedByte", 1, ByteBuf::getUnsignedByte);
        add(list, "getShort", 2, ByteBuf::getShort);
        add(list, "getShortLE", 2, ByteBuf::getShortLE);
        add(list, "getUnsignedShort", 2, ByteBuf::getUnsignedShort);
        add(list, "getUnsignedShortLE", 2, ByteBuf::getUnsignedShortLE);
        add(list, "getChar", 2, ByteBuf::getChar);
        add(list, "getMedium", 3, ByteBuf::getMedium);
        add(list, "getMediumLE", 3, ByteBuf::getMediumLE);
        add(list, "getUnsignedMedium", 3, ByteBuf::getUnsignedMedium);
        add(list, "getUnsignedMediumLE", 3, ByteBuf::getUnsignedMediumLE);
        add(list, "getInt", 4, ByteBuf::getInt);
        add(list, "getIntLE", 4, ByteBuf::getIntLE);
        add(list, "getUnsignedInt", 4, ByteBuf::getUnsignedInt);
        add(list, "getUnsignedIntLE", 4, ByteBuf::getUnsignedIntLE);
        add(list, "getFloat", 4, ByteBuf::getFloat);
        add(list, "getFloatLE", 4, ByteBuf::getFloatLE);
        add(list, "getLong", 8, ByteBuf::getLong);
        add(list, "getLongLE", 8, ByteBuf::getLongLE);
        add(list, "getDouble", 8, ByteBuf::getDouble);
        add(list, "getDoubleLE", 8, ByteBuf::getDoubleLE);
        add(list, "setBoolean", 1, (b, i) -> b.setBoolean(i, true));
        add(list, "setByte", 1, (b, i) -> b.setByte(i, 1));
        add(list, "setShort", 2, (b, i) -> b.setShort(i, 1));
        add(list, "setShortLE", 2, (b, i) -> b.setShortLE(i, 1));
        add(list, "setChar", 2, (b, i) -> b.setChar(i, 'x'));
        add(list, "setMedium", 3, (b, i) -> b.setMedium(i, 1));
        add(list, "setMediumLE", 3, (b, i) -> b.setMediumLE(i, 1));
        add(list, "setInt", 4, (b, i) -> b.setInt(i, 1));
        add(list, "setIntLE", 4, (b, i) -> b.setIntLE(i, 1));
        add(list, "setFloat", 4, (b, i) -> b.setFloat(i, 1f));
        add(list, "setFloatLE", 4, (b, i) -> b.setFloatLE(i, 1f));
        add(list, "setLong", 8, (b, i) -> b.setLong(i, 1));
        add(list, "setLongLE", 8, (b, i) -> b.setLongLE(i, 1));
        add(list, "setDouble", 8, (b, i) -> b.setDouble(i, 1d));
        add(list, "setDoubleLE", 8, (b, i) -> b.setDoubleLE(i, 1d));
        add(list, "getBytes(byte[])", 5, (b, i) -> b.getBytes(i, new byte[5]));
        add(list, "setBytes(byte[])", 5, (b, i) -> b.setBytes(i, new byte[5]));
        add(list, "getBytes(ByteBuffer)", 6, (b, i) -> b.getBytes(i, ByteBuffer.allocate(6)));
        add(list, "setBytes(ByteBuffer)", 6, (b, i) -> b.setBytes(i, ByteBuffer.allocateDirect(6)));
        add(list, "getBytes(ByteBuf)", 7, (b, i) -> b.getBytes(i, Unpooled.buffer(7), 0, 7));
        add(list, "setBytes(ByteBuf)", 7, (b, i) -> b.setBytes(i, Unpooled.buffer(7).writerIndex(7), 0, 7));
        add(list, "setZero", 9, (b, i) -> b.setZero(i, 9));
        add(list, "nioBuffer", 10, (b, i) -> b.nioBuffer(i, 10));
        add(list, "internalNioBuffer", 10, (b, i) -> b.internalNioBuffer(i, 10));
        add(list, "copy", 11, (b, i) -> b.copy(i, 11).release());
        add(list, "slice", 12, (b, i) -> b.slice(i, 12));
        add(list, "getCharSequence", 3, (b, i) -> b.getCharSequence(i, 3, StandardCharsets.US_ASCII));
        return list.stream();
    }

    private static void add(List<Arguments> list, String name, int width, Access access) {
        list.add(Arguments.of(name, width, access));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accessors")
    void accessorBounds(String name, int width, Access access) {
        assertThatThrownBy(() -> access.at(buffer, -1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> access.at(buffer, CAPACITY - width + 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> access.at(buffer, Integer.MAX_VALUE)).isInstanceOf(IndexOutOfBoundsException.class);
        access.at(buffer, 0);
        access.at(buffer, CAPACITY - width);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accessors")
    void accessorAfterReleaseThrowsIllegalReferenceCount(String name, int width, Access access) {
        buffer.release();
        assertThatThrownBy(() -> access.at(buffer, 0)).isInstanceOf(IllegalReferenceCountException.class);
    }

    // ---- every primitive accessor, both byte orders ----------------------------------------------------------

    @Test
    void primitivesRoundTripAndLayout() {
        // Every value is checked against java.nio's reading of the same bytes, big- and little-endian.
        ByteBuffer be = buffer.nioBuffer(0, CAPACITY);
        ByteBuffer le = buffer.nioBuffer(0, CAPACITY).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 2000; i++) {
            long v = random.nextLong();
            int index = random.nextInt(CAPACITY - 8);
            buffer.setByte(index, (int) v);
            assertThat(buffer.getByte(index)).isEqualTo((byte) v).isEqualTo(be.get(index));
            assertThat(buffer.getUnsignedByte(index)).isEqualTo((short) (v & 0xff));
            buffer.setShort(index, (int) v);
            assertThat(buffer.getShort(index)).isEqualTo((short) v).isEqualTo(be.getShort(index));
            assertThat(buffer.getUnsignedShort(index)).isEqualTo((int) (v & 0xffff));
            assertThat(buffer.getShortLE(index)).isEqualTo(le.getShort(index));
            buffer.setShortLE(index, (int) v);
            assertThat(buffer.getShortLE(index)).isEqualTo((short) v).isEqualTo(le.getShort(index));
            assertThat(buffer.getUnsignedShortLE(index)).isEqualTo((int) (v & 0xffff));
            buffer.setChar(index, (char) v);
            assertThat(buffer.getChar(index)).isEqualTo((char) v).isEqualTo(be.getChar(index));
            buffer.setMedium(index, (int) v);
            int medium = (be.get(index) & 0xff) << 16 | (be.get(index + 1) & 0xff) << 8 | be.get(index + 2) & 0xff;
            assertThat(buffer.getUnsignedMedium(index)).isEqualTo((int) (v & 0xffffff)).isEqualTo(medium);
            assertThat(buffer.getMedium(index)).isEqualTo((int) (v << 40 >> 40));
            buffer.setMediumLE(index, (int) v);
            int mediumLE = (be.get(index + 2) & 0xff) << 16 | (be.get(index + 1) & 0xff) << 8 | be.get(index) & 0xff;
            assertThat(buffer.getUnsignedMediumLE(index)).isEqualTo((int) (v & 0xffffff)).isEqualTo(mediumLE);
            assertThat(buffer.getMediumLE(index)).isEqualTo((int) (v << 40 >> 40));
            buffer.setInt(index, (int) v);
            assertThat(buffer.getInt(index)).isEqualTo((int) v).isEqualTo(be.getInt(index));
            assertThat(buffer.getUnsignedInt(index)).isEqualTo(v & 0xffffffffL);
            assertThat(buffer.getIntLE(index)).isEqualTo(le.getInt(index));
            buffer.setIntLE(index, (int) v);
            assertThat(buffer.getIntLE(index)).isEqualTo((int) v).isEqualTo(le.getInt(index));
            assertThat(buffer.getUnsignedIntLE(index)).isEqualTo(v & 0xffffffffL);
            buffer.setLong(index, v);
            assertThat(buffer.getLong(index)).isEqualTo(v).isEqualTo(be.getLong(index));
            assertThat(buffer.getLongLE(index)).isEqualTo(le.getLong(index));
            buffer.setLongLE(index, v);
            assertThat(buffer.getLongLE(index)).isEqualTo(v).isEqualTo(le.getLong(index));
            float f = Float.intBitsToFloat((int) v);
            buffer.setFloat(index, f);
            assertThat(Float.floatToIntBits(buffer.getFloat(index)))
                    .isEqualTo(Float.floatToIntBits(be.getFloat(index)));
            assertThat(Float.floatToIntBits(buffer.getFloat(index))).isEqualTo(Float.floatToIntBits(f));
            buffer.setFloatLE(index, f);
            assertThat(Float.floatToIntBits(buffer.getFloatLE(index))).isEqualTo(Float.floatToIntBits(f));
            assertThat(Float.floatToIntBits(buffer.getFloatLE(index)))
                    .isEqualTo(Float.floatToIntBits(le.getFloat(index)));
            double d = Double.longBitsToDouble(v);
            buffer.setDouble(index, d);
            assertThat(Double.doubleToLongBits(buffer.getDouble(index))).isEqualTo(Double.doubleToLongBits(d));
            assertThat(Double.doubleToLongBits(buffer.getDouble(index)))
                    .isEqualTo(Double.doubleToLongBits(be.getDouble(index)));
            buffer.setDoubleLE(index, d);
            assertThat(Double.doubleToLongBits(buffer.getDoubleLE(index))).isEqualTo(Double.doubleToLongBits(d));
            assertThat(Double.doubleToLongBits(buffer.getDoubleLE(index)))
                    .isEqualTo(Double.doubleToLongBits(le.getDouble(index)));
            buffer.setBoolean(index, (v & 1) != 0);
            assertThat(buffer.getBoolean(index)).isEqualTo((v & 1) != 0);
        }
    }

    @Test
    void mediumNeighboursUntouched() {
        buffer.setLong(0, -1L);
        buffer.setMedium(2, 0x123456);
        assertThat(buffer.getLong(0)).isEqualTo(0xffff123456ffffffL);
        buffer.setMediumLE(2, 0x123456);
        assertThat(buffer.getLong(0)).isEqualTo(0xffff563412ffffffL);
    }

    @SuppressWarnings("deprecation")
    @Test
    void swappedOrderView() {
        ByteBuf le = buffer.order(ByteOrder.LITTLE_ENDIAN);
        assertThat(le.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(buffer.order(ByteOrder.BIG_ENDIAN)).isSameAs(buffer);
        le.setInt(0, 0x01020304);
        assertThat(buffer.getInt(0)).isEqualTo(0x04030201);
        le.setLong(8, 0x0102030405060708L);
        assertThat(buffer.getLongLE(8)).isEqualTo(0x0102030405060708L);
        le.setShort(16, 0x0102);
        assertThat(buffer.getShort(16)).isEqualTo((short) 0x0201);
        le.setMedium(20, 0x010203);
        assertThat(buffer.getUnsignedMedium(20)).isEqualTo(0x030201);
        le.writerIndex(0).writeInt(5);
        assertThat(buffer.writerIndex()).isEqualTo(4);
        assertThat(buffer.readIntLE()).isEqualTo(5);
    }

    @Test
    void sequentialAccessEveryType() {
        buffer.writeBoolean(true).writeByte(-2).writeShort(-3).writeShortLE(-4).writeChar('c').writeMedium(0x123456)
                .writeMediumLE(0x654321).writeInt(-5).writeIntLE(-6).writeLong(-7L).writeLongLE(-8L)
                .writeFloat(1.5f).writeFloatLE(2.5f).writeDouble(3.5d).writeDoubleLE(4.5d);
        int written = 1 + 1 + 2 + 2 + 2 + 3 + 3 + 4 + 4 + 8 + 8 + 4 + 4 + 8 + 8;
        assertThat(buffer.writerIndex()).isEqualTo(written);
        assertThat(buffer.readBoolean()).isTrue();
        assertThat(buffer.readByte()).isEqualTo((byte) -2);
        assertThat(buffer.readShort()).isEqualTo((short) -3);
        assertThat(buffer.readShortLE()).isEqualTo((short) -4);
        assertThat(buffer.readChar()).isEqualTo('c');
        assertThat(buffer.readMedium()).isEqualTo(0x123456);
        assertThat(buffer.readMediumLE()).isEqualTo(0x654321);
        assertThat(buffer.readInt()).isEqualTo(-5);
        assertThat(buffer.readIntLE()).isEqualTo(-6);
        assertThat(buffer.readLong()).isEqualTo(-7L);
        assertThat(buffer.readLongLE()).isEqualTo(-8L);
        assertThat(buffer.readFloat()).isEqualTo(1.5f);
        assertThat(buffer.readFloatLE()).isEqualTo(2.5f);
        assertThat(buffer.readDouble()).isEqualTo(3.5d);
        assertThat(buffer.readDoubleLE()).isEqualTo(4.5d);
        assertThat(buffer.readerIndex()).isEqualTo(written);
        assertThat(buffer.isReadable()).isFalse();
        assertThatThrownBy(buffer::readByte).isInstanceOf(IndexOutOfBoundsException.class);
        buffer.readerIndex(0);
        assertThat(buffer.readUnsignedByte()).isEqualTo((short) 1);
        assertThat(buffer.readUnsignedByte()).isEqualTo((short) 0xfe);
        assertThat(buffer.readUnsignedShort()).isEqualTo(0xfffd);
        assertThat(buffer.readUnsignedShortLE()).isEqualTo(0xfffc);
        buffer.skipBytes(2);
        assertThat(buffer.readUnsignedMedium()).isEqualTo(0x123456);
        assertThat(buffer.readUnsignedMediumLE()).isEqualTo(0x654321);
        assertThat(buffer.readUnsignedInt()).isEqualTo(0xfffffffbL);
        assertThat(buffer.readUnsignedIntLE()).isEqualTo(0xfffffffaL);
    }

    @Test
    void sequentialWritesStopAtMaxCapacity() {
        ByteBuf b = newBuffer(8, 16);
        b.writeLong(1).writeLong(2);
        assertThat(b.capacity()).isEqualTo(16);
        assertThatThrownBy(() -> b.writeByte(3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(b.readLong()).isEqualTo(1);
        assertThat(b.readLong()).isEqualTo(2);
        assertThatThrownBy(b::readLong).isInstanceOf(IndexOutOfBoundsException.class);
        b.release();
    }

    // ---- bulk transfers --------------------------------------------------------------------------------

    @Test
    void byteArrayTransfers() {
        byte[] data = randomBytes(CAPACITY);
        buffer.setBytes(0, data);
        assertThat(content(buffer)).isEqualTo(data);
        byte[] part = new byte[100];
        buffer.getBytes(10, part, 20, 50);
        assertThat(Arrays.copyOfRange(part, 20, 70)).isEqualTo(Arrays.copyOfRange(data, 10, 60));
        assertThat(part[19]).isZero();
        assertThat(part[70]).isZero();
        buffer.setBytes(1000, data, 5, 40);
        byte[] back = new byte[40];
        buffer.getBytes(1000, back);
        assertThat(back).isEqualTo(Arrays.copyOfRange(data, 5, 45));
        // no partial copy on a bad destination range
        byte[] dst = new byte[4];
        assertThatThrownBy(() -> buffer.getBytes(0, dst, -1, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> buffer.getBytes(0, dst, 1, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(dst).containsOnly(0);
        assertThatThrownBy(() -> buffer.setBytes(0, dst, 2, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        // sequential
        buffer.clear().writeBytes(data, 0, 100).writeBytes(data, 100, 28);
        byte[] read = new byte[128];
        buffer.readBytes(read);
        assertThat(read).isEqualTo(Arrays.copyOf(data, 128));
    }

    /** Destinations and sources of every kind: heap, Netty direct, ring, composite (neither array nor address). */
    List<ByteBuf> peers(int size) {
        CompositeByteBuf composite = Unpooled.compositeBuffer();
        composite.addComponent(true, Unpooled.buffer(size / 2, size / 2).writerIndex(size / 2));
        composite.addComponent(true,
                Unpooled.directBuffer(size - size / 2, size - size / 2).writerIndex(size - size / 2));
        composite.writerIndex(0);
        return List.of(Unpooled.buffer(size), Unpooled.directBuffer(size), newBuffer(size), composite,
                Unpooled.buffer(size + 10).slice(10, size).writerIndex(0));
    }

    @Test
    void byteBufTransfers() {
        byte[] data = randomBytes(CAPACITY);
        buffer.setBytes(0, data);
        for (ByteBuf peer : peers(1000)) {
            peer.setZero(0, peer.capacity());
            buffer.getBytes(100, peer, 10, 900);
            byte[] got = new byte[900];
            peer.getBytes(10, got);
            assertThat(got).as(peer.getClass().getSimpleName()).isEqualTo(Arrays.copyOfRange(data, 100, 1000));
            assertThat(peer.getByte(9)).isZero();

            byte[] other = randomBytes(1000);
            peer.setBytes(0, other);
            buffer.setBytes(2000, peer, 3, 997);
            byte[] back = new byte[997];
            buffer.getBytes(2000, back);
            assertThat(back).as(peer.getClass().getSimpleName()).isEqualTo(Arrays.copyOfRange(other, 3, 1000));
            assertThat(buffer.getByte(1999)).isEqualTo(data[1999]);
            assertThat(buffer.getByte(2997)).isEqualTo(data[2997]);

            assertThatThrownBy(() -> buffer.getBytes(0, peer, 1, 1000)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> buffer.setBytes(0, peer, -1, 10)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> buffer.setBytes(CAPACITY - 5, peer, 0, 10))
                    .isInstanceOf(IndexOutOfBoundsException.class);

            // sequential, with the peer's indices
            buffer.setIndex(3000, 3000);
            peer.setIndex(0, 1000);
            buffer.writeBytes(peer, 500);
            assertThat(peer.readerIndex()).isEqualTo(500);
            assertThat(buffer.writerIndex()).isEqualTo(3500);
            assertThat(ByteBufUtil.equals(peer, 0, buffer, 3000, 500)).isTrue();
            peer.clear();
            buffer.readBytes(peer, 200);
            assertThat(peer.writerIndex()).isEqualTo(200);
            assertThat(buffer.readerIndex()).isEqualTo(3200);
            assertThat(ByteBufUtil.equals(peer, 0, buffer, 3000, 200)).isTrue();
            peer.release();
        }
    }

    @Test
    void readOnlyAndDerivedSources() {
        byte[] data = randomBytes(500);
        ByteBuf heap = Unpooled.wrappedBuffer(data);
        ByteBuf ring = newBuffer(500).writeBytes(data);
        List<ByteBuf> sources = List.of(heap.asReadOnly(), ring.asReadOnly(), ring.slice(100, 300),
                ring.duplicate(), Unpooled.unreleasableBuffer(heap));
        buffer.writerIndex(CAPACITY); // ByteBufUtil.equals compares written bytes only
        for (ByteBuf src : sources) {
            buffer.setZero(0, CAPACITY);
            buffer.setBytes(10, src, 0, src.capacity());
            assertThat(ByteBufUtil.equals(buffer, 10, src, 0, src.capacity())).as(src.toString()).isTrue();
            assertThat(buffer.getByte(9)).isZero();
        }
        ring.release();
    }

    @Test
    void sequentialByteBufVariantsUseTheOtherBuffersIndices() {
        byte[] data = randomBytes(100);
        ByteBuf src = Unpooled.wrappedBuffer(data);
        buffer.setBytes(0, src); // src.readableBytes() bytes from src.readerIndex()
        assertThat(src.readerIndex()).isEqualTo(100);
        ByteBuf dst = Unpooled.buffer(40);
        buffer.getBytes(5, dst); // dst.writableBytes() bytes
        assertThat(dst.writerIndex()).isEqualTo(40);
        assertThat(ByteBufUtil.getBytes(dst)).isEqualTo(Arrays.copyOfRange(data, 5, 45));
        buffer.writerIndex(100);
        ByteBuf read = buffer.readBytes(30); // a new buffer from this allocator
        assertThat(TestSupport.ringBuf(read)).isNotNull();
        assertThat(ByteBufUtil.getBytes(read)).isEqualTo(Arrays.copyOf(data, 30));
        assertThat(buffer.readerIndex()).isEqualTo(30);
        read.release();
        ByteBuf retained = buffer.readRetainedSlice(10);
        assertThat(ByteBufUtil.getBytes(retained)).isEqualTo(Arrays.copyOfRange(data, 30, 40));
        retained.release();
    }

    @Test
    void capacityChangeThroughADuplicateChangesTheBuffer() {
        buffer.writeLong(11);
        ByteBuf dup = buffer.duplicate();
        dup.capacity(10_000);
        assertThat(buffer.capacity()).isEqualTo(10_000);
        assertThat(buffer.getLong(0)).isEqualTo(11);
        dup.capacity(100);
        assertThat(buffer.capacity()).isEqualTo(100);
        assertThat(buffer.unwrap()).isNull();
        assertThat(dup.unwrap()).isSameAs(buffer);
        assertThat(buffer.slice(0, 8).unwrap()).isSameAs(buffer);
    }

    @Test
    void transferToItself() {
        byte[] data = randomBytes(CAPACITY);
        buffer.setBytes(0, data);
        buffer.setBytes(1, buffer, 0, 100); // overlapping
        byte[] got = new byte[100];
        buffer.getBytes(1, got);
        assertThat(got).isEqualTo(Arrays.copyOf(data, 100));
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "direct"})
    void byteBufferTransfers(String kind) {
        byte[] data = randomBytes(CAPACITY);
        buffer.setBytes(0, data);
        ByteBuffer dst = kind.equals("heap") ? ByteBuffer.allocate(64) : ByteBuffer.allocateDirect(64);
        dst.position(3).limit(13);
        buffer.getBytes(7, dst);
        assertThat(dst.position()).isEqualTo(13);
        assertThat(dst.limit()).isEqualTo(13);
        dst.clear();
        for (int i = 0; i < 10; i++) {
            assertThat(dst.get(3 + i)).isEqualTo(data[7 + i]);
        }
        assertThat(dst.get(2)).isZero();
        assertThat(dst.get(13)).isZero();

        ByteBuffer src = kind.equals("heap") ? ByteBuffer.allocate(64) : ByteBuffer.allocateDirect(64);
        for (int i = 0; i < 64; i++) {
            src.put(i, (byte) (i + 1));
        }
        src.position(4).limit(24);
        buffer.setBytes(500, src);
        assertThat(src.position()).isEqualTo(24);
        for (int i = 0; i < 20; i++) {
            assertThat(buffer.getByte(500 + i)).isEqualTo((byte) (i + 5));
        }
        assertThat(buffer.getByte(520)).isEqualTo(data[520]);

        src.position(0).limit(64);
        buffer.setBytes(0, src.asReadOnlyBuffer());
        assertThat(buffer.getByte(63)).isEqualTo((byte) 64);

        assertThatThrownBy(() -> buffer.getBytes(0, ByteBuffer.allocate(10).asReadOnlyBuffer()))
                .isInstanceOf(ReadOnlyBufferException.class);
        assertThatThrownBy(() -> buffer.getBytes(CAPACITY - 5, ByteBuffer.allocate(10)))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> buffer.setBytes(CAPACITY - 5, ByteBuffer.allocate(10)))
                .isInstanceOf(IndexOutOfBoundsException.class);

        buffer.clear().writeBytes(ByteBuffer.wrap(data, 0, 300));
        assertThat(buffer.writerIndex()).isEqualTo(300);
        ByteBuffer out = ByteBuffer.allocate(100);
        buffer.readBytes(out);
        assertThat(out.position()).isEqualTo(100);
        assertThat(out.array()).isEqualTo(Arrays.copyOf(data, 100));
    }

    @Test
    void streamTransfers() throws IOException {
        byte[] data = randomBytes(20000);
        ByteBuf big = newBuffer(20000);
        assertThat(big.setBytes(0, new ByteArrayInputStream(data), 20000)).isEqualTo(20000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        big.getBytes(0, out, 20000);
        assertThat(out.toByteArray()).isEqualTo(data);
        out.reset();
        big.getBytes(100, out, 0);
        assertThat(out.size()).isZero();
        assertThatThrownBy(() -> big.getBytes(19990, new ByteArrayOutputStream(), 11))
                .isInstanceOf(IndexOutOfBoundsException.class);

        // short stream, EOF
        ByteArrayInputStream shortIn = new ByteArrayInputStream(data, 0, 10);
        assertThat(big.setBytes(0, shortIn, 100)).isEqualTo(10);
        assertThat(big.setBytes(0, shortIn, 100)).isEqualTo(-1);

        big.clear();
        assertThat(big.writeBytes(new ByteArrayInputStream(data, 0, 5000), 5000)).isEqualTo(5000);
        assertThat(big.writerIndex()).isEqualTo(5000);
        out.reset();
        big.readBytes(out, 4000);
        assertThat(big.readerIndex()).isEqualTo(4000);
        assertThat(out.toByteArray()).isEqualTo(Arrays.copyOf(data, 4000));
        assertThatThrownBy(() -> big.readBytes(new ByteArrayOutputStream(), 1001))
                .isInstanceOf(IndexOutOfBoundsException.class);
        big.release();
    }

    @Test
    void channelTransfers() throws IOException {
        byte[] data = randomBytes(3000);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        GatheringByteChannel out = new StreamChannel(null, sink);
        buffer.setBytes(0, data);
        assertThat(buffer.getBytes(10, out, 500)).isEqualTo(500);
        assertThat(sink.toByteArray()).isEqualTo(Arrays.copyOfRange(data, 10, 510));
        buffer.writerIndex(3000).readerIndex(1000);
        sink.reset();
        assertThat(buffer.readBytes(out, 1500)).isEqualTo(1500);
        assertThat(buffer.readerIndex()).isEqualTo(2500);
        assertThat(sink.toByteArray()).isEqualTo(Arrays.copyOfRange(data, 1000, 2500));
        assertThatThrownBy(() -> buffer.readBytes(out, 501)).isInstanceOf(IndexOutOfBoundsException.class);

        byte[] incoming = randomBytes(2000);
        ScatteringByteChannel in = new StreamChannel(new ByteArrayInputStream(incoming), null);
        assertThat(buffer.setBytes(100, in, 1000)).isEqualTo(1000);
        byte[] got = new byte[1000];
        buffer.getBytes(100, got);
        assertThat(got).isEqualTo(Arrays.copyOf(incoming, 1000));
        buffer.clear();
        assertThat(buffer.writeBytes(in, 1500)).isEqualTo(1000); // only 1000 left in the channel
        assertThat(buffer.writerIndex()).isEqualTo(1000);
        assertThat(buffer.writeBytes(in, 10)).isEqualTo(-1);
        in.close();
        assertThat(buffer.setBytes(0, in, 10)).isEqualTo(-1); // closed channel: -1, no exception
    }

    @Test
    void fileChannelTransfers(@TempDir Path dir) throws IOException {
        byte[] data = randomBytes(2048);
        buffer.setBytes(0, data);
        Path file = dir.resolve("ring.bin");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            assertThat(buffer.getBytes(0, ch, 100, 1000)).isEqualTo(1000);
            assertThat(ch.position()).isZero();
            buffer.writerIndex(2048).readerIndex(1000);
            assertThat(buffer.readBytes(ch, 1100, 1048)).isEqualTo(1048);
            assertThat(buffer.readerIndex()).isEqualTo(2048);

            ByteBuf other = newBuffer(3000);
            assertThat(other.setBytes(0, ch, 100, 2048)).isEqualTo(2048);
            byte[] got = new byte[2048];
            other.getBytes(0, got);
            assertThat(got).isEqualTo(data);
            other.clear();
            assertThat(other.writeBytes(ch, 1100, 100)).isEqualTo(100);
            assertThat(other.writerIndex()).isEqualTo(100);
            assertThat(other.getByte(0)).isEqualTo(data[1000]);
            assertThat(other.setBytes(0, ch, 1_000_000, 10)).isEqualTo(-1); // past the end of the file
            other.release();
        }
    }

    // ---- NIO views -------------------------------------------------------------------------------------

    @Test
    void nioBufferSharesContent() {
        byte[] data = randomBytes(CAPACITY);
        buffer.setBytes(0, data);
        ByteBuffer nio = buffer.nioBuffer(100, 200);
        assertThat(nio.position()).isZero();
        assertThat(nio.remaining()).isEqualTo(200);
        assertThat(nio.capacity()).isEqualTo(200); // exposes only the region asked for
        assertThat(nio.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
        assertThat(nio.isDirect()).isEqualTo(!heap());
        assertThat(nio.get(0)).isEqualTo(data[100]);
        nio.put(5, (byte) 77);
        assertThat(buffer.getByte(105)).isEqualTo((byte) 77);
        buffer.setInt(110, 0x0a0b0c0d);
        assertThat(nio.getInt(10)).isEqualTo(0x0a0b0c0d);
        // nioBuffer() covers the readable bytes
        buffer.setIndex(10, 30);
        assertThat(buffer.nioBuffer().remaining()).isEqualTo(20);
        assertThat(buffer.nioBuffer().get(0)).isEqualTo(buffer.getByte(10));
        ByteBuffer[] all = buffer.nioBuffers(0, 50);
        assertThat(all).hasSize(1);
        assertThat(all[0].remaining()).isEqualTo(50);
        assertThat(buffer.nioBuffers()).hasSize(1);
        assertThat(buffer.nioBuffer(CAPACITY, 0).remaining()).isZero();
    }

    @Test
    void internalNioBufferWindow() {
        byte[] data = randomBytes(CAPACITY);
        buffer.setBytes(0, data);
        ByteBuffer a = buffer.internalNioBuffer(10, 20);
        assertThat(a.remaining()).isEqualTo(20);
        assertThat(a.get(a.position())).isEqualTo(data[10]);
        a.put((byte) 9);
        assertThat(buffer.getByte(10)).isEqualTo((byte) 9);
        ByteBuffer b = buffer.internalNioBuffer(CAPACITY - 5, 5);
        assertThat(b.remaining()).isEqualTo(5);
        assertThat(b.get(b.position() + 4)).isEqualTo(data[CAPACITY - 1]);
        ByteBuffer c = buffer.internalNioBuffer(0, CAPACITY);
        assertThat(c.remaining()).isEqualTo(CAPACITY);
    }

    // ---- derived buffers -----------------------------------------------------------------------------

    @Test
    void sliceAndDuplicateShareContentAndReferenceCount() {
        byte[] data = randomBytes(CAPACITY);
        buffer.setBytes(0, data).setIndex(10, 100);
        ByteBuf slice = buffer.slice();
        assertThat(slice.capacity()).isEqualTo(90);
        assertThat(slice.getByte(0)).isEqualTo(data[10]);
        slice.setByte(1, 42);
        assertThat(buffer.getByte(11)).isEqualTo((byte) 42);
        assertThat(slice.refCnt()).isEqualTo(buffer.refCnt());
        assertThatThrownBy(() -> slice.getByte(90)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> buffer.slice(CAPACITY - 1, 2)).isInstanceOf(IndexOutOfBoundsException.class);

        ByteBuf dup = buffer.duplicate();
        assertThat(dup.readerIndex()).isEqualTo(10);
        assertThat(dup.writerIndex()).isEqualTo(100);
        dup.readerIndex(50);
        assertThat(buffer.readerIndex()).isEqualTo(10);
        dup.setLong(200, 123L);
        assertThat(buffer.getLong(200)).isEqualTo(123L);

        ByteBuf read = buffer.readSlice(20);
        assertThat(buffer.readerIndex()).isEqualTo(30);
        assertThat(read.getByte(0)).isEqualTo(data[10]);

        buffer.retain();
        assertThat(slice.refCnt()).isEqualTo(2);
        slice.release();
        assertThat(buffer.refCnt()).isOne();
    }

    @Test
    void retainedDerivedBuffers() {
        buffer.writeLong(99);
        ByteBuf slice = buffer.retainedSlice();
        ByteBuf dup = buffer.retainedDuplicate();
        ByteBuf readSlice = buffer.readRetainedSlice(4);
        assertThat(buffer.refCnt()).isEqualTo(4);
        assertThat(slice.getLong(0)).isEqualTo(99);
        assertThat(dup.getLong(0)).isEqualTo(99);
        assertThat(readSlice.getInt(0)).isZero();
        assertThat(buffer.release()).isFalse();
        assertThat(slice.release()).isFalse();
        assertThat(dup.release()).isFalse();
        assertThat(readSlice.release()).isTrue();
        assertThat(buffer.refCnt()).isZero();
        assertThatThrownBy(() -> slice.getLong(0)).isInstanceOf(IllegalReferenceCountException.class);
        assertThatThrownBy(() -> dup.getLong(0)).isInstanceOf(IllegalReferenceCountException.class);
        buffer = null;
    }

    @Test
    void copyIsIndependent() {
        byte[] data = randomBytes(CAPACITY);
        buffer.setBytes(0, data).setIndex(100, 300);
        ByteBuf copy = buffer.copy();
        assertThat(copy.readableBytes()).isEqualTo(200);
        assertThat(copy.readerIndex()).isZero();
        assertThat(TestSupport.ringBuf(copy)).isNotNull(); // copies come from the same allocator
        assertThat(ByteBufUtil.equals(copy, 0, buffer, 100, 200)).isTrue();
        copy.setByte(0, ~data[100]);
        assertThat(buffer.getByte(100)).isEqualTo(data[100]);
        copy.release();
        ByteBuf empty = buffer.copy(5, 0);
        assertThat(empty.capacity()).isZero();
        empty.release();
    }

    @Test
    void asReadOnly() {
        buffer.writeInt(5);
        ByteBuf ro = buffer.asReadOnly();
        assertThat(ro.isReadOnly()).isTrue();
        assertThat(ro.getInt(0)).isEqualTo(5);
        assertThatThrownBy(() -> ro.setInt(0, 1)).isInstanceOf(ReadOnlyBufferException.class);
    }

    // ---- reference counting ----------------------------------------------------------------------------

    @Test
    void referenceCounting() {
        assertThat(buffer.retain()).isSameAs(buffer);
        assertThat(buffer.retain(3).refCnt()).isEqualTo(5);
        assertThat(buffer.release(2)).isFalse();
        assertThat(buffer.touch()).isSameAs(buffer);
        assertThat(buffer.touch("hint")).isSameAs(buffer);
        assertThatThrownBy(() -> buffer.release(4)).isInstanceOf(IllegalReferenceCountException.class);
        assertThat(buffer.refCnt()).isEqualTo(3);
        assertThatThrownBy(() -> buffer.retain(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> buffer.release(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(buffer.release(3)).isTrue();
        assertThat(buffer.refCnt()).isZero();
        assertThatThrownBy(buffer::release).isInstanceOf(IllegalReferenceCountException.class);
        assertThatThrownBy(buffer::retain).isInstanceOf(IllegalReferenceCountException.class);
        assertThat(alloc.metric().bytesInUse()).isZero();
    }

    @Test
    void retainPastIntegerMaxValueThrowsAndKeepsTheCount() {
        buffer.retain(Integer.MAX_VALUE - 1);
        assertThat(buffer.refCnt()).isEqualTo(Integer.MAX_VALUE);
        assertThatThrownBy(buffer::retain).isInstanceOf(IllegalReferenceCountException.class);
        assertThat(buffer.refCnt()).isEqualTo(Integer.MAX_VALUE);
        assertThat(buffer.release(Integer.MAX_VALUE)).isTrue();
        buffer = null;
    }

    @Test
    void useAfterReleaseThrows() {
        buffer.release();
        List<Access> uses = List.of(
                (b, i) -> b.readByte(), (b, i) -> b.writeByte(1), (b, i) -> b.capacity(10),
                (b, i) -> b.ensureWritable(1), (b, i) -> b.discardReadBytes(), (b, i) -> b.copy(),
                (b, i) -> b.nioBuffer(), (b, i) -> b.forEachByte(ByteProcessor.FIND_NUL),
                (b, i) -> b.toString(StandardCharsets.UTF_8), (b, i) -> b.readLong(), (b, i) -> b.setZero(0, 1),
                (b, i) -> ((RingByteBuf) b).isInRing(), (b, i) -> b.internalNioBuffer(0, 1),
                (b, i) -> b.readBytes(new byte[1]), (b, i) -> b.writeBytes(new byte[1]));
        for (Access use : uses) {
            assertThatThrownBy(() -> use.at(buffer, 0)).isInstanceOf(IllegalReferenceCountException.class);
        }
        if (addressAccess()) {
            assertThatThrownBy(buffer::memoryAddress).isInstanceOf(IllegalReferenceCountException.class);
        }
        assertThat(buffer.toString()).contains("freed");
    }

    // ---- capacity changes -------------------------------------------------------------------------------

    @Test
    void capacityIncreaseInPlaceKeepsContent() {
        ByteBuf b = newBuffer(256);
        byte[] data = randomBytes(256);
        b.writeBytes(data);
        long growthsBefore = alloc.metric().growthsInPlace();
        long movesBefore = alloc.metric().moves();
        b.capacity(4096);
        assertThat(b.capacity()).isEqualTo(4096);
        assertThat(alloc.metric().growthsInPlace()).isEqualTo(growthsBefore + 1);
        assertThat(alloc.metric().moves()).isEqualTo(movesBefore);
        byte[] got = new byte[256];
        b.getBytes(0, got);
        assertThat(got).isEqualTo(data);
        b.setByte(4095, 1);
        b.release();
    }

    @Test
    void commonPatternGrowsInPlace() {
        // The default initial capacity, then writes until it has grown: no copy while the ring behind is free.
        buffer.release();
        long movesBefore = alloc.metric().moves();
        ByteBuf b = newDefaultBuffer();
        assertThat(b.capacity()).isEqualTo(256);
        byte[] data = randomBytes(20000);
        for (int i = 0; i < data.length; i += 100) {
            b.writeBytes(data, i, Math.min(100, data.length - i));
        }
        assertThat(b.capacity()).isGreaterThanOrEqualTo(20000);
        assertThat(alloc.metric().moves()).isEqualTo(movesBefore);
        assertThat(alloc.metric().growthsInPlace()).isPositive();
        byte[] got = new byte[data.length];
        b.readBytes(got);
        assertThat(got).isEqualTo(data);
        b.release();
        buffer = null;
    }

    @Test
    void capacityIncreaseMovesWhenTheRegionBehindIsHeld() {
        ByteBuf a = newBuffer(256);
        ByteBuf blocker = newBuffer(64); // right behind a
        byte[] data = randomBytes(256);
        a.writeBytes(data);
        blocker.writeLong(-1L);
        long movesBefore = alloc.metric().moves();
        a.capacity(1024);
        assertThat(alloc.metric().moves()).isEqualTo(movesBefore + 1);
        assertThat(((RingByteBuf) a).isInRing()).isTrue();
        byte[] got = new byte[256];
        a.getBytes(0, got);
        assertThat(got).isEqualTo(data);
        assertThat(a.readerIndex()).isZero();
        assertThat(a.writerIndex()).isEqualTo(256);
        a.setLong(1016, 5L);
        assertThat(blocker.getLong(0)).isEqualTo(-1L);
        a.release();
        blocker.release();
    }

    @Test
    void capacityIncreaseAboveMaxRingAllocationMovesToFallback() {
        ByteBuf b = newBuffer(1000);
        byte[] data = randomBytes(1000);
        b.writeBytes(data);
        long before = alloc.metric().fallbacks(FallbackReason.TOO_LARGE);
        b.capacity(100_000); // above maxRingAllocation (64 KiB)
        assertThat(alloc.metric().fallbacks(FallbackReason.TOO_LARGE)).isEqualTo(before + 1);
        RingByteBuf ring = (RingByteBuf) b;
        assertThat(ring.isInRing()).isFalse();
        assertThat(fallbackBytesInUse()).isGreaterThanOrEqualTo(100_000);
        byte[] got = new byte[1000];
        b.getBytes(0, got);
        assertThat(got).isEqualTo(data);
        // a buffer in fallback memory keeps the whole contract
        b.setLongLE(99_992, 7L);
        assertThat(b.getLongLE(99_992)).isEqualTo(7L);
        assertThat(b.nioBuffer(0, 1000).get(999)).isEqualTo(data[999]);
        assertThat(b.hasMemoryAddress()).isEqualTo(addressAccess());
        b.capacity(500); // shrink in fallback memory
        assertThat(b.getByte(499)).isEqualTo(data[499]);
        b.capacity(2000); // fits in the memory it has
        b.capacity(200_000); // moves again, fallback to fallback
        assertThat(b.getByte(499)).isEqualTo(data[499]);
        b.release();
        assertThat(fallbackBytesInUse()).isZero();
    }

    @Test
    void capacityIncreaseOnAnotherThreadMovesToThatThreadsRing() throws Exception {
        ByteBuf b = newBuffer(256);
        byte[] data = randomBytes(256);
        b.writeBytes(data);
        long growthsBefore = alloc.metric().growthsInPlace();
        long movesBefore = alloc.metric().moves();
        TestSupport.onPlainThread(() -> b.capacity(2048)); // this allocator gives every thread a ring
        assertThat(alloc.metric().moves()).isEqualTo(movesBefore + 1);
        assertThat(alloc.metric().growthsInPlace()).isEqualTo(growthsBefore);
        assertThat(((RingByteBuf) b).isInRing()).isTrue();
        byte[] got = new byte[256];
        b.getBytes(0, got);
        assertThat(got).isEqualTo(data);
        b.release(); // releases into the other (ended) thread's ring, which is then freed
        assertThat(alloc.metric().rings()).isOne();
    }

    @Test
    void capacityDecreaseTrimsIndicesAndReturnsBytesToTheRing() {
        byte[] data = randomBytes(CAPACITY);
        buffer.writeBytes(data).readerIndex(3000);
        long inUse = alloc.metric().bytesInUse();
        buffer.capacity(2000);
        assertThat(buffer.capacity()).isEqualTo(2000);
        assertThat(buffer.writerIndex()).isEqualTo(2000);
        assertThat(buffer.readerIndex()).isEqualTo(2000);
        assertThat(alloc.metric().bytesInUse()).isLessThan(inUse);
        byte[] got = new byte[2000];
        buffer.getBytes(0, got);
        assertThat(got).isEqualTo(Arrays.copyOf(data, 2000));
        buffer.setIndex(0, 1000);
        buffer.capacity(1500);
        assertThat(buffer.writerIndex()).isEqualTo(1000);
        assertThatThrownBy(() -> buffer.getByte(1500)).isInstanceOf(IndexOutOfBoundsException.class);
        buffer.capacity(0);
        assertThat(buffer.capacity()).isZero();
        buffer.capacity(100); // grows again
        buffer.setByte(99, 1);
    }

    @Test
    void capacityOutOfRange() {
        ByteBuf b = newBuffer(16, 64);
        assertThatThrownBy(() -> b.capacity(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.capacity(65)).isInstanceOf(IllegalArgumentException.class);
        b.capacity(64);
        assertThatThrownBy(() -> b.ensureWritable(65)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(b.ensureWritable(65, false)).isEqualTo(1);
        assertThat(b.ensureWritable(65, true)).isEqualTo(1); // already at its maximum
        assertThat(b.ensureWritable(10, false)).isZero();
        ByteBuf c = newBuffer(16, 64);
        assertThat(c.ensureWritable(65, true)).isEqualTo(3);
        assertThat(c.capacity()).isEqualTo(64);
        assertThat(c.ensureWritable(32, false)).isZero();
        c.release();
        assertThatThrownBy(() -> b.ensureWritable(-1)).isInstanceOf(IllegalArgumentException.class);
        b.writerIndex(10);
        assertThat(b.maxWritableBytes()).isEqualTo(54);
        b.release();
    }

    @Test
    void ensureWritableGrowsWithinMaxCapacity() {
        ByteBuf b = newBuffer(16, 1000);
        b.writeBytes(new byte[16]);
        b.ensureWritable(100);
        assertThat(b.writableBytes()).isGreaterThanOrEqualTo(100);
        assertThat(b.capacity()).isLessThanOrEqualTo(1000);
        b.ensureWritable(984);
        assertThat(b.capacity()).isEqualTo(1000);
        b.release();
    }

    @Test
    void maxFastWritableBytesIsHonoured() {
        ByteBuf b = newBuffer(100, 1000); // the region is rounded up to a multiple of 8
        int fast = b.maxFastWritableBytes();
        assertThat(fast).isGreaterThanOrEqualTo(100);
        long movesBefore = alloc.metric().moves();
        long growthsBefore = alloc.metric().growthsInPlace();
        b.writeZero(fast);
        assertThat(b.capacity()).isEqualTo(fast);
        assertThat(alloc.metric().moves()).isEqualTo(movesBefore);
        assertThat(alloc.metric().growthsInPlace()).isEqualTo(growthsBefore);
        b.release();
    }

    @SuppressWarnings("deprecation")
    @Test
    void writesThatExpandKeepOrderAndContent() {
        ByteBuf small = newBuffer(4, 1 << 16);
        ByteBuf le = small.order(ByteOrder.LITTLE_ENDIAN);
        le.writeInt(0x01020304);
        le.writeLong(0x0102030405060708L); // expands
        assertThat(small.capacity()).isGreaterThanOrEqualTo(12);
        assertThat(small.getIntLE(0)).isEqualTo(0x01020304);
        assertThat(small.getLongLE(4)).isEqualTo(0x0102030405060708L);
        small.writeCharSequence("é".repeat(300), StandardCharsets.UTF_8); // expands again
        assertThat(small.toString(12, 600, StandardCharsets.UTF_8)).isEqualTo("é".repeat(300));
        ByteBufUtil.writeAscii(small, "a".repeat(1000));
        assertThat(small.writerIndex()).isEqualTo(12 + 600 + 1000);
        assertThat(small.getIntLE(0)).isEqualTo(0x01020304);
        small.release();
    }

    @Test
    void sequentialTransfersCheckTheOtherBuffer() {
        ByteBuf src = Unpooled.buffer(10).writeZero(10);
        assertThatThrownBy(() -> buffer.writeBytes(src, 11)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(buffer.writerIndex()).isZero();
        buffer.writeZero(100);
        ByteBuf dst = Unpooled.buffer(10, 10);
        assertThatThrownBy(() -> buffer.readBytes(dst, 11)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(buffer.readerIndex()).isZero();
        assertThatThrownBy(() -> buffer.readBytes(new byte[101])).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(buffer.readerIndex()).isZero();
    }

    @Test
    void concurrentReadersOfDuplicates() throws Exception {
        // Getting bytes does not change the buffer: duplicates may be read by several threads at once.
        byte[] data = randomBytes(CAPACITY);
        buffer.writeBytes(data);
        List<Thread> readers = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            Thread reader = new Thread(() -> {
                try {
                    for (int i = 0; i < 200; i++) {
                        ByteArrayOutputStream sink = new ByteArrayOutputStream();
                        ByteBuf dup = buffer.duplicate();
                        while (dup.isReadable()) {
                            dup.readBytes(new StreamChannel(null, sink), Math.min(333, dup.readableBytes()));
                        }
                        ByteArrayOutputStream stream = new ByteArrayOutputStream();
                        buffer.getBytes(0, stream, CAPACITY);
                        byte[] array = new byte[CAPACITY];
                        buffer.duplicate().readBytes(array);
                        if (!Arrays.equals(sink.toByteArray(), data) || !Arrays.equals(stream.toByteArray(), data)
                                || !Arrays.equals(array, data)) {
                            throw new AssertionError("a concurrent reader saw other bytes");
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            reader.start();
            readers.add(reader);
        }
        for (Thread reader : readers) {
            reader.join();
        }
        assertThat(failures).isEmpty();
    }

    // ---- discarding read bytes ----------------------------------------------------------------------------

    @Test
    void discardReadBytes() {
        byte[] data = randomBytes(CAPACITY);
        buffer.writeBytes(data);
        buffer.readerIndex(1000).markReaderIndex();
        buffer.writerIndex(3000).markWriterIndex();
        buffer.readerIndex(1500);
        buffer.discardReadBytes();
        assertThat(buffer.readerIndex()).isZero();
        assertThat(buffer.writerIndex()).isEqualTo(1500);
        assertThat(buffer.capacity()).isEqualTo(CAPACITY);
        byte[] got = new byte[1500];
        buffer.getBytes(0, got);
        assertThat(got).isEqualTo(Arrays.copyOfRange(data, 1500, 3000));
        buffer.resetWriterIndex();
        assertThat(buffer.writerIndex()).isEqualTo(1500);
        buffer.resetReaderIndex();
        assertThat(buffer.readerIndex()).isZero(); // the mark fell into the discarded part

        buffer.clear().writeBytes(data, 0, 100).readerIndex(100);
        buffer.discardSomeReadBytes();
        assertThat(buffer.readerIndex()).isZero();
        assertThat(buffer.writerIndex()).isZero();
    }

    // ---- the rest of ByteBuf ----------------------------------------------------------------------------

    @Test
    void searchesAndComparisons() {
        buffer.writeBytes("hello, ring".getBytes(StandardCharsets.US_ASCII));
        assertThat(buffer.indexOf(0, buffer.writerIndex(), (byte) ',')).isEqualTo(5);
        assertThat(buffer.indexOf(buffer.writerIndex(), 0, (byte) 'l')).isEqualTo(3);
        assertThat(buffer.bytesBefore((byte) 'r')).isEqualTo(7);
        assertThat(buffer.forEachByte(b -> b != 'g')).isEqualTo(10);
        assertThat(buffer.forEachByteDesc(b -> b != 'h')).isZero();
        assertThat(buffer.toString(StandardCharsets.US_ASCII)).isEqualTo("hello, ring");
        assertThat(buffer.toString(7, 4, StandardCharsets.US_ASCII)).isEqualTo("ring");
        ByteBuf heap = Unpooled.copiedBuffer("hello, ring", StandardCharsets.US_ASCII);
        assertThat(buffer).isEqualTo(heap);
        assertThat(buffer.hashCode()).isEqualTo(heap.hashCode());
        assertThat(buffer.compareTo(heap)).isZero();
        heap.setByte(0, 'i');
        assertThat(buffer.compareTo(heap)).isNegative();
        assertThat(buffer).isNotEqualTo(heap);
        assertThat(ByteBufUtil.hexDump(buffer, 0, 2)).isEqualTo("6865");
    }

    @Test
    void charSequences() {
        int n = buffer.writeCharSequence("grüße", StandardCharsets.UTF_8);
        assertThat(n).isEqualTo(7);
        assertThat(buffer.readCharSequence(7, StandardCharsets.UTF_8).toString()).isEqualTo("grüße");
        buffer.setCharSequence(100, "abc", StandardCharsets.US_ASCII);
        assertThat(buffer.getCharSequence(100, 3, StandardCharsets.US_ASCII).toString()).isEqualTo("abc");
        buffer.clear();
        ByteBufUtil.writeUtf8(buffer, "x€y");
        assertThat(buffer.readableBytes()).isEqualTo(5);
        ByteBufUtil.writeAscii(buffer, "zz");
        assertThat(buffer.toString(StandardCharsets.UTF_8)).isEqualTo("x€yzz");
    }

    @Test
    void zeroes() {
        buffer.writeBytes(randomBytes(CAPACITY));
        buffer.setZero(3, 1000);
        assertThat(buffer.getByte(2)).isNotNull();
        for (int i = 3; i < 1003; i++) {
            assertThat(buffer.getByte(i)).isZero();
        }
        buffer.clear().writeZero(17);
        assertThat(buffer.writerIndex()).isEqualTo(17);
        assertThatThrownBy(() -> buffer.setZero(CAPACITY - 1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    // ---- differential fuzzing against Netty's heap buffer ----------------------------------------------

    /** One operation, applied identically to the ring buffer and the reference buffer. */
    interface Op {
        Object apply(ByteBuf b, Random r) throws Exception;
    }

    private static final Object SKIP = "skip";

    private static int idx(ByteBuf b, Random r, int width) {
        int cap = b.capacity();
        switch (r.nextInt(12)) {
            case 0:
                return -1;
            case 1:
                return cap - width + 1;
            default:
                return cap < width ? 0 : r.nextInt(cap - width + 1);
        }
    }

    /** A write of {@code n} bytes that either fits or exceeds maxCapacity (implicit growth is tested apart). */
    private static boolean writable(ByteBuf b, int n) {
        return b.writableBytes() >= n || b.maxWritableBytes() < n;
    }

    private static int len(ByteBuf b, Random r) {
        return r.nextInt(10) == 0 ? b.capacity() + 1 : r.nextInt(Math.max(1, Math.min(b.capacity(), 300)) + 1);
    }

    static final List<Op> OPS = List.of(
            (b, r) -> b.getByte(idx(b, r, 1)),
            (b, r) -> b.getUnsignedByte(idx(b, r, 1)),
            (b, r) -> b.getShort(idx(b, r, 2)),
            (b, r) -> b.getShortLE(idx(b, r, 2)),
            (b, r) -> b.getUnsignedShortLE(idx(b, r, 2)),
            (b, r) -> b.getMedium(idx(b, r, 3)),
            (b, r) -> b.getMediumLE(idx(b, r, 3)),
            (b, r) -> b.getUnsignedMediumLE(idx(b, r, 3)),
            (b, r) -> b.getInt(idx(b, r, 4)),
            (b, r) -> b.getIntLE(idx(b, r, 4)),
            (b, r) -> b.getUnsignedInt(idx(b, r, 4)),
            (b, r) -> b.getLong(idx(b, r, 8)),
            (b, r) -> b.getLongLE(idx(b, r, 8)),
            (b, r) -> b.getDouble(idx(b, r, 8)),
            (b, r) -> b.getFloatLE(idx(b, r, 4)),
            (b, r) -> b.setByte(idx(b, r, 1), r.nextInt()),
            (b, r) -> b.setShort(idx(b, r, 2), r.nextInt()),
            (b, r) -> b.setShortLE(idx(b, r, 2), r.nextInt()),
            (b, r) -> b.setMedium(idx(b, r, 3), r.nextInt()),
            (b, r) -> b.setMediumLE(idx(b, r, 3), r.nextInt()),
            (b, r) -> b.setInt(idx(b, r, 4), r.nextInt()),
            (b, r) -> b.setIntLE(idx(b, r, 4), r.nextInt()),
            (b, r) -> b.setLong(idx(b, r, 8), r.nextLong()),
            (b, r) -> b.setLongLE(idx(b, r, 8), r.nextLong()),
            (b, r) -> b.setDoubleLE(idx(b, r, 8), r.nextDouble()),
            (b, r) -> b.setFloat(idx(b, r, 4), r.nextFloat()),
            (b, r) -> writable(b, 1) ? b.writeByte(r.nextInt()) : SKIP,
            (b, r) -> writable(b, 2) ? b.writeShortLE(r.nextInt()) : SKIP,
            (b, r) -> writable(b, 3) ? b.writeMedium(r.nextInt()) : SKIP,
            (b, r) -> writable(b, 4) ? b.writeIntLE(r.nextInt()) : SKIP,
            (b, r) -> writable(b, 8) ? b.writeLong(r.nextLong()) : SKIP,
            (b, r) -> b.readByte(),
            (b, r) -> b.readUnsignedShort(),
            (b, r) -> b.readMediumLE(),
            (b, r) -> b.readInt(),
            (b, r) -> b.readLongLE(),
            (b, r) -> {
                int n = len(b, r);
                byte[] a = new byte[n];
                b.getBytes(idx(b, r, n), a);
                return Arrays.toString(a);
            },
            (b, r) -> {
                int n = len(b, r);
                byte[] a = new byte[n];
                r.nextBytes(a);
                return b.setBytes(idx(b, r, n), a);
            },
            (b, r) -> {
                int n = len(b, r);
                ByteBuffer dst = r.nextBoolean() ? ByteBuffer.allocate(n) : ByteBuffer.allocateDirect(n);
                b.getBytes(idx(b, r, n), dst);
                dst.flip();
                return dst.toString() + dst.hashCode();
            },
            (b, r) -> {
                int n = len(b, r);
                byte[] a = new byte[n];
                r.nextBytes(a);
                ByteBuffer src = ByteBuffer.allocateDirect(n).put(a).flip();
                b.setBytes(idx(b, r, n), src);
                return src.position();
            },
            (b, r) -> {
                int n = len(b, r);
                byte[] a = new byte[n];
                r.nextBytes(a);
                return writable(b, n) ? b.writeBytes(a) : SKIP;
            },
            (b, r) -> {
                int n = r.nextInt(Math.max(1, b.readableBytes() + 2));
                byte[] a = new byte[n];
                b.readBytes(a);
                return Arrays.toString(a);
            },
            (b, r) -> {
                int n = len(b, r);
                return b.setZero(idx(b, r, n), n);
            },
            (b, r) -> {
                int n = len(b, r);
                ByteBuf copy = b.copy(idx(b, r, n), n);
                try {
                    return ByteBufUtil.hexDump(copy);
                } finally {
                    copy.release();
                }
            },
            (b, r) -> {
                int n = len(b, r);
                return ByteBufUtil.hexDump(b.slice(idx(b, r, n), n));
            },
            (b, r) -> {
                int n = len(b, r);
                ByteBuffer nio = b.nioBuffer(idx(b, r, n), n);
                return nio.remaining() + ":" + nio.hashCode();
            },
            (b, r) -> b.indexOf(r.nextInt(b.capacity() + 1), r.nextInt(b.capacity() + 1), (byte) r.nextInt(4)),
            (b, r) -> b.readerIndex(r.nextInt(b.capacity() + 2) - 1),
            (b, r) -> b.writerIndex(r.nextInt(b.capacity() + 2) - 1),
            (b, r) -> b.setIndex(r.nextInt(b.capacity() + 1), r.nextInt(b.capacity() + 1)),
            (b, r) -> b.skipBytes(r.nextInt(b.readableBytes() + 2)),
            (b, r) -> b.discardReadBytes(),
            (b, r) -> b.discardSomeReadBytes(),
            (b, r) -> b.markReaderIndex().markWriterIndex(),
            (b, r) -> {
                try {
                    return b.resetReaderIndex();
                } finally {
                    b.resetWriterIndex();
                }
            },
            (b, r) -> {
                // explicit capacity change; new bytes are unspecified, so the op zeroes them in both buffers
                int old = b.capacity();
                int n = r.nextInt(10) == 0 ? b.maxCapacity() + 1 : r.nextInt(b.maxCapacity() + 1);
                b.capacity(n);
                if (n > old) {
                    b.setZero(old, n - old);
                }
                return b.capacity();
            });

    static Stream<Long> seeds() {
        return Stream.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void behavesLikeNettysHeapBuffer(long seed) throws Exception {
        Random r = new Random(seed);
        int capacity = 1 + r.nextInt(2048);
        int maxCapacity = capacity + r.nextInt(4096);
        ByteBuf ring = newBuffer(capacity, maxCapacity);
        ByteBuf ref = Unpooled.buffer(capacity, maxCapacity);
        ring.setZero(0, capacity);
        for (int step = 0; step < 4000; step++) {
            int opIndex = r.nextInt(OPS.size());
            long argSeed = r.nextLong();
            Object expected = run(OPS.get(opIndex), ref, argSeed);
            Object actual = run(OPS.get(opIndex), ring, argSeed);
            String where = "seed " + seed + ", step " + step + ", op " + opIndex;
            assertThat(actual).as(where).isEqualTo(expected);
            assertThat(ring.capacity()).as(where).isEqualTo(ref.capacity());
            assertThat(ring.readerIndex()).as(where).isEqualTo(ref.readerIndex());
            assertThat(ring.writerIndex()).as(where).isEqualTo(ref.writerIndex());
            assertThat(content(ring)).as(where).isEqualTo(content(ref));
        }
        ring.release();
        ref.release();
    }

    private static Object run(Op op, ByteBuf b, long argSeed) {
        try {
            Object result = op.apply(b, new Random(argSeed));
            return result instanceof ByteBuf ? "buf" : result;
        } catch (IndexOutOfBoundsException e) {
            // The contract says IndexOutOfBoundsException; Netty's heap buffer without Unsafe (JDK 24+) lets the
            // array's own check throw its subclass ArrayIndexOutOfBoundsException for single bytes.
            return IndexOutOfBoundsException.class.getName();
        } catch (Exception e) {
            return e.getClass().getName();
        }
    }

    // ---- behaviours from a walk through Netty's own buffer test suite ---------------------------------------

    @Test
    void zeroLengthTransfersStillCheckTheIndex() {
        // Nothing to copy is no licence for an index outside the buffer.
        byte[] none = new byte[0];
        List<Access> outside = List.of(
                (b, i) -> b.getBytes(i, none), (b, i) -> b.getBytes(i, none, 0, 0), (b, i) -> b.setBytes(i, none),
                (b, i) -> b.getBytes(i, ByteBuffer.allocate(0)), (b, i) -> b.getBytes(i, ByteBuffer.allocateDirect(0)),
                (b, i) -> b.setBytes(i, ByteBuffer.allocate(0)), (b, i) -> b.getBytes(i, Unpooled.buffer(0), 0, 0),
                (b, i) -> b.copy(i, 0).release(), (b, i) -> b.nioBuffer(i, 0), (b, i) -> b.slice(i, 0),
                (b, i) -> b.getCharSequence(i, 0, StandardCharsets.UTF_8));
        for (Access access : outside) {
            assertThatThrownBy(() -> access.at(buffer, -1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> access.at(buffer, CAPACITY + 1)).isInstanceOf(IndexOutOfBoundsException.class);
            access.at(buffer, CAPACITY); // at the very end, nothing to transfer is fine
        }
        assertThatThrownBy(() -> buffer.copy(CAPACITY, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        buffer.writerIndex(CAPACITY);
        buffer.writeBytes(ByteBuffer.allocate(0)).writeBytes(none).writeZero(0);
        assertThat(buffer.capacity()).isEqualTo(CAPACITY);
        assertThat(buffer.writerIndex()).isEqualTo(CAPACITY);
    }

    @Test
    void resettingAnIndexAcrossTheOtherThrowsAndKeepsBoth() {
        ByteBuf b = newBuffer(10);
        b.writeCharSequence("hello", StandardCharsets.US_ASCII);
        b.markWriterIndex(); // 5
        b.skipBytes(5);
        b.writeCharSequence("world", StandardCharsets.US_ASCII);
        b.skipBytes(5);
        assertThatThrownBy(b::resetWriterIndex).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(b.readerIndex()).isEqualTo(10);
        assertThat(b.writerIndex()).isEqualTo(10);
        b.setIndex(8, 8).markReaderIndex().setIndex(0, 4);
        assertThatThrownBy(b::resetReaderIndex).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(b.readerIndex()).isZero();
        assertThat(b.writerIndex()).isEqualTo(4);
        b.release();
    }

    @Test
    void failedSkipsAndReadSlicesChangeNothing() {
        buffer.setIndex(CAPACITY / 4, CAPACITY / 2);
        buffer.skipBytes(CAPACITY / 4);
        assertThat(buffer.readerIndex()).isEqualTo(CAPACITY / 2);
        assertThatThrownBy(() -> buffer.skipBytes(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(buffer.readerIndex()).isEqualTo(CAPACITY / 2);

        buffer.clear().writeZero(50);
        assertThatThrownBy(() -> buffer.readSlice(51)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> buffer.readRetainedSlice(51)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(buffer.readerIndex()).isZero();
        assertThat(buffer.refCnt()).isOne();
    }

    @Test
    void slicesAreBoundedByTheirOwnRangeAndCannotBeResized() {
        ByteBuf slice = buffer.slice(1, 2);
        ByteBuf retained = buffer.retainedSlice(1, 2);
        for (ByteBuf s : List.of(slice, retained)) {
            assertThat(s.capacity()).isEqualTo(2);
            assertThat(s.maxCapacity()).isEqualTo(2);
            assertThatThrownBy(() -> s.slice(3, 0)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> s.slice(0, 3)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> s.retainedSlice(3, 0)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> s.retainedSlice(0, 3)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> s.capacity(10)).isInstanceOf(UnsupportedOperationException.class);
        }
        assertThat(buffer.refCnt()).isEqualTo(2); // the failed retained slices took no reference
        retained.release();
        assertThat(buffer.capacity()).isEqualTo(CAPACITY);
    }

    @Test
    void ensureWritableLimits() {
        buffer.writerIndex(1);
        assertThatThrownBy(() -> buffer.ensureWritable(Integer.MAX_VALUE))
                .isInstanceOf(IndexOutOfBoundsException.class); // writerIndex + the request overflows
        assertThat(buffer.capacity()).isEqualTo(CAPACITY);
        for (boolean force : new boolean[] {false, true}) {
            ByteBuf full = newBuffer(8);
            full.writerIndex(8);
            assertThat(full.asReadOnly().ensureWritable(8, force)).isEqualTo(1); // a read-only view never grows
            assertThat(full.capacity()).isEqualTo(8);
            assertThat(full.ensureWritable(8, force)).isEqualTo(2); // grown: enough room now
            assertThat(full.writableBytes()).isGreaterThanOrEqualTo(8);
            full.release();
        }
    }

    @Test
    void writeZeroRejectsANegativeLengthAndZeroesEveryByteItCovers() {
        assertThatThrownBy(() -> buffer.writeZero(-1)).isInstanceOf(IllegalArgumentException.class);
        buffer.writeBytes(filled(CAPACITY, (byte) 0xff)).clear();
        while (buffer.isWritable()) {
            buffer.writeZero(Math.min(buffer.writableBytes(), random.nextInt(32)));
        }
        assertThat(content(buffer)).containsOnly(0);
        buffer.clear().writeBytes(filled(CAPACITY, (byte) 0xff));
        for (int i = 0; i < CAPACITY; ) {
            int n = Math.min(CAPACITY - i, random.nextInt(32));
            buffer.setZero(i, n);
            i += n;
        }
        assertThat(content(buffer)).containsOnly(0);
    }

    static byte[] filled(int n, byte value) {
        byte[] b = new byte[n];
        Arrays.fill(b, value);
        return b;
    }

    /** Writes {@code value} at {@code index}. */
    interface Put {
        void at(ByteBuf b, int index, long value);
    }

    /** Reads the value at {@code index}, widened to a long. */
    interface Get {
        long at(ByteBuf b, int index);
    }

    static Stream<Arguments> tiles() {
        // Float and double values keep their top exponent bit clear: never NaN, whose bits may not round-trip.
        return Stream.of(
                tile("byte", 1, (b, i, v) -> b.setByte(i, (int) v), ByteBuf::getByte, v -> (byte) v),
                tile("unsignedByte", 1, (b, i, v) -> b.setByte(i, (int) v), ByteBuf::getUnsignedByte, v -> v & 0xff),
                tile("short", 2, (b, i, v) -> b.setShort(i, (int) v), ByteBuf::getShort, v -> (short) v),
                tile("shortLE", 2, (b, i, v) -> b.setShortLE(i, (int) v), ByteBuf::getShortLE, v -> (short) v),
                tile("unsignedShort", 2, (b, i, v) -> b.setShort(i, (int) v), ByteBuf::getUnsignedShort,
                        v -> v & 0xffff),
                tile("unsignedShortLE", 2, (b, i, v) -> b.setShortLE(i, (int) v), ByteBuf::getUnsignedShortLE,
                        v -> v & 0xffff),
                tile("char", 2, (b, i, v) -> b.setChar(i, (char) v), ByteBuf::getChar, v -> (char) v),
                tile("medium", 3, (b, i, v) -> b.setMedium(i, (int) v), ByteBuf::getMedium, v -> v << 40 >> 40),
                tile("mediumLE", 3, (b, i, v) -> b.setMediumLE(i, (int) v), ByteBuf::getMediumLE, v -> v << 40 >> 40),
                tile("unsignedMedium", 3, (b, i, v) -> b.setMedium(i, (int) v), ByteBuf::getUnsignedMedium,
                        v -> v & 0xffffff),
                tile("unsignedMediumLE", 3, (b, i, v) -> b.setMediumLE(i, (int) v), ByteBuf::getUnsignedMediumLE,
                        v -> v & 0xffffff),
                tile("int", 4, (b, i, v) -> b.setInt(i, (int) v), ByteBuf::getInt, v -> (int) v),
                tile("intLE", 4, (b, i, v) -> b.setIntLE(i, (int) v), ByteBuf::getIntLE, v -> (int) v),
                tile("unsignedInt", 4, (b, i, v) -> b.setInt(i, (int) v), ByteBuf::getUnsignedInt,
                        v -> v & 0xffffffffL),
                tile("unsignedIntLE", 4, (b, i, v) -> b.setIntLE(i, (int) v), ByteBuf::getUnsignedIntLE,
                        v -> v & 0xffffffffL),
                tile("float", 4, (b, i, v) -> b.setFloat(i, Float.intBitsToFloat((int) v & 0x3fffffff)),
                        (b, i) -> Float.floatToRawIntBits(b.getFloat(i)), v -> (int) v & 0x3fffffff),
                tile("floatLE", 4, (b, i, v) -> b.setFloatLE(i, Float.intBitsToFloat((int) v & 0x3fffffff)),
                        (b, i) -> Float.floatToRawIntBits(b.getFloatLE(i)), v -> (int) v & 0x3fffffff),
                tile("long", 8, ByteBuf::setLong, ByteBuf::getLong, v -> v),
                tile("longLE", 8, ByteBuf::setLongLE, ByteBuf::getLongLE, v -> v),
                tile("double", 8, (b, i, v) -> b.setDouble(i, Double.longBitsToDouble(v & 0x3fffffffffffffffL)),
                        (b, i) -> Double.doubleToRawLongBits(b.getDouble(i)), v -> v & 0x3fffffffffffffffL),
                tile("doubleLE", 8, (b, i, v) -> b.setDoubleLE(i, Double.longBitsToDouble(v & 0x3fffffffffffffffL)),
                        (b, i) -> Double.doubleToRawLongBits(b.getDoubleLE(i)), v -> v & 0x3fffffffffffffffL));
    }

    private static Arguments tile(String name, int width, Put put, Get get, LongUnaryOperator read) {
        return Arguments.of(name, width, put, get, read);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tiles")
    void valuesTiledEdgeToEdgeReadBackUnchanged(String name, int width, Put put, Get get,
                                                LongUnaryOperator read) {
        // Every slot of the buffer, up to its last byte, gets a value: a write that spilt into its neighbours, or
        // a slot that missed the end of the buffer, would show on reading back.
        Random values = new Random(width);
        for (int i = 0; i + width <= CAPACITY; i += width) {
            put.at(buffer, i, values.nextLong());
        }
        values = new Random(width);
        for (int i = 0; i + width <= CAPACITY; i += width) {
            assertThat(get.at(buffer, i)).as("%s at %d", name, i).isEqualTo(read.applyAsLong(values.nextLong()));
        }
    }

    @SuppressWarnings("deprecation")
    @Test
    void littleEndianWritesIntoAnEmptyBufferGrowIt() {
        ByteBuf empty = newBuffer(0);
        empty.order(ByteOrder.LITTLE_ENDIAN).writeInt(0x12345678);
        assertThat(ByteBufUtil.hexDump(empty)).isEqualTo("78563412");
        empty.release();
    }

    static Stream<Charset> charsets() {
        return Stream.of(StandardCharsets.US_ASCII, StandardCharsets.ISO_8859_1, StandardCharsets.UTF_8,
                StandardCharsets.UTF_16);
    }

    @ParameterizedTest
    @MethodSource("charsets")
    void charSequencesInEveryCharset(Charset charset) {
        StringBuilder chars = new StringBuilder();
        for (char c = 0; c < (charset == StandardCharsets.US_ASCII ? 128 : 256); c++) {
            chars.append(c);
        }
        if (charset == StandardCharsets.UTF_8 || charset == StandardCharsets.UTF_16) {
            chars.append("€\u2713\uD83D\uDE00"); // three bytes, three bytes, a surrogate pair
        }
        String text = chars.toString();
        byte[] encoded = text.getBytes(charset);

        int n = buffer.setCharSequence(1, text, charset);
        assertThat(n).isEqualTo(encoded.length);
        assertThat(ByteBufUtil.getBytes(buffer, 1, n)).isEqualTo(encoded);
        assertThat(buffer.getCharSequence(1, n, charset).toString()).isEqualTo(text);
        assertThat(buffer.writerIndex()).isZero(); // set does not move the indices

        buffer.setIndex(1, 1);
        assertThat(buffer.writeCharSequence(text, charset)).isEqualTo(n);
        assertThat(buffer.writerIndex()).isEqualTo(1 + n);
        assertThat(buffer.readCharSequence(n, charset).toString()).isEqualTo(text);
        assertThat(buffer.readerIndex()).isEqualTo(1 + n);

        // set never grows a buffer; write does
        ByteBuf small = newBuffer(1, 64);
        assertThatThrownBy(() -> small.setCharSequence(0, "AB", charset)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(small.capacity()).isOne();
        small.writerIndex(1);
        int written = small.writeCharSequence("AB", charset);
        assertThat(written).isEqualTo("AB".getBytes(charset).length);
        assertThat(small.writerIndex()).isEqualTo(1 + written);
        assertThat(small.capacity()).isGreaterThanOrEqualTo(1 + written);
        small.release();
    }

    @Test
    void explicitIndexTransfersLeaveTheOtherBuffersIndicesAlone() {
        byte[] data = randomBytes(CAPACITY);
        for (ByteBuf peer : peers(256)) {
            String kind = peer.getClass().getSimpleName();
            peer.setBytes(0, data, 0, 256).setIndex(3, 7);
            buffer.clear();
            buffer.writeBytes(peer, 10, 100);
            assertThat(buffer.writerIndex()).isEqualTo(100);
            assertThat(ByteBufUtil.getBytes(buffer, 0, 100)).as(kind).isEqualTo(Arrays.copyOfRange(data, 10, 110));
            buffer.setBytes(200, peer, 0, 50);
            buffer.getBytes(0, peer, 120, 30);
            buffer.readBytes(peer, 150, 40);
            assertThat(buffer.readerIndex()).isEqualTo(40);
            assertThat(peer.readerIndex()).as(kind).isEqualTo(3);
            assertThat(peer.writerIndex()).as(kind).isEqualTo(7);
            assertThat(ByteBufUtil.getBytes(peer, 120, 30)).as(kind).isEqualTo(Arrays.copyOfRange(data, 10, 40));
            assertThat(ByteBufUtil.getBytes(peer, 150, 40)).as(kind).isEqualTo(Arrays.copyOfRange(data, 10, 50));

            // the variants without the peer's index move the peer's index
            peer.setIndex(0, 60);
            buffer.writeBytes(peer);
            assertThat(peer.readerIndex()).as(kind).isEqualTo(60);
            assertThat(buffer.writerIndex()).isEqualTo(160);
            peer.clear();
            buffer.readBytes(peer, 25);
            assertThat(peer.writerIndex()).as(kind).isEqualTo(25);
            assertThat(peer.readerIndex()).as(kind).isZero();
            peer.release();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aReadOnlyDestinationIsRefusedUntouched(boolean direct) {
        buffer.writeBytes(new byte[] {'a', 'b', 'c', 'd'});
        ByteBuffer dst = (direct ? ByteBuffer.allocateDirect(4) : ByteBuffer.allocate(4)).asReadOnlyBuffer();
        assertThatThrownBy(() -> buffer.getBytes(0, dst)).isInstanceOf(ReadOnlyBufferException.class);
        assertThatThrownBy(() -> buffer.readBytes(dst)).isInstanceOf(ReadOnlyBufferException.class);
        assertThat(dst.position()).isZero();
        assertThat(buffer.readerIndex()).isZero();
    }

    @Test
    void internalNioBufferFollowsTheMemoryAcrossGrowthAndMoves() {
        ByteBuf b = newBuffer(2);
        ByteBuf behind = newBuffer(8); // holds the region right behind b: its first growth must move it
        assertThat(b.internalNioBuffer(0, 2).remaining()).isEqualTo(2);
        byte[] data = randomBytes(200_000);
        long movesBefore = alloc.metric().moves();
        for (int size : new int[] {1000, 30_000, 200_000}) { // the last one is beyond the ring's maximum allocation
            b.writeBytes(data, b.writerIndex(), size - b.writerIndex());
            ByteBuffer view = b.internalNioBuffer(0, size);
            assertThat(view.remaining()).isEqualTo(size);
            byte[] got = new byte[size];
            view.duplicate().get(got);
            assertThat(got).as("after growth to %d", size).isEqualTo(Arrays.copyOf(data, size));
            view.put(view.position() + size - 1, (byte) 7);
            assertThat(b.getByte(size - 1)).isEqualTo((byte) 7);
            b.setByte(size - 1, data[size - 1]);
        }
        assertThat(alloc.metric().moves()).isGreaterThanOrEqualTo(movesBefore + 2);
        assertThat(((RingByteBuf) b).isInRing()).isFalse();
        b.release();
        behind.release();
    }

    @Test
    void emptyBufferHasOneEmptyNioBuffer() {
        buffer.clear();
        ByteBuffer[] views = buffer.nioBuffers();
        assertThat(views).hasSize(1);
        assertThat(views[0].hasRemaining()).isFalse();
    }

    @Test
    void readOnlyViewsHandOutReadOnlyNioBuffers() {
        buffer.writerIndex(CAPACITY);
        ByteBuf readOnly = buffer.asReadOnly();
        for (ByteBuf view : List.of(readOnly, readOnly.slice(), readOnly.duplicate())) {
            assertThat(view.isReadOnly()).isTrue();
            assertThat(view.nioBuffer().isReadOnly()).isTrue();
            assertThat(view.nioBuffer(0, view.capacity()).isReadOnly()).isTrue();
            assertThat(view.nioBuffers()).allMatch(ByteBuffer::isReadOnly);
            assertThat(view.nioBuffers(0, view.capacity())).allMatch(ByteBuffer::isReadOnly);
        }
    }

    // ---- derived buffers and the reference count ----------------------------------------------------------

    @Test
    void releasingThroughAViewReleasesTheBuffer() {
        long held = alloc.metric().bytesInUse(); // `buffer` alone
        List<UnaryOperator<ByteBuf>> views = List.of(ByteBuf::slice, ByteBuf::duplicate,
                ByteBuf::asReadOnly, b -> b.slice(1, 2), b -> b.asReadOnly().slice());
        for (UnaryOperator<ByteBuf> view : views) {
            ByteBuf b = newBuffer(64);
            assertThat(alloc.metric().bytesInUse()).isGreaterThan(held);
            assertThat(view.apply(b).release()).isTrue();
            assertThat(b.refCnt()).isZero();
            assertThat(alloc.metric().bytesInUse()).isEqualTo(held);
        }
    }

    @Test
    void noViewOfAReleasedBufferCanBeMade() {
        List<UnaryOperator<ByteBuf>> views = List.of(ByteBuf::slice, b -> b.slice(0, 1),
                ByteBuf::duplicate, ByteBuf::retainedSlice, b -> b.retainedSlice(0, 1), ByteBuf::retainedDuplicate,
                b -> b.readSlice(0), b -> b.readRetainedSlice(0));
        ByteBuf b = newBuffer(1);
        ByteBuf retainedSlice = b.retainedSlice(0, 1);
        ByteBuf duplicateOfIt = retainedSlice.duplicate();
        ByteBuf retainedDuplicate = b.retainedDuplicate();
        ByteBuf sliceOfIt = retainedDuplicate.slice(0, 1);
        List<ByteBuf> all = List.of(b, retainedSlice, duplicateOfIt, retainedDuplicate, sliceOfIt);
        assertThat(b.refCnt()).isEqualTo(3);
        b.release();
        retainedSlice.release();
        assertThat(sliceOfIt.release()).isTrue(); // the views share the buffer's count
        for (ByteBuf released : all) {
            assertThat(released.refCnt()).isZero();
            for (UnaryOperator<ByteBuf> view : views) {
                assertThatThrownBy(() -> view.apply(released)).isInstanceOf(IllegalReferenceCountException.class);
            }
        }
    }

    @Test
    void retainedViewsOutliveTheOriginalReference() {
        // A handler releases the buffer it received and passes a retained slice on; the next one takes views of
        // views. Every view sees the right bytes, and the region stays held until the last reference goes.
        buffer.clear().writeBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        ByteBuf slice = buffer.retainedSlice(1, 6);
        assertThat(buffer.release()).isFalse();
        slice.readByte();
        ByteBuf dup = slice.retainedDuplicate();
        assertThat(ByteBufUtil.getBytes(dup)).containsExactly(3, 4, 5, 6, 7);
        ByteBuf plainDup = dup.duplicate();
        plainDup.readByte();
        ByteBuf inner = plainDup.retainedSlice(plainDup.readerIndex(), 3);
        assertThat(ByteBufUtil.getBytes(inner)).containsExactly(4, 5, 6);
        assertThat(ByteBufUtil.getBytes(slice.slice(0, slice.capacity()))).containsExactly(2, 3, 4, 5, 6, 7);
        assertThat(inner.release()).isFalse();
        assertThat(dup.release()).isFalse();
        assertThat(alloc.metric().bytesInUse()).isPositive();
        assertThat(slice.refCnt()).isOne();
        assertThat(slice.release()).isTrue();
        for (ByteBuf b : List.of(buffer, slice, dup, plainDup, inner)) {
            assertThat(b.refCnt()).isZero();
        }
        assertThat(alloc.metric().bytesInUse()).isZero();
    }

    @Test
    void anUnreleasableWrapperNeitherRetainsNorReleases() {
        buffer.writeLong(1);
        ByteBuf retained = buffer.retainedSlice(); // 2
        ByteBuf wrapper = Unpooled.unreleasableBuffer(retained);
        ByteBuf fromWrapper = wrapper.retainedSlice();
        ByteBuf readFromWrapper = wrapper.readRetainedSlice(wrapper.readableBytes());
        ByteBuf dupFromWrapper = wrapper.retainedDuplicate();
        assertThat(fromWrapper.release()).isFalse();
        assertThat(readFromWrapper.release()).isFalse();
        assertThat(dupFromWrapper.release()).isFalse();
        assertThat(wrapper.release()).isFalse();
        assertThat(buffer.refCnt()).isEqualTo(2);
        retained.release();
        assertThat(buffer.release()).isTrue();
    }

    @Test
    void aReleasedBufferRefusesStreamsChannelsStringsAndViewsWithoutTouchingThem() {
        buffer.writerIndex(100);
        assertThat(buffer.release()).isTrue();
        ByteArrayInputStream in = new ByteArrayInputStream(new byte[8]);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamChannel channel = new StreamChannel(in, out);
        ByteBuf source = Unpooled.buffer(8).writerIndex(8);
        ByteBuf sink = Unpooled.buffer(8);
        ByteBuf b = buffer;
        List<ThrowingCallable> uses = List.of(
                () -> b.setBytes(0, in, 1), () -> b.writeBytes(in, 1),
                () -> b.getBytes(0, out, 1), () -> b.readBytes(out, 1),
                () -> b.setBytes(0, channel, 1), () -> b.writeBytes(channel, 1),
                () -> b.getBytes(0, channel, 1), () -> b.readBytes(channel, 1),
                () -> b.getBytes(0, sink), () -> b.getBytes(0, sink, 1), () -> b.setBytes(0, source, 1),
                () -> b.readBytes(sink, 1), () -> b.writeBytes(source, 1), () -> b.readBytes(1),
                () -> b.writeZero(1), () -> b.writeBytes(new byte[1], 0, 1),
                () -> b.readBytes(ByteBuffer.allocate(1)), () -> b.writeBytes(ByteBuffer.allocate(1)),
                () -> b.setCharSequence(0, "x", StandardCharsets.UTF_8),
                () -> b.setCharSequence(0, "x", StandardCharsets.UTF_16),
                () -> b.writeCharSequence("x", StandardCharsets.US_ASCII),
                () -> b.writeCharSequence("x", StandardCharsets.ISO_8859_1),
                () -> b.forEachByte(0, 1, v -> true), () -> b.forEachByteDesc(v -> true),
                () -> b.forEachByteDesc(0, 1, v -> true), () -> b.indexOf(0, 1, (byte) 0),
                () -> b.nioBuffers(), () -> b.nioBuffers(0, 1), () -> b.discardSomeReadBytes(),
                () -> b.readShortLE(), () -> b.writeMediumLE(1), () -> b.readUnsignedIntLE(),
                () -> b.writeDoubleLE(1), () -> b.readCharSequence(1, StandardCharsets.UTF_8));
        for (ThrowingCallable use : uses) {
            assertThatThrownBy(use).isInstanceOf(IllegalReferenceCountException.class);
        }
        if (heap()) {
            assertThatThrownBy(buffer::array).isInstanceOf(IllegalReferenceCountException.class);
            assertThatThrownBy(buffer::arrayOffset).isInstanceOf(IllegalReferenceCountException.class);
        }
        assertThat(in.available()).isEqualTo(8);
        assertThat(out.size()).isZero();
        assertThat(source.readerIndex()).isZero();
        assertThat(sink.writerIndex()).isZero();
    }

    @Test
    void aReleasedFallbackHeapBufferRefusesItsArray() {
        // Fallback memory is let go of at the last release; the array accessors must say the buffer is released,
        // not fail on the memory that is no longer there.
        ByteBuf b = newBuffer(100_000); // beyond the ring's maximum allocation: fallback memory
        assertThat(((RingByteBuf) b).isInRing()).isFalse();
        b.release();
        if (heap()) {
            assertThatThrownBy(b::array).isInstanceOf(IllegalReferenceCountException.class);
            assertThatThrownBy(b::arrayOffset).isInstanceOf(IllegalReferenceCountException.class);
        } else {
            assertThatThrownBy(b::arrayOffset).isInstanceOf(UnsupportedOperationException.class);
        }
        assertThatThrownBy(() -> b.getByte(0)).isInstanceOf(IllegalReferenceCountException.class);
        assertThatThrownBy(() -> b.nioBuffer(0, 1)).isInstanceOf(IllegalReferenceCountException.class);
    }

    // ---- comparison, search, visitors ---------------------------------------------------------------------

    @SuppressWarnings("deprecation")
    @Test
    void comparisonIsUnsignedAndIgnoresTheViewsByteOrder() {
        assertThatThrownBy(() -> buffer.compareTo(null)).isInstanceOf(NullPointerException.class);
        assertThat(buffer.equals(null)).isFalse();
        assertThat(buffer.equals(new Object())).isFalse();

        // 0 against 0xF0000000: a signed subtraction of the two ints would overflow and get the sign wrong
        ByteBuf low = newBuffer(8).writeLong(0);
        ByteBuf high = newBuffer(8).writeLong(0xF0000000L);
        assertThat(low.compareTo(high)).isNegative();
        assertThat(high.compareTo(low)).isPositive();
        low.release();
        high.release();

        byte[] value = randomBytes(32);
        value[0] = 0x40;
        buffer.writeBytes(value);
        ByteBuf same = Unpooled.wrappedBuffer(value);
        assertThat(buffer.compareTo(same)).isZero();
        assertThat(buffer.compareTo(same.order(ByteOrder.LITTLE_ENDIAN))).isZero();
        assertThat(buffer).isEqualTo(same).isEqualTo(same.order(ByteOrder.LITTLE_ENDIAN));
        assertThat(buffer.compareTo(Unpooled.wrappedBuffer(value, 0, 31))).isPositive();
        assertThat(buffer.slice(0, 31).compareTo(same)).isNegative();
        ByteBuf retainedPrefix = buffer.retainedSlice(0, 31);
        assertThat(retainedPrefix.compareTo(same.order(ByteOrder.LITTLE_ENDIAN))).isNegative();
        retainedPrefix.release();
        byte[] larger = value.clone();
        larger[0] = (byte) 0x80; // above 0x40 unsigned, below it signed
        assertThat(buffer.compareTo(Unpooled.wrappedBuffer(larger))).isNegative();
        assertThat(buffer).isNotEqualTo(Unpooled.wrappedBuffer(larger));

        // the byte order of the views compared does not change the answer
        ByteBuf[] bufs = new ByteBuf[4];
        for (int i = 0; i < 4; i++) {
            ByteBuf b = newBuffer(4).writeBytes(i % 2 == 0 ? new byte[] {1, 2, 3, 4} : new byte[] {4, 3, 2, 1});
            bufs[i] = i < 2 ? b.order(ByteOrder.LITTLE_ENDIAN) : b;
        }
        assertThat(bufs[0].compareTo(bufs[1])).isEqualTo(bufs[2].compareTo(bufs[3])).isNegative();
        assertThat(bufs[1].compareTo(bufs[0])).isEqualTo(bufs[3].compareTo(bufs[2])).isPositive();
        assertThat(bufs[0].compareTo(bufs[2])).isZero();
        for (ByteBuf b : bufs) {
            b.release();
        }
    }

    @Test
    void equalContentHashesAlikeWhateverTheBuffer() {
        byte[] a = {1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5};
        byte[] b = {6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9};
        ByteBuf heapA = Unpooled.wrappedBuffer(a);
        ByteBuf directB = Unpooled.directBuffer(15).writeBytes(b);
        Set<ByteBuf> set = new HashSet<>(List.of(heapA, directB));
        buffer.writeBytes(a);
        assertThat(buffer.hashCode()).isEqualTo(heapA.hashCode());
        assertThat(set.remove(buffer)).isTrue();
        buffer.clear().writeBytes(b);
        assertThat(buffer.hashCode()).isEqualTo(directB.hashCode());
        assertThat(set.remove(buffer)).isTrue();
        assertThat(set).isEmpty();
        directB.release();
    }

    @Test
    void searchesAgreeWithAByteByByteScanAtEverySize() {
        // Small sizes reach the word-at-a-time search's head and tail; three values give hits and misses.
        for (int size = 0; size <= 24; size++) {
            ByteBuf b = newBuffer(size);
            byte[] content = new byte[size];
            for (int i = 0; i < size; i++) {
                content[i] = (byte) random.nextInt(3);
            }
            b.writeBytes(content);
            for (int from = 0; from <= size; from++) {
                for (int to = 0; to <= size; to++) {
                    for (byte v = 0; v < 3; v++) {
                        assertThat(b.indexOf(from, to, v)).as("size %d, %d to %d, value %d", size, from, to, v)
                                .isEqualTo(scan(content, from, to, v));
                    }
                }
            }
            int capacity = size;
            for (byte v = 0; v < 3; v++) {
                // a start beyond either end is clamped to the buffer, an end beyond it is not
                assertThat(b.indexOf(capacity + 1, 0, v)).isEqualTo(scan(content, capacity, 0, v));
                assertThat(b.indexOf(-1, capacity, v)).isEqualTo(scan(content, 0, capacity, v));
            }
            if (size > 0) {
                assertThatThrownBy(() -> b.indexOf(0, capacity + 1, (byte) 0))
                        .isInstanceOf(IndexOutOfBoundsException.class);
                assertThatThrownBy(() -> b.indexOf(capacity, -1, (byte) 0))
                        .isInstanceOf(IndexOutOfBoundsException.class);
            }
            b.release();
        }
    }

    /** Forwards from {@code from} (inclusive) to {@code to}, or backwards from {@code from} (exclusive) down to it. */
    private static int scan(byte[] content, int from, int to, byte value) {
        if (from <= to) {
            for (int i = from; i < to; i++) {
                if (content[i] == value) {
                    return i;
                }
            }
        } else {
            for (int i = from - 1; i >= to; i--) {
                if (content[i] == value) {
                    return i;
                }
            }
        }
        return -1;
    }

    @Test
    void byteVisitorsCoverExactlyTheirRange() throws Exception {
        byte[] data = randomBytes(CAPACITY);
        buffer.writeBytes(data);
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        assertThat(buffer.forEachByte(100, 50, v -> {
            seen.write(v);
            return true;
        })).isEqualTo(-1);
        assertThat(seen.toByteArray()).isEqualTo(Arrays.copyOfRange(data, 100, 150));
        seen.reset();
        assertThat(buffer.forEachByteDesc(100, 50, v -> {
            seen.write(v);
            return true;
        })).isEqualTo(-1);
        byte[] backwards = seen.toByteArray();
        for (int i = 0; i < 50; i++) {
            assertThat(backwards[i]).isEqualTo(data[149 - i]);
        }
        int[] visits = new int[1];
        assertThat(buffer.forEachByte(1000, 500, v -> ++visits[0] < 200)).isEqualTo(1199);
        visits[0] = 0;
        assertThat(buffer.forEachByteDesc(1000, 500, v -> ++visits[0] < 200)).isEqualTo(1300);
        buffer.setIndex(10, 20);
        visits[0] = 0;
        assertThat(buffer.forEachByte(v -> ++visits[0] > 0)).isEqualTo(-1);
        assertThat(visits[0]).isEqualTo(10);
        visits[0] = 0;
        assertThat(buffer.forEachByteDesc(v -> ++visits[0] > 0)).isEqualTo(-1);
        assertThat(visits[0]).isEqualTo(10);
        assertThatThrownBy(() -> buffer.forEachByte(CAPACITY - 5, 10, v -> true))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> buffer.forEachByteDesc(CAPACITY - 5, 10, v -> true))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    // ---- setBytes(int, InputStream, int): one read, its result returned -------------------------------------

    @Test
    void streamReadOfZeroBytesReadsNothing() throws IOException {
        buffer.writeBytes(filled(16, (byte) 5));
        ByteArrayInputStream in = new ByteArrayInputStream(new byte[] {1, 2, 3});
        assertThat(buffer.setBytes(0, in, 0)).isZero();
        assertThat(in.available()).isEqualTo(3);
        assertThat(buffer.writeBytes(in, 0)).isZero();
        assertThat(buffer.writerIndex()).isEqualTo(16);
        assertThat(ByteBufUtil.getBytes(buffer)).containsOnly(5);
    }

    @Test
    void streamAtItsEndGivesMinusOneAndChangesNothing() throws IOException {
        buffer.writeBytes(filled(16, (byte) 5));
        TestStreams.Trickle in = new TestStreams.Trickle(new byte[0], 8);
        assertThat(buffer.setBytes(0, in, 10)).isEqualTo(-1);
        assertThat(buffer.writeBytes(in, 10)).isEqualTo(-1);
        assertThat(buffer.writerIndex()).isEqualTo(16);
        assertThat(ByteBufUtil.getBytes(buffer)).containsOnly(5);
        // a stream that, like ByteArrayInputStream, says -1 at its end even for a zero-length read: passed on
        assertThat(buffer.setBytes(0, new ByteArrayInputStream(new byte[0]), 0)).isEqualTo(-1);
    }

    @Test
    void streamThatDeliversLessGetsOneReadAndItsCountReturned() throws IOException {
        byte[] data = randomBytes(100);
        TestStreams.Trickle in = new TestStreams.Trickle(data, 7);
        buffer.setZero(0, CAPACITY);
        assertThat(buffer.setBytes(10, in, 100)).isEqualTo(7);
        assertThat(in.position()).isEqualTo(7);
        assertThat(ByteBufUtil.getBytes(buffer, 10, 7)).isEqualTo(Arrays.copyOf(data, 7));
        assertThat(buffer.getByte(9)).isZero();
        assertThat(buffer.getByte(17)).isZero();

        buffer.writerIndex(17);
        assertThat(buffer.writeBytes(in, 50)).isEqualTo(7);
        assertThat(buffer.writerIndex()).isEqualTo(24);
        assertThat(ByteBufUtil.getBytes(buffer, 10, 14)).isEqualTo(Arrays.copyOf(data, 14));
        assertThat(buffer.getByte(24)).isZero();
    }

    @Test
    void streamTransfersAllocateNothingPerCall() throws Exception {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        assumeTrue(mx instanceof com.sun.management.ThreadMXBean,
                "no per-thread allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) mx;
        assumeTrue(threads.isThreadAllocatedMemorySupported()
                && threads.isThreadAllocatedMemoryEnabled(), "no per-thread allocation counter");
        final int calls = 20_000;
        long[] allocated = TestSupport.onFastThread(() -> {
            ByteBuf b = newBuffer(4096);
            InputStream in = new TestStreams.Endless();
            OutputStream out = OutputStream.nullOutputStream();
            for (int i = 0; i < 5_000; i++) { // warm-up: the thread's transfer array, class loading, compilation
                b.setBytes(0, in, 4096);
                b.getBytes(0, out, 4096);
            }
            long start = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < calls; i++) {
                b.setBytes(0, in, 4096);
            }
            long reads = threads.getCurrentThreadAllocatedBytes() - start;
            start = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < calls; i++) {
                b.getBytes(0, out, 4096);
            }
            long writes = threads.getCurrentThreadAllocatedBytes() - start;
            b.release();
            return new long[] {reads, writes};
        });
        // An array per call would be at least 4 KiB per call; allow a few stray bytes for the counter itself.
        assertThat(allocated[0]).as("bytes allocated by %d setBytes(InputStream)", calls).isLessThan(calls);
        assertThat(allocated[1]).as("bytes allocated by %d getBytes(OutputStream)", calls).isLessThan(calls);
    }

    // ---- maxFastWritableBytes: the region's rounded size ----------------------------------------------------

    @Test
    void maxFastWritableBytesReportsTheWholeRegion() {
        // A ring region holds the request rounded up to 8 bytes, and writing into the spare bytes needs no move:
        // 52 for a 150-byte buffer written up to 100, where a buffer of exactly 150 bytes would say 50. The
        // contract asks only that writing that many bytes does not reallocate (maxFastWritableBytesIsHonoured).
        ByteBuf b = newBuffer(150, 500).writerIndex(100);
        assertThat(b.writableBytes()).isEqualTo(50);
        assertThat(b.maxWritableBytes()).isEqualTo(400);
        assertThat(b.maxFastWritableBytes()).isEqualTo(52);
        b.writeByte(1);
        assertThat(b.maxFastWritableBytes()).isEqualTo(51); // tracks what is written
        // never beyond the maximum capacity
        ByteBuf capped = newBuffer(150, 150).writerIndex(100);
        assertThat(capped.maxFastWritableBytes()).isEqualTo(50);
        // fallback memory holds the capacity exactly
        ByteBuf large = newBuffer(70_000, 100_000).writerIndex(69_000);
        assertThat(((RingByteBuf) large).isInRing()).isFalse();
        assertThat(large.maxFastWritableBytes()).isEqualTo(large.writableBytes()).isEqualTo(1000);
        b.release();
        capped.release();
        large.release();
    }

    // ---- heap buffers: the array ------------------------------------------------------------------------

    @Test
    void arrayAccessSharesTheBuffersBytes() {
        if (!heap()) {
            assertThatThrownBy(buffer::array).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(buffer::arrayOffset).isInstanceOf(UnsupportedOperationException.class);
            return;
        }
        byte[] data = randomBytes(CAPACITY);
        buffer.setBytes(0, data);
        byte[] array = buffer.array();
        int base = buffer.arrayOffset();
        assertThat(base).isBetween(0, array.length - CAPACITY);
        assertThat(Arrays.copyOfRange(array, base, base + CAPACITY)).isEqualTo(data);
        array[base + 7] = 42;
        assertThat(buffer.getByte(7)).isEqualTo((byte) 42);

        ByteBuf slice = buffer.slice(100, 50);
        assertThat(slice.hasArray()).isTrue();
        assertThat(slice.array()).isSameAs(array);
        assertThat(slice.arrayOffset()).isEqualTo(base + 100);
        ByteBuffer nio = buffer.nioBuffer(100, 50);
        assertThat(nio.hasArray()).isTrue();
        assertThat(nio.array()).isSameAs(array);
        assertThat(nio.arrayOffset()).isEqualTo(base + 100);

        ByteBuf copy = buffer.copy(0, 10);
        assertThat(copy.hasArray()).isTrue();
        assertThat(copy.isDirect()).isFalse();
        copy.release();

        ByteBuf other = newBuffer(64);
        if (other.array() == array) { // another region of the same ring: its own bytes of the array
            int otherBase = other.arrayOffset();
            assertThat(otherBase + 64 <= base || otherBase >= base + CAPACITY).isTrue();
        }
        other.release();
    }

    @Test
    void fallbackMemoryInsideALargerBufferKeepsTheContract() {
        // Pooled allocators hand out memory at an offset inside a larger chunk: array offsets and addresses must
        // be those of the fallback buffer, not of its chunk.
        OffsetFallbackAllocator offsetFallback = new OffsetFallbackAllocator();
        RingByteBufAllocator.Builder builder = RingByteBufAllocator.builder()
                .ringsForAllThreads(false) // the JUnit thread gets no ring: everything from the fallback
                .fallback(offsetFallback);
        if (!heap()) {
            builder.memoryAddressAccess(addressAccess());
        }
        RingByteBufAllocator small = builder.build();
        byte[] data = randomBytes(1000);
        ByteBuf b = heap() ? small.heapBuffer(100) : small.directBuffer(100);
        assertThat(((RingByteBuf) b).isInRing()).isFalse();
        assertThat(b.hasArray()).isEqualTo(heap());
        assertThat(b.hasMemoryAddress()).isEqualTo(addressAccess());
        b.writeBytes(data, 0, 100);
        for (int size : new int[] {100, 1000}) { // then moved to fallback memory of the new size
            b.writeBytes(data, b.writerIndex(), size - b.writerIndex());
            if (heap()) {
                assertThat(Arrays.copyOfRange(b.array(), b.arrayOffset(), b.arrayOffset() + size))
                        .isEqualTo(Arrays.copyOf(data, size));
                assertThat(b.arrayOffset()).isEqualTo(OffsetFallbackAllocator.OFFSET);
            }
            if (addressAccess()) {
                for (int i = 0; i < size; i++) {
                    assertThat(PlatformDependent.getByte(b.memoryAddress() + i)).isEqualTo(data[i]);
                }
            }
            byte[] viaNio = new byte[size];
            b.nioBuffer(0, size).get(viaNio);
            assertThat(viaNio).isEqualTo(Arrays.copyOf(data, size));
            assertThat(ByteBufUtil.getBytes(b)).isEqualTo(Arrays.copyOf(data, size));
        }
        b.release();
        assertThat(offsetFallback.handedOut()).isEqualTo(2);
        assertThat(offsetFallback.outstanding()).isZero();
    }

    // ---- many threads ---------------------------------------------------------------------------------------

    @Test
    void oneBufferCopiedAndDecodedByManyThreadsAtOnce() throws Exception {
        byte[] data = randomBytes(1000);
        buffer.writeBytes(data);
        String expected = buffer.toString(StandardCharsets.ISO_8859_1);
        runConcurrently(4, t -> {
            for (int i = 0; i < 500; i++) {
                ByteBuf copy = buffer.copy();
                try {
                    if (!Arrays.equals(ByteBufUtil.getBytes(copy), data)) {
                        throw new AssertionError("a copy differs");
                    }
                } finally {
                    copy.release();
                }
                if (!buffer.toString(StandardCharsets.ISO_8859_1).equals(expected)) {
                    throw new AssertionError("a decoding differs");
                }
            }
        });
    }

    @Test
    void buffersOfOneRingUsedByManyThreadsAtOnceDoNotInterfere() throws Exception {
        // Every buffer of a ring reads and writes the ring's one memory (one ByteBuffer, one array): no access may
        // depend on state of that memory shared between its buffers.
        int threads = 4;
        ByteBuf[] bufs = new ByteBuf[threads];
        for (int t = 0; t < threads; t++) {
            bufs[t] = newBuffer(2048);
        }
        try {
            runConcurrently(threads, t -> {
                ByteBuf b = bufs[t];
                Random r = new Random(t);
                byte[] data = new byte[2048];
                byte[] got = new byte[2048];
                ByteBuffer direct = ByteBuffer.allocateDirect(2048);
                for (int i = 0; i < 400; i++) {
                    r.nextBytes(data);
                    int how = i % 6;
                    if (how == 0) {
                        b.setBytes(0, data);
                    } else if (how == 1) {
                        b.setBytes(0, ByteBuffer.wrap(data));
                    } else if (how == 2) {
                        b.setBytes(0, new ByteArrayInputStream(data), 2048);
                    } else if (how == 3) {
                        b.setBytes(0, direct.clear().put(data).flip());
                    } else if (how == 4) {
                        b.clear().writeCharSequence(new String(data, StandardCharsets.ISO_8859_1),
                                StandardCharsets.ISO_8859_1);
                    } else {
                        b.setBytes(0, Unpooled.wrappedBuffer(data), 0, 2048);
                    }
                    how = i % 4;
                    if (how == 0) {
                        b.getBytes(0, got);
                    } else if (how == 1) {
                        b.getBytes(0, direct.clear());
                        direct.flip().get(got);
                    } else if (how == 2) {
                        ByteArrayOutputStream out = new ByteArrayOutputStream();
                        b.getBytes(0, out, 2048);
                        System.arraycopy(out.toByteArray(), 0, got, 0, 2048);
                    } else {
                        b.nioBuffer(0, 2048).get(got);
                    }
                    if (!Arrays.equals(got, data)) {
                        throw new AssertionError("thread " + t + " read other bytes than it wrote, round " + i);
                    }
                }
            });
        } finally {
            for (ByteBuf b : bufs) {
                b.release();
            }
        }
    }

    /** A task of one thread among several: its number. */
    interface Worker {
        void run(int thread) throws Exception;
    }

    /** Runs {@code threads} workers at once (released together), waits for all, and fails with the first failure. */
    static void runConcurrently(int threads, Worker worker) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int n = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    worker.run(n);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "contract-worker-" + t);
            thread.start();
            running.add(thread);
        }
        for (Thread thread : running) {
            thread.join();
        }
        assertThat(failures).isEmpty();
    }

    // ---- composite buffers --------------------------------------------------------------------------------

    @Test
    void compositeOfRingBuffers() {
        CompositeByteBuf composite = alloc.compositeBuffer();
        composite.addComponent(true, newBuffer(8).writeLong(1));
        composite.addComponent(true, newBuffer(8).writeLong(2));
        assertThat(composite.readLong()).isEqualTo(1);
        assertThat(composite.readLong()).isEqualTo(2);
        composite.writeInt(3); // grows with a buffer of this allocator
        assertThat(composite.readInt()).isEqualTo(3);
        composite.release();
    }
}
