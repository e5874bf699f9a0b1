package dev.ringalloc.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ReportTest {
    private static final TableSpec SHORT = ShortLivedBenchmark.table("64");
    private static final TableSpec RINGAL = RingAlTablesBenchmark.table("fixed");

    private static Measurement m(String table, String series, String size, double ops, double bytes) {
        return new Measurement(table, series, size, 0.05, bytes, 4.0, List.of(ops));
    }

    private static Report sample() {
        return new Report(List.of(SHORT, RINGAL), List.of(
                m("shortLived-w64", "ring", "64", 40e6, 0.001),
                m("shortLived-w64", "pooled", "64", 10e6, 0.0),
                m("shortLived-w64", "adaptive", "64", 25e6, 0.0),
                m("shortLived-w64", "unpooledHeap", "64", 5e6, 144),
                m("shortLived-w64", "floor", "64", 100e6, 0),
                m("shortLived-w64", "ring", "16384", 2e6, 0),
                m("shortLived-w64", "pooled", "16384", 1e6, 0),
                m("shortLived-w64", "floor", "16384", 4e6, 0),
                m("ringal-fixed", "ring", "10M_1024_64", 20e6, 48),
                m("ringal-fixed", "byteArray", "10M_1024_64", 10e6, 530)));
    }

    @Test
    void markdownHasOneRowPerMeasurementWithRatiosToTheBaseline() {
        String md = flat(sample().toMarkdown("title", List.of("- preamble")));

        assertThat(md).startsWith("# title\n\n- preamble\n");
        assertThat(md).contains("## 1. Short-lived Netty buffers, window 64");
        assertThat(md).contains("| size | allocator | ops/s | × pooled | B/op | direct MiB | ± | ns above floor |");
        assertThat(md).contains("| 64 B | ring | 40.00 M | 4.00× | 0 | 4.0 | 5% | 15.0 |");
        assertThat(md).contains("| 64 B | unpooledHeap | 5.00 M | 0.50× | 144 |");
        assertThat(md).contains("| 16 KiB | ring | 2.00 M | 2.00× |");
        // RingAl rows: baseline byte[], and the time the row's 10M iterations take at that rate.
        assertThat(md).contains("| size | implementation | ops/s | × byteArray | B/op | direct MiB | ± | time for the row |");
        assertThat(md).contains("| 10M_1024_64 | ring | 20.00 M | 2.00× | 48 | 4.0 | 5% | 500 ms |");
    }

    @Test
    void targetsAreTheOnesTheBenchmarkDeclares() {
        List<Target.Verdict> targets = sample().verdicts();

        assertThat(targets).extracting(Target.Verdict::claim).containsExactly(
                "shortLived-w64 64 B: ring ≥ 2× pooled",
                "shortLived-w64 64 B: ring ≥ 2× adaptive",
                "shortLived-w64 64 B: ring ahead of unpooledHeap",
                "shortLived-w64 16 KiB: ring's ns above floor ≤ ½ pooled's",
                "shortLived-w64: ring 0 B/op (gc.alloc.rate.norm)");
        assertThat(targets).filteredOn(t -> t.claim().equals("shortLived-w64 64 B: ring ≥ 2× adaptive"))
                .singleElement().satisfies(t -> {
                    assertThat(t.met()).isFalse();
                    assertThat(t.measured()).isEqualTo("1.60×");
                });
        // 16 KiB: ring 500 ns − floor 250 ns = 250 ns; pooled 1000 − 250 = 750 ns: a third, met.
        assertThat(targets).filteredOn(t -> t.claim().contains("16 KiB: ring's ns above floor ≤ ½ pooled"))
                .singleElement().satisfies(t -> {
                    assertThat(t.met()).isTrue();
                    assertThat(t.measured()).isEqualTo("250.0 vs 750.0 ns (0.33)");
                });
        assertThat(targets).filteredOn(t -> t.claim().endsWith("0 B/op (gc.alloc.rate.norm)"))
                .singleElement().satisfies(t -> assertThat(t.met()).isTrue());
    }

    @Test
    void aRingFasterThanTheFloorIsInconclusiveNotMet() {
        Report r = new Report(List.of(SHORT), List.of(
                m("shortLived-w64", "ring", "65536", 800e3, 0),
                m("shortLived-w64", "pooled", "65536", 500e3, 0),
                m("shortLived-w64", "floor", "65536", 700e3, 0)));

        assertThat(r.verdicts()).filteredOn(t -> t.claim().contains("above floor"))
                .singleElement().satisfies(t -> {
                    assertThat(t.outcome()).isEqualTo(Target.Outcome.INCONCLUSIVE);
                    assertThat(t.measured()).startsWith("inconclusive");
                });
    }

    @Test
    void ratiosAndNanosAboveTheFloorArePairedByRound() {
        // Three interleaved rounds; the machine ran round 2 at half speed for everyone. Per round the ring is
        // 2.2×, 2.2× and 1.82× pooled: median 2.2×. The medians alone (ring 20 M from round 3, pooled 10 M from
        // round 1) would compare figures of different minutes and say 2.0×.
        Report r = new Report(List.of(SHORT), List.of(
                new Measurement("shortLived-w64", "ring", "1024", 0, 0, 1, List.of(22e6, 11e6, 20e6)),
                new Measurement("shortLived-w64", "pooled", "1024", 0, 0, 8, List.of(10e6, 5e6, 11e6)),
                new Measurement("shortLived-w64", "floor", "1024", 0, 0, 1, List.of(50e6, 25e6, 50e6))));

        assertThat(r.verdicts()).filteredOn(t -> t.claim().equals("shortLived-w64 1 KiB: ring ≥ 2× pooled"))
                .singleElement().satisfies(t -> {
                    assertThat(t.met()).isTrue();
                    assertThat(t.measured()).isEqualTo("2.20×");
                });
        assertThat(flat(r.toMarkdown("t", List.of()))).contains("| 1 KiB | ring | 20.00 M | 2.20× |");
        // Above the floor, per round: 1e9/22e6 − 1e9/50e6 = 25.5 ns, 1e9/11e6 − 1e9/25e6 = 50.9 ns,
        // 1e9/20e6 − 1e9/50e6 = 30.0 ns: median 30.0 (the medians alone would also give 30.0 here).
        assertThat(Report.nanosAbove(r.find("shortLived-w64", "ring", "1024").orElseThrow(),
                r.find("shortLived-w64", "floor", "1024").orElseThrow())).isCloseTo(30.0, within(1e-9));
        // Forks that were not interleaved (different counts): the ratio of the medians.
        assertThat(Report.ratio(m("x", "a", "1", 30e6, 0), r.find("shortLived-w64", "pooled", "1024").orElseThrow()))
                .isCloseTo(3.0, within(1e-9));
        assertThat(Report.ratio(r.find("shortLived-w64", "ring", "1024").orElseThrow(),
                r.find("shortLived-w64", "pooled", "1024").orElseThrow())).isCloseTo(2.2, within(1e-9));
    }

    @Test
    void aCrossThreadTargetAboveTheBoundSaysItIsOutOfReach() {
        TableSpec cross = CrossThreadBenchmark.table();
        Report r = new Report(List.of(cross), List.of(
                m("crossThread", "ring", "64", 30e6, 0),
                m("crossThread", "adaptive", "64", 10e6, 0),
                m("crossThread", "bound", "64", 90e6, 0),
                m("crossThread", "ring", "65536", 1.0e6, 0),
                m("crossThread", "adaptive", "65536", 0.8e6, 0),
                m("crossThread", "bound", "65536", 1.5e6, 0)));

        List<Target.Verdict> targets = r.verdicts();
        // 64 B: met, nothing added.
        assertThat(targets).filteredOn(t -> t.claim().equals("crossThread 64 B: ring ≥ 2× adaptive"))
                .singleElement().satisfies(t -> {
                    assertThat(t.met()).isTrue();
                    assertThat(t.measured()).isEqualTo("3.00×");
                });
        // 64 KiB: 2 × 0.8 M = 1.6 M is above the bound's 1.5 M: still missed, and the reason is given.
        assertThat(targets).filteredOn(t -> t.claim().equals("crossThread 64 KiB: ring ≥ 2× adaptive"))
                .singleElement().satisfies(t -> {
                    assertThat(t.met()).isFalse();
                    assertThat(t.measured()).isEqualTo("1.25×; out of reach here: 2× adaptive would be 1.07× the "
                            + "bound (the same writes, no allocator); the ring is at 0.67× of it");
                });
        // The bound is no allocator: it gets no target of its own.
        assertThat(targets).extracting(Target.Verdict::claim).noneMatch(c -> c.contains("bound"));
    }

    @Test
    void textTableAlignsColumnsAndListsTargets() {
        String text = sample().toText();

        assertThat(text).contains("1. Short-lived Netty buffers, window 64");
        assertThat(text).contains("\nTargets\n");
        assertThat(text).contains("[MISSED] shortLived-w64 64 B: ring ≥ 2× adaptive: 1.60×");
        List<String> rows = text.lines().filter(l -> l.contains(" 64 B ")).toList();
        assertThat(rows).hasSize(5);
        assertThat(rows).extracting(String::length).containsOnly(rows.get(0).length());
    }

    @Test
    void missingBaselineGivesNoRatioAndNoTarget() {
        Report r = new Report(List.of(SHORT), List.of(m("shortLived-w64", "ring", "64", 1e6, 0)));

        assertThat(flat(r.toMarkdown("t", List.of()))).contains("| 64 B | ring | 1.00 M | – | 0 |");
        assertThat(r.verdicts()).extracting(Target.Verdict::claim)
                .containsExactly("shortLived-w64: ring 0 B/op (gc.alloc.rate.norm)");
    }

    @Test
    void numberFormats() {
        assertThat(Report.ops(1.234e9)).isEqualTo("1.23 G");
        assertThat(Report.ops(987.6e3)).isEqualTo("987.6 k");
        assertThat(Report.ops(12.0)).isEqualTo("12.0");
        assertThat(Report.bytes(0.3)).isEqualTo("0");
        assertThat(Report.bytes(Double.NaN)).isEqualTo("–");
        assertThat(Report.keyLabel("16384")).isEqualTo("16 KiB");
        assertThat(Report.keyLabel("10M_64_64")).isEqualTo("10M_64_64");
        assertThat(RingAlTablesBenchmark.rowTime("1M_65536_64", 2e5)).isEqualTo("5.00 s");
    }

    @Test
    void aTableRendersOnlyWhatItDeclaresWhateverItsId() {
        // Benchmark 1's id, but no column and no target declared: the report adds neither.
        TableSpec bare = TableSpec.of("shortLived-w64", "bare", "pooled", "note");
        Report r = new Report(List.of(bare), List.of(
                m("shortLived-w64", "ring", "64", 10e6, 0),
                m("shortLived-w64", "pooled", "64", 10e6, 0),
                m("shortLived-w64", "floor", "64", 100e6, 0)));

        assertThat(r.verdicts()).isEmpty();
        assertThat(r.header(bare)).containsExactly("size", "allocator", "ops/s", "× pooled", "B/op", "direct MiB", "±");
        assertThat(flat(r.toMarkdown("t", List.of()))).doesNotContain("## Targets").doesNotContain("issue");
    }

    @Test
    void figureColumnsAndTargetsReadWhatTheBenchmarkPublished() {
        TableSpec t = TableSpec.of("mixed", "7. Mixed", "pooled", "note").headings("lifetimes", "allocator")
                .columns(Column.figure("p99.9 ns", "latency.p99.9", "%.0f"))
                .targets(Target.figure("ring's p99.9 latency ≤ %s's", "latency.p99.9", "latency.p99.9", 1, "ns", "pooled"),
                        Target.figure("ring's resident memory ≤ ¼ of %s's usedDirectMemory", "memory.resident",
                                "memory.reserved", 0.25, "MiB", "pooled"));
        Report r = new Report(List.of(t), List.of(
                new Measurement("mixed", "ring", "1 % long-lived", 0, 0, 4, List.of(2e6),
                        Map.of("latency.p99.9", 900.0)),
                new Measurement("mixed", "pooled", "1 % long-lived", 0, 0, 8, List.of(1e6),
                        Map.of("latency.p99.9", 1200.0, "memory.reserved", 16.0)),
                new Measurement("mixed", "ring", "5 % long-lived", 0, 0, 4, List.of(2e6),
                        Map.of("latency.p99.9", 1500.0, "memory.resident", 3.0)),
                new Measurement("mixed", "pooled", "5 % long-lived", 0, 0, 8, List.of(1e6),
                        Map.of("latency.p99.9", 1200.0, "memory.reserved", 16.0))));

        assertThat(flat(r.toMarkdown("t", List.of())))
                .contains("| lifetimes | allocator | ops/s | × pooled | B/op | direct MiB | ± | p99.9 ns |")
                .contains("| 1 % long-lived | ring | 2.00 M | 2.00× | 0 | 4.0 | 0% | 900 |");
        assertThat(r.verdicts()).extracting(v -> v.claim() + " = " + v.outcome() + " (" + v.measured() + ")")
                .containsExactly(
                        "mixed 1 % long-lived: ring's p99.9 latency ≤ pooled's = MET (900.0 vs 1200.0 ns)",
                        "mixed 5 % long-lived: ring's p99.9 latency ≤ pooled's = MISSED (1500.0 vs 1200.0 ns)",
                        // No resident figure for the ring (no ringalloc mapping yet): open, not met, not missed.
                        "mixed 1 % long-lived: ring's resident memory ≤ ¼ of pooled's usedDirectMemory = INCONCLUSIVE "
                                + "(not measured: the run has no memory.resident for the ring)",
                        "mixed 5 % long-lived: ring's resident memory ≤ ¼ of pooled's usedDirectMemory = MET "
                                + "(3.0 vs 16.0 MiB)");
    }

    /** The report with its column padding squeezed to one space, so that rows can be compared cell by cell. */
    private static String flat(String report) {
        return report.replaceAll(" {2,}", " ");
    }
}
