package dev.ringalloc.bench;

import org.junit.jupiter.api.Test;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompareTest {

    @Test
    void parsesOptions() {
        Compare.Args a = Compare.Args.parse("--full", "--only", "echo", "--forks", "2", "--time", "200",
                "--out", "/tmp/x", "--jvm", "/opt/jdk");

        assertThat(a.full).isTrue();
        assertThat(a.only).isEqualTo("echo");
        assertThat(a.forks).isEqualTo(2);
        assertThat(a.measurementTime().getTime()).isEqualTo(200);
        assertThat(a.out).isEqualTo("/tmp/x");
        assertThat(a.jvm).isEqualTo("/opt/jdk");
        assertThat(Compare.Args.parse().jvm).isNull();
        assertThatThrownBy(() -> Compare.Args.parse("--bogus")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Compare.Args.parse("--forks", "0")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void medianIgnoresNaN() {
        assertThat(Compare.median(new double[] {3, 1, 2})).isEqualTo(2);
        assertThat(Compare.median(new double[] {4, 1, 2, Double.NaN, 3})).isEqualTo(2.5);
        assertThat(Compare.median(new double[] {Double.NaN})).isNaN();
    }

    @Test
    void shortPlanCoversEveryBenchmarkAndTheFullPlanTheWholeMatrix() {
        Plan quick = Plan.build(false, 0);
        Plan full = Plan.build(true, 0);

        assertThat(quick.configs()).extracting(c -> c.benchmark().getSimpleName()).contains(
                "ShortLivedBenchmark", "FloorBenchmark", "CrossThreadBenchmark", "GrowthBenchmark",
                "RingAlTablesBenchmark", "EchoBenchmark", "MixedWorkloadBenchmark", "MixedFloorBenchmark");
        assertThat(quick.configs()).allSatisfy(c -> assertThat(c.forks()).isEqualTo(1));
        // Full: 5 allocators × 4 sizes × 3 windows + floor 4 × 3; the heap table, 4 heap allocators × 3 sizes;
        // (5 allocators + bound) × 4 hand-off; 5 × 4 growth; 5 rows × 4 implementations × 2 kinds; 5 × 3 echo;
        // benchmark 7: 2 size mixes × (3 shares of long-lived buffers + the hand-off) × 4 direct allocators, and
        // its floor for each mix and share.
        assertThat(full.configs()).hasSize(60 + 12 + 12 + 24 + 20 + 40 + 15 + 32 + 6);
        assertThat(full.filter("^shortLived-heap-w64$").configs()).extracting(c -> c.series() + "@" + c.key())
                .containsExactly("ring@64", "pooled@64", "adaptive@64", "unpooledHeap@64",
                        "ring@1024", "pooled@1024", "adaptive@1024", "unpooledHeap@1024",
                        "ring@16384", "pooled@16384", "adaptive@16384", "unpooledHeap@16384");
        assertThat(full.configs()).filteredOn(c -> c.benchmark() == CrossThreadBenchmark.class
                        || c.benchmark() == MixedWorkloadBenchmark.class || c.benchmark() == MixedFloorBenchmark.class)
                .hasSize(62).allSatisfy(c -> assertThat(c.forks()).isEqualTo(5));
        // Short: one size mix, 1 % long-lived with its floor, and the hand-off.
        assertThat(quick.filter("^mixed").configs()).extracting(c -> c.key() + " " + c.series()).containsExactly(
                "1 % long-lived ring", "1 % long-lived pooled", "1 % long-lived adaptive", "1 % long-lived unpooledDirect",
                "1 % long-lived floor",
                "¼ released by another thread ring", "¼ released by another thread pooled",
                "¼ released by another thread adaptive", "¼ released by another thread unpooledDirect");
        assertThat(full.filter("^echo$").configs()).hasSize(15);
        assertThat(full.tables()).extracting(TableSpec::id).containsExactly("shortLived-w1", "shortLived-w64",
                "shortLived-w1024", "shortLived-heap-w64", "crossThread", "growth-w64", "ringal-fixed", "ringal-extendable", "echo",
                "mixed-logUniform", "mixed-framing");
    }

    @Test
    void forksRunOneAtATimeInterleavedAcrossTheAllocatorsOfOneSize() {
        Plan plan = Plan.build(true, 0).filter("^(crossThread|echo|shortLived-w64)$");
        List<Plan.Run> schedule = plan.schedule();

        // Benchmark 1, window 64: 4 sizes × 5 rounds × (5 allocators + floor); the hand-off: 4 sizes × 5 rounds
        // × (5 allocators + bound); the echo: 3 sizes × 3 rounds × 5 allocators. One fork per run.
        assertThat(schedule).hasSize(120 + 120 + 45);
        assertThat(schedule.subList(0, 7)).extracting(r -> r.config().series() + "@" + r.config().key() + "#" + r.round())
                .containsExactly("ring@64#1", "pooled@64#1", "adaptive@64#1", "unpooledDirect@64#1",
                        "unpooledHeap@64#1", "floor@64#1", "ring@64#2");
        assertThat(schedule.subList(0, 120)).allSatisfy(r -> assertThat(r.rounds()).isEqualTo(5));
        List<Plan.Run> handOff = schedule.subList(120, 240);
        assertThat(handOff.subList(0, 12)).extracting(r -> r.config().series() + "@" + r.config().key() + "#" + r.round())
                .containsExactly("ring@64#1", "pooled@64#1", "adaptive@64#1", "unpooledDirect@64#1",
                        "unpooledHeap@64#1", "bound@64#1", "ring@64#2", "pooled@64#2", "adaptive@64#2",
                        "unpooledDirect@64#2", "unpooledHeap@64#2", "bound@64#2");
        assertThat(handOff).allSatisfy(r -> {
            assertThat(r.config().benchmark()).isEqualTo(CrossThreadBenchmark.class);
            assertThat(r.rounds()).isEqualTo(5);
        });
        assertThat(handOff).extracting(r -> r.config().key()).containsSequence("64", "64").endsWith("65536");
        assertThat(schedule.subList(240, 285)).allSatisfy(r -> {
            assertThat(r.config().benchmark()).isEqualTo(EchoBenchmark.class);
            assertThat(r.rounds()).isEqualTo(3);
        });
        // Every configuration gets exactly its forks, rounds numbered 1..forks in order.
        for (Plan.Config c : plan.configs()) {
            assertThat(schedule.stream().filter(r -> r.config() == c).map(Plan.Run::round))
                    .as(c.describe()).containsExactlyElementsOf(
                            IntStream.rangeClosed(1, c.forks()).boxed().toList());
        }
    }

    @Test
    void configsNameExactlyOneBenchmarkMethod() {
        Plan.Config c = Plan.build(false, 0).configs().get(0);

        assertThat(c.includePattern()).isEqualTo("^\\Qdev.ringalloc.bench.ShortLivedBenchmark.allocateWriteRelease\\E$");
        assertThat(c.describe()).isEqualTo("ShortLivedBenchmark.allocateWriteRelease allocator=ring size=64 window=64");
        assertThat(Plan.build(false, 3).configs()).allSatisfy(x -> assertThat(x.forks()).isEqualTo(3));
    }

    @Test
    void csvHasAHeaderAndOneLinePerMeasurement() {
        String csv = Compare.toCsv(List.of(
                new Measurement("echo", "ring", "1024", 0.1, 5, 2, List.of(7e5),
                        Map.of("latency.p99", 812.0, "gc.count", 3.0)),
                new Measurement("echo", "pooled", "1024", 0.5, 8, 16, List.of(5e5, 6e5, 8e5))));

        assertThat(csv.lines()).containsExactly(
                "table,series,key,ops_per_s,spread,bytes_per_op,direct_mib,forks,fork_ops_per_s,figures",
                "echo,ring,1024,700000.0,0.1000,5.000,2.00,1,700000.0,gc.count=3.00000;latency.p99=812.000",
                "echo,pooled,1024,600000.0,0.5000,8.000,16.00,3,500000.0;600000.0;800000.0,");
    }

    @Test
    void forksOnJdk24AndLaterAllowJmhsUnsafeAndSwitchOffNettysAndRingallocs(@TempDir Path dir) throws Exception {
        assertThat(Compare.forkFlags(17)).isEmpty();
        assertThat(Compare.forkFlags(23)).isEmpty();
        assertThat(Compare.forkFlags(25)).containsExactly("--sun-misc-unsafe-memory-access=allow",
                "-Dio.netty.noUnsafe=true", "-Ddev.ringalloc.noUnsafe=true");

        Files.writeString(dir.resolve("release"), "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"25.0.1\"\n");
        assertThat(Compare.featureVersion(dir.toString())).isEqualTo(25);
        assertThat(Compare.featureVersion(null)).isEqualTo(Runtime.version().feature());
        assertThatThrownBy(() -> Compare.featureVersion(dir.resolve("nowhere").toString()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JDK");
    }

    @Test
    void ringAlScenarioNamesParse() {
        assertThat(RingAlTablesBenchmark.parseScenario("10M_1024_64")).containsExactly(10_000_000L, 1024L, 64L);
        assertThat(RingAlTablesBenchmark.parseScenario("1M_131072_1024")).containsExactly(1_000_000L, 131072L, 1024L);
        assertThatThrownBy(() -> RingAlTablesBenchmark.parseScenario("10M_64"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
