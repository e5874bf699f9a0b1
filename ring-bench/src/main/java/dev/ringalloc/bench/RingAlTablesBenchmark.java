package dev.ringalloc.bench;

import dev.ringalloc.core.ExtendableBuffer;
import dev.ringalloc.core.FixedBuffer;
import dev.ringalloc.core.RingAllocator;
import dev.ringalloc.core.WordCopy;
import io.netty.util.internal.PlatformDependent;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * Benchmark 4 — RingAl's published tables, in Java: ring-core against the JVM's everyday buffers.
 *
 * <p>RingAl's tables are rows of (iterations, largest buffer size, most buffers held). Each iteration
 * makes one buffer of a random length up to the row's size (lengths are pre-drawn with a fixed seed),
 * writes that many bytes, and keeps it; once {@code held} buffers are kept, the oldest is dropped first.
 * {@code kind = fixed} writes the bytes in one call into a buffer of the exact length;
 * {@code kind = extendable} starts at {@value #INITIAL} bytes and writes in {@value #CHUNK}-byte
 * chunks, letting the buffer grow (ring-core: {@link ExtendableBuffer}, then {@code finish()}; byte[] and
 * heap ByteBuffer: copy into one twice as big; ByteArrayOutputStream: its own growth).
 *
 * <p><b>Scaled down:</b> one JMH operation is one iteration of the table, measured as throughput. The
 * table's 10M or 1M iterations are not run as such; the report extrapolates "time for the row's
 * iterations" as iterations ÷ (operations per second). The {@code scenario} name keeps RingAl's row so
 * tables line up.
 *
 * <p>Implementations: {@code ring} (ring-core {@link RingAllocator}, a ring of twice the largest possible
 * bytes held), {@code byteArray} ({@code new byte[]}), {@code heapByteBuffer}
 * ({@code ByteBuffer.allocate}), {@code byteArrayOutputStream}, and {@code copy}: the copy alone, no allocator
 * (the floor). {@code copy} writes the same bytes, in the same calls, into one direct region the size of the
 * ring, at an offset that moves on as the ring's head does (the length in whole words plus an 8-byte guard) and
 * wraps, through the copy ring-core's buffers use: by address, {@link WordCopy} where it pays and one
 * {@code Unsafe.copyMemory} otherwise (Netty's {@code PlatformDependent.copyMemory}); without Unsafe the JDK's bulk put.
 * Its time is what the JVM's copy routine costs on the row; {@code ringal-native --memcpy} does the same
 * copies with the C library's {@code memcpy}, which RingAl's writes end in. {@code gc.alloc.rate.norm} shows the
 * garbage per buffer: ring-core recycles its buffer objects per ring, so its steady state allocates nothing
 * (0 B/op, fixed and extendable, finish included); every other implementation allocates at least the bytes.
 */
@State(Scope.Thread)
@Threads(1)
public class RingAlTablesBenchmark extends EventLoopBenchmark {
    /** Capacity an extendable buffer starts with. */
    public static final int INITIAL = 64;
    /** Bytes per write call of the extendable kind. */
    public static final int CHUNK = 128;
    /** Lengths drawn per row, then used in turn. */
    static final int LENGTHS = 1 << 14;

    /** RingAl's row: {@code <iterations>_<largest buffer>_<most held>}. */
    @Param({"10M_64_64", "10M_1024_64", "10M_1024_1024", "1M_65536_64", "1M_131072_1024"})
    public String scenario;

    /** {@code ring}, {@code byteArray}, {@code heapByteBuffer}, {@code byteArrayOutputStream} or {@code copy}. */
    @Param({"ring", "byteArray", "heapByteBuffer", "byteArrayOutputStream", "copy"})
    public String impl;

    /** {@code fixed} or {@code extendable}. */
    @Param({"fixed", "extendable"})
    public String kind;

    private int maxSize;
    private int held;
    private int mode;
    private int[] lengths;
    private byte[] payload;
    private Object[] kept;
    private int next;
    private RingAllocator ring;
    /** {@code impl = copy}: the region written (read by the test), and its address where Unsafe is used, else 0. */
    ByteBuffer region;
    private long regionAddress;
    /** {@code impl = copy}: where the next buffer's guard would be (read by the test). */
    int regionOffset;

    /**
     * Its table for {@code kind}: implementations against {@code byte[]}, with the time the row's iterations
     * take at the measured rate. No target: ring-core's figures are reported, not claimed.
     */
    static TableSpec table(String kind) {
        return TableSpec.of("ringal-" + kind, "4. RingAl's table in Java, " + kind + " buffers", "byteArray",
                        "rows are iterations_largest-size_most-held; one op = one buffer; "
                                + "time for the row = iterations / ops/s")
                .headings("size", "implementation")
                .columns(new Column("time for the row", (report, m) -> rowTime(m.key(), m.opsPerSec())));
    }

    /** The time RingAl's row {@code scenario} takes at {@code opsPerSec}: its iterations ÷ the rate. */
    static String rowTime(String scenario, double opsPerSec) {
        try {
            double seconds = parseScenario(scenario)[0] / opsPerSec;
            return seconds >= 1 ? String.format(Locale.ROOT, "%.2f s", seconds)
                    : String.format(Locale.ROOT, "%.0f ms", seconds * 1e3);
        } catch (RuntimeException e) {
            return "–";
        }
    }

    /** Scenario row parsed: iterations, largest size, most held. */
    static long[] parseScenario(String scenario) {
        String[] parts = scenario.split("_");
        if (parts.length != 3) {
            throw new IllegalArgumentException("scenario must be <iterations>_<size>_<held>, got " + scenario);
        }
        String it = parts[0].toUpperCase(Locale.ROOT);
        long scale = it.endsWith("M") ? 1_000_000L : it.endsWith("K") ? 1_000L : 1L;
        long iterations = Long.parseLong(scale == 1 ? it : it.substring(0, it.length() - 1)) * scale;
        return new long[] {iterations, Long.parseLong(parts[1]), Long.parseLong(parts[2])};
    }

    /** Parses the row, draws the lengths, makes the ring for {@code impl = ring}. */
    @Setup(Level.Trial)
    public void setUp() {
        FastThreadExecutor.requireFastThreadLocalThread();
        long[] row = parseScenario(scenario);
        maxSize = (int) row[1];
        held = (int) row[2];
        if (Integer.bitCount(held) != 1) {
            throw new IllegalArgumentException("held must be a power of two, got " + held);
        }
        boolean extendable;
        switch (kind) {
            case "fixed": extendable = false; break;
            case "extendable": extendable = true; break;
            default: throw new IllegalArgumentException("kind must be fixed or extendable, got " + kind);
        }
        switch (impl) {
            case "ring": mode = 0; break;
            case "byteArray": mode = 1; break;
            case "heapByteBuffer": mode = 2; break;
            case "byteArrayOutputStream": mode = 3; break;
            case "copy": mode = 4; break;
            default: throw new IllegalArgumentException("unknown impl " + impl);
        }
        mode = mode * 2 + (extendable ? 1 : 0);
        lengths = Payloads.lengths(LENGTHS, maxSize);
        payload = Payloads.bytes(maxSize);
        kept = new Object[held];
        // Extendable growth may briefly hold the old and the doubled region.
        int ringCapacity = NettyAllocator.ringCapacityFor((long) held * maxSize + 4L * maxSize);
        if ("ring".equals(impl)) {
            ring = RingAllocator.create(ringCapacity);
        } else if ("copy".equals(impl)) {
            region = ByteBuffer.allocateDirect(ringCapacity);
            regionAddress = PlatformDependent.hasUnsafe() ? PlatformDependent.directBufferAddress(region) : 0;
        }
    }

    /** One row iteration: drop the oldest if {@code held} are kept, make, fill and keep one buffer. */
    @Benchmark
    public void iteration() {
        int i = next++;
        int slot = i & (held - 1);
        int len = lengths[i & (LENGTHS - 1)];
        Object oldest = kept[slot];
        if (oldest instanceof FixedBuffer) {
            ((FixedBuffer) oldest).close();
        }
        Object made;
        switch (mode) {
            case 0: made = ring.fixed(len).write(payload, 0, len); break;
            case 1: made = ringExtendable(len); break;
            case 2: made = fixedArray(len); break;
            case 3: made = extendableArray(len); break;
            case 4: made = ByteBuffer.allocate(len).put(payload, 0, len); break;
            case 5: made = extendableByteBuffer(len); break;
            case 6: made = fixedStream(len); break;
            case 7: made = extendableStream(len); break;
            case 8: made = copy(len, len); break;
            case 9: made = copy(len, CHUNK); break;
            default: throw new AssertionError(mode);
        }
        kept[slot] = made;
    }

    private byte[] fixedArray(int len) {
        byte[] a = new byte[len];
        System.arraycopy(payload, 0, a, 0, len);
        return a;
    }

    /**
     * {@code impl = copy}: {@code len} bytes of the payload, in calls of at most {@code chunk} bytes, to where the
     * ring's next buffer would be; returns the region (kept like a buffer, so that nothing is optimised away).
     */
    private ByteBuffer copy(int len, int chunk) {
        int at = regionOffset;
        int span = Long.BYTES + ((len + Long.BYTES - 1) & -Long.BYTES); // a guard, then the payload in whole words
        if (at + span > region.capacity()) {
            at = 0;
        }
        int payloadAt = at + Long.BYTES;
        for (int from = 0; from < len; from += chunk) {
            int n = Math.min(chunk, len - from);
            if (regionAddress == 0) {
                region.put(payloadAt + from, payload, from, n);
            } else if (WordCopy.pays(n)) {
                WordCopy.fromArray(payload, from, regionAddress + payloadAt + from, n);
            } else {
                PlatformDependent.copyMemory(payload, from, regionAddress + payloadAt + from, n);
            }
        }
        regionOffset = at + span;
        return region;
    }

    private ByteArrayOutputStream fixedStream(int len) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(len);
        out.write(payload, 0, len);
        return out;
    }

    private FixedBuffer ringExtendable(int len) {
        ExtendableBuffer buf = ring.extendable(INITIAL);
        for (int at = 0; at < len; at += CHUNK) {
            buf.write(payload, at, Math.min(CHUNK, len - at));
        }
        return buf.finish();
    }

    private byte[] extendableArray(int len) {
        byte[] a = new byte[INITIAL];
        int length = 0;
        for (int at = 0; at < len; at += CHUNK) {
            int n = Math.min(CHUNK, len - at);
            if (length + n > a.length) {
                a = Arrays.copyOf(a, Math.max(2 * a.length, length + n));
            }
            System.arraycopy(payload, at, a, length, n);
            length += n;
        }
        return a;
    }

    private ByteBuffer extendableByteBuffer(int len) {
        ByteBuffer b = ByteBuffer.allocate(INITIAL);
        for (int at = 0; at < len; at += CHUNK) {
            int n = Math.min(CHUNK, len - at);
            if (n > b.remaining()) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(2 * b.capacity(), b.position() + n));
                b.flip();
                bigger.put(b);
                b = bigger;
            }
            b.put(payload, at, n);
        }
        return b;
    }

    private ByteArrayOutputStream extendableStream(int len) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(INITIAL);
        for (int at = 0; at < len; at += CHUNK) {
            out.write(payload, at, Math.min(CHUNK, len - at));
        }
        return out;
    }

    /** Releases what is kept and closes the ring. */
    @TearDown(Level.Trial)
    public void tearDown() {
        for (int i = 0; i < kept.length; i++) {
            if (kept[i] instanceof FixedBuffer) {
                ((FixedBuffer) kept[i]).close();
            }
            kept[i] = null;
        }
        if (ring != null) {
            ring.close(Duration.ofSeconds(5));
        }
    }
}
