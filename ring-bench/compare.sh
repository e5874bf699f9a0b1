#!/usr/bin/env sh
# The main job: build the benchmarks and run the allocator comparison.
#
#   ring-bench/compare.sh            short comparison (a few minutes on two cores)
#   ring-bench/compare.sh --full     the whole matrix (well over an hour)
#   ring-bench/compare.sh --help     every option (--only REGEX, --forks N, --out DIR, ...)
#   MVN_ARGS=-Pnetty41 ring-bench/compare.sh    the same against Netty 4.1 (latest 4.1.x)
#
# Prints the tables and the targets, and writes results/<timestamp>/compare.{md,png,csv}
# under the repository root. Needs a JDK 17+ and Maven on the PATH.
set -eu
cd "$(dirname "$0")/.."
echo "Building ring-core, ring-netty and ring-bench ..."
if ! build_log=$(mvn -B -q ${MVN_ARGS:-} clean package -DskipTests -pl ring-bench -am 2>&1); then
  echo "$build_log"
  exit 1
fi
exec java -jar ring-bench/target/benchmarks.jar "$@"
