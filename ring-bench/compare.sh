#!/usr/bin/env sh
# The main job: build the benchmarks and run the allocator comparison.
#
#   ring-bench/compare.sh            short comparison (a few minutes on two cores)
#   ring-bench/compare.sh --full     the whole matrix (about two hours)
#   ring-bench/compare.sh --help     every option (--only REGEX, --forks N, --jvm JAVA_HOME, --out DIR, ...)
#   MVN_ARGS=-Pnetty41 ring-bench/compare.sh    the same against Netty 4.1 (latest 4.1.x)
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 ring-bench/compare.sh    build and run on JDK 25
#
# Prints the tables and the targets, and writes results/<timestamp>/compare.{md,png,csv}
# under the repository root. Needs a JDK 17+ (JAVA_HOME, else java on the PATH) and Maven on the PATH.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/ring-bench/jvm.sh"
# Always clean: the compiler would not notice that the Netty on the class path changed (MVN_ARGS=-Pnetty41).
build_jar clean
cd "$root"
exec "$java" $java_flags -jar "$jar" "$@"
