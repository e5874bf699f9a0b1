#!/usr/bin/env bash
# Benchmark 4 on ring-core and `new byte[]` (JMH, RingAlTablesBenchmark) and on RingAl 0.4 itself (this crate), one
# after the other in each round, the order alternating, then the median ns per buffer of each row and the ratios.
# Beside them, the copies alone: the JVM's copy routine (the JMH `copy` implementation) and the C library's memcpy
# (`ringal-native --memcpy`), the same bytes to the same places.
#   ring-bench/ringal-native/same-run.sh [ROUNDS]        (default 3; needs cargo and the benchmarks jar)
# Offline, with RingAl's source at hand: RINGAL_SOURCE=/path/to/ringal ring-bench/ringal-native/same-run.sh
set -euo pipefail
rounds=${1:-3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
jar=$root/ring-bench/target/benchmarks.jar
if [ ! -f "$jar" ]; then
    echo "no $jar: build it first (mvn -B package -DskipTests -pl ring-bench -am)" >&2
    exit 1
fi
command -v cargo > /dev/null || { echo "cargo not found: RingAl is a Rust crate (https://rustup.rs)" >&2; exit 1; }
cargo_args=(build --release --quiet --manifest-path "$here/Cargo.toml")
if [ -n "${RINGAL_SOURCE:-}" ]; then
    cargo_args+=(--offline --config "patch.crates-io.ringal.path=\"$RINGAL_SOURCE\"")
fi
cargo "${cargo_args[@]}"
out=$root/results/$(date +%Y%m%d-%H%M%S)-ringal
mkdir -p "$out"
ring_core() {
    java -cp "$jar" org.openjdk.jmh.Main 'RingAlTablesBenchmark.iteration' -p impl=ring,byteArray,copy -p kind=fixed,extendable \
        -f 1 -wi 2 -w 1s -i 3 -r 1s -prof gc -rf csv -rff "$out/ring-core-$1.csv" > "$out/ring-core-$1.log"
}
ringal() {
    "$here/target/release/ringal-native" fixed,extendable > "$out/ringal-$1.txt"
    "$here/target/release/ringal-native" --memcpy fixed,extendable > "$out/memcpy-$1.txt"
}
for r in $(seq 1 "$rounds"); do
    echo "round $r of $rounds"
    if (( r % 2 )); then ring_core "$r"; ringal "$r"; else ringal "$r"; ring_core "$r"; fi
done
# Rows "kind scenario ns" from both sides, then the medians.
{
    for f in "$out"/ring-core-*.csv; do
        # "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit","Param: impl","Param: kind","Param: scenario"
        awk -F, '$1 == "\"dev.ringalloc.bench.RingAlTablesBenchmark.iteration\"" {
            gsub(/["\r]/, ""); printf "%s %s %s %.1f\n", $8 == "ring" ? "ring-core" : $8, $9, $10, 1e9 / $5 }' "$f"
    done
    cat "$out"/ringal-*.txt "$out"/memcpy-*.txt | awk '{ print $1, $2, $3, $4 }'
} | sort -k2,2 -k3,3 -k1,1 -k4,4n | awk '
    { key = $2 " " $3; n[$1 " " key]++; v[$1 " " key, n[$1 " " key]] = $4 }
    function median(who, key,   c) { c = n[who " " key]; return c ? v[who " " key, int((c + 1) / 2)] : 0 }
    END {
        print "| kind | row | ring-core ns | byte[] ns | RingAl ns | ring-core ÷ RingAl | byte[] ÷ ring-core |" \
            " JVM copy ns | memcpy ns | JVM copy ÷ memcpy |"
        print "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
        split("fixed extendable", kinds, " ")
        split("10M_64_64 10M_1024_64 10M_1024_1024 1M_65536_64 1M_131072_1024", rows, " ")
        for (i = 1; i <= 2; i++) {
            for (j = 1; j <= 5; j++) {
                key = kinds[i] " " rows[j]; a = median("ring-core", key); b = median("ringal", key)
                c = median("byteArray", key); d = median("copy", key); e = median("memcpy", key)
                printf "| %s | %s | %.1f | %.1f | %.1f | %.2f | %.2f | %.1f | %.1f | %.2f |\n", kinds[i], rows[j], a, c,
                    b, b ? a / b : 0, a ? c / a : 0, d, e, e ? d / e : 0
            }
        }
    }' | tee "$out/same-run.md"
echo "logs and table: $out"
