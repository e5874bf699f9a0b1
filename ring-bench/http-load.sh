#!/usr/bin/env sh
# End to end: the HTTP server of ring-bench with each allocator in turn (interleaved rounds), driven by wrk
# over loopback; prints a markdown table (req/s and ratios, p99, VmRSS, direct memory, ring RSS) and writes
# it to results/<timestamp>/http-load.md under the repository root.
#
#   ring-bench/http-load.sh                           ring, pooled, adaptive; 3 rounds of 5 s warm-up + 10 s (~3 min)
#   ring-bench/http-load.sh --rounds 5 --duration 30  longer
#   ring-bench/http-load.sh --tls --gzip --body 64-16384 --profile
#   ring-bench/http-load.sh --help                    every option
#
# Needs wrk (apt-get install -y wrk). --profile also needs async-profiler, which Maven downloads from Maven
# Central into ring-bench/target/async-profiler (Linux x64/arm64, macOS). Builds benchmarks.jar if missing.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v wrk >/dev/null 2>&1; then
  echo "http-load: wrk not found. Install it (Debian/Ubuntu: apt-get install -y wrk; macOS: brew install wrk) and run again." >&2
  exit 2
fi
. "$root/ring-bench/jvm.sh"
[ -f "$jar" ] || build_jar
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-x64 ;;
  Linux-aarch64) platform=linux-arm64 ;;
  Darwin-*) platform=macos ;;
  *) platform=unknown ;;
esac
profiler="$root/ring-bench/target/async-profiler/$platform/libasyncProfiler.so"
for arg in "$@"; do
  if [ "$arg" = "--profile" ] && [ ! -f "$profiler" ]; then
    echo "Downloading async-profiler into ring-bench/target/async-profiler ..." >&2
    mvn -B -q -f "$root/pom.xml" -pl ring-bench dependency:unpack@async-profiler >&2 || true
  fi
done
exec "$java" $java_flags -cp "$jar" dev.ringalloc.bench.server.HttpLoad --out "$root/results" --async-profiler "$profiler" "$@"
