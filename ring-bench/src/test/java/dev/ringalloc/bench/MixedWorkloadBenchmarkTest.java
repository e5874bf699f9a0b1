package dev.ringalloc.bench;

import dev.ringalloc.netty.RingByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

import static dev.ringalloc.bench.MixedWorkloadBenchmark.LONG_LIVED;
import static dev.ringalloc.bench.MixedWorkloadBenchmark.REMOTE;
import static dev.ringalloc.bench.MixedWorkloadBenchmark.SIZE_MASK;
import static dev.ringalloc.bench.MixedWorkloadBenchmark.TIMED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MixedWorkloadBenchmarkTest {

    private static double share(int[] sequence, IntPredicate p) {
        return Arrays.stream(sequence).filter(p).count() / (double) sequence.length;
    }

    private static int[] sizes(int[] sequence) {
        return Arrays.stream(sequence).map(e -> e & SIZE_MASK).toArray();
    }

    @Test
    void logUniformSizesSpan64BytesTo16KiB() {
        int[] sizes = sizes(MixedWorkloadBenchmark.sequence("logUniform", 0, 0));

        assertThat(Arrays.stream(sizes).min().orElseThrow()).isEqualTo(64);
        assertThat(Arrays.stream(sizes).max().orElseThrow()).isBetween(16000, 16384);
        // Log-uniform: as many below the geometric middle (1 KiB) as above it, a quarter below 256 B.
        assertThat(share(sizes, s -> s < 1024)).isCloseTo(0.5, within(0.02));
        assertThat(share(sizes, s -> s < 256)).isCloseTo(0.25, within(0.02));
    }

    @Test
    void framingSizesAreMostlyUpTo1KiBWithATailTo64KiB() {
        int[] sizes = sizes(MixedWorkloadBenchmark.sequence("framing", 0, 0));

        assertThat(share(sizes, s -> s <= 1024)).isCloseTo(0.9, within(0.01));
        assertThat(share(sizes, s -> s > 16384)).isCloseTo(0.1 / 3, within(0.01));
        assertThat(Arrays.stream(sizes).min().orElseThrow()).isEqualTo(32);
        assertThat(Arrays.stream(sizes).max().orElseThrow()).isBetween(60000, 65536);
        assertThatThrownBy(() -> MixedWorkloadBenchmark.sequence("uniform", 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lifetimesAndTimingFollowTheirSharesWhileSizesStayTheSameInEveryVariant() {
        int[] none = MixedWorkloadBenchmark.sequence("framing", 0, 0);
        int[] fivePercent = MixedWorkloadBenchmark.sequence("framing", 0.05, 0);

        assertThat(fivePercent).as("a fixed seed").isEqualTo(MixedWorkloadBenchmark.sequence("framing", 0.05, 0));
        assertThat(share(none, e -> (e & LONG_LIVED) != 0)).isZero();
        assertThat(share(fivePercent, e -> (e & LONG_LIVED) != 0)).isCloseTo(0.05, within(0.005));
        assertThat(share(none, e -> (e & REMOTE) != 0)).isCloseTo(0.25, within(0.01));
        assertThat(share(fivePercent, e -> (e & REMOTE) != 0 && (e & LONG_LIVED) != 0)).isZero();
        assertThat(share(none, e -> (e & TIMED) != 0)).isCloseTo(1.0 / 32, within(0.004));
        assertThat(sizes(fivePercent)).isEqualTo(sizes(none));
        assertThat(Arrays.stream(fivePercent).map(e -> e & TIMED).toArray())
                .isEqualTo(Arrays.stream(none).map(e -> e & TIMED).toArray());
    }

    @Test
    void peakBytesInFlightFillsEveryWindowAndEveryVariantFitsTheDefaultRing() {
        int[] same = new int[256];
        Arrays.fill(same, 1000);
        assertThat(MixedWorkloadBenchmark.peakBytesInFlight(same, 1)).as("64 short-lived, 72 B each for guard and alignment")
                .isEqualTo(64 * 1072L);
        for (int i = 0; i < same.length; i += 2) {
            same[i] |= LONG_LIVED;
        }
        assertThat(MixedWorkloadBenchmark.peakBytesInFlight(same, 100)).isEqualTo((64 + 100) * 1072L);

        for (String sizes : List.of("logUniform", "framing")) {
            for (int percent : new int[] {0, 1, 5}) {
                long peak = MixedWorkloadBenchmark.peakBytesInFlight(
                        MixedWorkloadBenchmark.sequence(sizes, percent / 100.0, 0),
                        MixedWorkloadBenchmark.longWindow(percent));
                assertThat(peak).as(sizes + ", " + percent + " %")
                        .isLessThanOrEqualTo(RingByteBufAllocator.DEFAULT_RING_CAPACITY);
            }
        }
    }

    @Test
    void theFloorCyclesThroughThePeakBytesInFlightWithEveryCopyInside() {
        assertThat(MixedWorkloadBenchmark.longWindow(0)).isEqualTo(1);
        assertThat(MixedWorkloadBenchmark.longWindow(1)).isEqualTo(64);
        assertThat(MixedWorkloadBenchmark.longWindow(5)).isEqualTo(320);
        for (String sizes : List.of("logUniform", "framing")) {
            for (int percent : new int[] {0, 1, 5}) {
                int[] sequence = MixedWorkloadBenchmark.sequence(sizes, percent / 100.0, 0);
                int span = MixedFloorBenchmark.span(sequence, percent);
                assertThat((long) span).isEqualTo(MixedWorkloadBenchmark.peakBytesInFlight(sequence,
                        MixedWorkloadBenchmark.longWindow(percent)));
                int offset = 0;
                int wraps = 0;
                for (int i = 0; i < 2 * sequence.length; i++) {
                    int size = sequence[i % sequence.length] & SIZE_MASK;
                    int at = MixedFloorBenchmark.copyStart(offset, size, span);
                    assertThat(at).as(sizes + ", " + percent + " %, op " + i).isBetween(0, span - size);
                    wraps += at < offset ? 1 : 0;
                    offset = MixedFloorBenchmark.copyEnd(at, size);
                    assertThat(offset % 8).isZero();
                }
                // Two passes write about 2 × 16 Ki × the mean size: many times the span, so it cycles.
                assertThat(wraps).as(sizes + ", " + percent + " %").isGreaterThan(10);
            }
        }
    }

    @Test
    void theFloorIsBenchmark7sReferenceWhatTheRingCostsAboveItIsAColumn() {
        TableSpec t = MixedWorkloadBenchmark.table("framing");
        String key = MixedWorkloadBenchmark.key(1);
        Report r = new Report(List.of(t), List.of(
                new Measurement(t.id(), "ring", key, 0, 0, 4, List.of(10e6)),
                new Measurement(t.id(), "pooled", key, 0, 0, 4, List.of(5e6)),
                new Measurement(t.id(), MixedFloorBenchmark.SERIES, key, 0, 0, 0, List.of(25e6)),
                new Measurement(t.id(), "ring", MixedWorkloadBenchmark.HAND_OFF, 0, 0, 4, List.of(8e6))));

        assertThat(t.reference()).isEqualTo(MixedFloorBenchmark.SERIES);
        String md = r.toMarkdown("t", List.of()).replaceAll(" {2,}", " ");
        assertThat(md).contains("| lifetimes | allocator | ops/s | × pooled | B/op | direct MiB | ± | ns above floor |");
        // 1e9 / 10e6 − 1e9 / 25e6 = 100 − 40 ns; pooled 200 − 40 ns; the hand-off has no floor.
        assertThat(md).contains("| " + key + " | ring | 10.00 M | 2.00× | 0 | 4.0 | 0% | 60.0 |")
                .contains("| " + key + " | pooled | 5.00 M | 1.00× | 0 | 4.0 | 0% | 160.0 |")
                .contains("| " + MixedWorkloadBenchmark.HAND_OFF + " | ring | 8.00 M | – | 0 | 4.0 | 0% | – |");
    }

    @Test
    void aWindowOfAnyLengthReleasesItsOldestBufferFirst() {
        Window window = new Window(3);
        ByteBuf[] bufs = new ByteBuf[5];
        for (int i = 0; i < bufs.length; i++) {
            window.releaseOldest();
            bufs[i] = Unpooled.buffer(8);
            window.add(bufs[i]);
        }
        assertThat(Arrays.stream(bufs).mapToInt(ByteBuf::refCnt)).containsExactly(0, 0, 1, 1, 1);
        window.releaseAll();
        assertThat(Arrays.stream(bufs).mapToInt(ByteBuf::refCnt)).containsOnly(0);
        assertThatThrownBy(() -> new Window(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
