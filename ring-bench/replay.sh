#!/usr/bin/env sh
# Replays a JFR recording of Netty's buffer events against ring, pooled, adaptive and unpooled direct.
#
#   ring-bench/replay.sh RECORDING.jfr              compare the allocators on the recorded traffic
#   ring-bench/replay.sh RECORDING.jfr --help       every option (--allocators, --rounds, --ring-capacity, ...)
#   ring-bench/replay.sh ring-bench/src/test/resources/dev/ringalloc/bench/replay/http-adaptive.jfr
#
# How to record your own server: docs/replay.md. Prints a table and writes results/<timestamp>/replay.{md,png}
# under the repository root. Builds ring-bench/target/benchmarks.jar first if it is missing.
# Exit code 2: the recording (or an argument) cannot be used; the message says why.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/ring-bench/jvm.sh"
[ -f "$jar" ] || build_jar
exec "$java" $java_flags -cp "$jar" dev.ringalloc.bench.replay.Replay --out "$root/results" "$@"
